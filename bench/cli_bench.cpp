// SPDX-License-Identifier: MIT
// runtime.cli benchmarks, one JSON line per case (bench/harness.hpp; cases and references alternate):
//  - parse_typical: a Bun-like command line (globals, a command, a choice, a comma list); the reference is
//    glibc getopt_long over the same words (which validates nothing and builds no result).
//  - parse_100k: 100,000 arguments through a run-like command, ns per argument (linear, not quadratic), beside
//    the floor of reading every byte of the same arguments once.
//  - help_text / completion_bash: rendering the main help and the bash script.
//  - suggest: an unknown command word with its did-you-mean search.
// Usage: cli_bench
#include <getopt.h>
#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include "harness.hpp"
#if RUNTIME_USE_MODULES
import runtime.error;
import runtime.env;
import runtime.cli;
#else
#include <runtime/cli.hpp>
#endif

namespace {

volatile std::size_t sink;
namespace cli = runtime::cli;
using cli::option;
using cli::value_kind;

// Best of 5 samples of `n` calls, ns per call (wall clock).
template <class F>
double measure(long long n, F&& f) {
  return bench::measure(f, {.ops = n}).best;
}

enum class cmd { auto_, run, env, install, add, remove, help };
constexpr option globals[] = {
    {.name = "cwd", .kind = value_kind::path},
    {.name = "env-file", .kind = value_kind::comma_list},
    {.name = "no-env-file"},
    {.name = "config", .short_name = 'c', .kind = value_kind::path, .optional_value = true, .implicit_value = "bunfig.toml"},
    {.name = "silent"},
    {.name = "help", .short_name = 'h', .role = cli::option_role::help},
    {.name = "version", .short_name = 'v', .role = cli::option_role::version},
};
constexpr option env_opts[] = {
    {.name = "json"},
    {.name = "sources"},
    {.name = "dialect", .kind = value_kind::choice, .choices = "bun|dotenv", .default_value = "bun"},
};
constexpr cli::command<cmd> commands[] = {
    {.id = cmd::auto_, .name = "auto", .stop_at_positional = true, .hidden = true},
    {.id = cmd::run, .name = "run", .help = "Execute a file", .stop_at_positional = true},
    {.id = cmd::env, .name = "env", .help = "Show the environment", .options = env_opts},
    {.id = cmd::install, .name = "install", .aliases = "i ci", .help = "Install dependencies"},
    {.id = cmd::add, .name = "add", .aliases = "a", .help = "Add a dependency"},
    {.id = cmd::remove, .name = "remove", .aliases = "rm r uninstall", .help = "Remove a dependency"},
    {.id = cmd::help, .name = "help", .help = "Help"},
};
constexpr cli::program<cmd> prog = {.name = "rt", .version = "1", .global_options = globals, .commands = commands,
                                    .auto_command = cmd::auto_, .help_command = cmd::help};

}  // namespace

int main() {
  runtime::environment env;
  std::vector<std::string_view> typical{"--cwd", "/tmp", "env", "--json", "--dialect=dotenv", "--env-file", "a.env,b.env"};
  auto ours_round = [&] {
    auto r = cli::parse(prog, typical, env);
    sink = r.options.size();
  };
  // getopt_long over the same words ("env" is a non-option it permutes past).
  static const struct ::option longopts[] = {
      {"cwd", required_argument, nullptr, 1}, {"env-file", required_argument, nullptr, 2},
      {"no-env-file", no_argument, nullptr, 3}, {"config", optional_argument, nullptr, 'c'},
      {"silent", no_argument, nullptr, 4},     {"json", no_argument, nullptr, 5},
      {"dialect", required_argument, nullptr, 6}, {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'v'},  {nullptr, 0, nullptr, 0}};
  std::vector<std::string> store{"rt"};
  for (auto a : typical) store.emplace_back(a);
  auto getopt_round = [&] {
    std::vector<char*> argv;
    for (auto& s : store) argv.push_back(s.data());
    argv.push_back(nullptr);
    optind = 0;
    opterr = 0;
    std::size_t n = 0;
    while (::getopt_long(static_cast<int>(argv.size() - 1), argv.data(), "c::hv", longopts, nullptr) != -1) ++n;
    sink = n;
  };
  // Alternating samples: the ratio sees the same machine load on both sides.
  const auto typical_pair = bench::measure_pair(ours_round, getopt_round, {.ops = 200000});
  bench::line("parse_typical")
      .num("ns_per_op", typical_pair.ours.best, 1)
      .str("reference", "getopt_long")
      .num("reference_ns", typical_pair.reference.best, 1)
      .num("ratio", typical_pair.ratio(), 2);

  std::vector<std::string> many;
  many.reserve(100000);
  for (int i = 0; i < 100000; ++i) many.push_back("arg" + std::to_string(i));
  std::vector<std::string_view> big{"run", "script.js"};
  for (auto& s : many) big.emplace_back(s);
  // The floor: one pass over the same words that reads every byte (what any parser must at least do).
  auto parse_big = [&] {
    auto r = cli::parse(prog, big, env);
    sink = r.positionals.size();
  };
  auto walk_big = [&] {
    std::size_t bytes = 0;
    for (std::string_view a : big)
      for (char c : a) bytes += static_cast<unsigned char>(c);
    bench::keep(bytes);
  };
  const auto big_pair = bench::measure_pair(parse_big, walk_big, {.ops = 20, .per_op = static_cast<double>(big.size())});
  bench::line("parse_100k")
      .num("ns_per_arg", big_pair.ours.best, 2)
      .str("floor", "read every byte of every argument")
      .num("floor_ns_per_arg", big_pair.reference.best, 2)
      .num("x_floor", big_pair.ratio(), 2);

  cli::help_style st{.width = 100, .color = false};
  double help = measure(20000, [&] { sink = cli::help_text(prog, st).size(); });
  bench::line("help_text").num("ns_per_op", help, 1);
  double bash = measure(20000, [&] { sink = cli::completion_script(prog, cli::shell::bash).size(); });
  bench::line("completion_bash").num("ns_per_op", bash, 1);
  std::vector<std::string_view> typo{"instal"};
  double suggest = measure(50000, [&] {
    auto o = cli::try_parse(prog, std::span<const std::string_view>(typo), env);
    sink = o.failure ? o.failure->hints().size() : 0;
  });
  bench::line("suggest").num("ns_per_op", suggest, 1);
  return 0;
}
