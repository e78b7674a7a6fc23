// SPDX-License-Identifier: MIT
// rt completions <bash|zsh|fish>: the completion script runtime.cli writes from rt's command table.
#include <string>
#include "runtime/detail/posix_io.hpp"
#include "app.hpp"

namespace rt {

int commands::completions(const context& c) {
  namespace cli = runtime::cli;
  const auto words = c.args.operands();  // exactly one: `completions -- bash` counts the word after --
  const auto shell = cli::shell_from_name(words.at(0));
  if (!shell) {
    const auto e = runtime::usage_error(
        "cli.invalid_value", "unknown shell " + cli::quote_for_message(words[0]) + " (accepted: bash, zsh, fish)");
    runtime::detail::write_all(2, cli::render_error(program, e, c.args.spec));
    return runtime::exit_status_of(e);
  }
  runtime::detail::write_all(1, cli::completion_script(program, *shell));
  return 0;
}

}  // namespace rt
