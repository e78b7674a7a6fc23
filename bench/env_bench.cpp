// SPDX-License-Identifier: MIT
// Benchmark: .env parser throughput (Bun dialect) on a generated 50 MB file, parse-only and parse + expansion
// + building the environment, in GB/s (target: parser >= 1 GB/s). End-to-end `rt env --json` against Bun is
// bench/env_vs_bun.sh.
//
//   env_bench [--mb N] [--iterations N]
// Prints one JSON line per measurement (best of N, CPU time of the process: the machine running CI is shared, and
// wall time there measures the neighbours as much as the parser). Each throughput is printed beside two floors
// measured in the same samples on the same bytes: memchr for every '\n' (the least a line parser reads) and
// memcpy of the whole buffer (the least a parser that keeps its values writes); "x_memchr"/"x_memcpy" are the
// time ratios (how many times the floor's time the parser takes), which do not drift between machines as
// absolute GB/s do.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>
#include "harness.hpp"
#if RUNTIME_USE_MODULES
import runtime.env;
#else
#include <runtime/env.hpp>
#endif

namespace {

// A realistic mix: plain values, quoted ones, comments, exports, blank lines, and references.
std::string generate(std::size_t bytes) {
  std::string s;
  s.reserve(bytes + 256);
  for (std::size_t i = 0; s.size() < bytes; ++i) {
    std::string n = std::to_string(i);
    switch (i % 8) {
      case 0: s += "# section " + n + " of the generated configuration file\n"; break;
      case 1: s += "APP_SETTING_" + n + "=plain_value_number_" + n + "_with_some_length\n"; break;
      case 2: s += "export SERVICE_URL_" + n + "=\"https://service-" + n + ".example.com/api/v1\"\n"; break;
      case 3: s += "FEATURE_FLAG_" + n + "='enabled for cohort " + n + "' # trailing comment\n"; break;
      case 4: s += "\n"; break;
      case 5: s += "DERIVED_" + n + "=${APP_SETTING_" + std::to_string(i - 4) + "}/suffix\n"; break;
      case 6: s += "MULTI_" + n + "=\"line one\\nline two\\nline three for " + n + "\"\n"; break;
      default: s += "   SPACED_KEY_" + n + "   =   spaced value " + n + "   \n"; break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const auto mb = static_cast<std::size_t>(bench::arg_number(argc, argv, "--mb", 50));
  const int iterations = std::max(1, static_cast<int>(bench::arg_number(argc, argv, "--iterations", 5)));
  const std::string text = generate(mb << 20);
  std::vector<char> copy(text.size());
  std::size_t sink_bytes = 0;

  auto parse = [&] {
    std::size_t bytes = 0;
    runtime::env::parse_bun(text, [&](std::string_view k, std::string_view v) { bytes += k.size() + v.size(); });
    sink_bytes += bytes;
  };
  auto memchr_lines = [&] {
    std::size_t lines = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    while (const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
      ++lines;
      p = static_cast<const char*>(nl) + 1;
    }
    bench::keep(lines);
  };
  auto memcpy_all = [&] {
    std::memcpy(copy.data(), text.data(), text.size());
    bench::keep(copy.data());
  };
  const bench::options cpu{.samples = iterations, .clock = bench::clock_kind::process_cpu};
  const auto [parsed, floor_memchr, floor_memcpy] = bench::measure_together(cpu, parse, memchr_lines, memcpy_all);

  std::size_t vars = 0;
  auto load = [&] {
    auto r = runtime::env::load_text(runtime::environment{}, text);
    vars = r.env.size();
  };
  const bench::options cpu_half{.samples = std::max(1, iterations / 2), .clock = bench::clock_kind::process_cpu};
  const auto [loaded, load_memchr, load_memcpy] = bench::measure_together(cpu_half, load, memchr_lines, memcpy_all);

  // One line per throughput, beside its floors; `extra` adds fields.
  auto report = [&](const char* name, const bench::stats& t, const bench::stats& fc, const bench::stats& fm,
                    auto&& extra) {
    bench::line l(name);
    l.integer("bytes", static_cast<long long>(text.size()));
    extra(l);
    l.num("cpu_seconds", t.best * 1e-9, 4)
        .num("gb_per_s", bench::gb_per_s(text.size(), t.best))
        .num("floor_memchr_gb_per_s", bench::gb_per_s(text.size(), fc.best))
        .num("floor_memcpy_gb_per_s", bench::gb_per_s(text.size(), fm.best))
        .num("x_memchr", t.best / fc.best, 2)
        .num("x_memcpy", t.best / fm.best, 2)
        .str("clock", "process_cpu");
  };
  report("env.parse", parsed, floor_memchr, floor_memcpy, [&](bench::line& l) {
    l.num("target_gb_per_s", 1.0, 1).boolean("ok", bench::gb_per_s(text.size(), parsed.best) >= 1.0);
  });
  report("env.load_text", loaded, load_memchr, load_memcpy,
         [&](bench::line& l) { l.integer("variables", static_cast<long long>(vars)); });
  return sink_bytes == 0 ? 1 : 0;
}
