// SPDX-License-Identifier: MIT
// runtime.error / result: result<T>, the non-throwing form of an operation that can fail with runtime::error,
// and capture(), which turns a throwing call into one.
#ifndef RUNTIME_MODULE
#  include <exception>
#  include <optional>
#  include <type_traits>
#  include <utility>
#  include <variant>
#endif
#include "runtime/error/error.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ERROR_RESULT_HPP_)
#define RUNTIME_ERROR_RESULT_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

/// Holds either a T or a runtime::error, for hot or noexcept paths (libstdc++ 12 has no std::expected).
/// value() throws the held error; error() and operator* require the matching state.
template <class T>
class [[nodiscard]] result {
  static_assert(!std::is_reference_v<T> && !std::is_same_v<std::remove_cv_t<T>, ::runtime::error>,
                "result<T>: T must be an object type other than error");

 public:
  using value_type = T;
  template <class U = T>
    requires std::is_constructible_v<T, U&&> && (!std::is_same_v<std::remove_cvref_t<U>, result>) &&
             (!std::is_same_v<std::remove_cvref_t<U>, ::runtime::error>)
  result(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}
  result(::runtime::error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { check(); return *std::get_if<0>(&v_); }
  const T& value() const& { check(); return *std::get_if<0>(&v_); }
  T&& value() && { check(); return std::move(*std::get_if<0>(&v_)); }
  template <class U>
  T value_or(U&& fallback) const& { return has_value() ? *std::get_if<0>(&v_) : static_cast<T>(std::forward<U>(fallback)); }

  /// \pre has_value()
  T& operator*() & noexcept { return *std::get_if<0>(&v_); }
  const T& operator*() const& noexcept { return *std::get_if<0>(&v_); }
  T* operator->() noexcept { return std::get_if<0>(&v_); }
  const T* operator->() const noexcept { return std::get_if<0>(&v_); }

  /// \pre !has_value()
  const ::runtime::error& error() const& noexcept { return *std::get_if<1>(&v_); }
  ::runtime::error&& error() && noexcept { return std::move(*std::get_if<1>(&v_)); }

 private:
  void check() const {
    if (!has_value()) throw *std::get_if<1>(&v_);
  }
  std::variant<T, ::runtime::error> v_;
};

/// result<void>: success or an error.
template <>
class [[nodiscard]] result<void> {
 public:
  using value_type = void;
  result() noexcept = default;
  result(::runtime::error e) : e_(std::move(e)) {}
  bool has_value() const noexcept { return !e_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  /// Throws the held error, if any.
  void value() const {
    if (e_) throw *e_;
  }
  /// \pre !has_value()
  const ::runtime::error& error() const& noexcept { return *e_; }
  ::runtime::error&& error() && noexcept { return std::move(*e_); }

 private:
  std::optional<::runtime::error> e_;
};

/// Runs `f` and returns its value, or the error it threw (runtime::error or any exception, converted by
/// from_current_exception), as a result.
template <class F>
auto capture(F&& f) -> result<std::invoke_result_t<F&&>> {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F&&>>) {
      std::forward<F>(f)();
      return {};
    } else {
      return std::forward<F>(f)();
    }
  } catch (...) {
    return from_current_exception();
  }
}

} }  // namespace runtime::v1
RUNTIME_EXPORT_END

#endif
