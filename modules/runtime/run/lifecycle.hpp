// SPDX-License-Identifier: MIT
// runtime.run / lifecycle: the sequence `pre<name>`, `<name>`, `post<name>` that Bun 1.4.5 runs for a package.json
// script (extra arguments go to the main script only; the first step that fails ends the run with its status).
// Starting a process is the caller's: run_lifecycle takes a callable that runs one step.
#ifndef RUNTIME_MODULE
#  include <concepts>
#  include <cstddef>
#  include <functional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <type_traits>
#  include <vector>
#endif
#include "runtime/run/package_json.hpp"
#include "runtime/run/shell.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_RUN_LIFECYCLE_HPP_)
#define RUNTIME_RUN_LIFECYCLE_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace run {

/// One script of a lifecycle.
struct script_step {
  std::string event;    ///< its name: "prebuild", "build", "postbuild" (npm_lifecycle_event, messages)
  std::string script;   ///< its package.json text (npm_lifecycle_script)
  std::string command;  ///< the command line the shell runs and the `$ ` line shows (script + quoted arguments)
  bool main = false;    ///< the script that was asked for (the only one given the extra arguments)
};

/// The steps of running script `name` of `package` with `args`: `pre<name>` if present, `<name>`, `post<name>` if
/// present. Empty when `<name>` itself is absent (or an empty string): a lone pre or post script does not run.
/// Only `pre<name>` and `post<name>` are looked for (no `prepre<name>`), whatever `name` is.
inline std::vector<script_step> lifecycle_steps(const package_json& package, std::string_view name,
                                                std::span<const std::string> args = {}) {
  std::vector<script_step> steps;
  const std::string* main = package.script(name);
  if (!main) return steps;
  const std::string pre = "pre" + std::string(name), post = "post" + std::string(name);
  if (const std::string* s = package.script(pre)) steps.push_back({pre, *s, script_command(*s), false});
  steps.push_back({std::string(name), *main, script_command(*main, args), true});
  if (const std::string* s = package.script(post)) steps.push_back({post, *s, script_command(*s), false});
  return steps;
}

/// What a step's runner returns: anything with int `exit_code` and `signal` (0 when it exited), such as
/// runtime::signal::child_result.
template <class S>
concept StepStatus = requires(const S& s) {
  { s.exit_code } -> std::convertible_to<int>;
  { s.signal } -> std::convertible_to<int>;
};

/// How a lifecycle ended: the status of the last step that ran and which step that was.
template <StepStatus Status>
struct lifecycle_result {
  Status status{};
  std::size_t step = 0;  ///< index into the steps of the last one run (the failed one when !ok())
  bool ran = false;      ///< false when there were no steps
  /// Every step ran and exited 0.
  bool ok() const noexcept { return ran && status.exit_code == 0 && status.signal == 0; }
};

/// Runs `steps` in order through `run_step(const script_step&)` (which starts the shell, with the step's
/// npm_lifecycle_event/script, and waits), and stops at the first step that exits non-zero or is killed by a
/// signal, as Bun does: a failing pre script means neither the main nor the post script runs.
template <class RunStep>
  requires std::invocable<RunStep&, const script_step&> &&
           StepStatus<std::remove_cvref_t<std::invoke_result_t<RunStep&, const script_step&>>>
auto run_lifecycle(std::span<const script_step> steps, RunStep&& run_step)
    -> lifecycle_result<std::remove_cvref_t<std::invoke_result_t<RunStep&, const script_step&>>> {
  lifecycle_result<std::remove_cvref_t<std::invoke_result_t<RunStep&, const script_step&>>> out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    out.status = std::invoke(run_step, steps[i]);
    out.step = i;
    out.ran = true;
    if (out.status.exit_code != 0 || out.status.signal != 0) break;
  }
  return out;
}

}}}  // namespace runtime::v1::run
RUNTIME_EXPORT_END

#endif
