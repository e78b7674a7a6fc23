// SPDX-License-Identifier: MIT
// runtime.cli: declarative, typed command-line parsing.
//
// A program declares its commands and options once, as constexpr data (designated initializers, help text
// beside each option), checks the declaration at compile time (`static_assert(!cli::first_problem(p))`), and
// parses an argv into a `parsed<Cmd>`: the command as the program's own enum plus typed option values. The
// same declaration renders help, usage lines and bash/zsh/fish completion scripts. Parts, in dependency order:
//   cli/declare.hpp     the declaration types (option, command, program) and parsed<Cmd>
//   cli/check.hpp       the compile-time check of a declaration and the lookups over it
//   cli/parse.hpp       parsing an argument list into parsed<Cmd>; its usage errors and did-you-mean
//   cli/help.hpp        main and per-command help, usage and version lines, a usage error as printed
//   cli/completion.hpp  bash, zsh and fish completion scripts
#include "runtime/cli/declare.hpp"
#include "runtime/cli/check.hpp"
#include "runtime/cli/parse.hpp"
#include "runtime/cli/help.hpp"
#include "runtime/cli/completion.hpp"
