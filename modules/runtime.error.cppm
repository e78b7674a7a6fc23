// SPDX-License-Identifier: MIT
// Interface unit of runtime.error; the code lives in runtime/error.hpp (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/error.hpp"
#undef RUNTIME_GMF
export module runtime.error;
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/error.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
