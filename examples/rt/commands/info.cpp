// SPDX-License-Identifier: MIT
// rt info [--json]: the platform facts runtime.env detects from the process environment (OS, architecture,
// kernel, CI vendor and pull request, container).
#include <string>
#include <string_view>
#include "runtime/detail/posix_io.hpp"
#include "app.hpp"

namespace rt {

int commands::info(const context& c) {
  const auto p = runtime::env::platform::detect(c.process_env);
  std::string out;
  if (c.args.flag("json")) {
    auto str = [&](std::string_view s) { runtime::env::append_json_string(out, s); };
    auto boolean = [&](bool b) { out += b ? "true" : "false"; };
    out += "{\"os\":";
    str(p.os);
    out += ",\"arch\":";
    str(p.arch);
    out += ",\"kernel\":";
    str(p.kernel);
    out += ",\"ci\":{\"is_ci\":";
    boolean(p.ci.is_ci);
    out += ",\"vendor\":";
    if (p.ci.vendor) str(*p.ci.vendor); else out += "null";
    out += ",\"is_pr\":";  // null when ci-info cannot tell, as its isPR
    if (p.ci.is_pr) boolean(*p.ci.is_pr); else out += "null";
    out += "},\"container\":{\"kind\":";
    if (p.container.kind().empty()) out += "null"; else str(p.container.kind());
    out += ",\"docker\":";
    boolean(p.container.docker);
    out += ",\"podman\":";
    boolean(p.container.podman);
    out += ",\"kubernetes\":";
    boolean(p.container.kubernetes);
    out += ",\"wsl\":";
    boolean(p.container.wsl);
    out += "}}\n";
  } else {
    out += "os:        " + p.os + " (" + p.kernel + ")\n";
    out += "arch:      " + p.arch + "\n";
    out += "ci:        ";
    out += p.ci.is_ci ? (p.ci.vendor ? *p.ci.vendor : std::string("yes (unknown vendor)")) : std::string("no");
    if (p.ci.is_ci && p.ci.is_pr.value_or(false)) out += " (pull request)";
    out += "\ncontainer: ";
    out += p.container.kind().empty() ? std::string("none") : std::string(p.container.kind());
    out += "\n";
  }
  runtime::detail::write_all(1, out);
  return 0;
}

}  // namespace rt
