// SPDX-License-Identifier: MIT
// Interface unit of runtime.flags; the code lives in runtime/flags.hpp (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/flags.hpp"
#undef RUNTIME_GMF
export module runtime.flags;
import runtime.error;
import runtime.log;
import runtime.alloc;
import runtime.env;
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/flags.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
