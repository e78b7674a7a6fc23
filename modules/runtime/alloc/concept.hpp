// SPDX-License-Identifier: MIT
// runtime.alloc / concept: the Allocator concept and its optional parts, allocator_traits (uniform
// access with defaults), allocator_ref (a non-owning handle), and the size arithmetic policies share.
//
// Out of memory: every policy reports exhaustion by throwing std::bad_alloc (mimalloc's null return and
// arithmetic overflow of a size included); no policy returns nullptr from allocate().
#ifndef RUNTIME_MODULE
#  include <concepts>
#  include <cstddef>
#  include <cstdint>
#  include <limits>
#  include <new>
#  include <string_view>
#  include <type_traits>
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_CONCEPT_HPP_)
#define RUNTIME_ALLOC_CONCEPT_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

// v rounded up to a multiple of a (a power of two).
inline std::uintptr_t align_up(std::uintptr_t v, std::size_t a) noexcept {
  return (v + (a - 1)) & ~(std::uintptr_t(a) - 1);
}

// Overflow of a size computation is an out-of-memory condition, never a wrap-around.
inline std::size_t checked_add(std::size_t a, std::size_t b) {
  if (a > std::numeric_limits<std::size_t>::max() - b) throw std::bad_alloc();
  return a + b;
}

} } }  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

/// Part 1 of Allocator: `void* a.allocate(std::size_t size, std::size_t align)`.
/// \returns memory for `size` bytes aligned to `align` (a power of two); \throws std::bad_alloc, never null.
template <class A>
concept HasAllocate = requires(A& a, std::size_t n, std::size_t align) {
  { a.allocate(n, align) } -> std::same_as<void*>;
};

/// Part 2 of Allocator: `a.deallocate(void* p, std::size_t size, std::size_t align)` with the size and
/// alignment given to allocate().
template <class A>
concept HasDeallocate = requires(A& a, void* p, std::size_t n, std::size_t align) { a.deallocate(p, n, align); };

/// The minimal allocator: allocate and deallocate with size and alignment. Everything else is optional and
/// reached through allocator_traits. A type that fails names the missing part (HasAllocate/HasDeallocate)
/// in the compiler's diagnostic; `static_assert(runtime::checked_allocator<T>)` spells it out in English.
template <class A>
concept Allocator = HasAllocate<A> && HasDeallocate<A>;

/// Optional: `bool a.try_resize(void* p, std::size_t old_size, std::size_t new_size, std::size_t align)`
/// grows or shrinks in place; false leaves the block untouched.
template <class A>
concept HasTryResize = requires(A& a, void* p, std::size_t n, std::size_t align) {
  { a.try_resize(p, n, n, align) } -> std::convertible_to<bool>;
};
/// Optional: `bool a.owns(const void* p) const` — whether p came from this allocator.
template <class A>
concept HasOwns = requires(const A& a, const void* p) {
  { a.owns(p) } -> std::convertible_to<bool>;
};
/// Optional: `static constexpr std::string_view name` (or a `name()` member) for diagnostics.
template <class A>
concept HasName = requires { { A::name } -> std::convertible_to<std::string_view>; };
/// Optional: `static constexpr bool is_thread_safe` — allocate/deallocate may be called concurrently.
template <class A>
concept HasThreadSafety = requires { { A::is_thread_safe } -> std::convertible_to<bool>; };

/// True when A is an Allocator; when it is not, instantiating it fails with a static_assert that says which
/// requirement is missing (use as `static_assert(runtime::checked_allocator<T>)`).
template <class A>
inline constexpr bool checked_allocator = [] {
  static_assert(HasAllocate<A>,
                "type is not a runtime::Allocator: it does not provide `void* allocate(std::size_t size, "
                "std::size_t align)`");
  static_assert(HasDeallocate<A>,
                "type is not a runtime::Allocator: it does not provide `void deallocate(void* p, std::size_t "
                "size, std::size_t align)`");
  return true;
}();

/// Uniform access to an Allocator; fills in every optional part. Callers go through it rather than calling
/// members directly, so a policy only writes what it can do better than the default.
template <class A>
struct allocator_traits {
  static_assert(HasAllocate<A>,
                "runtime::allocator_traits<A>: A is not an Allocator: it does not provide `void* allocate(std::size_t "
                "size, std::size_t align)`");
  static_assert(HasDeallocate<A>,
                "runtime::allocator_traits<A>: A is not an Allocator: it does not provide `void deallocate(void* p, "
                "std::size_t size, std::size_t align)`");

  /// \pre align is a power of two. \throws std::bad_alloc on exhaustion.
  [[gnu::always_inline]] static void* allocate(A& a, std::size_t n, std::size_t align) { return a.allocate(n, align); }
  /// \pre (p, n, align) are exactly what allocate() was given/returned.
  [[gnu::always_inline]] static void deallocate(A& a, void* p, std::size_t n, std::size_t align) {
    a.deallocate(p, n, align);
  }
  /// In-place resize; the default (no member) is "cannot" — the caller then allocates, copies and frees.
  static bool try_resize(A& a, void* p, std::size_t old_n, std::size_t new_n, std::size_t align) {
    if constexpr (HasTryResize<A>) return a.try_resize(p, old_n, new_n, align);
    else return false;
  }
  /// Whether `owns()` can answer; without it, owns() is not available.
  static constexpr bool has_owns = HasOwns<A>;
  static bool owns(const A& a, const void* p) requires HasOwns<A> { return a.owns(p); }
  /// The allocator's name for diagnostics; "allocator" when it declares none.
  static constexpr std::string_view name() {
    if constexpr (HasName<A>) return std::string_view(A::name);
    else return "allocator";
  }
  /// Declared thread safety; an allocator that says nothing is assumed not thread-safe.
  static constexpr bool is_thread_safe = [] {
    if constexpr (HasThreadSafety<A>) return bool(A::is_thread_safe);
    else return false;
  }();
  /// Stateless allocators are interchangeable: memory from one instance may be freed through another.
  static constexpr bool is_stateless = std::is_empty_v<A> && std::is_default_constructible_v<A>;
};

/// A non-owning handle to another allocator, so a stateful allocator can be shared by adaptors and
/// containers. Thread safety is that of A.
template <Allocator A>
class allocator_ref {
 public:
  static constexpr bool is_thread_safe = allocator_traits<A>::is_thread_safe;
  allocator_ref(A& a) noexcept : a_(&a) {}  // NOLINT: implicit on purpose
  void* allocate(std::size_t n, std::size_t align) { return allocator_traits<A>::allocate(*a_, n, align); }
  void deallocate(void* p, std::size_t n, std::size_t align) { allocator_traits<A>::deallocate(*a_, p, n, align); }
  bool try_resize(void* p, std::size_t old_n, std::size_t new_n, std::size_t align) {
    return allocator_traits<A>::try_resize(*a_, p, old_n, new_n, align);
  }
  A& get() const noexcept { return *a_; }
  friend bool operator==(const allocator_ref&, const allocator_ref&) = default;

 private:
  A* a_;
};

} }  // namespace runtime::v1
RUNTIME_EXPORT_END
#endif
