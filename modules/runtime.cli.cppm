// SPDX-License-Identifier: MIT
// Interface unit of runtime.cli; the code lives in runtime/cli.hpp (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/cli.hpp"
#undef RUNTIME_GMF
export module runtime.cli;
export import runtime.error;  // parse errors are runtime::error
export import runtime.env;    // option lookups take an environment
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/cli.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
