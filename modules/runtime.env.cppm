// SPDX-License-Identifier: MIT
// Interface unit of runtime.env; the code lives in runtime/env.hpp (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/env.hpp"
#undef RUNTIME_GMF
export module runtime.env;
import runtime.error;
import runtime.log;
import runtime.alloc;
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/env.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
