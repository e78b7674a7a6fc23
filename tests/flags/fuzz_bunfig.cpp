// SPDX-License-Identifier: MIT
// libFuzzer target over the bunfig loader: random TOML text must give a bunfig or a runtime::error with a
// sane location, never a crash, a leak or undefined behaviour (built with ASan+UBSan in the fuzz config).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.error;
import runtime.env;
import runtime.flags;
#else
#include <runtime/flags.hpp>
#endif

namespace {
namespace fl = runtime::flags;
constexpr fl::flag_desc fuzz_flags[] = {
    {.name = "disable_source_maps"},
    {.name = "dns_cache_ttl", .type = fl::flag_type::integer, .default_value = "30", .min = 0, .max = 86400},
    {.name = "log_level", .type = fl::flag_type::enumeration, .default_value = "warn",
     .choices = "debug|info|warn|error"},
    {.name = "registry", .type = fl::flag_type::string},
};
constexpr fl::flag_table table{.flags = fuzz_flags};

void check_error(const runtime::error& e, std::string_view text) {
  // Every loader error points into the text it was given, and renders.
  if (const auto* l = e.location()) {
    if (l->file != "fuzz.toml") std::abort();
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n';
    if (l->line > lines + 1) std::abort();  // an error at EOF may sit on the line after the last newline
  }
  if (runtime::render(e).empty()) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Checked while loading (the driver's path) ...
  try {
    auto cfg = fl::parse_bunfig(text, "fuzz.toml", fl::source_kind::project_bunfig, &table);
    auto f = fl::resolve(table, runtime::environment{}, cfg);
    if (f->size() != 4) std::abort();
  } catch (const runtime::error& e) {
    check_error(e, text);
  }
  // ... and checked only at resolve().
  try {
    auto cfg = fl::parse_bunfig(text, "fuzz.toml");
    (void)fl::resolve(table, runtime::environment{}, cfg);
  } catch (const runtime::error& e) {
    check_error(e, text);
  }
  // The JSON-with-comments form (explicit non-.toml --config files) goes through the same walker.
  try {
    auto cfg = fl::parse_bunfig_json(text, "fuzz.toml", fl::source_kind::project_bunfig, &table);
    (void)fl::resolve(table, runtime::environment{}, cfg);
  } catch (const runtime::error& e) {
    check_error(e, text);
  }
  return 0;
}
