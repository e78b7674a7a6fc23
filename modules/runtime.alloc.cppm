// SPDX-License-Identifier: MIT
// Interface unit of runtime.alloc; the code lives in runtime/alloc.hpp (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/alloc.hpp"
#undef RUNTIME_GMF
export module runtime.alloc;
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/alloc.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
