// SPDX-License-Identifier: MIT
// libFuzzer target for the .env parsers and expanders of both dialects. The input is one file; the first byte
// picks strict mode, and a small process environment is always present so expansion has something to read.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#if RUNTIME_USE_MODULES
import runtime.env;
#else
#include <runtime/env.hpp>
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool strict = size > 0 && (data[0] & 1);
  static const auto base = runtime::environment::from_pairs({{"HOME", "/home/u"}, {"A", "$B"}, {"E", ""}});
  auto b = runtime::env::load_text<runtime::env::bun_dialect>(base, text, ".env", strict);
  auto d = runtime::env::load_text<runtime::env::dotenv_dialect>(base, text, ".env", strict);
  // Invariants: the process always wins, and the JSON rendering never fails.
  if (b.env.get("HOME") != std::string_view("/home/u") || d.env.get("HOME") != std::string_view("/home/u"))
    __builtin_trap();
  auto j = runtime::env::to_json(b.env);
  if (j.empty() || j.front() != '{' || j.back() != '}') __builtin_trap();
  return 0;
}
