#!/usr/bin/env python3
# A type that is not an Allocator must fail to compile with a message naming the missing member.
# usage: compile_fail.py <modules dir> <compiler and args...>
import subprocess, sys, tempfile, os

modules, cxx = sys.argv[1], sys.argv[2:]
cases = {
    "missing deallocate": ("struct A { void* allocate(std::size_t, std::size_t); };",
                           "does not provide `void deallocate(void* p"),
    "missing allocate": ("struct A { void deallocate(void*, std::size_t, std::size_t); };",
                         "does not provide `void* allocate(std::size_t size"),
}
failed = 0
for name, (decl, expect) in cases.items():
    for use in ("static_assert(runtime::checked_allocator<A>);",
                "using T = decltype(runtime::allocator_traits<A>::name());"):
        src = "#include <cstddef>\n#include <runtime/alloc.hpp>\n" + decl + "\n" + use + "\nint main() {}\n"
        with tempfile.NamedTemporaryFile("w", suffix=".cpp", delete=False) as f:
            f.write(src)
        try:
            r = subprocess.run(cxx + ["-std=c++20", "-fsyntax-only", "-DRUNTIME_USE_MODULES=0", "-I", modules, f.name],
                               capture_output=True, text=True)
        finally:
            os.unlink(f.name)
        ok = r.returncode != 0 and expect in r.stderr
        print(("ok  " if ok else "FAIL") + f" {name}: {use}")
        if not ok:
            failed += 1
            print(r.stderr[-2000:])
sys.exit(1 if failed else 0)
