// SPDX-License-Identifier: MIT
// runtime.signal: SIGINT/SIGTERM handling, graceful shutdown, forwarding to child processes. Umbrella over:
//   signal/signal_set.hpp  signal names and sets of signals (a structural bit mask)
//   signal/handlers.hpp    what runs in signal context: shared state, the two handlers, test points
//   signal/shutdown.hpp    the graceful-shutdown coordinator and the `graceful` shutdown policy
//   signal/child.hpp       child processes: program lookup, spawn, forwarding, wait, exit_like
#include "runtime/signal/signal_set.hpp"
#include "runtime/signal/handlers.hpp"
#include "runtime/signal/shutdown.hpp"
#include "runtime/signal/child.hpp"
