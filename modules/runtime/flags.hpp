// SPDX-License-Identifier: MIT
// runtime.flags: feature flags from environment variables and bunfig.toml.
#ifndef RUNTIME_MODULE
#  include <optional>
#  include <string>
#  include <string_view>
#  include <toml++/toml.h>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/log.hpp"
#  include "runtime/alloc.hpp"
#  include "runtime/env.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_FLAGS_HPP_)
#define RUNTIME_FLAGS_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::flags {

/// Where a flag's value came from.
enum class source_kind { default_value, global_bunfig, project_bunfig, environment, command_line };

/// Reads a boolean feature flag `<prefix><name>` with Bun's feature-flag truthiness
/// (unset, "", "0", "false", "no", "off" in any case are false).
inline bool env_flag(const environment& env, std::string_view prefix, std::string_view name) {
  std::string key(prefix);
  key += name;
  auto v = env.get(key);
  if (!v) return false;
  std::string low;
  for (char c : *v) low += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return !(low.empty() || low == "0" || low == "false" || low == "no" || low == "off");
}

}  // namespace runtime::inline v1::flags
RUNTIME_EXPORT_END

#endif
