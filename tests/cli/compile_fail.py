#!/usr/bin/env python3
# A cli declaration mistake and a misspelt option name are compile errors that name them: each case must fail
# to compile with the expected text in the diagnostic, and the control (the same program, correct) must compile.
# usage: compile_fail.py <modules dir> <compiler and args...>
import os, subprocess, sys, tempfile

modules, cxx = sys.argv[1], sys.argv[2:]

PROGRAM = """
#include <runtime/cli.hpp>
namespace cli = runtime::cli;
enum class cmd { none, add, help };
constexpr cli::option add_opts[] = {
    {.name = "priority", .kind = cli::value_kind::integer, .min = 1, .max = 5, .default_value = DEFAULT},
    {.name = "json", .help = "JSON output"},
};
constexpr cli::command<cmd> commands[] = {
    {.id = cmd::none, .name = "auto", .hidden = true},
    {.id = cmd::add, .name = "add", .options = add_opts},
    {.id = cmd::help, .name = "help"},
};
constexpr cli::program<cmd> todo{.name = "todo", .version = "1", .commands = commands,
                                 .auto_command = cmd::none, .help_command = cmd::help};
long use(const cli::parsed<cmd>& r) {
  cli::typed<todo> opts(r);
  return *opts.integer(NAME) + opts.flag("json");
}
int main() {}
"""

cases = [
    # (what, DEFAULT, NAME, expected text or None for "must compile")
    ("control: a correct program compiles", '"3"', '"priority"', None),
    ("an integer option defaulting to \"high\"", '"high"', '"priority"', "default value is not an integer"),
    ("a default outside [min, max]", '"9"', '"priority"', "default value is not an integer"),
    ("a misspelt option name", '"3"', '"priorty"', "option_name_is_not_declared_by_the_program"),
    ("an option name given with dashes", '"3"', '"--priority"', "option_name_is_not_declared_by_the_program"),
]
failed = 0
for what, default, name, expect in cases:
    src = PROGRAM.replace("DEFAULT", default).replace("NAME", name)
    with tempfile.NamedTemporaryFile("w", suffix=".cpp", delete=False) as f:
        f.write(src)
    try:
        r = subprocess.run(cxx + ["-std=c++20", "-fsyntax-only", "-DRUNTIME_USE_MODULES=0", "-I", modules, f.name],
                           capture_output=True, text=True, timeout=120)
    finally:
        os.unlink(f.name)
    if expect is None:
        ok = r.returncode == 0
    else:
        ok = r.returncode != 0 and expect in r.stderr
    print(("ok  " if ok else "FAIL") + " " + what)
    if not ok:
        failed += 1
        print(r.stderr[-3000:])
sys.exit(1 if failed else 0)
