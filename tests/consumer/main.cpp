// SPDX-License-Identifier: MIT
#include <cstdio>
#include <string>
#if RUNTIME_USE_MODULES
import runtime.env;
#else
#include <runtime/env.hpp>
#endif

int main() {
  auto env = runtime::environment::from_process();
  auto v = env.get("CONSUMER_PROBE");
  std::printf("%s %s\n", RUNTIME_USE_MODULES ? "modules" : "headers", v ? std::string(*v).c_str() : "(unset)");
  return 0;
}
