// SPDX-License-Identifier: MIT
// Interface unit of runtime.signal; the code lives in runtime/signal.hpp (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/signal.hpp"
#undef RUNTIME_GMF
export module runtime.signal;
export import runtime.error;  // child and shutdown failures are runtime::error
import runtime.log;
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/signal.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
