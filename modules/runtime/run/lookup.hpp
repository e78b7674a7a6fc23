// SPDX-License-Identifier: MIT
// runtime.run / lookup: where programs are found for a run: the `node_modules/.bin` directories of the working
// directory and each ancestor, nearest first, ahead of PATH, exactly as Bun 1.4.5 builds its children's PATH.
#ifndef RUNTIME_MODULE
#  include <optional>
#  include <string>
#  include <string_view>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/signal.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_RUN_LOOKUP_HPP_)
#define RUNTIME_RUN_LOOKUP_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace run {

/// The directories Bun 1.4.5 puts ahead of PATH for a run from `cwd` (absolute), in order:
///   1. `package_dir` itself (the directory of the nearest package.json) when it is not `cwd` (Bun adds the
///      directory, not its node_modules/.bin);
///   2. `<cwd>/node_modules/.bin` twice (Bun walks "<cwd>/", and its trailing slash yields the first one twice);
///   3. `<ancestor>/node_modules/.bin` for each ancestor, nearest first, and last `/node_modules/.bin`.
/// From `/` the list is `//node_modules/.bin`, `/node_modules/.bin`. Bun also puts a directory with a `node` link
/// to itself first when it finds no node; a runner that is not a JavaScript runtime has nothing to put there.
inline std::vector<std::string> bin_dirs(std::string_view cwd, std::string_view package_dir = {}) {
  std::vector<std::string> dirs;
  std::string here(cwd);
  while (here.size() > 1 && here.back() == '/') here.pop_back();
  std::string pkg(package_dir);
  while (pkg.size() > 1 && pkg.back() == '/') pkg.pop_back();
  if (!pkg.empty() && pkg != here) dirs.push_back(pkg);
  std::string_view remain;
  std::string walked = here == "/" ? here : here + "/";
  remain = walked;
  for (;;) {
    const std::size_t slash = remain.rfind('/');
    std::string_view base = remain;
    if (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
    dirs.push_back(std::string(base) + "/node_modules/.bin");
    if (slash == std::string_view::npos) break;
    remain = remain.substr(0, slash);
  }
  return dirs;
}

/// The PATH a run from `cwd` gives its children: bin_dirs(cwd, package_dir) joined with ':' ahead of
/// `path_value` (the environment's PATH, possibly empty). Bun puts the same value in scripts' and programs'
/// environments and resolves programs through it.
inline std::string child_path(std::string_view cwd, std::string_view package_dir, std::string_view path_value) {
  std::string out;
  for (const std::string& d : bin_dirs(cwd, package_dir)) {
    out += d;
    out += ':';
  }
  out += path_value;
  return out;
}

/// Resolves the program `name` as Bun's runner does: through child_path(cwd, package_dir, path_value), so a
/// project's `node_modules/.bin/eslint` wins over a global one. A name with a '/' is taken as it is.
/// \returns the path of an executable regular file, or nullopt.
inline std::optional<std::string> find_program(std::string_view name, std::string_view cwd,
                                               std::string_view package_dir, std::string_view path_value) {
  return runtime::signal::find_program(name, child_path(cwd, package_dir, path_value));
}

}}}  // namespace runtime::v1::run
RUNTIME_EXPORT_END

#endif
