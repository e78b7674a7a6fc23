// SPDX-License-Identifier: MIT
// runtime.error / crash_symbols: names for the crash report's frames, async-signal-safe: dladdr, the program's
// own .symtab (static links), the loaded object of an address, and a simple demangler.
#ifndef RUNTIME_MODULE
#  include <dlfcn.h>
#  include <elf.h>
#  include <fcntl.h>
#  include <link.h>
#  include <sys/mman.h>
#  include <sys/stat.h>
#  include <unistd.h>
#  include <algorithm>
#  include <atomic>
#  include <cstddef>
#  include <cstdint>
#  include <cstring>
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ERROR_CRASH_SYMBOLS_HPP_)
#define RUNTIME_ERROR_CRASH_SYMBOLS_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

/// Best-effort demangler for plain (non-template) names: _Z[N]<len><id>...[E]<params> becomes
/// a::b::c(...). Anything it does not know (templates, substitutions, operators) fails and the caller
/// prints the mangled name, which c++filt turns back into source form.
// async-signal-safe
inline bool demangle_simple(const char* m, char* out, std::size_t cap) noexcept {
  if (m == nullptr || m[0] != '_' || m[1] != 'Z') return false;
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

struct frame_info {
  std::uintptr_t addr = 0;
  const char* symbol = nullptr;  ///< mangled, from the dynamic symbol table (needs -rdynamic for the program)
  std::uintptr_t symbol_offset = 0;
  const char* module = nullptr;
  std::uintptr_t module_offset = 0;
};

// The object that maps `addr`, from the program headers: static binaries have no dladdr, but addr2line still
// needs the offset. The main program's name is empty there; /proc/self/exe names it.
// async-signal-safe (dl_iterate_phdr takes the loader's lock and allocates nothing)
inline void resolve_module(std::uintptr_t addr, frame_info& f) noexcept {
  struct probe {
    std::uintptr_t addr;
    frame_info* f;
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

// The program's own ELF file, mapped once on first use in a report (a static program has no dynamic symbol
// table, so names come from .symtab). nullptr when unreadable or stripped.
struct elf_symbols {
  const Elf64_Sym* syms = nullptr;
  std::size_t count = 0;
  const char* strings = nullptr;
  std::size_t strings_size = 0;
};

// async-signal-safe (open, fstat, mmap and close; no allocation)
inline const elf_symbols& program_symbols() noexcept {
  static constinit elf_symbols table{};
  static constinit std::atomic<int> state{0};  // 0: not tried, 1: being read, 2: done
  int expected = 0;
  if (!state.compare_exchange_strong(expected, 1)) return table;  // a second report reads what is there
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

// The function of the program's .symtab that holds `offset` (an address relative to the load base).
// async-signal-safe
inline void resolve_from_symtab(frame_info& f) noexcept {
  const elf_symbols& t = program_symbols();
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

// async-signal-safe (dladdr takes the loader's recursive lock and allocates nothing)
inline void resolve_frame(void* addr, frame_info& f) noexcept {
  f.addr = reinterpret_cast<std::uintptr_t>(addr);
  Dl_info info{};
  if (dladdr(addr, &info) == 0) {
    resolve_module(f.addr, f);
    // The main program of a static link: its names are only in .symtab (std::strcmp is async-signal-safe).
    if (f.module != nullptr && std::strcmp(f.module, "/proc/self/exe") == 0) resolve_from_symtab(f);
    return;
  }
  f.module = info.dli_fname;
  f.module_offset = f.addr - reinterpret_cast<std::uintptr_t>(info.dli_fbase);
  if (info.dli_sname != nullptr) {
    f.symbol = info.dli_sname;
    f.symbol_offset = f.addr - reinterpret_cast<std::uintptr_t>(info.dli_saddr);
  }
}

} } }  // namespace runtime::v1::detail


#endif
