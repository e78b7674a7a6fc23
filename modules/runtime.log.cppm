// SPDX-License-Identifier: MIT
// Interface unit of runtime.log; the code lives in runtime/log.hpp (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/log.hpp"
#undef RUNTIME_GMF
export module runtime.log;
import runtime.error;
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/log.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
