// SPDX-License-Identifier: MIT
// Interface unit of runtime.env; the code lives in runtime/env.hpp (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/env.hpp"
#undef RUNTIME_GMF
export module runtime.env;
export import runtime.error;  // env throws and returns runtime::error
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/env.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
