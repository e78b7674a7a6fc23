// SPDX-License-Identifier: MIT
// Compiled with -fsyntax-only under other standards (C++23) by the 'build' suite: every header must stay valid.
#include <runtime/runtime.hpp>
int main() { return 0; }
