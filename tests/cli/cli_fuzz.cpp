// SPDX-License-Identifier: MIT
// libFuzzer target: random argv (NUL-separated in the input) against rt's own command table and against a
// declaration using every value kind. Every input must parse or fail with a cli usage error that renders;
// never a crash, a leak or undefined behaviour (the fuzz configuration builds with ASan+UBSan).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "commands.hpp"

namespace rt {
// main.cpp's version looks at the file system; the fuzzer must not.
bool auto_target_exists(std::string_view word, const runtime::cli::parsed<command_id>&, const runtime::environment&) {
  return word.size() % 2 == 0;
}
}  // namespace rt

namespace {
namespace cli = runtime::cli;
using cli::option;
using cli::value_kind;

enum class cmd { none, a, b, help };
constexpr option globals[] = {
    {.name = "verbose", .short_name = 'V'},
    {.name = "quiet", .short_name = 'q', .conflicts = "verbose"},
    {.name = "config", .short_name = 'c', .kind = value_kind::path, .optional_value = true, .implicit_value = "x"},
    {.name = "list", .short_name = 'l', .kind = value_kind::comma_list, .env = "FZ_LIST"},
    {.name = "help", .short_name = 'h', .role = cli::option_role::help},
};
constexpr option a_opts[] = {
    {.name = "num", .short_name = 'n', .kind = value_kind::integer, .min = -5, .max = 500, .default_value = "1", .env = "FZ_NUM"},
    {.name = "pick", .short_name = 'p', .kind = value_kind::choice, .choices = "one|two|three"},
    {.name = "on", .short_name = 'o', .kind = value_kind::boolean, .env = "FZ_ON"},
    {.name = "def", .short_name = 'd', .kind = value_kind::list, .aliases = "define"},
    {.name = "s", .kind = value_kind::string, .required = true},
};
constexpr cli::command<cmd> commands[] = {
    {.id = cmd::none, .name = "auto", .stop_at_positional = true, .hidden = true},
    {.id = cmd::a, .name = "alpha", .aliases = "al", .options = a_opts, .max_positionals = 3},
    {.id = cmd::b, .name = "beta", .min_positionals = 1, .stop_at_positional = true},
    {.id = cmd::help, .name = "help", .max_positionals = 1},
};
constexpr cli::program<cmd> fuzz_prog = {.name = "fz", .version = "1", .global_options = globals, .commands = commands,
                                         .auto_command = cmd::none, .help_command = cmd::help};
static_assert(!cli::first_problem(fuzz_prog));

template <class Cmd>
void exercise(const cli::program<Cmd>& p, const std::vector<std::string_view>& args, const runtime::environment& env,
              std::size_t width) {
  try {
    auto r = cli::parse(p, args, env);
    if (!r.spec) std::abort();
    if (r.spec->id != r.command) std::abort();
    for (const auto& v : r.options) {
      if (!v.spec) std::abort();
      (void)r.value(v.spec->name);
      (void)r.values(v.spec->name);
      if (v.spec->kind == value_kind::integer && v.source != cli::value_source::default_value) {
        auto n = r.integer(v.spec->name);
        if (!n || *n < v.spec->min || *n > v.spec->max) std::abort();
      }
      if (v.spec->kind == value_kind::boolean && !r.boolean(v.spec->name)) std::abort();
    }
    if (r.help) (void)cli::command_help(p, *r.spec, cli::help_style{.width = width, .color = (width & 1) != 0});
  } catch (const runtime::error& e) {
    if (e.kind() != runtime::error_kind::cli || runtime::exit_status_of(e) != 2) std::abort();
    if (e.message().empty() || e.message().size() > 1000) std::abort();
    if (cli::render_error(p, e).find("Usage: ") == std::string::npos) std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::uint8_t mode = data[0];
  std::vector<std::string_view> args;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= in.size(); ++i) {
    if (i == in.size() || in[i] == '\0') {
      args.push_back(in.substr(start, i - start));
      start = i + 1;
    }
  }
  // Some inputs carry environment values too: the first arguments become FZ_NUM / FZ_ON / FZ_LIST.
  std::vector<std::pair<std::string, std::string>> pairs;
  if ((mode & 2) && args.size() >= 3) {
    pairs = {{"FZ_NUM", std::string(args[0])}, {"FZ_ON", std::string(args[1])}, {"FZ_LIST", std::string(args[2])}};
    args.erase(args.begin(), args.begin() + 3);
  }
  auto env = runtime::environment::from_pairs(std::move(pairs));
  std::size_t width = 40 + (mode >> 2) * 3;
  if (mode & 1) exercise(rt::program, args, env, width);
  else exercise(fuzz_prog, args, env, width);
  return 0;
}
