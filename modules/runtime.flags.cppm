// SPDX-License-Identifier: MIT
// Interface unit of runtime.flags; the code lives in runtime/flags.hpp (see modules/README.md).
module;
#define RUNTIME_GMF 1
#include "runtime/flags.hpp"
#undef RUNTIME_GMF
export module runtime.flags;
export import runtime.error;  // loading throws runtime::error
export import runtime.log;    // bunfig_settings::log_level is a log::level
export import runtime.env;    // flags resolve from an environment
#define RUNTIME_MODULE 1
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
extern "C++" {
#endif
#include "runtime/flags.hpp"
#if RUNTIME_ATTACH_TO_GLOBAL_MODULE
}
#endif
