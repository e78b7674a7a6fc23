// SPDX-License-Identifier: MIT
// Compiled with -fsyntax-only under other standards (C++23) by the 'build' suite: every header must stay valid.
#include <runtime/detail/json.hpp>
#include <runtime/detail/posix_io.hpp>
#include <runtime/detail/signals.hpp>
#include <runtime/detail/stack.hpp>
#include <runtime/detail/text.hpp>
#include <runtime/detail/utf8.hpp>
#include <runtime/runtime.hpp>
int main() { return 0; }
