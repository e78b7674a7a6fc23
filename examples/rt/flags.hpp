// SPDX-License-Identifier: MIT
// rt's feature-flag table: data shared by the startup sequence (app.hpp) and `rt flags` (commands/flags.cpp).
// Include after every std header: in module mode it imports runtime.
#pragma once
#if RUNTIME_USE_MODULES
import runtime;
#else
#include <runtime/runtime.hpp>
#endif

namespace rt {

// A few of Bun's real switches, under the variable names Bun reads, so `BUN_FEATURE_FLAG_...` set for Bun
// means the same to rt.
inline constexpr runtime::flags::flag_desc rt_flag_list[] = {
    {.name = "disable_source_maps", .help = "Do not map stack traces through source maps"},
    {.name = "disable_dns_cache", .help = "Resolve every DNS lookup afresh"},
    {.name = "dns_cache_ttl", .type = runtime::flags::flag_type::integer, .default_value = "30",
     .help = "Seconds a cached DNS answer stays valid", .env = "BUN_CONFIG_DNS_TIME_TO_LIVE_SECONDS", .min = 0,
     .max = 86400},
    {.name = "max_http_requests", .type = runtime::flags::flag_type::integer, .default_value = "256",
     .help = "Most HTTP requests in flight at once", .env = "BUN_CONFIG_MAX_HTTP_REQUESTS", .min = 1, .max = 65535},
    {.name = "experimental_shell", .help = "Enable the experimental shell builtins",
     .env = "BUN_ENABLE_EXPERIMENTAL_SHELL_BUILTINS"},
    {.name = "log_level", .type = runtime::flags::flag_type::enumeration, .default_value = "warn",
     .help = "Least severe level rt logs", .choices = "debug|info|warn|error"},
    {.name = "transpiler_cache_path", .type = runtime::flags::flag_type::string, .help = "Where the transpiler cache lives",
     .env = "BUN_RUNTIME_TRANSPILER_CACHE_PATH"},
};
inline constexpr runtime::flags::flag_table rt_flags{.flags = rt_flag_list, .env_prefix = "BUN_FEATURE_FLAG_", .bunfig_table = "features"};
static_assert(runtime::flags::table_error(rt_flags).empty(), "rt's flag table is invalid");

}  // namespace rt
