// SPDX-License-Identifier: MIT
// A library whose constructor never returns, for crash_probe's loader-lock mode: while a thread is inside
// dlopen of it, that thread holds the dynamic loader's lock (what dladdr waits for).
#include <unistd.h>

extern "C" volatile int crash_probe_ctor_running;  // crash_probe's (exported with -rdynamic)

[[gnu::constructor]] static void slow_constructor() {
  crash_probe_ctor_running = 1;
  for (;;) pause();
}
