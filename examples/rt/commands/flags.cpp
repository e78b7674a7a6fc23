// SPDX-License-Identifier: MIT
// rt flags [--json]: rt's own feature-flag table (flags.hpp) as runtime::app resolved it from the command line
// (--feature), the environment and bunfig.toml (--config, project, global), each value with where it came from.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <nlohmann/json.hpp>
#include "runtime/detail/posix_io.hpp"
#include "runtime/detail/text.hpp"
#include "app.hpp"

namespace rt {
namespace {

using runtime::flags::default_value;
using runtime::flags::env_var_name;
using runtime::flags::flag_type;
using runtime::flags::flag_value;
using runtime::flags::source_kind;
using runtime::flags::to_string;

nlohmann::json json_value(const flag_value& v) {
  if (auto b = std::get_if<bool>(&v)) return *b;
  if (auto i = std::get_if<std::int64_t>(&v)) return *i;
  return std::get<std::string>(v);
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

/// Values and origins as `rt env` shows values: control characters escaped, so a value can neither break the
/// table nor drive the terminal.
std::string shown(std::string_view s) { return runtime::detail::escaped(s, runtime::detail::escape::question_marks); }

}  // namespace

int commands::flags(const context& c) {
  // Written at once, not through stdio: nothing may sit in a buffer when a signal ends rt.
  using runtime::detail::write_all;
  if (c.args.flag("json")) {
    nlohmann::ordered_json j;
    j["flags"] = nlohmann::ordered_json::array();
    for (const auto& f : c.flags.all()) {
      nlohmann::ordered_json e;
      e["name"] = f.desc->name;
      e["type"] = to_string(f.desc->type);
      e["value"] = json_value(f.value);
      e["source"] = to_string(f.source.kind);
      e["origin"] = f.source.where;
      e["env"] = env_var_name(rt_flags, *f.desc);
      e["default"] = json_value(default_value(*f.desc));
      e["help"] = f.desc->help;
      if (f.desc->type == flag_type::enumeration) e["choices"] = f.desc->choices;
      j["flags"].push_back(std::move(e));
    }
    j["bunfig"] = c.config.files;
    j["env_files"] = c.config.loads_default_env_files();
    // Values come from the environment and bunfig files, so they may be any bytes: invalid UTF-8 becomes
    // U+FFFD (as JSON.stringify and `rt env --json` do) rather than an exception.
    write_all(1, j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    return 0;
  }

  std::size_t name_width = 4, value_width = 5;
  for (const auto& f : c.flags.all()) {
    name_width = std::max(name_width, f.desc->name.size());
    value_width = std::max(value_width, shown(to_string(f.value)).size());
  }
  std::string text = pad("FLAG", name_width + 2) + pad("VALUE", value_width + 2) + "SOURCE\n";
  for (const auto& f : c.flags.all()) {
    std::string source(to_string(f.source.kind));
    if (f.source.kind != source_kind::default_value) source += " (" + shown(f.source.where) + ")";
    text += pad(std::string(f.desc->name), name_width + 2) + pad(shown(to_string(f.value)), value_width + 2) +
            source + "\n";
  }
  write_all(1, text);
  return 0;
}

}  // namespace rt
