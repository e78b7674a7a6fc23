// SPDX-License-Identifier: MIT
// runtime.log / span: timed spans: a scope that logs how long it took, at no cost when its level is off.
#ifndef RUNTIME_MODULE
#  include <chrono>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <utility>
#endif
#include "runtime/log/format.hpp"
#include "runtime/log/output.hpp"
#include "runtime/log/write.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_LOG_SPAN_HPP_)
#define RUNTIME_LOG_SPAN_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace log {

/// A scoped span: when it ends it writes "<name> took <ms>ms" (JSON: "elapsed_ms") at its level. A span
/// whose level is disabled when it starts reads no clock and copies nothing. The target is copied, so a
/// temporary string may name it.
class span {
 public:
  span(level l, std::string_view target, std::string name)
      : level_(l), name_(std::move(name)), on_(log::enabled(l, target)) {
    if (on_) {
      target_.assign(target);  // only an enabled span keeps it (short names fit the string's own buffer)
      start_ = std::chrono::steady_clock::now();
    }
  }
  explicit span(std::string name) : span(level::debug, {}, std::move(name)) {}
  span(const span&) = delete;
  span& operator=(const span&) = delete;
  ~span() { finish(); }

  /// Ends the span now (idempotent); returns the elapsed milliseconds, or 0 when disabled.
  double finish() {
    if (!on_) return 0;
    on_ = false;
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    auto shape = detail::admit(level_, target_);
    if (!shape) return ms;
    std::string msg = name_;
    if (shape->format_ == format::text) {
      msg += " took ";
      detail::vformat(msg, "{}ms", static_cast<double>(static_cast<long long>(ms * 1000)) / 1000.0);
    }
    detail::emit(*shape, level_, target_, msg, ms);
    return ms;
  }

 private:
  level level_;
  std::string target_;
  std::string name_;
  bool on_;
  std::chrono::steady_clock::time_point start_{};
};

} } }  // namespace runtime::v1::log
RUNTIME_EXPORT_END

#endif
