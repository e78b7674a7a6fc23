// SPDX-License-Identifier: MIT
// rt env [--json] [--sources] [--show-secrets] [--strict] [--dialect bun|dotenv]: the environment runtime::app
// resolved (the process, then the .env files by Bun's rules or the dotenv dialect, bunfig's [env] applied).
// The strict check, the dialect and the diagnostics are the startup sequence's; this prints the result.
#include <string>
#include <string_view>
#include "runtime/detail/posix_io.hpp"
#include "runtime/detail/text.hpp"
#include "app.hpp"

namespace rt {

int commands::env(const context& c) {
  namespace detail = runtime::detail;
  const runtime::environment& env = c.env();
  const bool show_secrets = c.args.flag("show-secrets"), sources = c.args.flag("sources");
  if (c.args.flag("json")) {
    // Streamed in pieces: a 100,000-variable environment never sits in memory twice. Secrets are redacted in
    // every output unless --show-secrets.
    runtime::env::write_json(env, [](std::string_view piece) { detail::write_all(1, piece); },
                             std::size_t{1} << 17, !show_secrets);
    detail::write_all(1, "\n");
    return 0;
  }
  std::string out;
  for (const auto& [k, v] : env) {
    out += k;
    out += '=';
    if (!show_secrets && runtime::env::is_secret_key(k)) out += runtime::env::redacted_value;
    else detail::append_escaped(out, v, detail::escape::question_marks);  // one value, one line, no terminal escapes
    if (sources) {
      out += "  # ";
      out += env.origin(k)->to_string();
    }
    out += '\n';
  }
  detail::write_all(1, out);
  return 0;
}

}  // namespace rt
