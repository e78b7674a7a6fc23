// SPDX-License-Identifier: MIT
// runtime.env / ci_vendors: the CI vendor table, generated from ci-info 4.5.0's vendors.json and index.js by
// tests/env/gen_ci_vendors.py (do not edit: run the script); the rule kinds and their meaning (ci_test).
#ifndef RUNTIME_MODULE
#  include <cstdint>
#  include <span>
#  include <string_view>
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_CI_VENDORS_HPP_)
#define RUNTIME_ENV_CI_VENDORS_HPP_
#include "runtime/config.hpp"
RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace env {
namespace platform {

/// What one condition of a vendor rule tests, as ci-info's checkEnv and checkPR do. "Set" is JavaScript's
/// truthiness of env[VAR]: defined and not empty.
enum class ci_test : std::uint8_t {
  set,         ///< `var` is set and not empty ("VAR")
  equals,      ///< `var` equals `value` ({"VAR": "value"}; an object of several keys is several conditions)
  includes,    ///< `var` is set, not empty, and contains `value` ({"env": "VAR", "includes": "..."})
  not_equals,  ///< `var` is set (even empty) and differs from `value` ({"env": "VAR", "ne": "..."})
  any_set,     ///< one of `names` is set and not empty ({"any": [...]})
  equals_any,  ///< `var` equals one of `names` ({"env": "VAR", "any": [...]})
};

/// One condition of a vendor rule.
struct ci_condition {
  ci_test test;
  std::string_view var;                      ///< the variable (unused for any_set)
  std::string_view value;                    ///< for equals, includes, not_equals
  std::span<const std::string_view> names;   ///< for any_set (variables) and equals_any (values)
};

/// One CI vendor of ci-info: it is detected when every `env` condition holds; `pr_known` false means ci-info
/// cannot tell a pull request (isPR null), else it is one when every `pr` condition holds.
struct ci_vendor {
  std::string_view name;      ///< human name ("GitHub Actions")
  std::string_view constant;  ///< ci-info's constant ("GITHUB_ACTIONS")
  std::span<const ci_condition> env;
  std::span<const ci_condition> pr;
  bool pr_known;
};

/// The ci-info version the table was generated from.
inline constexpr std::string_view ci_info_version = "4.5.0";

/// The variables any of which (set, not empty) means some CI, vendor or not (ci-info's exports.isCI).
inline constexpr std::string_view ci_generic_variables[] = {"BUILD_ID", "BUILD_NUMBER", "CI", "CI_APP_ID", "CI_BUILD_ID", "CI_BUILD_NUMBER", "CI_NAME", "CONTINUOUS_INTEGRATION", "RUN_ID"};

inline constexpr std::string_view ci_names_0[] = {"PULL_REQUEST_CREATED", "PULL_REQUEST_UPDATED", "PULL_REQUEST_REOPENED"};
inline constexpr std::string_view ci_names_1[] = {"CF_PULL_REQUEST_NUMBER", "CF_PULL_REQUEST_ID"};
inline constexpr std::string_view ci_names_2[] = {"ghprbPullId", "CHANGE_ID"};
inline constexpr std::string_view ci_names_3[] = {"NOW_BUILDER", "VERCEL"};

inline constexpr ci_condition ci_env_0[] = {{ci_test::set, "AGOLA_GIT_REF", "", {}}};
inline constexpr ci_condition ci_pr_0[] = {{ci_test::set, "AGOLA_PULL_REQUEST_ID", "", {}}};
inline constexpr ci_condition ci_env_1[] = {{ci_test::set, "ALPIC_HOST", "", {}}};
inline constexpr ci_condition ci_env_2[] = {{ci_test::set, "AC_APPCIRCLE", "", {}}};
inline constexpr ci_condition ci_pr_2[] = {{ci_test::not_equals, "AC_GIT_PR", "false", {}}};
inline constexpr ci_condition ci_env_3[] = {{ci_test::set, "APPVEYOR", "", {}}};
inline constexpr ci_condition ci_pr_3[] = {{ci_test::set, "APPVEYOR_PULL_REQUEST_NUMBER", "", {}}};
inline constexpr ci_condition ci_env_4[] = {{ci_test::set, "CODEBUILD_BUILD_ARN", "", {}}};
inline constexpr ci_condition ci_pr_4[] = {{ci_test::equals_any, "CODEBUILD_WEBHOOK_EVENT", "", ci_names_0}};
inline constexpr ci_condition ci_env_5[] = {{ci_test::set, "TF_BUILD", "", {}}};
inline constexpr ci_condition ci_pr_5[] = {{ci_test::equals, "BUILD_REASON", "PullRequest", {}}};
inline constexpr ci_condition ci_env_6[] = {{ci_test::set, "bamboo_planKey", "", {}}};
inline constexpr ci_condition ci_env_7[] = {{ci_test::set, "BITBUCKET_COMMIT", "", {}}};
inline constexpr ci_condition ci_pr_7[] = {{ci_test::set, "BITBUCKET_PR_ID", "", {}}};
inline constexpr ci_condition ci_env_8[] = {{ci_test::set, "BITRISE_IO", "", {}}};
inline constexpr ci_condition ci_pr_8[] = {{ci_test::set, "BITRISE_PULL_REQUEST", "", {}}};
inline constexpr ci_condition ci_env_9[] = {{ci_test::set, "BUDDY_WORKSPACE_ID", "", {}}};
inline constexpr ci_condition ci_pr_9[] = {{ci_test::set, "BUDDY_EXECUTION_PULL_REQUEST_ID", "", {}}};
inline constexpr ci_condition ci_env_10[] = {{ci_test::set, "BUILDKITE", "", {}}};
inline constexpr ci_condition ci_pr_10[] = {{ci_test::not_equals, "BUILDKITE_PULL_REQUEST", "false", {}}};
inline constexpr ci_condition ci_env_11[] = {{ci_test::set, "CAPAWESOME_CLOUD", "", {}}};
inline constexpr ci_condition ci_env_12[] = {{ci_test::set, "CIRCLECI", "", {}}};
inline constexpr ci_condition ci_pr_12[] = {{ci_test::set, "CIRCLE_PULL_REQUEST", "", {}}};
inline constexpr ci_condition ci_env_13[] = {{ci_test::set, "CIRRUS_CI", "", {}}};
inline constexpr ci_condition ci_pr_13[] = {{ci_test::set, "CIRRUS_PR", "", {}}};
inline constexpr ci_condition ci_env_14[] = {{ci_test::set, "CF_PAGES", "", {}}};
inline constexpr ci_condition ci_env_15[] = {{ci_test::set, "WORKERS_CI", "", {}}};
inline constexpr ci_condition ci_env_16[] = {{ci_test::set, "CF_BUILD_ID", "", {}}};
inline constexpr ci_condition ci_pr_16[] = {{ci_test::any_set, "", "", ci_names_1}};
inline constexpr ci_condition ci_env_17[] = {{ci_test::set, "CM_BUILD_ID", "", {}}};
inline constexpr ci_condition ci_pr_17[] = {{ci_test::set, "CM_PULL_REQUEST", "", {}}};
inline constexpr ci_condition ci_env_18[] = {{ci_test::equals, "CI_NAME", "codeship", {}}};
inline constexpr ci_condition ci_env_19[] = {{ci_test::set, "DRONE", "", {}}};
inline constexpr ci_condition ci_pr_19[] = {{ci_test::equals, "DRONE_BUILD_EVENT", "pull_request", {}}};
inline constexpr ci_condition ci_env_20[] = {{ci_test::set, "DSARI", "", {}}};
inline constexpr ci_condition ci_env_21[] = {{ci_test::set, "EARTHLY_CI", "", {}}};
inline constexpr ci_condition ci_env_22[] = {{ci_test::set, "EAS_BUILD", "", {}}};
inline constexpr ci_condition ci_env_23[] = {{ci_test::set, "GERRIT_PROJECT", "", {}}};
inline constexpr ci_condition ci_env_24[] = {{ci_test::set, "GITEA_ACTIONS", "", {}}};
inline constexpr ci_condition ci_env_25[] = {{ci_test::set, "GITHUB_ACTIONS", "", {}}};
inline constexpr ci_condition ci_pr_25[] = {{ci_test::equals, "GITHUB_EVENT_NAME", "pull_request", {}}};
inline constexpr ci_condition ci_env_26[] = {{ci_test::set, "GITLAB_CI", "", {}}};
inline constexpr ci_condition ci_pr_26[] = {{ci_test::set, "CI_MERGE_REQUEST_ID", "", {}}};
inline constexpr ci_condition ci_env_27[] = {{ci_test::set, "GO_PIPELINE_LABEL", "", {}}};
inline constexpr ci_condition ci_env_28[] = {{ci_test::set, "BUILDER_OUTPUT", "", {}}};
inline constexpr ci_condition ci_env_29[] = {{ci_test::set, "HARNESS_BUILD_ID", "", {}}};
inline constexpr ci_condition ci_env_30[] = {{ci_test::includes, "NODE", "/app/.heroku/node/bin/node", {}}};
inline constexpr ci_condition ci_env_31[] = {{ci_test::set, "HUDSON_URL", "", {}}};
inline constexpr ci_condition ci_env_32[] = {{ci_test::set, "JENKINS_URL", "", {}}, {ci_test::set, "BUILD_ID", "", {}}};
inline constexpr ci_condition ci_pr_32[] = {{ci_test::any_set, "", "", ci_names_2}};
inline constexpr ci_condition ci_env_33[] = {{ci_test::set, "LAYERCI", "", {}}};
inline constexpr ci_condition ci_pr_33[] = {{ci_test::set, "LAYERCI_PULL_REQUEST", "", {}}};
inline constexpr ci_condition ci_env_34[] = {{ci_test::set, "MAGNUM", "", {}}};
inline constexpr ci_condition ci_env_35[] = {{ci_test::set, "NETLIFY", "", {}}};
inline constexpr ci_condition ci_pr_35[] = {{ci_test::not_equals, "PULL_REQUEST", "false", {}}};
inline constexpr ci_condition ci_env_36[] = {{ci_test::set, "NEVERCODE", "", {}}};
inline constexpr ci_condition ci_pr_36[] = {{ci_test::not_equals, "NEVERCODE_PULL_REQUEST", "false", {}}};
inline constexpr ci_condition ci_env_37[] = {{ci_test::set, "PROW_JOB_ID", "", {}}};
inline constexpr ci_condition ci_env_38[] = {{ci_test::set, "RELEASE_BUILD_ID", "", {}}};
inline constexpr ci_condition ci_env_39[] = {{ci_test::set, "RENDER", "", {}}};
inline constexpr ci_condition ci_pr_39[] = {{ci_test::equals, "IS_PULL_REQUEST", "true", {}}};
inline constexpr ci_condition ci_env_40[] = {{ci_test::set, "RWX", "", {}}};
inline constexpr ci_condition ci_env_41[] = {{ci_test::set, "SAILCI", "", {}}};
inline constexpr ci_condition ci_pr_41[] = {{ci_test::set, "SAIL_PULL_REQUEST_NUMBER", "", {}}};
inline constexpr ci_condition ci_env_42[] = {{ci_test::set, "SCREWDRIVER", "", {}}};
inline constexpr ci_condition ci_pr_42[] = {{ci_test::not_equals, "SD_PULL_REQUEST", "false", {}}};
inline constexpr ci_condition ci_env_43[] = {{ci_test::set, "SEMAPHORE", "", {}}};
inline constexpr ci_condition ci_pr_43[] = {{ci_test::set, "PULL_REQUEST_NUMBER", "", {}}};
inline constexpr ci_condition ci_env_44[] = {{ci_test::equals, "CI_NAME", "sourcehut", {}}};
inline constexpr ci_condition ci_env_45[] = {{ci_test::set, "STRIDER", "", {}}};
inline constexpr ci_condition ci_env_46[] = {{ci_test::set, "TASK_ID", "", {}}, {ci_test::set, "RUN_ID", "", {}}};
inline constexpr ci_condition ci_env_47[] = {{ci_test::set, "TEAMCITY_VERSION", "", {}}};
inline constexpr ci_condition ci_env_48[] = {{ci_test::set, "TRAVIS", "", {}}};
inline constexpr ci_condition ci_pr_48[] = {{ci_test::not_equals, "TRAVIS_PULL_REQUEST", "false", {}}};
inline constexpr ci_condition ci_env_49[] = {{ci_test::set, "VELA", "", {}}};
inline constexpr ci_condition ci_pr_49[] = {{ci_test::equals, "VELA_PULL_REQUEST", "1", {}}};
inline constexpr ci_condition ci_env_50[] = {{ci_test::any_set, "", "", ci_names_3}};
inline constexpr ci_condition ci_pr_50[] = {{ci_test::set, "VERCEL_GIT_PULL_REQUEST_ID", "", {}}};
inline constexpr ci_condition ci_env_51[] = {{ci_test::set, "APPCENTER_BUILD_ID", "", {}}};
inline constexpr ci_condition ci_env_52[] = {{ci_test::equals, "CI", "woodpecker", {}}};
inline constexpr ci_condition ci_pr_52[] = {{ci_test::equals, "CI_BUILD_EVENT", "pull_request", {}}};
inline constexpr ci_condition ci_env_53[] = {{ci_test::set, "CI_XCODE_PROJECT", "", {}}};
inline constexpr ci_condition ci_pr_53[] = {{ci_test::set, "CI_PULL_REQUEST_NUMBER", "", {}}};
inline constexpr ci_condition ci_env_54[] = {{ci_test::set, "XCS", "", {}}};

/// ci-info 4.5.0's vendors, in its order (55). ci-info checks every vendor and the last match wins.
inline constexpr ci_vendor ci_vendor_table[] = {
    {"Agola CI", "AGOLA", ci_env_0, ci_pr_0, true},
    {"Alpic", "ALPIC", ci_env_1, {}, false},
    {"Appcircle", "APPCIRCLE", ci_env_2, ci_pr_2, true},
    {"AppVeyor", "APPVEYOR", ci_env_3, ci_pr_3, true},
    {"AWS CodeBuild", "CODEBUILD", ci_env_4, ci_pr_4, true},
    {"Azure Pipelines", "AZURE_PIPELINES", ci_env_5, ci_pr_5, true},
    {"Bamboo", "BAMBOO", ci_env_6, {}, false},
    {"Bitbucket Pipelines", "BITBUCKET", ci_env_7, ci_pr_7, true},
    {"Bitrise", "BITRISE", ci_env_8, ci_pr_8, true},
    {"Buddy", "BUDDY", ci_env_9, ci_pr_9, true},
    {"Buildkite", "BUILDKITE", ci_env_10, ci_pr_10, true},
    {"Capawesome Cloud", "CAPAWESOME_CLOUD", ci_env_11, {}, false},
    {"CircleCI", "CIRCLE", ci_env_12, ci_pr_12, true},
    {"Cirrus CI", "CIRRUS", ci_env_13, ci_pr_13, true},
    {"Cloudflare Pages", "CLOUDFLARE_PAGES", ci_env_14, {}, false},
    {"Cloudflare Workers", "CLOUDFLARE_WORKERS", ci_env_15, {}, false},
    {"Codefresh", "CODEFRESH", ci_env_16, ci_pr_16, true},
    {"Codemagic", "CODEMAGIC", ci_env_17, ci_pr_17, true},
    {"Codeship", "CODESHIP", ci_env_18, {}, false},
    {"Drone", "DRONE", ci_env_19, ci_pr_19, true},
    {"dsari", "DSARI", ci_env_20, {}, false},
    {"Earthly", "EARTHLY", ci_env_21, {}, false},
    {"Expo Application Services", "EAS", ci_env_22, {}, false},
    {"Gerrit", "GERRIT", ci_env_23, {}, false},
    {"Gitea Actions", "GITEA_ACTIONS", ci_env_24, {}, false},
    {"GitHub Actions", "GITHUB_ACTIONS", ci_env_25, ci_pr_25, true},
    {"GitLab CI", "GITLAB", ci_env_26, ci_pr_26, true},
    {"GoCD", "GOCD", ci_env_27, {}, false},
    {"Google Cloud Build", "GOOGLE_CLOUD_BUILD", ci_env_28, {}, false},
    {"Harness CI", "HARNESS", ci_env_29, {}, false},
    {"Heroku", "HEROKU", ci_env_30, {}, false},
    {"Hudson", "HUDSON", ci_env_31, {}, false},
    {"Jenkins", "JENKINS", ci_env_32, ci_pr_32, true},
    {"LayerCI", "LAYERCI", ci_env_33, ci_pr_33, true},
    {"Magnum CI", "MAGNUM", ci_env_34, {}, false},
    {"Netlify CI", "NETLIFY", ci_env_35, ci_pr_35, true},
    {"Nevercode", "NEVERCODE", ci_env_36, ci_pr_36, true},
    {"Prow", "PROW", ci_env_37, {}, false},
    {"ReleaseHub", "RELEASEHUB", ci_env_38, {}, false},
    {"Render", "RENDER", ci_env_39, ci_pr_39, true},
    {"RWX", "RWX", ci_env_40, {}, false},
    {"Sail CI", "SAIL", ci_env_41, ci_pr_41, true},
    {"Screwdriver", "SCREWDRIVER", ci_env_42, ci_pr_42, true},
    {"Semaphore", "SEMAPHORE", ci_env_43, ci_pr_43, true},
    {"Sourcehut", "SOURCEHUT", ci_env_44, {}, false},
    {"Strider CD", "STRIDER", ci_env_45, {}, false},
    {"TaskCluster", "TASKCLUSTER", ci_env_46, {}, false},
    {"TeamCity", "TEAMCITY", ci_env_47, {}, false},
    {"Travis CI", "TRAVIS", ci_env_48, ci_pr_48, true},
    {"Vela", "VELA", ci_env_49, ci_pr_49, true},
    {"Vercel", "VERCEL", ci_env_50, ci_pr_50, true},
    {"Visual Studio App Center", "APPCENTER", ci_env_51, {}, false},
    {"Woodpecker", "WOODPECKER", ci_env_52, ci_pr_52, true},
    {"Xcode Cloud", "XCODE_CLOUD", ci_env_53, ci_pr_53, true},
    {"Xcode Server", "XCODE_SERVER", ci_env_54, {}, false},
};

}  // namespace platform
}}}  // namespace runtime::v1::env
RUNTIME_EXPORT_END

#endif
