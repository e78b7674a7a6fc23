// SPDX-License-Identifier: MIT
// runtime.env: the Environment. An immutable snapshot of the process environment plus .env layers, each value
// with its provenance; Bun-exact .env parsing, expansion and file precedence (Bun 1.4.5 is the judge), a second
// dialect (the dotenv + dotenv-expand npm packages), strict-mode diagnostics, and CI/container/OS detection.
// This is the only module that reads `environ`. Umbrella over its parts, in dependency order:
//   env/environment.hpp     the snapshot: env_origin, child_envp, environment (storage, key sort)
//   env/text_scan.hpp       byte scanning for the grammars: character classes, BOM, line/column counting
//   env/working_set.hpp     the dialect interface: working_set, file_context, the EnvDialect concept
//   env/bun_grammar.hpp     Bun's .env grammar and expansion, bun_dialect, parse_bun
//   env/dotenv_dialect.hpp  the dotenv 18 + dotenv-expand 12 emulation, dotenv_dialect
//   env/load.hpp            files by mode, --env-file, read_file, precedence: load_with, load, load_text
//   env/json.hpp            JSON output (to_json, write_json, append_json_string) and is_secret_key
//   env/ci_vendors.hpp      the CI vendor table, generated from ci-info by tests/env/gen_ci_vendors.py
//   env/platform.hpp        CI detection, container/WSL detection, OS and architecture names
#include "runtime/env/environment.hpp"
#include "runtime/env/text_scan.hpp"
#include "runtime/env/working_set.hpp"
#include "runtime/env/bun_grammar.hpp"
#include "runtime/env/dotenv_dialect.hpp"
#include "runtime/env/load.hpp"
#include "runtime/env/json.hpp"
#include "runtime/env/ci_vendors.hpp"
#include "runtime/env/platform.hpp"
