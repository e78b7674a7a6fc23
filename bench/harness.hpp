// SPDX-License-Identifier: MIT
// bench/harness.hpp: the one timing harness of bench/*_bench.cpp. Measures a callable (best of N samples, and
// their median), measures a case and its reference alternately so machine load hits both sides of a ratio,
// and prints one JSON line per case. Absolute figures drift between machines; the ratio to a reference or a
// floor measured in the same run on the same input is what a README may quote.
// A plain header for benchmark programs, not part of the library (namespace bench).
#ifndef RUNTIME_BENCH_HARNESS_HPP_
#define RUNTIME_BENCH_HARNESS_HPP_

#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

// ---- clocks ----------------------------------------------------------------------------------------------

/// What a sample is timed with. CPU time ignores waiting for a core on a shared machine (what the allocation
/// and parser benchmarks want); wall time is what a user waits (start-up, signal delivery).
enum class clock_kind { wall, process_cpu, thread_cpu };

/// Now, in ns, on `c`.
inline double now_ns(clock_kind c) noexcept {
  if (c == clock_kind::wall)
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now().time_since_epoch()).count();
  timespec ts{};
  ::clock_gettime(c == clock_kind::process_cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

/// Keeps `value` alive and opaque to the optimiser, so the work that made it is not removed.
template <class T>
inline void keep(const T& value) noexcept {
  asm volatile("" : : "r,m"(value) : "memory");
}

// ---- statistics ------------------------------------------------------------------------------------------

/// A summary of samples (ns per operation, or any unit the samples have).
struct stats {
  double best = 0, median = 0, p10 = 0, p90 = 0;
  std::size_t samples = 0;
};

/// best (the minimum), median, 10th and 90th percentile of `v` (nearest rank); zeros for no samples.
inline stats summarize(std::vector<double> v) {
  stats s;
  s.samples = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const auto at = [&](double q) { return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)]; };
  s.best = v.front();
  s.median = at(0.5);
  s.p10 = at(0.1);
  s.p90 = at(0.9);
  return s;
}

// ---- measuring -------------------------------------------------------------------------------------------

/// How measure() runs a callable.
struct options {
  int samples = 5;                           ///< timed samples; stats are over these
  long long ops = 1;                         ///< calls per sample (ns per op = sample time / ops)
  double per_op = 1;                         ///< operations one call stands for (e.g. a batch of 1000 allocations)
  clock_kind clock = clock_kind::wall;
  int warmup = 0;                            ///< untimed calls first (caches, lazy initialisation)
};

/// Times `f`: `o.samples` samples of `o.ops` calls each; returns ns per operation (per call / o.per_op).
template <class F>
stats measure(F&& f, const options& o = {}) {
  for (int i = 0; i < o.warmup; ++i) f();
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(std::max(o.samples, 0)));
  for (int s = 0; s < o.samples; ++s) {
    const double t0 = now_ns(o.clock);
    for (long long i = 0; i < o.ops; ++i) f();
    v.push_back((now_ns(o.clock) - t0) / (static_cast<double>(o.ops) * o.per_op));
  }
  return summarize(std::move(v));
}

/// A case and its reference, measured alternately.
struct paired {
  stats ours, reference;
  /// ours / reference on the best samples (> 1: slower than the reference).
  double ratio() const noexcept { return reference.best > 0 ? ours.best / reference.best : 0; }
  /// The same ratio on the medians.
  double ratio_median() const noexcept { return reference.median > 0 ? ours.median / reference.median : 0; }
};

/// Measures `f` and `ref` in alternating samples (reference, case, reference, ...) so a change of load during
/// the run affects both sides alike. `o.ops` calls of `f` and `ref_ops` calls of `ref` per sample (0: o.ops).
template <class F, class R>
paired measure_pair(F&& f, R&& ref, const options& o = {}, long long ref_ops = 0) {
  if (ref_ops <= 0) ref_ops = o.ops;
  for (int i = 0; i < o.warmup; ++i) ref(), f();
  std::vector<double> mine, theirs;
  for (int s = 0; s < o.samples; ++s) {
    const double t0 = now_ns(o.clock);
    for (long long i = 0; i < ref_ops; ++i) ref();
    const double t1 = now_ns(o.clock);
    for (long long i = 0; i < o.ops; ++i) f();
    const double t2 = now_ns(o.clock);
    theirs.push_back((t1 - t0) / (static_cast<double>(ref_ops) * o.per_op));
    mine.push_back((t2 - t1) / (static_cast<double>(o.ops) * o.per_op));
  }
  return {summarize(std::move(mine)), summarize(std::move(theirs))};
}

/// measure_pair for any number of callables: each sample times `o.ops` calls of each in turn, so a throughput
/// and its floors (memchr, memcpy over the same bytes) see the same machine. Results in argument order.
template <class... F>
std::array<stats, sizeof...(F)> measure_together(const options& o, F&&... f) {
  for (int i = 0; i < o.warmup; ++i) (f(), ...);
  std::array<std::vector<double>, sizeof...(F)> v;
  for (int s = 0; s < o.samples; ++s) {
    std::size_t k = 0;
    auto one = [&](auto& fn) {
      const double t0 = now_ns(o.clock);
      for (long long i = 0; i < o.ops; ++i) fn();
      v[k++].push_back((now_ns(o.clock) - t0) / (static_cast<double>(o.ops) * o.per_op));
    };
    (one(f), ...);
  }
  std::array<stats, sizeof...(F)> out;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = summarize(std::move(v[i]));
  return out;
}

/// Bytes per ns is GB/s: the throughput of `bytes` processed in `ns`.
constexpr double gb_per_s(std::size_t bytes, double ns) noexcept { return ns > 0 ? static_cast<double>(bytes) / ns : 0; }

// ---- output ----------------------------------------------------------------------------------------------

/// One JSON object on one line of stdout, printed (and flushed) when it goes out of scope:
///   bench::line("env.parse").num("gb_per_s", 2.1).str("floor", "memchr");
/// Keys are written as given; string values are escaped for JSON.
class line {
 public:
  explicit line(std::string_view bench) { str("bench", bench); }
  line(const line&) = delete;
  line& operator=(const line&) = delete;
  ~line() {
    text_ += "}\n";
    std::fputs(text_.c_str(), stdout);
    std::fflush(stdout);
  }
  line& str(std::string_view key, std::string_view value) {
    begin(key);
    quote(value);
    return *this;
  }
  /// A number with `precision` decimals (%.*f).
  line& num(std::string_view key, double value, int precision = 3) {
    begin(key);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", precision, value);
    text_ += buf;
    return *this;
  }
  line& integer(std::string_view key, long long value) {
    begin(key);
    text_ += std::to_string(value);
    return *this;
  }
  line& boolean(std::string_view key, bool value) {
    begin(key);
    text_ += value ? "true" : "false";
    return *this;
  }
  /// `key` (ns per op, best sample) plus `key`_median.
  line& ns(std::string_view key, const stats& s, int precision = 1) {
    num(key, s.best, precision);
    return num(std::string(key) + "_median", s.median, precision);
  }

 private:
  void begin(std::string_view key) {
    text_ += text_.empty() ? "{" : ",";
    quote(key);
    text_ += ':';
  }
  void quote(std::string_view s) {
    text_ += '"';
    for (char c : s) {
      if (c == '"' || c == '\\') text_ += '\\', text_ += c;
      else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
        text_ += buf;
      } else text_ += c;
    }
    text_ += '"';
  }
  std::string text_;
};

// ---- command line ----------------------------------------------------------------------------------------

/// The value after `--name` in argv (e.g. arg(argc, argv, "--mb")), or nullptr.
inline const char* arg(int argc, char** argv, std::string_view name) noexcept {
  for (int i = 1; i + 1 < argc; ++i)
    if (name == argv[i]) return argv[i + 1];
  return nullptr;
}

/// arg() as a number, `fallback` when absent.
inline double arg_number(int argc, char** argv, std::string_view name, double fallback) noexcept {
  const char* v = arg(argc, argv, name);
  return v ? std::strtod(v, nullptr) : fallback;
}

}  // namespace bench

#endif  // RUNTIME_BENCH_HARNESS_HPP_
