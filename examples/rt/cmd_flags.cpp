// SPDX-License-Identifier: MIT
// rt flags [--json]: rt's own feature-flag table, resolved from the command line, the environment and
// bunfig.toml (--config, project, global), each value with where it came from.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>
#include <nlohmann/json.hpp>
#include "invocation.hpp"

namespace rt {
namespace {

namespace fl = runtime::flags;

// A few of Bun's real switches, under the variable names Bun reads, so `BUN_FEATURE_FLAG_...` set for Bun
// means the same to rt.
constexpr fl::flag_desc rt_flag_list[] = {
    {.name = "disable_source_maps", .help = "Do not map stack traces through source maps"},
    {.name = "disable_dns_cache", .help = "Resolve every DNS lookup afresh"},
    {.name = "dns_cache_ttl", .type = fl::flag_type::integer, .default_value = "30",
     .help = "Seconds a cached DNS answer stays valid", .env = "BUN_CONFIG_DNS_TIME_TO_LIVE_SECONDS", .min = 0,
     .max = 86400},
    {.name = "max_http_requests", .type = fl::flag_type::integer, .default_value = "256",
     .help = "Most HTTP requests in flight at once", .env = "BUN_CONFIG_MAX_HTTP_REQUESTS", .min = 1, .max = 65535},
    {.name = "experimental_shell", .help = "Enable the experimental shell builtins",
     .env = "BUN_ENABLE_EXPERIMENTAL_SHELL_BUILTINS"},
    {.name = "log_level", .type = fl::flag_type::enumeration, .default_value = "warn",
     .help = "Least severe level rt logs", .choices = "debug|info|warn|error"},
    {.name = "transpiler_cache_path", .type = fl::flag_type::string, .help = "Where the transpiler cache lives",
     .env = "BUN_RUNTIME_TRANSPILER_CACHE_PATH"},
};
constexpr fl::flag_table rt_flags{.flags = rt_flag_list, .env_prefix = "BUN_FEATURE_FLAG_", .bunfig_table = "features"};
static_assert(fl::table_error(rt_flags).empty(), "rt's flag table is invalid");

void out(std::FILE* f, std::string_view s) { std::fwrite(s.data(), 1, s.size(), f); }

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
    fl::bunfig_options opt;
    opt.config_path = inv.config;
    opt.features = &rt_flags;
    auto cfg = fl::load_bunfig(inv.process_env, opt);
    std::vector<fl::cli_override> cli;
    if (auto f = inv.option("feature")) {  // --feature name=value[,name=value...] when the command table has it
      std::string_view rest = *f;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        cli.push_back(fl::cli_override::parse(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    }
    auto flags = fl::resolve(rt_flags, inv.process_env, cfg, cli);

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
      out(stdout, j.dump(2) + "\n");
      return 0;
    }

    std::size_t wn = 4, wv = 5;
    for (const auto& f : flags->all()) {
      wn = std::max(wn, f.desc->name.size());
      wv = std::max(wv, fl::to_string(f.value).size());
    }
    std::string text = pad("FLAG", wn + 2) + pad("VALUE", wv + 2) + "SOURCE\n";
    for (const auto& f : flags->all()) {
      std::string src(fl::to_string(f.source.kind));
      if (f.source.kind != fl::source_kind::default_value) src += " (" + f.source.where + ")";
      text += pad(std::string(f.desc->name), wn + 2) + pad(fl::to_string(f.value), wv + 2) + src + "\n";
    }
    out(stdout, text);
    return 0;
  } catch (const runtime::error& e) {
    out(stderr, fl::format_error(e));
    return runtime::exit_status_of(e);
  }
}

}  // namespace rt
