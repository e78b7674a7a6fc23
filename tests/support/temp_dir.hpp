// SPDX-License-Identifier: MIT
// tests/support: a temporary directory for unit tests, removed with everything in it at scope exit. One copy
// for every test file (include it with the other #includes, before any import).
#pragma once
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

namespace runtime_tests {

struct temp_dir {
  std::string path;
  explicit temp_dir(std::string_view prefix = "runtime-test") {
    std::string tmpl = "/tmp/" + std::string(prefix) + ".XXXXXX";
    const char* p = ::mkdtemp(tmpl.data());
    REQUIRE(p != nullptr);
    path = p;
  }
  ~temp_dir() { [[maybe_unused]] int rc = std::system(("rm -rf '" + path + "'").c_str()); }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  /// The path of `name` inside the directory.
  std::string at(std::string_view name) const { return path + "/" + std::string(name); }
  /// Writes `text` to `name` (created or truncated); returns its path.
  std::string write(std::string_view name, std::string_view text) const {
    const std::string p = at(name);
    std::ofstream f(p, std::ios::binary);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();
    REQUIRE(f.good());
    return p;
  }
  /// Creates directory `name`; returns its path.
  std::string mkdir(std::string_view name) const {
    const std::string p = at(name);
    ::mkdir(p.c_str(), 0755);
    return p;
  }
  /// Writes an executable file `name`; returns its path.
  std::string program(std::string_view name, std::string_view body = "#!/bin/sh\nexit 0\n") const {
    const std::string p = write(name, body);
    ::chmod(p.c_str(), 0755);
    return p;
  }
};

}  // namespace runtime_tests
