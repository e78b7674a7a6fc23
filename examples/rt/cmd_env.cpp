// SPDX-License-Identifier: MIT
// rt env / rt info: the resolved environment (Bun's .env rules, or the dotenv dialect) and platform facts.
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>
#include "invocation.hpp"

namespace {

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    auto n = ::write(fd, s.data(), s.size());
    if (n <= 0) return;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

// The diagnostic as runtime::render draws it, labelled "warning" unless strict mode makes it an error.
std::string describe(const runtime::error& e, bool strict) {
  std::string text = runtime::render(e);
  if (!strict && text.rfind("error", 0) == 0) text.replace(0, 5, "warning");
  return text;
}

}  // namespace

namespace rt {

int cmd_env(const invocation& inv) {
  namespace env = runtime::env;
  env::load_options opts;
  opts.env_files = inv.env_files;
  opts.no_env_file = inv.no_env_file;
  opts.strict = inv.flag("strict");
  if (auto d = inv.option("dialect")) {
    try {
      opts.dialect = env::parse_dialect(*d);
    } catch (const runtime::error& e) {
      write_all(2, "error: " + e.message() + "\n");
      return runtime::exit_status_of(e);
    }
  }
  // The startup sequence has already resolved the environment (bunfig's [env] applied) and reported its
  // diagnostics; on its own, the handler does both here.
  std::optional<env::loaded> own;
  if (!inv.resolved) {
    try {
      own = env::load(inv.process_env, opts);
    } catch (const std::exception& e) {
      write_all(2, std::string("error: ") + e.what() + "\n");
      return 1;
    }
    for (const auto& d : own->diagnostics) write_all(2, describe(d, opts.strict));
  }
  const env::loaded& r = inv.resolved ? *inv.resolved : *own;

  std::string out;
  if (inv.flag("json")) {
    // Streamed in pieces: a 100,000-variable environment never sits in memory twice.
    env::write_json(r.env, [](std::string_view piece) { write_all(1, piece); });
    write_all(1, "\n");
  } else {
    bool show = inv.flag("show-secrets"), sources = inv.flag("sources");
    for (const auto& [k, v] : r.env) {
      out += k;
      out += '=';
      out += (!show && env::is_secret_key(k)) ? std::string("<redacted>") : rt::printable(v);
      if (sources) {
        out += "  # ";
        out += r.env.origin(k)->to_string();
      }
      out += '\n';
    }
  }
  write_all(1, out);
  if (opts.strict && !r.diagnostics.empty()) return 1;
  return 0;
}

int cmd_info(const invocation& inv) {
  namespace pf = runtime::env::platform;
  auto p = pf::detect(inv.process_env);
  std::string out;
  if (inv.flag("json")) {
    auto str = [&](std::string_view s) { runtime::env::append_json_string(out, s); };
    out += "{\"os\":";
    str(p.os);
    out += ",\"arch\":";
    str(p.arch);
    out += ",\"kernel\":";
    str(p.kernel);
    out += ",\"ci\":{\"is_ci\":";
    out += p.ci.is_ci ? "true" : "false";
    out += ",\"vendor\":";
    if (p.ci.vendor) str(*p.ci.vendor); else out += "null";
    out += ",\"is_pr\":";
    out += p.ci.is_pr ? "true" : "false";
    out += "},\"container\":{\"kind\":";
    if (p.container.kind().empty()) out += "null"; else str(p.container.kind());
    out += ",\"docker\":";
    out += p.container.docker ? "true" : "false";
    out += ",\"podman\":";
    out += p.container.podman ? "true" : "false";
    out += ",\"kubernetes\":";
    out += p.container.kubernetes ? "true" : "false";
    out += ",\"wsl\":";
    out += p.container.wsl ? "true" : "false";
    out += "}}\n";
  } else {
    out += "os:        " + p.os + " (" + p.kernel + ")\n";
    out += "arch:      " + p.arch + "\n";
    out += "ci:        ";
    out += p.ci.is_ci ? (p.ci.vendor ? *p.ci.vendor : std::string("yes (unknown vendor)")) : std::string("no");
    if (p.ci.is_ci) out += p.ci.is_pr ? " (pull request)" : "";
    out += "\ncontainer: ";
    out += p.container.kind().empty() ? std::string("none") : std::string(p.container.kind());
    out += "\n";
  }
  write_all(1, out);
  return 0;
}

}  // namespace rt
