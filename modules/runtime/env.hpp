// SPDX-License-Identifier: MIT
// runtime.env: the Environment. An immutable snapshot of the process environment (and, later, .env layers)
// with typed getters; the only module that reads `environ`.
#ifndef RUNTIME_MODULE
#  include <unistd.h>  // environ (glibc declares it under _GNU_SOURCE, which C++ compilers define)
#  include <cstdint>
#  include <map>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/log.hpp"
#  include "runtime/alloc.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_HPP_)
#define RUNTIME_ENV_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1 {

/// An immutable snapshot of environment variables. Lookups never touch the live process environment.
class environment {
 public:
  environment() = default;

  /// Snapshots `environ` now. An entry without '=' reads as an empty value; an empty key is skipped; with
  /// duplicate keys the first wins, as libc's getenv does.
  static environment from_process() {
    environment e;
    for (char** p = environ; p && *p; ++p) {
      std::string_view entry(*p);
      auto eq = entry.find('=');
      std::string_view key = entry.substr(0, eq);
      if (key.empty()) continue;
      std::string_view value = eq == std::string_view::npos ? std::string_view{} : entry.substr(eq + 1);
      e.vars_.emplace(std::string(key), std::string(value));
    }
    return e;
  }

  /// Builds a snapshot from explicit pairs (tests, child environments); later duplicates are ignored.
  static environment from_pairs(std::vector<std::pair<std::string, std::string>> pairs) {
    environment e;
    for (auto& [k, v] : pairs) e.vars_.emplace(std::move(k), std::move(v));
    return e;
  }

  /// The value of `key`, or nullopt when unset.
  std::optional<std::string_view> get(std::string_view key) const {
    auto it = vars_.find(key);
    if (it == vars_.end()) return std::nullopt;
    return std::string_view(it->second);
  }
  /// Same as get(); lets an environment serve as a lookup callable (runtime::log::config::from_environment).
  std::optional<std::string_view> operator()(std::string_view key) const { return get(key); }

  bool contains(std::string_view key) const { return vars_.find(key) != vars_.end(); }

  /// Bun's truthiness: unset, "", "0" and "false" are false; everything else is true.
  bool get_bool(std::string_view key) const {
    auto v = get(key);
    return v && !v->empty() && *v != "0" && *v != "false";
  }

  std::size_t size() const noexcept { return vars_.size(); }
  /// Iteration in a stable order (sorted by key).
  auto begin() const { return vars_.begin(); }
  auto end() const { return vars_.end(); }

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

}  // namespace runtime::inline v1
RUNTIME_EXPORT_END

#endif
