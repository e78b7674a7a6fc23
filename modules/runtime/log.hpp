// SPDX-License-Identifier: MIT
// runtime.log, the umbrella of the module: levelled logging with per-target filters, text or JSON-lines
// output, and timed spans. The level check is one relaxed atomic load; arguments are only formatted once a
// record is known to be emitted. Records are written whole, one write(2) per line under a mutex, so threads
// never interleave. Its parts, in dependency order:
//   log/format.hpp  "{}" message formatting of a record's arguments
//   log/levels.hpp  levels, level names, the per-target filter
//   log/config.hpp  the output configuration and reading it from the environment
//   log/output.hpp  the log state and the output path: admit, build the line, write it whole
//   log/write.hpp   configure(), level checks, write() and named targets
//   log/span.hpp    timed spans
#include "runtime/log/format.hpp"
#include "runtime/log/levels.hpp"
#include "runtime/log/config.hpp"
#include "runtime/log/output.hpp"
#include "runtime/log/write.hpp"
#include "runtime/log/span.hpp"
