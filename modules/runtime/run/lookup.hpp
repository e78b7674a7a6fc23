// SPDX-License-Identifier: MIT
// runtime.run / lookup: where programs are found for a run: the `node_modules/.bin` directories of the working
// directory and each ancestor, nearest first, ahead of PATH, exactly as Bun 1.4.5 builds its children's PATH;
// what a target word looks like (a path, a JavaScript file, a file, a name) and the arguments it gets.
#ifndef RUNTIME_MODULE
#  include <optional>
#  include <span>
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


/// What a run target looks like, which decides Bun 1.4.5's message when nothing by that name is found.
enum class target_shape {
  path,        ///< starts with '.' or '/' ("./app", "../x.sh", "/tmp/t.sh", ".hidden.sh"): "Module not found"
  javascript,  ///< a JavaScript or TypeScript file name ("index.js", "sub/app.ts"): "Module not found"
  file,        ///< another name with an extension ("t.sh", "notes.txt", "sub/x.sh"): "File not found"
  name,        ///< a bare word or a path without an extension ("build", "sub/x"): "Script not found"
};

/// Whether `target` ends in one of the extensions Bun loads as JavaScript or TypeScript: .js .mjs .cjs .jsx
/// .ts .mts .cts .tsx (rt runs none of them).
constexpr bool is_javascript_name(std::string_view target) noexcept {
  const std::size_t dot = target.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::size_t slash = target.rfind('/');
  if (slash != std::string_view::npos && slash > dot) return false;
  const std::string_view ext = target.substr(dot + 1);
  for (std::string_view e : {"js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"})
    if (ext == e) return true;
  return false;
}

/// Bun 1.4.5's reading of a target word (checked against `bun run <word>` for a missing one).
constexpr target_shape shape_of(std::string_view target) noexcept {
  if (!target.empty() && (target[0] == '.' || target[0] == '/')) return target_shape::path;
  if (is_javascript_name(target)) return target_shape::javascript;
  const std::size_t slash = target.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? target : target.substr(slash + 1);
  const std::size_t dot = last.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < last.size() ? target_shape::file
                                                                            : target_shape::name;
}

/// The arguments a target gets from the words after it: as Bun, a `--` right after the target is dropped
/// (`bun run x -- a` passes `a`); any later `--`, or one after another argument, is passed on.
inline std::vector<std::string> target_arguments(std::span<const std::string_view> after_target) {
  if (!after_target.empty() && after_target.front() == "--") after_target = after_target.subspan(1);
  return {after_target.begin(), after_target.end()};
}

}}}  // namespace runtime::v1::run
RUNTIME_EXPORT_END

#endif
