// SPDX-License-Identifier: MIT
// Interface unit of runtime.app; the code lives in runtime/app.hpp (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/app.hpp"
#undef RUNTIME_GMF
export module runtime.app;
import runtime.error;
import runtime.log;
import runtime.alloc;
import runtime.env;
import runtime.flags;
import runtime.cli;
import runtime.signal;
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/app.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
