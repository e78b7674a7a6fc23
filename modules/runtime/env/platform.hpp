// SPDX-License-Identifier: MIT
// runtime.env / platform: facts about where the program runs: CI detection over the vendor table
// (env/ci_vendors.hpp, generated from ci-info), container and WSL detection, and OS/architecture names.
#ifndef RUNTIME_MODULE
#  include <sys/stat.h>
#  include <sys/utsname.h>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <vector>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/text.hpp"
#endif
#include "runtime/env/environment.hpp"
#include "runtime/env/ci_vendors.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_PLATFORM_HPP_)
#define RUNTIME_ENV_PLATFORM_HPP_
#include "runtime/config.hpp"
namespace runtime { inline namespace v1 { namespace detail {

/// JavaScript's `!!env[name]`: set and not empty.
inline bool ci_set(const environment& e, std::string_view name) {
  auto v = e.get(name);
  return v && !v->empty();
}

/// Whether `c` holds in `e`, as ci-info 4.5.0's checkEnv/checkPR test it.
inline bool ci_condition_holds(const environment& e, const env::platform::ci_condition& c) {
  using env::platform::ci_test;
  const auto v = e.get(c.var);
  switch (c.test) {
    case ci_test::set: return v && !v->empty();
    case ci_test::equals: return v && *v == c.value;
    case ci_test::includes: return v && !v->empty() && v->find(c.value) != std::string_view::npos;
    case ci_test::not_equals: return v && *v != c.value;
    case ci_test::any_set:
      for (std::string_view n : c.names)
        if (ci_set(e, n)) return true;
      return false;
    case ci_test::equals_any:
      if (!v) return false;
      for (std::string_view n : c.names)
        if (*v == n) return true;
      return false;
  }
  return false;
}

/// Whether every condition of `all` holds.
inline bool ci_conditions_hold(const environment& e, std::span<const env::platform::ci_condition> all) {
  for (const auto& c : all)
    if (!ci_condition_holds(e, c)) return false;
  return true;
}

/// Whether anything exists at `p` (stat succeeds).
inline bool path_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}
}}}  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace env {
namespace platform {

/// The vendor table (generated from ci-info: env/ci_vendors.hpp), in ci-info's order.
inline std::span<const ci_vendor> ci_vendors() noexcept { return ci_vendor_table; }

/// What the CI environment variables say: ci-info's isCI, name, id and isPR.
struct ci_info {
  bool is_ci = false;
  /// Whether this is a pull request build: nullopt when no vendor was detected or ci-info cannot tell for it.
  std::optional<bool> is_pr;
  std::optional<std::string> vendor;    ///< vendor name when known
  std::optional<std::string> constant;  ///< ci-info constant when known
};

/// ci-info 4.5.0's answer: CI=false means not CI whatever else is set; otherwise every vendor is tested and
/// the LAST that matches is the vendor (ci-info overwrites name and isPR in a forEach), and it is CI when a
/// vendor matched or one of ci_generic_variables is set and not empty.
inline ci_info detect_ci(const environment& e) {
  ci_info out;
  if (e.get("CI") == std::optional<std::string_view>("false")) return out;
  for (const auto& v : ci_vendors()) {
    if (!detail::ci_conditions_hold(e, v.env)) continue;
    out.vendor = std::string(v.name);
    out.constant = std::string(v.constant);
    out.is_pr = v.pr_known ? std::optional<bool>(detail::ci_conditions_hold(e, v.pr)) : std::nullopt;
  }
  for (std::string_view k : ci_generic_variables)
    if (detail::ci_set(e, k)) out.is_ci = true;
  if (out.vendor) out.is_ci = true;
  return out;
}

/// What the filesystem and environment say about containers.
struct container_info {
  bool docker = false;
  bool podman = false;
  bool kubernetes = false;
  bool wsl = false;
  /// "docker", "podman", "kubernetes", "wsl" (the most specific), or "" for none.
  std::string_view kind() const noexcept {
    return kubernetes ? "kubernetes" : podman ? "podman" : docker ? "docker" : wsl ? "wsl" : "";
  }
};


/// Probes `root` + /.dockerenv, /proc/self/cgroup (docker, containerd, kubepods), /run/.containerenv (Podman),
/// /proc/sys/kernel/osrelease ("microsoft": WSL) and KUBERNETES_SERVICE_HOST. `root` is "" for the real
/// system; tests pass a fake tree.
inline container_info detect_container(const environment& e, const std::string& root = "") {
  container_info c;
  const detail::read_options probe{.special_ok = true, .limit = std::size_t{1} << 20};  // "" when unreadable
  std::string cg = detail::read_file(root + "/proc/self/cgroup", probe).text;
  c.podman = detail::path_exists(root + "/run/.containerenv") || cg.find("libpod") != std::string::npos;
  c.docker = !c.podman && (detail::path_exists(root + "/.dockerenv") || cg.find("docker") != std::string::npos ||
                           cg.find("containerd") != std::string::npos);
  c.kubernetes = e.contains("KUBERNETES_SERVICE_HOST") || cg.find("kubepods") != std::string::npos;
  std::string rel = detail::read_file(root + "/proc/sys/kernel/osrelease", probe).text;
  for (auto& ch : rel) ch = detail::ascii_lower(ch);
  c.wsl = rel.find("microsoft") != std::string::npos || e.contains("WSL_DISTRO_NAME");
  return c;
}

/// OS name as Node's process.platform spells it ("linux", "darwin", "freebsd", "win32", ...).
inline std::string_view os_name() noexcept {
#if defined(__linux__)
  return "linux";
#elif defined(__APPLE__)
  return "darwin";
#elif defined(__FreeBSD__)
  return "freebsd";
#elif defined(_WIN32)
  return "win32";
#else
  return "unknown";
#endif
}

/// Architecture as Node's process.arch spells it ("x64", "arm64", ...).
inline std::string_view arch_name() noexcept {
#if defined(__x86_64__) || defined(_M_X64)
  return "x64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__i386__)
  return "ia32";
#elif defined(__arm__)
  return "arm";
#elif defined(__riscv)
  return "riscv64";
#else
  return "unknown";
#endif
}

/// Everything rt info and the crash handler report.
struct platform_info {
  ci_info ci;
  container_info container;
  std::string os, arch, kernel;  ///< kernel: uname release, "" when unknown
};

/// Collects CI, container, OS and architecture facts (reads a few small files under `root`).
inline platform_info detect(const environment& e, const std::string& root = "") {
  platform_info p;
  p.ci = detect_ci(e);
  p.container = detect_container(e, root);
  p.os = std::string(os_name());
  p.arch = std::string(arch_name());
  struct utsname u {};
  if (::uname(&u) == 0) p.kernel = u.release;
  return p;
}

}  // namespace platform

using platform::detect_ci;
using platform::detect_container;
using platform::detect;

}}}  // namespace runtime::v1::env
RUNTIME_EXPORT_END

#endif
