// SPDX-License-Identifier: MIT
// runtime.alloc / debug_report: how debug_allocator findings are described, their stacks symbolised,
// and delivered (the process-wide error handler).
#ifndef RUNTIME_MODULE
#  include <atomic>
#  include <cstdint>
#  include <string>
#  include <string_view>
#  include <vector>
#  include <unistd.h>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/stack.hpp"
#endif
#include "runtime/alloc/debug_config.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_DEBUG_REPORT_HPP_)
#define RUNTIME_ALLOC_DEBUG_REPORT_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

inline std::string debug_pointer_text(const void* p) {
  std::string s;
  append_hex_address(s, reinterpret_cast<std::uintptr_t>(p));
  return s;
}

// One frame per line, demangled: "    #0 allocate_for_leak() at /path/binary+0x13" (offset in the function);
// a frame without a symbol as "/path/lib.so(+0x2724a) [0x7f4bcca4524a]" (offset in the object), or "[0x...]".
inline void append_debug_frames(std::string& out, const std::vector<void*>& frames) {
  if (frames.empty()) {
    out += "    (no stack captured)\n";
    return;
  }
  for (std::size_t i = 0; i < frames.size(); ++i) {
    out += "    #" + std::to_string(i) + ' ';
    const symbolized_frame f = symbolize(frames[i]);
    if (!f.function.empty()) {
      out += f.function;
      out += " at ";
      out += f.object;
      out += '+';
      append_hex_address(out, f.function_offset);
    } else {
      if (!f.object.empty()) {
        out += f.object;
        out += "(+";
        append_hex_address(out, f.object_offset);
        out += ") ";
      }
      out += '[';
      append_hex_address(out, reinterpret_cast<std::uintptr_t>(frames[i]));
      out += ']';
    }
    out += '\n';
  }
}

inline std::string describe_debug_error(const debug_error& e) {
  if (e.kind == debug_error_kind::leak)
    return "leak: " + std::to_string(e.size) + " bytes at " + debug_pointer_text(e.ptr) + " (align " +
           std::to_string(e.align) + ")";
  std::string s = "error: ";
  s += std::string(to_string(e.kind)) + " at " + debug_pointer_text(e.ptr) + " (" + std::to_string(e.size) +
       " bytes, align " + std::to_string(e.align) + ")";
  if (e.kind == debug_error_kind::size_mismatch || e.kind == debug_error_kind::alignment_mismatch)
    s += ": freed with size " + std::to_string(e.given_size) + ", align " + std::to_string(e.given_align);
  if (e.kind == debug_error_kind::overrun || e.kind == debug_error_kind::use_after_free_write)
    s += ": bad byte at offset " + std::to_string(e.offset);
  if (e.kind == debug_error_kind::underrun) s += ": bad byte " + std::to_string(e.offset) + " bytes before the block";
  return s;
}

inline void default_debug_handler(const debug_error& e) {
  std::string line = "runtime::debug_allocator: " + describe_debug_error(e) + '\n';
  (void)write_all(STDERR_FILENO, line);
}
inline std::atomic<debug_error_handler>& debug_handler_slot() noexcept {
  static constinit std::atomic<debug_error_handler> h{&default_debug_handler};
  return h;
}

} } }  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

/// Installs the handler called on each debug_allocator finding; returns the previous one. nullptr: silent.
/// The handler runs on the thread that made the finding, after the allocator has released its locks: it may
/// allocate and free through the same debug_allocator (findings it causes there reach it in turn).
inline debug_error_handler set_debug_error_handler(debug_error_handler h) noexcept {
  return detail::debug_handler_slot().exchange(h);
}
inline debug_error_handler get_debug_error_handler() noexcept { return detail::debug_handler_slot().load(); }

} }  // namespace runtime::v1
RUNTIME_EXPORT_END
#endif
