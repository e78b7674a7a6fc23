// SPDX-License-Identifier: MIT
// runtime.flags: feature flags declared once as a compile-time table, resolved from the command line, the
// environment (Bun's BUN_FEATURE_FLAG_<NAME> style) and bunfig.toml (Bun's lookup and core keys) into an
// immutable, typed snapshot that records where each value came from. Parts, in dependency order:
//   flags/table.hpp         the flag table (descriptors, value and source types) and its compile-time check
//   flags/value.hpp         one value checked against its descriptor; finding a flag by name (did you mean)
//   flags/settings.hpp      the typed model of what bunfig files set, and where load_bunfig() looks
//   flags/toml_prescan.hpp  text scans that keep inputs toml++ 3.3 mishandles away from it
//   flags/bunfig.hpp        reading bunfig files: lookup, core keys, flag entries, the JSON form
//   flags/resolve.hpp       resolving the table into the feature_flags snapshot (precedence, provenance)
#include "runtime/flags/table.hpp"
#include "runtime/flags/value.hpp"
#include "runtime/flags/settings.hpp"
#include "runtime/flags/toml_prescan.hpp"
#include "runtime/flags/bunfig.hpp"
#include "runtime/flags/resolve.hpp"
