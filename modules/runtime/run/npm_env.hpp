// SPDX-License-Identifier: MIT
// runtime.run / npm_env: the npm_* variables (and NODE, PATH) Bun 1.4.5's runner gives the scripts and programs it
// runs, with Bun's rule for each about a value the environment already holds. Tools read them to detect their
// package manager.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <climits>
#  include <unistd.h>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/env.hpp"
#  include "runtime/signal.hpp"
#endif
#include "runtime/run/package_json.hpp"
#include "runtime/run/lookup.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_RUN_NPM_ENV_HPP_)
#define RUNTIME_RUN_NPM_ENV_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace run {

/// `npm_config_user_agent` as Bun writes it (after yarn): "<name>/<version> npm/? node/<node_version> <os> <arch>",
/// e.g. "bun/1.4.5 npm/? node/v26.3.0 linux x64". `node_version` is what the runner claims to be compatible with
/// ("v26.3.0" for Bun 1.4.5); "?" when it claims nothing.
inline std::string user_agent(std::string_view name, std::string_view version, std::string_view node_version = "?") {
  std::string out;
  out.append(name).append("/").append(version).append(" npm/? node/").append(node_version).append(" ");
  out.append(runtime::env::platform::os_name()).append(" ").append(runtime::env::platform::arch_name());
  return out;
}

/// The node a run reports (NODE, npm_node_execpath), found as Bun 1.4.5 finds it: `NODE`, or else
/// `npm_node_execpath`, when it names an executable regular file (a relative one from `cwd`; the value is kept as
/// written); otherwise `node` on the environment's own PATH (not the node_modules/.bin one). nullopt when there is
/// none: Bun then links a `node` to itself, which a runner that is not node cannot do.
inline std::optional<std::string> find_node(const environment& env, std::string_view cwd) {
  std::optional<std::string_view> named = env.get("NODE");
  if (!named) named = env.get("npm_node_execpath");
  if (named && !named->empty()) {
    std::string at((*named)[0] == '/' ? std::string(*named) : std::string(cwd) + "/" + std::string(*named));
    if (runtime::signal::find_program(at, "")) return std::string(*named);
  }
  return runtime::signal::find_program("node", env.get("PATH").value_or(""));
}

/// Who runs the scripts, for npm_execpath and npm_config_user_agent.
struct runner_identity {
  std::string execpath;    ///< npm_execpath: the runner's own executable (Bun: the real path of /proc/self/exe)
  std::string user_agent;  ///< npm_config_user_agent (see run::user_agent)
};

/// The identity of the running program as Bun 1.4.5 builds its own: `execpath` the real path of
/// /proc/self/exe (empty when it cannot be read), `user_agent` run::user_agent(name, version, node_version).
inline runner_identity self_identity(std::string_view name, std::string_view version,
                                     std::string_view node_version = "?") {
  runner_identity id;
  // The kernel's link is already the canonical path: one readlink, where realpath(3) would lstat each part.
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf);
  if (n > 0 && static_cast<std::size_t>(n) < sizeof buf) id.execpath.assign(buf, static_cast<std::size_t>(n));
  id.user_agent = user_agent(name, version, node_version);
  return id;
}

/// One run's facts, from which npm_variables builds the variables.
struct npm_context {
  const package_json* package = nullptr;  ///< the nearest package.json, or null
  std::string cwd;                        ///< the runner's working directory (npm_config_local_prefix)
  /// The script being run (npm_lifecycle_event: "prebuild", "build" ...) and its package.json text
  /// (npm_lifecycle_script); both empty when a program runs, which leaves those two variables as they are.
  std::string lifecycle_event;
  std::string lifecycle_script;
  runner_identity runner;
  std::optional<std::string> node;  ///< from find_node; nullopt leaves NODE and npm_node_execpath as they are
};

/// The variables Bun 1.4.5 sets, with its rule for a value the environment already holds (checked against
/// `bun run` of `env`):
///   npm_config_user_agent, npm_execpath   kept when present, else set;
///   npm_command=run-script, npm_config_local_prefix=<cwd>, NODE and npm_node_execpath (both the node found)
///                                         always set;
///   npm_lifecycle_event, npm_lifecycle_script   set for scripts, left alone for programs;
///   npm_package_name, npm_package_version       set when package.json has a non-empty string, else left alone;
///   npm_package_json                    the package.json path when there is one;
///   npm_package_config_<key>            each string in package.json's `config`.
/// \returns the pairs to set, in that order (PATH is child_path's business).
inline std::vector<std::pair<std::string, std::string>> npm_variables(const environment& env, const npm_context& c) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto set = [&](std::string key, std::string value) { out.emplace_back(std::move(key), std::move(value)); };
  const auto set_default = [&](std::string key, std::string value) {
    if (!env.contains(key)) set(std::move(key), std::move(value));
  };
  set("npm_command", "run-script");
  set("npm_config_local_prefix", c.cwd);
  set_default("npm_config_user_agent", c.runner.user_agent);
  set_default("npm_execpath", c.runner.execpath);
  if (!c.lifecycle_event.empty()) {
    set("npm_lifecycle_event", c.lifecycle_event);
    set("npm_lifecycle_script", c.lifecycle_script);
  }
  if (c.node) {
    set("NODE", *c.node);
    set("npm_node_execpath", *c.node);
  }
  if (c.package) {
    if (c.package->name) set("npm_package_name", *c.package->name);
    if (c.package->version) set("npm_package_version", *c.package->version);
    set("npm_package_json", c.package->path);
    for (const auto& [k, v] : c.package->config) set("npm_package_config_" + k, v);
  }
  return out;
}

/// The environment of a script or program run from `c.cwd`: `env` with npm_variables(env, c) applied and PATH
/// replaced by child_path(c.cwd, <the package's directory>, PATH of `env`).
inline environment child_environment(const environment& env, const npm_context& c) {
  environment out = env;
  for (const auto& [k, v] : npm_variables(env, c)) out = out.with(k, v);
  const std::string_view package_dir = c.package ? std::string_view(c.package->dir) : std::string_view();
  return out.with("PATH", child_path(c.cwd, package_dir, env.get("PATH").value_or("")));
}

/// child_environment as the `KEY=value` entries a spawn takes (sorted by key), built in one pass: no
/// intermediate environment per variable, which keeps a run's start-up cost near a bare spawn.
inline std::vector<std::string> child_environment_entries(const environment& env, const npm_context& c) {
  std::vector<std::pair<std::string, std::string>> set = npm_variables(env, c);
  const std::string_view package_dir = c.package ? std::string_view(c.package->dir) : std::string_view();
  set.emplace_back("PATH", child_path(c.cwd, package_dir, env.get("PATH").value_or("")));
  // The last value of a key wins, as with successive with() calls (a dozen keys: a linear look is enough).
  std::vector<std::pair<std::string, std::string>> unique;
  unique.reserve(set.size());
  for (auto& kv : set) {
    auto same = std::find_if(unique.begin(), unique.end(), [&](const auto& u) { return u.first == kv.first; });
    if (same != unique.end()) same->second = std::move(kv.second);
    else unique.push_back(std::move(kv));
  }
  std::sort(unique.begin(), unique.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  out.reserve(env.size() + unique.size());
  const auto entry = [](std::string_view k, std::string_view v) {
    std::string s;
    s.reserve(k.size() + 1 + v.size());
    s.append(k).push_back('=');
    s.append(v);
    return s;
  };
  auto u = unique.begin();
  for (const auto& [k, v] : env) {
    for (; u != unique.end() && u->first < k; ++u) out.push_back(entry(u->first, u->second));
    if (u != unique.end() && u->first == k) {
      out.push_back(entry(u->first, u->second));
      ++u;
    } else {
      out.push_back(entry(k, v));
    }
  }
  for (; u != unique.end(); ++u) out.push_back(entry(u->first, u->second));
  return out;
}

}}}  // namespace runtime::v1::run
RUNTIME_EXPORT_END

#endif
