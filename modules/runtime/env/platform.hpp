// SPDX-License-Identifier: MIT
// runtime.env / platform: facts about where the program runs: the CI vendor table (after ci-info),
// container and WSL detection, and OS/architecture names.
#ifndef RUNTIME_MODULE
#  include <sys/stat.h>
#  include <sys/utsname.h>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <vector>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/text.hpp"
#endif
#include "runtime/env/environment.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_PLATFORM_HPP_)
#define RUNTIME_ENV_PLATFORM_HPP_
#include "runtime/config.hpp"
namespace runtime { inline namespace v1 { namespace detail {

/// Whether `e` matches one rule of the CI vendor table (see ci_vendor: "VAR", "VAR=value", "VAR!=value",
/// "A&B", "A|B"; "" never matches).
inline bool ci_rule_matches(const environment& e, std::string_view r) {
  if (r.empty()) return false;
  if (auto bar = r.find('|'); bar != std::string_view::npos)
    return ci_rule_matches(e, r.substr(0, bar)) || ci_rule_matches(e, r.substr(bar + 1));
  if (auto amp = r.find('&'); amp != std::string_view::npos)
    return ci_rule_matches(e, r.substr(0, amp)) && ci_rule_matches(e, r.substr(amp + 1));
  if (auto ne = r.find("!="); ne != std::string_view::npos) {
    auto v = e.get(r.substr(0, ne));
    return v && *v != r.substr(ne + 2);
  }
  if (auto eq = r.find('='); eq != std::string_view::npos) {
    auto v = e.get(r.substr(0, eq));
    return v && *v == r.substr(eq + 1);
  }
  return e.contains(r);
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

/// One CI vendor rule, after the ci-info package's vendors table.
struct ci_vendor {
  std::string_view name;      ///< human name ("GitHub Actions")
  std::string_view constant;  ///< ci-info's constant ("GITHUB_ACTIONS")
  std::string_view env;       ///< detection: "VAR" (set), "VAR=value", or "A&B" (all set)
  std::string_view pr;        ///< PR detection: "VAR" (set), "VAR=value", "VAR!=value", "A|B" (any set); "" none
};

/// The vendor table (ci-info's vendors, 45 entries). Order matters: the first match wins.
inline const std::vector<ci_vendor>& ci_vendors() {
  static const std::vector<ci_vendor> v = {
      {"Agola CI", "AGOLA", "AGOLA_GIT_REF", "AGOLA_PULL_REQUEST_ID"},
      {"Appcircle", "APPCIRCLE", "AC_APPCIRCLE", "AC_GIT_PR!=false"},
      {"AppVeyor", "APPVEYOR", "APPVEYOR", "APPVEYOR_PULL_REQUEST_NUMBER"},
      {"AWS CodeBuild", "CODEBUILD", "CODEBUILD_BUILD_ARN", ""},
      {"Azure Pipelines", "AZURE_PIPELINES", "TF_BUILD", "BUILD_REASON=PullRequest"},
      {"Bamboo", "BAMBOO", "bamboo_planKey", ""},
      {"Bitbucket Pipelines", "BITBUCKET", "BITBUCKET_COMMIT", "BITBUCKET_PR_ID"},
      {"Bitrise", "BITRISE", "BITRISE_IO", "BITRISE_PULL_REQUEST"},
      {"Buddy", "BUDDY", "BUDDY_WORKSPACE_ID", "BUDDY_EXECUTION_PULL_REQUEST_ID"},
      {"Buildkite", "BUILDKITE", "BUILDKITE", "BUILDKITE_PULL_REQUEST!=false"},
      {"CircleCI", "CIRCLE", "CIRCLECI", "CIRCLE_PULL_REQUEST"},
      {"Cirrus CI", "CIRRUS", "CIRRUS_CI", "CIRRUS_PR"},
      {"Cloudflare Pages", "CLOUDFLARE_PAGES", "CF_PAGES", ""},
      {"Cloudflare Workers", "CLOUDFLARE_WORKERS", "WORKERS_CI", ""},
      {"Codefresh", "CODEFRESH", "CF_BUILD_ID", "CF_PULL_REQUEST_NUMBER|CF_PULL_REQUEST_ID"},
      {"Codemagic", "CODEMAGIC", "CM_BUILD_ID", "CM_PULL_REQUEST"},
      {"Codeship", "CODESHIP", "CI_NAME=codeship", ""},
      {"Drone", "DRONE", "DRONE", "DRONE_BUILD_EVENT=pull_request"},
      {"dsari", "DSARI", "DSARI", ""},
      {"Earthly", "EARTHLY", "EARTHLY_CI", ""},
      {"Expo Application Services", "EAS", "EAS_BUILD", ""},
      {"Gerrit", "GERRIT", "GERRIT_PROJECT", ""},
      {"Gitea Actions", "GITEA_ACTIONS", "GITEA_ACTIONS", ""},
      {"GitHub Actions", "GITHUB_ACTIONS", "GITHUB_ACTIONS", "GITHUB_EVENT_NAME=pull_request"},
      {"GitLab CI", "GITLAB", "GITLAB_CI", "CI_MERGE_REQUEST_ID"},
      {"GoCD", "GOCD", "GO_PIPELINE_LABEL", ""},
      {"Google Cloud Build", "GOOGLE_CLOUD_BUILD", "BUILDER_OUTPUT", ""},
      {"Harness CI", "HARNESS", "HARNESS_BUILD_ID", ""},
      {"Heroku", "HEROKU", "HEROKU_TEST_RUN_ID", ""},  // ci-info: env NODE contains "/app/.heroku/node/bin/node"
      {"Hudson", "HUDSON", "HUDSON_URL", ""},
      {"Jenkins", "JENKINS", "JENKINS_URL&BUILD_ID", "ghprbPullId|CHANGE_ID"},
      {"LayerCI", "LAYERCI", "LAYERCI", "LAYERCI_PULL_REQUEST"},
      {"Magnum CI", "MAGNUM", "MAGNUM", ""},
      {"Netlify CI", "NETLIFY", "NETLIFY", "PULL_REQUEST!=false"},
      {"Nevercode", "NEVERCODE", "NEVERCODE", "NEVERCODE_PULL_REQUEST!=false"},
      {"Prow", "PROW", "PROW_JOB_ID", ""},
      {"ReleaseHub", "RELEASEHUB", "RELEASE_BUILD_ID", ""},
      {"Render", "RENDER", "RENDER", "IS_PULL_REQUEST=true"},
      {"Sail CI", "SAIL", "SAILCI", "SAIL_PULL_REQUEST_NUMBER"},
      {"Screwdriver", "SCREWDRIVER", "SCREWDRIVER", "SD_PULL_REQUEST!=false"},
      {"Semaphore", "SEMAPHORE", "SEMAPHORE", "PULL_REQUEST_NUMBER"},
      {"Sourcehut", "SOURCEHUT", "CI_NAME=sourcehut", ""},
      {"Strider CD", "STRIDER", "STRIDER", ""},
      {"TaskCluster", "TASKCLUSTER", "TASK_ID&RUN_ID", ""},
      {"TeamCity", "TEAMCITY", "TEAMCITY_VERSION", ""},
      {"Travis CI", "TRAVIS", "TRAVIS", "TRAVIS_PULL_REQUEST!=false"},
      {"Vela", "VELA", "VELA", "VELA_PULL_REQUEST=1"},
      {"Vercel", "VERCEL", "NOW_BUILDER|VERCEL", "VERCEL_GIT_PULL_REQUEST_ID"},
      {"Visual Studio App Center", "APPCENTER", "APPCENTER_BUILD_ID", ""},
      {"Woodpecker", "WOODPECKER", "CI=woodpecker", "CI_BUILD_EVENT=pull_request"},
      {"Xcode Cloud", "XCODE_CLOUD", "CI_XCODE_PROJECT", "CI_PULL_REQUEST_NUMBER"},
      {"Xcode Server", "XCODE_SERVER", "XCS", ""},
  };
  return v;
}

/// What the CI environment variables say.
struct ci_info {
  bool is_ci = false;
  bool is_pr = false;
  std::optional<std::string> vendor;    ///< vendor name when known
  std::optional<std::string> constant;  ///< ci-info constant when known
};


/// ci-info's rules: CI=false means not CI whatever else is set; otherwise CI if a vendor matches or any of
/// BUILD_ID, BUILD_NUMBER, CI, CI_APP_ID, CI_BUILD_ID, CI_BUILD_NUMBER, CI_NAME, CONTINUOUS_INTEGRATION, RUN_ID
/// is set.
inline ci_info detect_ci(const environment& e) {
  ci_info out;
  if (e.get("CI") == std::optional<std::string_view>("false")) return out;
  for (const auto& v : ci_vendors()) {
    if (!detail::ci_rule_matches(e, v.env)) continue;
    out.vendor = std::string(v.name);
    out.constant = std::string(v.constant);
    out.is_pr = detail::ci_rule_matches(e, v.pr);
    break;
  }
  for (std::string_view k : {"BUILD_ID", "BUILD_NUMBER", "CI", "CI_APP_ID", "CI_BUILD_ID", "CI_BUILD_NUMBER",
                             "CI_NAME", "CONTINUOUS_INTEGRATION", "RUN_ID"})
    if (e.contains(k)) out.is_ci = true;
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
