// SPDX-License-Identifier: MIT
// runtime detail / posix_io: file-descriptor output (write_all, escaped writes; async-signal-safe) and whole-file
// reads with the regular-file checks and size caps every reader needs.
// Internal: a plain header, exported by no module; it knows nothing of runtime::error (callers wrap the status).
#ifndef RUNTIME_DETAIL_POSIX_IO_HPP_
#define RUNTIME_DETAIL_POSIX_IO_HPP_

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/detail/text.hpp"

namespace runtime { inline namespace v1 { namespace detail {

// ---- writing ---------------------------------------------------------------------------------------------

/// The first errno a write_all to standard output (fd 1) failed with (EIO for a write of nothing), 0 while none
/// has: output is written through write_all everywhere, so a program checks once at exit instead of after each
/// write (runtime::app reports it as `error: write error: ...`, as coreutils do). async-signal-safe.
inline std::atomic<int>& stdout_write_error_slot() noexcept {
  static_assert(std::atomic<int>::is_always_lock_free);
  static std::atomic<int> first{0};  // constant-initialised: no guard
  return first;
}

/// stdout_write_error_slot()'s value. async-signal-safe.
inline int stdout_write_error() noexcept { return stdout_write_error_slot().load(std::memory_order_relaxed); }

/// Writes all `n` bytes at `p` to `fd`, retrying after EINTR and short writes. Returns false when write(2)
/// fails (errno says why, left as write set it) or writes nothing; a failure on fd 1 is also remembered in
/// stdout_write_error(). async-signal-safe (no allocation, no lock).
inline bool write_all(int fd, const void* p, std::size_t n) noexcept {
  const char* c = static_cast<const char*>(p);
  auto failed = [fd](int err) noexcept {
    int none = 0;
    if (fd == 1) stdout_write_error_slot().compare_exchange_strong(none, err, std::memory_order_relaxed);
    return false;
  };
  while (n > 0) {
    const ssize_t w = ::write(fd, c, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return failed(errno);
    }
    if (w == 0) return failed(EIO);
    c += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

/// write_all for a string. async-signal-safe.
inline bool write_all(int fd, std::string_view s) noexcept { return write_all(fd, static_cast<const void*>(s.data()), s.size()); }

/// Writes `s` escaped under `p` through a 256-byte stack buffer (for reporting bad_alloc, a terminate reason,
/// a crash). Returns false on the first failed write (errno kept). async-signal-safe.
inline bool write_escaped(int fd, std::string_view s, const escape_policy& p) noexcept {
  char buf[256];
  while (!s.empty()) {
    const escape_progress r = escape_into(buf, sizeof buf, s, p);
    if (!write_all(fd, static_cast<const void*>(buf), r.written)) return false;
    s.remove_prefix(r.consumed);
  }
  return true;
}

// ---- reading ---------------------------------------------------------------------------------------------

/// How read_file ended.
enum class read_status : std::uint8_t {
  ok,
  missing,       ///< does not exist (ENOENT, ENOTDIR)
  unreadable,    ///< stat, open or read failed; error_number says why
  is_directory,
  not_regular,   ///< a FIFO, socket or device, and special files were not allowed
  too_large,     ///< longer than the limit (the text holds the first `limit` bytes)
};

/// What read_file accepts.
struct read_options {
  /// Also read a FIFO, device or the /dev/fd/N of a shell's `<(...)`. Off by default: opening a FIFO with no
  /// writer blocks forever and a device may never end, so allow it for paths the user named, not for files
  /// a program looks for.
  bool special_ok = false;
  /// The most bytes read; past it the read stops with too_large (so /dev/zero cannot exhaust memory).
  std::size_t limit = std::size_t(16) << 20;
};

/// The most bytes of one .env file (256 MiB) and of one config file such as bunfig.toml or package.json (16 MiB).
inline constexpr std::size_t env_file_limit = std::size_t(256) << 20;
inline constexpr std::size_t config_file_limit = std::size_t(16) << 20;

/// The outcome of read_file: the status, errno for unreadable/missing, and the text.
struct read_result {
  read_status status = read_status::ok;
  int error_number = 0;
  std::string text;
  explicit operator bool() const noexcept { return status == read_status::ok; }
};

/// Reads the whole file at `path` into `out` (replacing it, reusing its capacity); `error_number` gets errno
/// for missing/unreadable, else 0. A regular file is read straight into the string, sized by fstat and grown
/// when the file turns out longer. Never throws except std::bad_alloc. Not async-signal-safe.
inline read_status read_file_into(const char* path, std::string& out, const read_options& opts, int& error_number) {
  error_number = 0;
  out.clear();
  struct stat st {};
  if (::stat(path, &st) != 0) {
    error_number = errno;
    return error_number == ENOENT || error_number == ENOTDIR ? read_status::missing : read_status::unreadable;
  }
  if (S_ISDIR(st.st_mode)) return read_status::is_directory;
  if (!S_ISREG(st.st_mode) && !opts.special_ok) return read_status::not_regular;
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error_number = errno;
    return error_number == ENOENT || error_number == ENOTDIR ? read_status::missing : read_status::unreadable;
  }
  if (::fstat(fd, &st) == 0) {  // replaced between the stat and the open
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return read_status::is_directory;
    }
    if (!S_ISREG(st.st_mode) && !opts.special_ok) {
      ::close(fd);
      return read_status::not_regular;
    }
  }
  const std::size_t limit = opts.limit;
  std::size_t have = 0;
  const std::size_t first =
      S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) + 1 : std::size_t{4096};
  out.resize(std::min(first, limit + 1));
  for (;;) {
    if (have == out.size()) {
      if (have > limit) break;
      out.resize(std::min(out.size() * 2, limit + 1));
    }
    const ssize_t n = ::read(fd, out.data() + have, out.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_number = errno;
      ::close(fd);
      out.clear();
      return read_status::unreadable;
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (have > limit) {
    out.resize(limit);
    return read_status::too_large;
  }
  out.resize(have);
  return read_status::ok;
}

/// read_file_into for a std::string path.
inline read_status read_file_into(const std::string& path, std::string& out, const read_options& opts,
                                  int& error_number) {
  return read_file_into(path.c_str(), out, opts, error_number);
}

/// Reads the whole file at `path` (see read_file_into). Not async-signal-safe.
inline read_result read_file(const std::string& path, const read_options& opts = {}) {
  read_result r;
  r.status = read_file_into(path.c_str(), r.text, opts, r.error_number);
  return r;
}

/// A short English reason for a failed read, for messages ("is a directory", "file is larger than the limit");
/// for missing/unreadable the caller usually prefers std::strerror(error_number).
constexpr std::string_view read_status_text(read_status s) noexcept {
  switch (s) {
    case read_status::ok: return "ok";
    case read_status::missing: return "no such file";
    case read_status::unreadable: return "cannot be read";
    case read_status::is_directory: return "is a directory";
    case read_status::not_regular: return "is not a regular file";
    case read_status::too_large: return "is larger than the limit";
  }
  return "cannot be read";
}

}}}  // namespace runtime::v1::detail

#endif  // RUNTIME_DETAIL_POSIX_IO_HPP_
