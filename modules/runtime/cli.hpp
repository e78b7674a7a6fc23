// SPDX-License-Identifier: MIT
// runtime.cli: declarative, typed command-line parsing.
#ifndef RUNTIME_MODULE
#  include <span>
#  include <string>
#  include <string_view>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/log.hpp"
#  include "runtime/alloc.hpp"
#  include "runtime/env.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_CLI_HPP_)
#define RUNTIME_CLI_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::cli {

/// The arguments after argv[0], as views that live as long as argv.
inline std::vector<std::string_view> args_of(int argc, const char* const* argv) {
  std::vector<std::string_view> out;
  for (int i = 1; i < argc; ++i) out.emplace_back(argv[i]);
  return out;
}

}  // namespace runtime::inline v1::cli
RUNTIME_EXPORT_END

#endif
