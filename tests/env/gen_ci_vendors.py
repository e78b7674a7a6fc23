#!/usr/bin/env python3
# Generates modules/runtime/env/ci_vendors.hpp, the CI vendor table of runtime.env, from the ci-info npm package
# (the reference peer in tests/peers, pinned to 4.5.0): vendors.json gives the vendors and their rules, index.js
# the generic variables that mean "some CI". Every rule kind ci-info's checkEnv/checkPR understand is translated;
# a shape it does not know stops the script, so a new ci-info cannot be half-supported silently.
# usage: gen_ci_vendors.py [--check] [ci-info dir]   (default dir: tests/peers/node_modules/ci-info)
#   --check: exit 1 when the header in the tree differs from what would be generated (nothing is written).
import json, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
args = sys.argv[1:]
check = "--check" in args
args = [a for a in args if a != "--check"]
pkg = args[0] if args else os.path.join(root, "tests", "peers", "node_modules", "ci-info")
out_path = os.path.join(root, "modules", "runtime", "env", "ci_vendors.hpp")

if not os.path.isfile(os.path.join(pkg, "vendors.json")):
    print(f"gen_ci_vendors: {pkg} has no vendors.json: install tests/peers (npm install in tests/peers)")
    sys.exit(77 if check else 1)
version = json.load(open(os.path.join(pkg, "package.json")))["version"]
vendors = json.load(open(os.path.join(pkg, "vendors.json")))
index_js = open(os.path.join(pkg, "index.js")).read()

# The generic variables of `exports.isCI = !!(env.CI !== 'false' && (env.BUILD_ID || ... || exports.name || false))`.
block = re.search(r"exports\.isCI\s*=\s*!!\((.*?)\n\)", index_js, re.S)
if not block:
    sys.exit("gen_ci_vendors: cannot find exports.isCI in index.js")
generic = re.findall(r"\benv\.([A-Za-z_][A-Za-z0-9_]*)\s*\|\|", block.group(1))
if not generic or "CI" not in generic:
    sys.exit("gen_ci_vendors: unexpected exports.isCI shape")


def cpp_str(s):
    if not isinstance(s, str):
        sys.exit(f"gen_ci_vendors: expected a string, got {s!r}")
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += "\\" + ch
        elif 0x20 <= ord(ch) < 0x7F:
            out += ch
        else:
            sys.exit(f"gen_ci_vendors: non-ASCII or control character in {s!r}")
    return out + '"'


names_arrays = []  # (identifier, [names])


def names_ref(names):
    if not isinstance(names, list) or not names:
        sys.exit(f"gen_ci_vendors: expected a non-empty list, got {names!r}")
    ident = f"ci_names_{len(names_arrays)}"
    names_arrays.append((ident, names))
    return ident


def cond(test, var="", value="", names=None):
    n = names_ref(names) if names is not None else None
    return f"{{ci_test::{test}, {cpp_str(var)}, {cpp_str(value)}, {n if n else '{}'}}}"


def check_env(obj):
    """ci-info's checkEnv(obj): the conditions that must all hold."""
    if isinstance(obj, str):
        return [cond("set", obj)]
    if not isinstance(obj, dict):
        sys.exit(f"gen_ci_vendors: unknown env rule {obj!r}")
    if "env" in obj:
        if set(obj) != {"env", "includes"}:
            sys.exit(f"gen_ci_vendors: unknown env rule {obj!r}")
        return [cond("includes", obj["env"], obj["includes"])]
    if "any" in obj:
        if set(obj) != {"any"}:
            sys.exit(f"gen_ci_vendors: unknown env rule {obj!r}")
        return [cond("any_set", names=obj["any"])]
    if not obj:
        sys.exit("gen_ci_vendors: empty env rule")
    return [cond("equals", k, v) for k, v in obj.items()]


def check_pr(pr):
    """ci-info's checkPR(vendor): None when it cannot tell (isPR null), else the conditions."""
    if pr is None:
        return None
    if isinstance(pr, str):
        return [cond("set", pr)]
    if not isinstance(pr, dict):
        sys.exit(f"gen_ci_vendors: unknown pr rule {pr!r}")
    if "env" in pr:
        if "any" in pr:
            if set(pr) != {"env", "any"}:
                sys.exit(f"gen_ci_vendors: unknown pr rule {pr!r}")
            return [cond("equals_any", pr["env"], names=pr["any"])]
        if set(pr) != {"env", "ne"}:
            sys.exit(f"gen_ci_vendors: unknown pr rule {pr!r}")
        return [cond("not_equals", pr["env"], pr["ne"])]
    if "any" in pr:
        if set(pr) != {"any"}:
            sys.exit(f"gen_ci_vendors: unknown pr rule {pr!r}")
        return [cond("any_set", names=pr["any"])]
    return check_env(pr)


rows = []
for i, v in enumerate(vendors):
    if set(v) - {"name", "constant", "env", "pr"}:
        sys.exit(f"gen_ci_vendors: unknown vendor fields in {v!r}")
    envs = v["env"] if isinstance(v["env"], list) else [v["env"]]
    env_conds = [c for e in envs for c in check_env(e)]
    pr_conds = check_pr(v.get("pr"))
    rows.append((v, f"ci_env_{i}", env_conds, f"ci_pr_{i}" if pr_conds else None, pr_conds))

lines = []
w = lines.append
w("// SPDX-License-Identifier: MIT")
w(f"// runtime.env / ci_vendors: the CI vendor table, generated from ci-info {version}'s vendors.json and index.js by")
w("// tests/env/gen_ci_vendors.py (do not edit: run the script); the rule kinds and their meaning (ci_test).")
w("#ifndef RUNTIME_MODULE")
w("#  include <cstdint>")
w("#  include <span>")
w("#  include <string_view>")
w("#endif")
w("#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_CI_VENDORS_HPP_)")
w("#define RUNTIME_ENV_CI_VENDORS_HPP_")
w('#include "runtime/config.hpp"')
w("RUNTIME_EXPORT_BEGIN")
w("namespace runtime { inline namespace v1 { namespace env {")
w("namespace platform {")
w("")
w("/// What one condition of a vendor rule tests, as ci-info's checkEnv and checkPR do. \"Set\" is JavaScript's")
w("/// truthiness of env[VAR]: defined and not empty.")
w("enum class ci_test : std::uint8_t {")
w("  set,         ///< `var` is set and not empty (\"VAR\")")
w("  equals,      ///< `var` equals `value` ({\"VAR\": \"value\"}; an object of several keys is several conditions)")
w("  includes,    ///< `var` is set, not empty, and contains `value` ({\"env\": \"VAR\", \"includes\": \"...\"})")
w("  not_equals,  ///< `var` is set (even empty) and differs from `value` ({\"env\": \"VAR\", \"ne\": \"...\"})")
w("  any_set,     ///< one of `names` is set and not empty ({\"any\": [...]})")
w("  equals_any,  ///< `var` equals one of `names` ({\"env\": \"VAR\", \"any\": [...]})")
w("};")
w("")
w("/// One condition of a vendor rule.")
w("struct ci_condition {")
w("  ci_test test;")
w("  std::string_view var;                      ///< the variable (unused for any_set)")
w("  std::string_view value;                    ///< for equals, includes, not_equals")
w("  std::span<const std::string_view> names;   ///< for any_set (variables) and equals_any (values)")
w("};")
w("")
w("/// One CI vendor of ci-info: it is detected when every `env` condition holds; `pr_known` false means ci-info")
w("/// cannot tell a pull request (isPR null), else it is one when every `pr` condition holds.")
w("struct ci_vendor {")
w("  std::string_view name;      ///< human name (\"GitHub Actions\")")
w("  std::string_view constant;  ///< ci-info's constant (\"GITHUB_ACTIONS\")")
w("  std::span<const ci_condition> env;")
w("  std::span<const ci_condition> pr;")
w("  bool pr_known;")
w("};")
w("")
w(f"/// The ci-info version the table was generated from.")
w(f"inline constexpr std::string_view ci_info_version = {cpp_str(version)};")
w("")
w("/// The variables any of which (set, not empty) means some CI, vendor or not (ci-info's exports.isCI).")
w("inline constexpr std::string_view ci_generic_variables[] = {" + ", ".join(cpp_str(g) for g in generic) + "};")
w("")
for ident, names in names_arrays:
    w(f"inline constexpr std::string_view {ident}[] = {{{', '.join(cpp_str(n) for n in names)}}};")
w("")
for v, env_id, env_conds, pr_id, pr_conds in rows:
    w(f"inline constexpr ci_condition {env_id}[] = {{{', '.join(env_conds)}}};")
    if pr_id:
        w(f"inline constexpr ci_condition {pr_id}[] = {{{', '.join(pr_conds)}}};")
w("")
w(f"/// ci-info {version}'s vendors, in its order ({len(rows)}). ci-info checks every vendor and the last match wins.")
w("inline constexpr ci_vendor ci_vendor_table[] = {")
for v, env_id, env_conds, pr_id, pr_conds in rows:
    pr = pr_id if pr_id else "{}"
    w(f"    {{{cpp_str(v['name'])}, {cpp_str(v['constant'])}, {env_id}, {pr}, {'true' if pr_id else 'false'}}},")
w("};")
w("")
w("}  // namespace platform")
w("}}}  // namespace runtime::v1::env")
w("RUNTIME_EXPORT_END")
w("")
w("#endif")
text = "\n".join(lines) + "\n"

if check:
    have = open(out_path).read() if os.path.exists(out_path) else ""
    if have != text:
        print(f"{out_path} is not what gen_ci_vendors.py generates from ci-info {version}; run the script")
        sys.exit(1)
    print(f"ci_vendors.hpp matches ci-info {version} ({len(rows)} vendors)")
    sys.exit(0)
open(out_path, "w").write(text)
print(f"wrote {out_path}: {len(rows)} vendors from ci-info {version}")
