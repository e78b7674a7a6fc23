// SPDX-License-Identifier: MIT
// Interface unit of runtime.run; the code lives in runtime/run.hpp and its parts (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/run.hpp"
#undef RUNTIME_GMF
export module runtime.run;
export import runtime.error;  // package.json problems are runtime::error
export import runtime.env;    // npm_variables and child_environment take and give a runtime::environment
import runtime.signal;        // find_program
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/run.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
