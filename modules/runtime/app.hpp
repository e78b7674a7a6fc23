// SPDX-License-Identifier: MIT
// runtime.app: one class template that assembles a program from policies at compile time and runs the
// startup sequence every command-line program needs. Umbrella over:
//   app/policies.hpp  the crash policies and the CrashPolicy concept
//   app/startup.hpp   the `app` template, its startup sequence and the context a command handler gets
#include "runtime/app/policies.hpp"
#include "runtime/app/startup.hpp"
