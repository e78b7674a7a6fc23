// SPDX-License-Identifier: MIT
// The umbrella header: everything. In module mode, `import runtime;` does the same.
#pragma once
#include "runtime/error.hpp"
#include "runtime/log.hpp"
#include "runtime/alloc.hpp"
#include "runtime/env.hpp"
#include "runtime/flags.hpp"
#include "runtime/cli.hpp"
#include "runtime/signal.hpp"
#include "runtime/run.hpp"
#include "runtime/app.hpp"
