// SPDX-License-Identifier: MIT
// runtime.alloc / debug_config: the vocabulary of debug_allocator: whether it is compiled in, its
// configuration, its fill bytes, and the findings and verdict it reports.
#ifndef RUNTIME_MODULE
#  include <cstddef>
#  include <cstdint>
#  include <string_view>
#  include <vector>
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_DEBUG_CONFIG_HPP_)
#define RUNTIME_ALLOC_DEBUG_CONFIG_HPP_
#include "runtime/config.hpp"

// The build sets this for all code (meson option debug_allocator); a header-mode consumer that does not
// gets the checks in builds without NDEBUG.
#ifndef RUNTIME_DEBUG_ALLOCATOR
#  ifdef NDEBUG
#    define RUNTIME_DEBUG_ALLOCATOR 0
#  else
#    define RUNTIME_DEBUG_ALLOCATOR 1
#  endif
#endif
// Every entity whose definition depends on RUNTIME_DEBUG_ALLOCATOR lives in an inline namespace named after
// the setting, so two translation units built with different settings (say, one with NDEBUG and one without)
// get two distinct entities instead of one entity with two definitions (an ODR violation nobody would see).
// Passing a debug_allocator between such translation units is then a link error, not silent corruption.
#if RUNTIME_DEBUG_ALLOCATOR
#  define RUNTIME_DEBUG_ALLOCATOR_ABI debug_checked
#else
#  define RUNTIME_DEBUG_ALLOCATOR_ABI debug_unchecked
#endif

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

inline namespace RUNTIME_DEBUG_ALLOCATOR_ABI {
/// Whether debug_allocator checks are compiled in (meson option debug_allocator; RUNTIME_DEBUG_ALLOCATOR).
inline constexpr bool debug_allocator_enabled = RUNTIME_DEBUG_ALLOCATOR != 0;
}  // namespace RUNTIME_DEBUG_ALLOCATOR_ABI

/// Fill bytes of debug_allocator (foonathan's debug_magic): recognisable in a debugger and in reports.
enum class debug_magic : unsigned char {
  new_memory = 0xCD,    ///< fresh allocation, never written by the user
  freed_memory = 0xDD,  ///< freed and held in quarantine; any other byte there is a use-after-free write
  fence_memory = 0xFD,  ///< guard bytes around each allocation; any other byte there is an overrun
};

/// How debug_allocator takes stack traces.
enum class debug_unwinder : std::uint8_t {
  frame_pointer,  ///< walk frame pointers (fast, ~1 ns a frame; build with -fno-omit-frame-pointer)
  dwarf,          ///< libgcc's unwinder through .eh_frame (complete without frame pointers; ~1 µs a trace)
};

/// Compile-time knobs of debug_allocator (Zig's DebugAllocator(Config)).
struct debug_config {
  std::size_t fence_bytes = 16;       ///< guard bytes before and after each block
  bool fill = true;                   ///< fill new/freed memory with debug_magic (needed for UAF detection)
  bool leak_check = true;             ///< report blocks still live at check()
  std::size_t stack_frames = 12;      ///< frames captured per allocation and per free; 0: call site only
  std::size_t quarantine_blocks = 64; ///< freed blocks held back (about; kept per lock stripe) before release
  bool thread_safe = true;            ///< false: no locking (one thread only)
  debug_unwinder unwinder = debug_unwinder::frame_pointer;  ///< how stack_frames are taken
};

/// What debug_allocator found.
enum class debug_error_kind : std::uint8_t {
  leak, double_free, invalid_free, size_mismatch, alignment_mismatch, overrun, underrun, use_after_free_write
};
constexpr std::string_view to_string(debug_error_kind k) noexcept {
  switch (k) {
    case debug_error_kind::leak: return "leak";
    case debug_error_kind::double_free: return "double free";
    case debug_error_kind::invalid_free: return "invalid free";
    case debug_error_kind::size_mismatch: return "size mismatch on free";
    case debug_error_kind::alignment_mismatch: return "alignment mismatch on free";
    case debug_error_kind::overrun: return "buffer overrun";
    case debug_error_kind::underrun: return "buffer underrun";
    case debug_error_kind::use_after_free_write: return "use-after-free write";
  }
  return "error";
}

/// One finding, with the stack of the allocation and, when known, of the (first) free.
struct debug_error {
  debug_error_kind kind{};
  const void* ptr = nullptr;
  std::size_t size = 0;           ///< size given to allocate
  std::size_t align = 0;
  std::size_t given_size = 0;     ///< size/alignment given to the offending deallocate (mismatch errors)
  std::size_t given_align = 0;
  std::size_t offset = 0;         ///< first bad byte, relative to ptr (overrun/underrun/UAF)
  std::vector<void*> alloc_site;  ///< return addresses, innermost first
  std::vector<void*> free_site;
};

/// The verdict of debug_allocator::check(); discarding it is a warning (Zig's `deinit() -> Check`).
struct [[nodiscard]] debug_check {
  bool ok = true;
  std::size_t leaks = 0;
  std::size_t errors = 0;  ///< findings other than leaks
  explicit operator bool() const noexcept { return ok; }
};

/// Called for each finding as it is made (leaks: at check()); the default prints one line to stderr.
using debug_error_handler = void (*)(const debug_error&);

} }  // namespace runtime::v1
RUNTIME_EXPORT_END
#endif
