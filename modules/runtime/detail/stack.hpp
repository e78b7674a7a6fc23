// SPDX-License-Identifier: MIT
// runtime detail / stack: stack capture and symbolisation for the crash handler, error traces and the debug
// allocator. As in cpptrace, only the `safe_` functions may run in a signal handler: they capture into caller
// buffers and resolve into fixed-size records; the others (demangled, symbolize, describe_address) allocate.
// A handler never takes the loader's locks (dladdr, dl_iterate_phdr wait for a dlopen in progress): it
// resolves through a snapshot of the loaded objects taken outside it (refresh_module_snapshot) and glibc's
// lock-free _dl_find_object. Internal: a plain header, exported by no module. Linux/glibc.
#ifndef RUNTIME_DETAIL_STACK_HPP_
#define RUNTIME_DETAIL_STACK_HPP_

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unwind.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "runtime/detail/text.hpp"  // format_hex

namespace runtime { inline namespace v1 { namespace detail {

// ---- capture with the unwinder (CFI) ---------------------------------------------------------------------

/// Frames captured by one unwinder walk; `skip` drops the walker's own frames.
struct capture_walk_state {
  void** out;
  int max;
  int n;
  int skip;
};

/// One unwinder step. async-signal-safe once warmed up (see warm_up_capture).
inline _Unwind_Reason_Code capture_walk_step(_Unwind_Context* ctx, void* arg) noexcept {
  auto* st = static_cast<capture_walk_state*>(arg);
  int before = 0;
  auto ip = _Unwind_GetIPInfo(ctx, &before);
  if (ip == 0) return _URC_END_OF_STACK;
  if (st->skip > 0) {
    --st->skip;
    return _URC_NO_REASON;
  }
  if (st->n >= st->max) return _URC_END_OF_STACK;
  // A return address points after the call: store pc-1 so a symboliser lands inside the calling function
  // (a noreturn call may end it). A signal frame's pc is exact and stays as is.
  st->out[st->n++] = reinterpret_cast<void*>(before ? ip : ip - 1);
  return _URC_NO_REASON;
}

/// Walks the current stack with libgcc's unwinder into `out[0..max)`, dropping `skip` frames besides its own;
/// returns the count. Unlike glibc's backtrace() it never dlopens libgcc_s (start-up cost, allocation), so it
/// also works with -static-libgcc. Addresses are "inside the call" (return address - 1) except for signal
/// frames, which are exact. Walks through a signal frame into the interrupted code.
/// async-signal-safe once warm_up_capture() (or any first call) has run outside signal context.
inline int safe_capture(void** out, int max, int skip) noexcept {
  capture_walk_state st{out, max, 0, skip + 1};
  _Unwind_Backtrace(&capture_walk_step, &st);
  return st.n;
}

/// Runs libgcc's one-time unwinder init (a pthread_once) and its first FDE lookup, so later safe_capture
/// calls, in a signal handler too, do nothing lazy. Call before installing a handler. Not async-signal-safe.
inline void warm_up_capture() noexcept {
  void* warm[1];
  (void)safe_capture(warm, 1, 0);
}

// ---- capture with frame pointers (fast, for allocation sites) --------------------------------------------

/// The calling thread's stack range (from pthread_getattr_np, read once per thread).
struct thread_stack_bounds {
  std::uintptr_t lo = 0, hi = 0;
  bool known = false;
};

[[gnu::noinline]] inline void read_thread_stack_bounds(thread_stack_bounds& b) noexcept {
  b.known = true;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* addr = nullptr;
  std::size_t size = 0;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0 && addr) {
    b.lo = reinterpret_cast<std::uintptr_t>(addr);
    b.hi = b.lo + size;
  }
  pthread_attr_destroy(&attr);
}

/// The calling thread's stack bounds. The first call on a thread reads them (pthread_getattr_np may allocate
/// and read /proc on the main thread: not async-signal-safe); later calls are one TLS load and are.
[[gnu::always_inline]] inline const thread_stack_bounds& current_thread_stack() noexcept {
  [[gnu::tls_model("initial-exec")]] static thread_local thread_stack_bounds b;
  if (!b.known) [[unlikely]] read_thread_stack_bounds(b);
  return b;
}

/// Frame-pointer unwinding, as ASan's fast unwinder for malloc: `frame` is the (noinline) caller's own frame
/// address (__builtin_frame_address(0)); out[0] becomes its return address, then one return address per frame
/// of the caller chain, at most `cap`. Never faults: every read lies between this frame and the top of the
/// thread's stack, frames must be 8-aligned and strictly rising; the walk stops at the first that is not (a
/// frame compiled without frame pointers ends it, or, if its register held something that passes these
/// checks, adds a bogus frame). Off the thread's stack (a signal or fiber stack) only the call site is kept.
/// Addresses are return addresses (not -1, unlike safe_capture).
/// async-signal-safe once current_thread_stack() has run on the thread.
[[gnu::always_inline]] inline std::uint32_t safe_capture_frame_pointers(void* frame, void** out,
                                                                        std::uint32_t cap) noexcept {
  const thread_stack_bounds& b = current_thread_stack();
  auto fp = reinterpret_cast<std::uintptr_t>(frame);
  if (fp < b.lo || fp >= b.hi) [[unlikely]] {
    out[0] = reinterpret_cast<void**>(fp)[1];  // our own frame is always readable
    return 1;
  }
  std::uint32_t n = 0;
  while (n < cap) {
    if ((fp & 7) != 0 || fp + 2 * sizeof(void*) > b.hi) break;
    auto* f = reinterpret_cast<void* const*>(fp);
    void* ret = f[1];
    auto next = reinterpret_cast<std::uintptr_t>(f[0]);
    if (!ret) break;
    out[n++] = ret;
    if (next <= fp) break;
    fp = next;
  }
  return n;
}

// ---- resolving in a signal handler -----------------------------------------------------------------------

/// A frame resolved without allocating: pointers into the loader's or the mapped ELF file's strings.
struct safe_frame {
  std::uintptr_t addr = 0;
  const char* symbol = nullptr;  ///< mangled, from the dynamic symbol table (-rdynamic) or a static .symtab
  std::uintptr_t symbol_offset = 0;
  const char* module = nullptr;  ///< the object's path; "/proc/self/exe" for the main program of a static link
  std::uintptr_t module_offset = 0;
};

/// The object that maps `addr`, from the program headers: static binaries have no dladdr, but addr2line still
/// needs the offset. The main program's name is empty there; /proc/self/exe names it.
/// Not for signal handlers: dl_iterate_phdr takes the loader's lock.
inline void resolve_module_locking(std::uintptr_t addr, safe_frame& f) noexcept {
  struct probe {
    std::uintptr_t addr;
    safe_frame* f;
  } p{addr, &f};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) noexcept -> int {
        auto& q = *static_cast<probe*>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          const std::uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
          if (q.addr >= lo && q.addr - lo < ph.p_memsz) {
            q.f->module = info->dlpi_name != nullptr && info->dlpi_name[0] != '\0' ? info->dlpi_name : "/proc/self/exe";
            q.f->module_offset = q.addr - info->dlpi_addr;
            return 1;
          }
        }
        return 0;
      },
      &p);
}

/// The program's own ELF symbol table (.symtab), mapped once: a static program has no dynamic symbol table.
struct program_symbol_table {
  const Elf64_Sym* syms = nullptr;
  std::size_t count = 0;
  const char* strings = nullptr;
  std::size_t strings_size = 0;
};

/// Maps /proc/self/exe on first use and finds its .symtab; empty when unreadable or stripped. A second caller
/// while the first is still reading gets what is there. async-signal-safe (open, fstat, mmap, close).
inline const program_symbol_table& safe_program_symbols() noexcept {
  static constinit program_symbol_table table{};
  static constinit std::atomic<int> state{0};  // 0: not tried, 1: being read, 2: done
  int expected = 0;
  if (!state.compare_exchange_strong(expected, 1)) return table;
  const int fd = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && ::fstat(fd, &st) == 0 && st.st_size > static_cast<off_t>(sizeof(Elf64_Ehdr))) {
    const auto size = static_cast<std::size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      const auto* base = static_cast<const unsigned char*>(map);
      const auto* eh = static_cast<const Elf64_Ehdr*>(map);
      const bool elf64 = std::memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64;
      const auto sh_end = elf64 ? eh->e_shoff + std::size_t(eh->e_shnum) * sizeof(Elf64_Shdr) : 0;
      if (elf64 && eh->e_shentsize == sizeof(Elf64_Shdr) && eh->e_shoff != 0 && sh_end <= size) {
        const auto* sh = reinterpret_cast<const Elf64_Shdr*>(base + eh->e_shoff);
        for (unsigned i = 0; i < eh->e_shnum; ++i) {
          if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum) continue;
          const Elf64_Shdr& str = sh[sh[i].sh_link];
          if (sh[i].sh_offset + sh[i].sh_size > size || str.sh_offset + str.sh_size > size) break;
          table.syms = reinterpret_cast<const Elf64_Sym*>(base + sh[i].sh_offset);
          table.count = sh[i].sh_size / sizeof(Elf64_Sym);
          table.strings = reinterpret_cast<const char*>(base + str.sh_offset);
          table.strings_size = str.sh_size;
          break;
        }
      }
    }
  }
  if (fd >= 0) ::close(fd);
  state.store(2);
  return table;
}

/// The function of the program's .symtab that holds f.module_offset. async-signal-safe.
inline void safe_resolve_from_symtab(safe_frame& f) noexcept {
  const program_symbol_table& t = safe_program_symbols();
  for (std::size_t i = 0; i < t.count; ++i) {
    const Elf64_Sym& sym = t.syms[i];
    if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_value == 0 || sym.st_name >= t.strings_size) continue;
    if (f.module_offset >= sym.st_value && f.module_offset - sym.st_value < std::max<std::uint64_t>(sym.st_size, 1)) {
      f.symbol = t.strings + sym.st_name;
      f.symbol_offset = f.module_offset - sym.st_value;
      return;
    }
  }
}

// ---- the loaded objects, snapshotted outside signal handlers ----------------------------------------------

inline constexpr int module_snapshot_max = 256;
inline constexpr std::size_t module_name_max = 256;

/// One loaded object as a handler needs it: where it is and its dynamic symbol table.
struct module_record {
  std::uintptr_t base = 0;       ///< load bias (what symbol values and offsets are relative to)
  std::uintptr_t lo = 0, hi = 0;  ///< the span of its PT_LOAD segments
  const Elf64_Sym* syms = nullptr;
  std::size_t sym_count = 0;
  const char* strings = nullptr;
  std::size_t strings_size = 0;
  bool main_program = false;
  char name[module_name_max] = {};  ///< the object's path; "/proc/self/exe" for the program itself
};

/// Two tables: a refresh fills the one handlers are not reading, then publishes it.
struct module_snapshot_state {
  module_record table[2][module_snapshot_max];
  std::atomic<int> count[2] = {0, 0};
  std::atomic<int> current{-1};      ///< the published table; -1: no snapshot yet
  std::atomic<int> readers[2] = {0, 0};
  std::atomic<bool> writing{false};
};

inline module_snapshot_state& module_snapshot() noexcept {
  static constinit module_snapshot_state s{};
  return s;
}

// A DT_* pointer: glibc relocates the writable .dynamic of most objects in place; the vDSO's and a read-only
// one keep file addresses, which lie below the load bias.
inline std::uintptr_t dynamic_pointer(std::uintptr_t base, std::uintptr_t p) noexcept {
  return p != 0 && p < base ? p + base : p;
}

/// Reads the dynamic symbol table of the object at `base` from its dynamic section. async-signal-safe (reads
/// memory only).
inline void read_dynamic_symbols(std::uintptr_t base, const Elf64_Dyn* dyn, module_record& m) noexcept {
  if (dyn == nullptr) return;
  std::uintptr_t symtab = 0, strtab = 0, strsz = 0, hash = 0, gnu_hash = 0;
  for (const Elf64_Dyn* d = dyn; d->d_tag != DT_NULL; ++d) {
    switch (d->d_tag) {
      case DT_SYMTAB: symtab = dynamic_pointer(base, d->d_un.d_ptr); break;
      case DT_STRTAB: strtab = dynamic_pointer(base, d->d_un.d_ptr); break;
      case DT_STRSZ: strsz = d->d_un.d_val; break;
      case DT_HASH: hash = dynamic_pointer(base, d->d_un.d_ptr); break;
      case DT_GNU_HASH: gnu_hash = dynamic_pointer(base, d->d_un.d_ptr); break;
      default: break;
    }
  }
  if (symtab == 0 || strtab == 0) return;
  std::size_t count = 0;
  if (hash != 0) {
    count = reinterpret_cast<const std::uint32_t*>(hash)[1];  // nchain: one per symbol
  } else if (gnu_hash != 0) {
    // The highest symbol a bucket starts at, then along its chain to the entry with the end bit.
    const auto* h = reinterpret_cast<const std::uint32_t*>(gnu_hash);
    const std::uint32_t nbuckets = h[0], symoffset = h[1], bloom_size = h[2];
    const auto* buckets = reinterpret_cast<const std::uint32_t*>(reinterpret_cast<const std::uint64_t*>(h + 4) + bloom_size);
    const std::uint32_t* chain = buckets + nbuckets;
    std::uint32_t last = 0;
    for (std::uint32_t i = 0; i < nbuckets; ++i) last = std::max(last, buckets[i]);
    if (last < symoffset) {
      count = symoffset;
    } else {
      while ((chain[last - symoffset] & 1U) == 0) ++last;
      count = last + 1;
    }
  }
  m.syms = reinterpret_cast<const Elf64_Sym*>(symtab);
  m.sym_count = count;
  m.strings = reinterpret_cast<const char*>(strtab);
  m.strings_size = strsz;
}

inline void copy_name(char (&out)[module_name_max], const char* in) noexcept {
  std::size_t n = 0;
  for (; in != nullptr && in[n] != '\0' && n + 1 < module_name_max; ++n) out[n] = in[n];
  out[n] = '\0';
}

/// Takes a new snapshot of the loaded objects (dl_iterate_phdr, so never from a signal handler) and publishes
/// it for safe_resolve_frame. Called by crash::install and crash::prepare_thread; call crash::refresh_modules
/// after a dlopen so that the new object's frames are named even where _dl_find_object is missing.
inline void refresh_module_snapshot() noexcept {
  module_snapshot_state& s = module_snapshot();
  bool idle = false;
  while (!s.writing.compare_exchange_weak(idle, true)) idle = false;
  const int cur = s.current.load();
  const int next = cur == 0 ? 1 : 0;
  while (s.readers[next].load() != 0) {
  }
  struct fill {
    module_record* out;
    int n;
  } st{s.table[next], 0};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) noexcept -> int {
        auto& q = *static_cast<fill*>(data);
        if (q.n >= module_snapshot_max) return 1;
        module_record& m = q.out[q.n];
        m = module_record{};
        m.base = info->dlpi_addr;
        const Elf64_Dyn* dyn = nullptr;
        bool any = false;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type == PT_DYNAMIC) dyn = reinterpret_cast<const Elf64_Dyn*>(info->dlpi_addr + ph.p_vaddr);
          if (ph.p_type != PT_LOAD) continue;
          const std::uintptr_t lo = info->dlpi_addr + ph.p_vaddr, hi = lo + ph.p_memsz;
          if (!any || lo < m.lo) m.lo = lo;
          if (!any || hi > m.hi) m.hi = hi;
          any = true;
        }
        if (!any) return 0;
        m.main_program = info->dlpi_name == nullptr || info->dlpi_name[0] == '\0';
        copy_name(m.name, m.main_program ? "/proc/self/exe" : info->dlpi_name);
        read_dynamic_symbols(info->dlpi_addr, dyn, m);
        ++q.n;
        return 0;
      },
      &st);
  s.count[next].store(st.n);
  s.current.store(next);
  s.writing.store(false);
}

/// The dynamic symbol of module `m` that holds f.module_offset. async-signal-safe.
inline void safe_resolve_from_dynsym(const module_record& m, safe_frame& f) noexcept {
  const std::uintptr_t off = f.addr - m.base;
  for (std::size_t i = 0; i < m.sym_count; ++i) {
    const Elf64_Sym& sym = m.syms[i];
    const unsigned type = ELF64_ST_TYPE(sym.st_info);
    if (sym.st_shndx == SHN_UNDEF || sym.st_value == 0 || sym.st_name >= m.strings_size) continue;
    if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE && type != STT_OBJECT) continue;
    if (off >= sym.st_value && off - sym.st_value < std::max<std::uint64_t>(sym.st_size, 1)) {
      f.symbol = m.strings + sym.st_name;
      f.symbol_offset = off - sym.st_value;
      return;
    }
  }
}

/// Resolves `addr` to its object, offset and (mangled) symbol without the loader's locks: the snapshot of
/// refresh_module_snapshot, then (for an object loaded since) glibc's lock-free _dl_find_object. A static
/// program's names come from its .symtab (safe_program_symbols). async-signal-safe.
inline void safe_resolve_frame(void* addr, safe_frame& f) noexcept {
  f = safe_frame{};
  f.addr = reinterpret_cast<std::uintptr_t>(addr);
  module_snapshot_state& s = module_snapshot();
  const module_record* found = nullptr;
  int idx = -1;
  for (;;) {
    idx = s.current.load();
    if (idx < 0) break;
    s.readers[idx].fetch_add(1);
    if (s.current.load() == idx) break;
    s.readers[idx].fetch_sub(1);
  }
  if (idx >= 0) {
    const int n = s.count[idx].load();
    for (int i = 0; i < n && found == nullptr; ++i) {
      const module_record& m = s.table[idx][i];
      if (f.addr >= m.lo && f.addr < m.hi) found = &m;
    }
  }
  module_record late;
  const char* name = found != nullptr ? found->name : nullptr;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
  if (found == nullptr) {
    dl_find_object obj{};
    if (_dl_find_object(addr, &obj) == 0 && obj.dlfo_link_map != nullptr) {
      const link_map* lm = obj.dlfo_link_map;
      late.base = lm->l_addr;
      late.main_program = lm->l_name == nullptr || lm->l_name[0] == '\0';
      read_dynamic_symbols(lm->l_addr, lm->l_ld, late);
      found = &late;
      name = late.main_program ? "/proc/self/exe" : lm->l_name;  // the loader's copy lives as long as the object
    }
  }
#endif
  if (found != nullptr) {
    f.module = name;
    f.module_offset = f.addr - found->base;
    safe_resolve_from_dynsym(*found, f);
    if (f.symbol == nullptr && found->main_program) safe_resolve_from_symtab(f);
  }
  if (idx >= 0) s.readers[idx].fetch_sub(1);
}

/// resolve_frame for code outside signal handlers, with the loader's help (dladdr, dl_iterate_phdr), so
/// it also names objects loaded after the last snapshot. Not async-signal-safe.
inline void resolve_frame_locking(void* addr, safe_frame& f) noexcept {
  f = safe_frame{};
  f.addr = reinterpret_cast<std::uintptr_t>(addr);
  Dl_info info{};
  if (dladdr(addr, &info) == 0) {
    resolve_module_locking(f.addr, f);
    if (f.module != nullptr && std::strcmp(f.module, "/proc/self/exe") == 0) safe_resolve_from_symtab(f);
    return;
  }
  f.module = info.dli_fname;
  f.module_offset = f.addr - reinterpret_cast<std::uintptr_t>(info.dli_fbase);
  if (info.dli_sname != nullptr) {
    f.symbol = info.dli_sname;
    f.symbol_offset = f.addr - reinterpret_cast<std::uintptr_t>(info.dli_saddr);
  }
}

/// Best-effort demangler for plain (non-template) names into `out[0..cap)` (NUL-terminated):
/// _Z[N]<len><id>...[E]<params> becomes a::b::c() or a::b::c(...). Anything it does not know (templates,
/// substitutions, operators) returns false and the caller prints the mangled name, which c++filt turns back
/// into source form. async-signal-safe.
inline bool safe_demangle(const char* m, char* out, std::size_t cap) noexcept {
  if (m == nullptr || cap == 0 || m[0] != '_' || m[1] != 'Z') return false;
  const char* p = m + 2;
  std::size_t n = 0;
  auto emit = [&](const char* s, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) {
      if (n + 1 >= cap) return false;
      out[n++] = s[i];
    }
    return true;
  };
  const char* last = nullptr;
  std::size_t last_len = 0;
  auto component = [&]() -> bool {
    if (p[0] == 'S' && p[1] == 't') {
      p += 2;
      if (n != 0 && !emit("::", 2)) return false;
      return emit("std", 3);
    }
    if (p[0] == 'C' && (p[1] == '1' || p[1] == '2') && last != nullptr) {
      p += 2;
      return emit("::", 2) && emit(last, last_len);
    }
    if (p[0] == 'D' && (p[1] == '0' || p[1] == '1' || p[1] == '2') && last != nullptr) {
      p += 2;
      return emit("::~", 3) && emit(last, last_len);
    }
    if (*p < '0' || *p > '9') return false;
    std::size_t len = 0;
    while (*p >= '0' && *p <= '9') len = len * 10 + static_cast<std::size_t>(*p++ - '0');
    for (std::size_t i = 0; i < len; ++i)
      if (p[i] == '\0') return false;
    if (n != 0 && !emit("::", 2)) return false;
    last = p;
    last_len = len;
    if (!emit(p, len)) return false;
    p += len;
    return true;
  };
  if (*p == 'L') ++p;
  if (p[0] == 'S' && p[1] == 't' && p[2] != 'I') {
    p += 2;
    if (!emit("std", 3)) return false;
    if (!component()) return false;
  } else if (*p == 'N') {
    ++p;
    while (*p == 'K' || *p == 'V' || *p == 'r' || *p == 'R' || *p == 'O') ++p;
    while (*p != 'E') {
      if (*p == '\0' || !component()) return false;
    }
    ++p;
  } else if (!component()) {
    return false;
  }
  if (p[0] == 'v' && p[1] == '\0') {
    if (!emit("()", 2)) return false;
  } else if (*p != '\0' && !emit("(...)", 5)) {
    return false;
  }
  out[n] = '\0';
  return true;
}

// ---- resolving outside signal handlers (may allocate) ----------------------------------------------------

/// `name` demangled by the C++ ABI (the whole grammar); `name` itself when it is not a mangled name; "" for
/// nullptr. Allocates: not async-signal-safe.
inline std::string demangled(const char* name) {
  if (name == nullptr) return {};
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || d == nullptr) return name;
  std::string r(d);
  std::free(d);
  return r;
}

/// A frame with owned, demangled text (for error traces and allocator reports).
struct symbolized_frame {
  void* addr = nullptr;
  std::string function;             ///< demangled; empty when unknown (a static function without -rdynamic)
  std::uintptr_t function_offset = 0;
  std::string object;               ///< the object's path; empty when unknown
  std::uintptr_t object_offset = 0;  ///< addr relative to the object's load base (what addr2line takes)
};

/// Resolves and demangles `addr` (resolve_frame_locking, then the full demangler). Not async-signal-safe.
inline symbolized_frame symbolize(void* addr) {
  safe_frame f;
  resolve_frame_locking(addr, f);
  symbolized_frame s;
  s.addr = addr;
  if (f.symbol != nullptr) {
    s.function = demangled(f.symbol);
    s.function_offset = f.symbol_offset;
  }
  if (f.module != nullptr) {
    s.object = f.module;
    s.object_offset = f.module_offset;
  }
  return s;
}

/// Appends "0x" and `v` in lower-case hex.
inline void append_hex_address(std::string& out, std::uintptr_t v) {
  char buf[number_chars];
  out += "0x";
  out.append(buf, format_hex(buf, v));
}

/// One line for an error's stack trace: "0x55d0c0de in ns::f()+0x1c (/path/prog+0x11c0)"; the parts that
/// dladdr does not know are left out. Not async-signal-safe.
inline std::string describe_address(void* addr) {
  std::string s;
  append_hex_address(s, reinterpret_cast<std::uintptr_t>(addr));
  Dl_info info{};
  if (dladdr(addr, &info) != 0) {
    if (info.dli_sname != nullptr) {
      s += " in ";
      s += demangled(info.dli_sname);
      s += '+';
      append_hex_address(s, reinterpret_cast<std::uintptr_t>(addr) - reinterpret_cast<std::uintptr_t>(info.dli_saddr));
    }
    if (info.dli_fname != nullptr) {
      s += " (";
      s += info.dli_fname;
      s += '+';
      append_hex_address(s, reinterpret_cast<std::uintptr_t>(addr) - reinterpret_cast<std::uintptr_t>(info.dli_fbase));
      s += ')';
    }
  }
  return s;
}

}}}  // namespace runtime::v1::detail

#endif  // RUNTIME_DETAIL_STACK_HPP_
