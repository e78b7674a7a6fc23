// SPDX-License-Identifier: MIT
// env_probe: runtime::env::load on the current directory, printed as one JSON line. The differential tests run
// it side by side with Bun; it takes rt env's flags (--env-file, --no-env-file, --dialect, --strict, --sources).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.env;
import runtime.error;
#else
#include <runtime/env.hpp>
#endif

int main(int argc, char** argv) {
  runtime::env::load_options o;
  bool sources = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--env-file" && i + 1 < argc) o.env_files.emplace_back(argv[++i]);
    else if (a.substr(0, 11) == "--env-file=") o.env_files.emplace_back(a.substr(11));
    else if (a == "--no-env-file") o.no_env_file = true;
    else if (a == "--strict") o.strict = true;
    else if (a == "--sources") sources = true;
    else if (a == "--dialect" && i + 1 < argc) o.dialect = runtime::env::parse_dialect(argv[++i]);
    else { std::fprintf(stderr, "env_probe: unknown argument %s\n", argv[i]); return 2; }
  }
  auto r = runtime::env::load(runtime::environment::from_process(), o);
  for (const auto& d : r.diagnostics) {
    const auto* loc = d.location();
    if (loc && loc->line) std::fprintf(stderr, "%s:%u:%u: ", loc->file.c_str(), loc->line, loc->column);
    else if (loc) std::fprintf(stderr, "%s: ", loc->file.c_str());
    std::fprintf(stderr, "%s [%s]\n", d.message().c_str(), d.code().c_str());
  }
  if (sources)
    for (const auto& [k, v] : r.env)
      std::printf("%.*s %s\n", static_cast<int>(k.size()), k.data(), r.env.origin(k)->to_string().c_str());
  std::string out = runtime::env::to_json(r.env);
  std::printf("%s\n", out.c_str());
  return o.strict && !r.diagnostics.empty() ? 1 : 0;
}
