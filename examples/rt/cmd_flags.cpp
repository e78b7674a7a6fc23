// SPDX-License-Identifier: MIT
// rt flags [--json]: rt's own feature-flag table, resolved from the command line, the environment and
// bunfig.toml (--config, project, global), each value with where it came from.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include "invocation.hpp"
#include "flags.hpp"

namespace rt {
namespace {

namespace fl = runtime::flags;

using rt::rt_flags;

// Flushed at once: nothing may sit in a stdio buffer when a signal ends rt (on-demand shutdown watcher).
void out(std::FILE* f, std::string_view s) {
  std::fwrite(s.data(), 1, s.size(), f);
  std::fflush(f);
}

nlohmann::json json_value(const fl::flag_value& v) {
  if (auto b = std::get_if<bool>(&v)) return *b;
  if (auto i = std::get_if<std::int64_t>(&v)) return *i;
  return std::get<std::string>(v);
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

}  // namespace

int cmd_flags(const invocation& inv) {
  try {
    // The startup sequence resolved the flags from the resolved environment (.env included); a handler
    // called on its own resolves them the same way from the process environment.
    std::optional<fl::bunfig> own_cfg;
    std::shared_ptr<const fl::feature_flags> own_flags;
    const fl::bunfig* cfgp = inv.config_file;
    const fl::feature_flags* flagsp = inv.feature_flags;
    if (!cfgp || !flagsp) {
      fl::bunfig_options opt;
      opt.config_path = inv.config;
      opt.features = &rt_flags;
      own_cfg = fl::load_bunfig(inv.process_env, opt);
      std::vector<fl::cli_override> cli;
      if (auto f = inv.option("feature")) {
        std::string_view rest = *f;
        while (!rest.empty()) {
          auto comma = rest.find(',');
          cli.push_back(fl::cli_override::parse(rest.substr(0, comma)));
          rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
      }
      own_flags = fl::resolve(rt_flags, inv.process_env, *own_cfg, cli);
      cfgp = &*own_cfg;
      flagsp = own_flags.get();
    }
    const fl::bunfig& cfg = *cfgp;
    const fl::feature_flags* flags = flagsp;

    if (inv.flag("json")) {
      nlohmann::ordered_json j;
      j["flags"] = nlohmann::ordered_json::array();
      for (const auto& f : flags->all()) {
        nlohmann::ordered_json e;
        e["name"] = f.desc->name;
        e["type"] = fl::to_string(f.desc->type);
        e["value"] = json_value(f.value);
        e["source"] = fl::to_string(f.source.kind);
        e["origin"] = f.source.where;
        e["env"] = fl::env_var_name(rt_flags, *f.desc);
        e["default"] = json_value(fl::default_value(*f.desc));
        e["help"] = f.desc->help;
        if (f.desc->type == fl::flag_type::enumeration) e["choices"] = f.desc->choices;
        j["flags"].push_back(std::move(e));
      }
      j["bunfig"] = cfg.files;
      j["env_files"] = cfg.loads_default_env_files();
      // Values come from the environment and bunfig files, so they may be any bytes: invalid UTF-8 becomes
      // U+FFFD (as JSON.stringify and `rt env --json` do) rather than an exception.
      out(stdout, j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
      return 0;
    }

    // Values and origins are shown as `rt env` shows values: control characters escaped, so a value can
    // neither break the table nor drive the terminal.
    std::size_t wn = 4, wv = 5;
    for (const auto& f : flags->all()) {
      wn = std::max(wn, f.desc->name.size());
      wv = std::max(wv, printable(fl::to_string(f.value)).size());
    }
    std::string text = pad("FLAG", wn + 2) + pad("VALUE", wv + 2) + "SOURCE\n";
    for (const auto& f : flags->all()) {
      std::string src(fl::to_string(f.source.kind));
      if (f.source.kind != fl::source_kind::default_value) src += " (" + printable(f.source.where) + ")";
      text += pad(std::string(f.desc->name), wn + 2) + pad(printable(fl::to_string(f.value)), wv + 2) + src + "\n";
    }
    out(stdout, text);
    return 0;
  } catch (const runtime::error& e) {
    runtime::display_options show;
    show.color = runtime::color_enabled(inv.process_env.get("NO_COLOR"), inv.process_env.get("FORCE_COLOR"), ::isatty(2) == 1);
    out(stderr, runtime::render(e, show));
    return runtime::exit_status_of(e);
  }
}

}  // namespace rt
