// SPDX-License-Identifier: MIT
// runtime.run: what Bun's script runner does that a program may reuse (Bun 1.4.5 is the judge). Umbrella over:
//   run/package_json.hpp  the nearest package.json and its name, version, scripts, config, read as Bun reads them
//   run/lookup.hpp        node_modules/.bin directories ahead of PATH: the children's PATH, program lookup
//   run/npm_env.hpp       the npm_* variables (and NODE, PATH) given to scripts and programs
//   run/shell.hpp         the shell scripts run in, and a script's command line with its arguments quoted
//   run/lifecycle.hpp     pre<name>, <name>, post<name>: the steps, and running them through a caller's callable
//   run/messages.hpp      the `$ command` line, failure reports, Script not found, the script list: byte for byte
#include "runtime/run/package_json.hpp"
#include "runtime/run/lookup.hpp"
#include "runtime/run/npm_env.hpp"
#include "runtime/run/shell.hpp"
#include "runtime/run/lifecycle.hpp"
#include "runtime/run/messages.hpp"
