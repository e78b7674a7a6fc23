// SPDX-License-Identifier: MIT
// Unit tests of the shared primitive layer modules/runtime/detail/ (plain headers in both build modes).
// The one "did you mean" is tested here, thoroughly; module tests only check their messages use it.
#include <doctest/doctest.h>
#include "support/temp_dir.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/detail/json.hpp"
#include "runtime/detail/posix_io.hpp"
#include "runtime/detail/signals.hpp"
#include "runtime/detail/stack.hpp"
#include "runtime/detail/text.hpp"
#include "runtime/detail/utf8.hpp"

namespace d = runtime::detail;
using namespace std::string_literals;

namespace {

using runtime_tests::temp_dir;

// Everything written to a pipe's write end, read back after it is closed.
struct pipe_capture {
  int fds[2] = {-1, -1};
  pipe_capture() { REQUIRE(::pipe(fds) == 0); }
  ~pipe_capture() {
    if (fds[0] >= 0) ::close(fds[0]);
    if (fds[1] >= 0) ::close(fds[1]);
  }
  int writer() const { return fds[1]; }
  std::string drain() {
    ::close(fds[1]);
    fds[1] = -1;
    std::string out;
    char buf[4096];
    for (;;) {
      const auto n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
};


// Escaping through escape_into with a small buffer, refilled as the crash handler does.
std::string escaped_in_chunks(std::string_view s, const d::escape_policy& p, std::size_t cap) {
  std::string out;
  std::vector<char> buf(cap);
  while (!s.empty()) {
    const auto r = d::escape_into(buf.data(), buf.size(), s, p);
    REQUIRE(r.consumed > 0);
    out.append(buf.data(), r.written);
    s.remove_prefix(r.consumed);
  }
  return out;
}

[[gnu::noinline]] std::uint32_t capture_here(void** out, std::uint32_t cap) {
  return d::safe_capture_frame_pointers(__builtin_frame_address(0), out, cap);
}

[[gnu::noinline]] int unwind_here(void** out, int max) { return d::safe_capture(out, max, 0); }

}  // namespace

TEST_CASE("runtime::detail::text") {
  SUBCASE("ASCII case") {
    static_assert(d::ascii_lower('A') == 'a' && d::ascii_lower('z') == 'z' && d::ascii_lower('@') == '@');
    static_assert(d::ascii_upper('q') == 'Q' && d::ascii_upper('[') == '[');
    static_assert(d::iequals("Content-Type", "content-TYPE"));
    static_assert(!d::iequals("abc", "abd") && !d::iequals("abc", "abcd") && d::iequals("", ""));
    // Only ASCII folds: bytes >= 0x80 compare exactly (no locale).
    CHECK_FALSE(d::iequals("\xc3\x89", "\xc3\xa9"));
    CHECK(d::iequals("\xc3\xa9X", "\xc3\xa9x"));
  }

  SUBCASE("boolean words") {
    for (std::string_view w : {"true", "TRUE", "True", "1", "yes", "YES", "on", "On"}) {
      CHECK(d::is_true_word(w));
      CHECK(d::parse_bool_word(w) == true);
    }
    for (std::string_view w : {"false", "FALSE", "0", "no", "No", "off", "OFF"}) {
      CHECK(d::is_false_word(w));
      CHECK(d::parse_bool_word(w) == false);
    }
    // Not words: the caller decides what empty means; "00", "+0", " true", "y", "enabled" are not words.
    for (std::string_view w : {"", "00", "+0", "-0", " true", "true ", "y", "n", "enabled", "2", "\xc3\xbf"}) {
      CHECK_FALSE(d::parse_bool_word(w).has_value());
      CHECK_FALSE(d::is_true_word(w));
      CHECK_FALSE(d::is_false_word(w));
    }
    static_assert(d::parse_bool_word("oFf") == false);
    // Bun's feature-flag truthiness: empty and false words are false, anything else true.
    static_assert(!d::is_truthy_value("") && !d::is_truthy_value("Off") && !d::is_truthy_value("0"));
    static_assert(d::is_truthy_value("1") && d::is_truthy_value("2") && d::is_truthy_value("maybe"));
    CHECK(d::bool_words_list == "true, false, 1, 0, yes, no, on, off");
  }

  SUBCASE("cut_for_message: at most 200 bytes of a user's text, whole UTF-8 sequences, ... where cut") {
    CHECK(d::cut_for_message("short") == "short");
    const std::string path = "/" + std::string(300, 'a') + "/\xc3\xa9nd.env";
    const std::string mid = d::cut_for_message(path, d::cut_at::middle);
    CHECK(mid.size() <= d::message_echo_limit + 3);
    CHECK(mid.rfind("/aaa", 0) == 0);
    CHECK(mid.find("...") == 100);
    CHECK(mid.substr(mid.size() - 8) == "\xc3\xa9nd.env");  // the file name survives
    CHECK(d::is_valid_utf8(mid));
    const std::string e = d::cut_for_message(std::string(199, 'x') + "\xc3\xa9" + "tail");
    CHECK(e == std::string(199, 'x') + "...");  // the cut never splits the two bytes of U+00E9
    CHECK(d::quoted_for_message("q") == "\"q\"");
    // A 130 KB path becomes ~200 bytes (issue 18: one warning printed such a path twice in full).
    CHECK(d::cut_for_message(std::string(130000, 'p'), d::cut_at::middle).size() == 203);
  }
  SUBCASE("escape policies") {
    const std::string s = "a\nb\rc\td\x1b[31m\x7f\x01 \xc3\xa9 \xc2\x9b\\";
    // Log lines also escape backslashes and C1 controls, so a logged value cannot forge a line or an escape.
    CHECK(d::escaped(s, d::escape::log_line) == "a\\nb\\rc\\td\\x1b[31m\\x7f\\x01 \xc3\xa9 \\xc2\\x9b\\\\");
    CHECK(d::escaped(s, d::escape::one_line) == "a\\nb\\rc\\td\\x1b[31m\\x7f\\x01 \xc3\xa9 \xc2\x9b\\");
    CHECK(d::escaped(s, d::escape::report) == "a\nb\\x0dc\td\\x1b[31m\\x7f\\x01 \xc3\xa9 \xc2\x9b\\");
    CHECK(d::escaped(s, d::escape::spaces) == "a b c d [31m   \xc3\xa9 \xc2\x9b\\");
    CHECK(d::escaped(s, d::escape::spaces_keep_tab) == "a b c\td [31m   \xc3\xa9 \xc2\x9b\\");
    CHECK(d::escaped(s, d::escape::question_marks) == "a\\nb\\rc\\td?[31m\x7f? \xc3\xa9 \xc2\x9b\\");
    // The opt-in parts: C1 controls in UTF-8 and backslashes.
    constexpr d::escape_policy strict{.c1 = true, .backslash = true};
    CHECK(d::escaped(s, strict) == "a\\nb\\rc\\td\\x1b[31m\\x7f\\x01 \xc3\xa9 \\xc2\\x9b\\\\");
    constexpr d::escape_policy c1_spaces{.named = {}, .other = d::escape_other::replace, .replacement = ' ', .c1 = true};
    CHECK(d::escaped("x\xc2\x85y\xc2\xa0z\xc2", c1_spaces) == "x y\xc2\xa0z\xc2");  // NBSP and a cut C2 stay
    // A NUL is a control character like any other; text without controls comes back unchanged.
    CHECK(d::escaped("a\0b"s, d::escape::log_line) == "a\\x00b");
    // A value that spells an escape stays distinguishable from the escape itself.
    CHECK(d::escaped("a\\nINFO", d::escape::log_line) != d::escaped("a\nINFO", d::escape::log_line));
    CHECK(d::escaped("plain \xe2\x9c\x93 text", d::escape::log_line) == "plain \xe2\x9c\x93 text");
    CHECK(d::escaped("", d::escape::log_line).empty());
    std::string out = "x=";
    d::append_escaped(out, "1\n", d::escape::log_line);
    CHECK(out == "x=1\\n");
  }

  SUBCASE("escaping is usable at compile time") {
    constexpr auto n = [] {
      std::size_t size = 0;
      d::for_each_escaped("a\nb\x01", d::escape::log_line, [&](std::string_view piece) { size += piece.size(); });
      return size;
    }();
    static_assert(n == 8);  // a \n b \x01
  }

  SUBCASE("escape_into: bounded buffer, escapes never split") {
    const std::string s = "ab\x01\x02\ncd\xc2\x9b" + std::string(300, 'x') + "\x1b";
    constexpr d::escape_policy strict{.c1 = true, .backslash = true};
    for (const d::escape_policy* p : {&d::escape::log_line, &d::escape::report, &d::escape::spaces, &strict})
      for (std::size_t cap : {8u, 9u, 13u, 256u, 1000u}) CHECK(escaped_in_chunks(s, *p, cap) == d::escaped(s, *p));
    char small[3];
    const auto r = d::escape_into(small, sizeof small, "a\x01", d::escape::log_line);
    CHECK(r.written == 1);  // "\x01" needs four bytes: it waits for the next call
    CHECK(r.consumed == 1);
  }
}

TEST_CASE("runtime::detail::nearest") {
  SUBCASE("edit_distance: optimal string alignment, case-insensitive, capped") {
    CHECK(d::edit_distance("run", "run", 3) == 0);
    CHECK(d::edit_distance("RUN", "run", 3) == 0);
    CHECK(d::edit_distance("rnu", "run", 3) == 1);         // one transposition
    CHECK(d::edit_distance("silnet", "silent", 3) == 1);   // (Levenshtein would say 2)
    CHECK(d::edit_distance("instal", "install", 3) == 1);  // deletion
    CHECK(d::edit_distance("biuld", "build", 3) == 1);
    CHECK(d::edit_distance("kitten", "sitting", 5) == 3);
    CHECK(d::edit_distance("ca", "abc", 5) == 3);           // OSA, not Damerau: no edit after a swap
    CHECK(d::edit_distance("", "abc", 5) == 3);
    CHECK(d::edit_distance("abcdefgh", "a", 3) == 4);       // over the cap: cap + 1
    CHECK(d::edit_distance("zzzzzzzz", "aaaaaaaa", 3) == 4);
  }

  SUBCASE("threshold: 1 edit up to 3 bytes, 2 up to 6, 3 beyond") {
    static_assert(d::suggestion_cap(0) == 1 && d::suggestion_cap(3) == 1);
    static_assert(d::suggestion_cap(4) == 2 && d::suggestion_cap(6) == 2);
    static_assert(d::suggestion_cap(7) == 3 && d::suggestion_cap(100) == 3);
    const std::vector<std::string> cmds{"run", "test", "install", "x", "upgrade"};
    CHECK(d::nearest("rum", cmds) == "run"s);
    CHECK_FALSE(d::nearest("rxx", cmds));       // 2 edits on a 3-byte word
    CHECK(d::nearest("tsst", cmds) == "test"s);
    CHECK(d::nearest("txst", cmds) == "test"s);
    CHECK(d::nearest("tt", cmds) == std::nullopt);  // "x": 2 edits; "test": 2 edits; cap 1
    CHECK(d::nearest("instlal", cmds) == "install"s);
    CHECK(d::nearest("upgrdae", cmds) == "upgrade"s);
    CHECK(d::nearest("ugprdae", cmds) == "upgrade"s);  // two swaps: 2 edits, cap 3
    CHECK_FALSE(d::nearest("qqqqqqqqqq", cmds));
  }

  SUBCASE("the suggestions the module goldens show") {
    // flags: bunfig keys and feature flags (tests/flags_test.cpp, tests/flags/rt_flags_test.py)
    const std::vector<std::string_view> keys{"smol", "logLevel", "silent", "features", "telemetry"};
    CHECK(d::nearest("smoll", keys) == "smol"s);
    CHECK(d::nearest("loglevel", keys) == "logLevel"s);  // case only: distance 0
    CHECK(d::nearest("silnet", keys) == "silent"s);
    CHECK(d::nearest("featurs", keys) == "features"s);
    CHECK_FALSE(d::nearest("zzzzzzzzzzzzzz", keys));
    const std::vector<std::string_view> flags{"disable_source_maps", "dns_cache_ttl", "log_level"};
    CHECK(d::nearest("dns_cache_tll", flags) == "dns_cache_ttl"s);
    CHECK(d::nearest("dns_cache_tl", flags) == "dns_cache_ttl"s);
    CHECK(d::nearest("disable_sourcemaps", flags) == "disable_source_maps"s);
    CHECK_FALSE(d::nearest("qqqqqqqqqq", flags));
    const std::vector<std::string_view> vars{"TEST_FLAG_DISABLE_SOURCE_MAPS", "TEST_FLAG_LOG_LEVEL"};
    CHECK(d::nearest("TEST_FLAG_DISABLE_SOURCE_MAP", vars) == "TEST_FLAG_DISABLE_SOURCE_MAPS"s);
    CHECK_FALSE(d::nearest("TEST_FLAG_ZZZZZZZZZZZZ", vars));
  }

  SUBCASE("ties keep the first candidate; blanks and empty candidates never match") {
    CHECK(d::nearest("bat", std::vector<std::string>{"bad", "bag", "bat"}) == "bat"s);  // exact beats first
    CHECK(d::nearest("bax", std::vector<std::string>{"bad", "bag"}) == "bad"s);
    CHECK_FALSE(d::nearest("", std::vector<std::string>{"x", "y"}));
    CHECK_FALSE(d::nearest("  \t", std::vector<std::string>{"x", " "}));
    CHECK_FALSE(d::nearest("x", std::vector<std::string>{""}));
    CHECK_FALSE(d::nearest("x", std::vector<std::string>{}));
  }

  SUBCASE("nearest_match: candidates built on the fly, shown with a prefix") {
    d::nearest_match m("--verbos");
    CHECK_FALSE(m.found());
    CHECK(m.best().empty());
    for (std::string_view name : {"version", "verbose"}) m.offer("--" + std::string(name));
    CHECK(m.found());
    CHECK(m.best() == "--verbose");
    d::nearest_match shown("lnk");
    shown.offer("link", "rt ");
    CHECK(shown.result() == "rt link"s);
    CHECK(d::did_you_mean("link") == "did you mean \"link\"?");
  }
}

TEST_CASE("runtime::detail::utf8") {
  SUBCASE("sequence lengths") {
    static_assert(d::utf8_sequence_length('a') == 1);
    static_assert(d::utf8_sequence_length(0x80) == 0 && d::utf8_sequence_length(0xc1) == 0);
    static_assert(d::utf8_sequence_length(0xc2) == 2 && d::utf8_sequence_length(0xe0) == 3);
    static_assert(d::utf8_sequence_length(0xf4) == 4 && d::utf8_sequence_length(0xf5) == 0);
  }

  SUBCASE("maximal subparts (Unicode table 3-8, the WHATWG decoder, Bun)") {
    auto steps = [](std::string_view s) {
      std::string out;
      while (!s.empty()) {
        const auto st = d::utf8_next(s);
        out += (st.valid ? "v" : "x") + std::to_string(st.length) + ' ';
        s.remove_prefix(st.length);
      }
      return out;
    };
    CHECK(steps("a\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80") == "v1 v2 v3 v4 ");
    CHECK(steps("\xf0\x9f\x98") == "x3 ");            // truncated 4-byte sequence: ONE replacement
    CHECK(steps("\xe0\x80\x80") == "x1 x1 x1 ");      // overlong: the lead alone, then two strays
    CHECK(steps("\xed\xa0\x80") == "x1 x1 x1 ");      // surrogate
    CHECK(steps("\xf4\x90\x80\x80") == "x1 x1 x1 x1 ");  // above U+10FFFF
    CHECK(steps("\xc0\xaf") == "x1 x1 ");
    CHECK(steps("\xe2\x9c" "a") == "x2 v1 ");
    CHECK(steps("\xff") == "x1 ");
    CHECK(d::utf8_replace_invalid("a\xf0\x9f\x98" "b\xe0\x80z") ==
          "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBDz");
    CHECK(d::utf8_replace_invalid("ok \xe2\x9c\x93") == "ok \xe2\x9c\x93");
  }

  SUBCASE("valid prefix (the crash report's JSON writer)") {
    CHECK(d::utf8_valid_prefix("\xe2\x9c\x93") == 3);
    CHECK(d::utf8_valid_prefix("\xe2\x9c") == 2);
    CHECK(d::utf8_valid_prefix("\xe2" "a") == 1);
    CHECK(d::utf8_valid_prefix("\x80") == 0);
    CHECK(d::utf8_valid_prefix("\xff") == 0);
  }

  SUBCASE("first invalid byte, past the eight-byte ASCII fast path") {
    CHECK(d::first_invalid_utf8("") == std::string_view::npos);
    CHECK(d::first_invalid_utf8("plain ascii text, longer than eight") == std::string_view::npos);
    CHECK(d::first_invalid_utf8("0123456789\xc3\xa9\xe2\x9c\x93") == std::string_view::npos);
    CHECK(d::first_invalid_utf8("0123456789abcdef\xc3") == 16);
    CHECK(d::first_invalid_utf8("01234567\xed\xa0\x80") == 8);
    CHECK(d::first_invalid_utf8("\xc3\xa9\x80") == 2);
    CHECK(d::is_valid_utf8("\xf0\x9f\x98\x80"));
    CHECK_FALSE(d::is_valid_utf8("\xf0\x9f\x98"));
  }

  SUBCASE("truncation at a character boundary") {
    CHECK(d::utf8_truncate("abc", 5) == "abc");
    CHECK(d::utf8_truncate("ab\xe2\x9c\x93", 4) == "ab");
    CHECK(d::utf8_truncate("ab\xe2\x9c\x93", 5) == "ab\xe2\x9c\x93");
    CHECK(d::utf8_truncate("\xc3\xa9\xc3\xa9", 3) == "\xc3\xa9");
  }
}

TEST_CASE("runtime::detail::json") {
  namespace d = runtime::detail;
  auto json = [](std::string_view s) {
    std::string out = "x";
    d::append_json_string(out, s);
    return out.substr(1);
  };
  SUBCASE("escapes as JSON.stringify: short forms, \\u00xx for other controls, DEL and UTF-8 kept") {
    CHECK(json("") == "\"\"");
    CHECK(json("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json("\b\f\n\r\t") == "\"\\b\\f\\n\\r\\t\"");
    CHECK(json(std::string_view("\x00\x01\x1f", 3)) == "\"\\u0000\\u0001\\u001f\"");
    CHECK(json("\x7f") == "\"\x7f\"");
    CHECK(json("h\xC3\xA9llo \xE2\x82\xAC") == "\"h\xC3\xA9llo \xE2\x82\xAC\"");
  }
  SUBCASE("one U+FFFD per maximal ill-formed subpart") {
    CHECK(json("a\xE2\x82") == "\"a\xEF\xBF\xBD\"");        // a 3-byte sequence cut short: one
    CHECK(json("\xFF\xFE") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // two bytes that start nothing: two
  }
  SUBCASE("the eight-byte fast path agrees with the byte loop at every position") {
    for (std::size_t at = 0; at < 20; ++at) {
      std::string s(20, 'a');
      s[at] = '"';
      std::string want = "\"" + s.substr(0, at) + "\\\"" + s.substr(at + 1) + "\"";
      CHECK(json(s) == want);
    }
  }
  SUBCASE("write_json_string fits in 6n+2 bytes") {
    const std::string worst(50, '\x01');
    std::string buf(6 * worst.size() + 2, '\0');
    char* end = d::write_json_string(buf.data(), worst);
    CHECK(static_cast<std::size_t>(end - buf.data()) == buf.size());
  }
}

TEST_CASE("runtime::detail::posix_io") {
  SUBCASE("write_all writes everything and reports failure with errno") {
    pipe_capture p;
    CHECK(d::write_all(p.writer(), std::string_view("hello ")));
    CHECK(d::write_all(p.writer(), static_cast<const void*>("world"), 5));
    CHECK(p.drain() == "hello world");
    errno = 0;
    CHECK_FALSE(d::write_all(-1, std::string_view("x")));
    CHECK(errno == EBADF);
    CHECK(d::write_all(-1, std::string_view()));  // nothing to write: nothing fails
  }

  SUBCASE("a failed write to fd 1 is remembered (the first errno), so a program can report it once at exit") {
    CHECK(d::stdout_write_error() == 0);
    CHECK_FALSE(d::write_all(-1, std::string_view("x")));  // other descriptors are not remembered
    CHECK(d::stdout_write_error() == 0);
    const int saved = ::dup(1);
    const int full = ::open("/dev/full", O_WRONLY);
    REQUIRE(saved >= 0);
    REQUIRE(full >= 0);
    ::dup2(full, 1);
    const bool wrote = d::write_all(1, std::string_view("lost"));
    ::dup2(saved, 1);
    ::close(saved);
    ::close(full);
    CHECK_FALSE(wrote);
    CHECK(d::stdout_write_error() == ENOSPC);
    d::stdout_write_error_slot().store(0);
  }

  SUBCASE("write_escaped: bounded stack buffer, any length") {
    pipe_capture p;
    std::string s;
    for (int i = 0; i < 200; ++i) s += "line\n\x1b";
    CHECK(d::write_escaped(p.writer(), s, d::escape::spaces));
    CHECK(p.drain() == d::escaped(s, d::escape::spaces));
    errno = 0;
    CHECK_FALSE(d::write_escaped(-1, "x", d::escape::spaces));
    CHECK(errno == EBADF);
  }

  SUBCASE("read_file: regular files, limits, and what is not read") {
    temp_dir t;
    const std::string text = "KEY=value\n";
    const auto file = t.write("a.env", text);
    auto r = d::read_file(file);
    CHECK(r.status == d::read_status::ok);
    CHECK(r);
    CHECK(r.text == text);
    CHECK(r.error_number == 0);

    const auto empty = t.write("empty", "");
    CHECK(d::read_file(empty).status == d::read_status::ok);
    CHECK(d::read_file(empty).text.empty());

    r = d::read_file(t.path + "/missing");
    CHECK(r.status == d::read_status::missing);
    CHECK(r.error_number == ENOENT);
    CHECK(d::read_file(file + "/below").status == d::read_status::missing);  // ENOTDIR
    CHECK(d::read_file(t.path).status == d::read_status::is_directory);

    r = d::read_file(file, {.limit = 4});
    CHECK(r.status == d::read_status::too_large);
    CHECK(r.text == "KEY=");
    CHECK(d::read_file(file, {.limit = text.size()}).status == d::read_status::ok);

    // A FIFO is refused before it is opened (opening one without a writer would block).
    const std::string fifo = t.path + "/fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(d::read_file(fifo).status == d::read_status::not_regular);
    // A device the caller named: read, up to the limit.
    CHECK(d::read_file("/dev/null").status == d::read_status::not_regular);
    r = d::read_file("/dev/null", {.special_ok = true});
    CHECK(r.status == d::read_status::ok);
    CHECK(r.text.empty());
    r = d::read_file("/dev/zero", {.special_ok = true, .limit = 10000});
    CHECK(r.status == d::read_status::too_large);
    CHECK(r.text == std::string(10000, '\0'));

    if (::geteuid() != 0) {  // root reads anything
      const auto locked = t.write("locked", "secret");
      REQUIRE(::chmod(locked.c_str(), 0) == 0);
      r = d::read_file(locked);
      CHECK(r.status == d::read_status::unreadable);
      CHECK(r.error_number == EACCES);
    }

    // read_file_into reuses the caller's string and replaces its content.
    std::string buf = "old content";
    int err = -1;
    CHECK(d::read_file_into(file, buf, {}, err) == d::read_status::ok);
    CHECK(buf == text);
    CHECK(err == 0);
    CHECK(d::read_file_into(t.path + "/missing", buf, {}, err) == d::read_status::missing);
    CHECK(buf.empty());
    CHECK(d::read_status_text(d::read_status::is_directory) == "is a directory");
    static_assert(d::env_file_limit == 256u << 20 && d::config_file_limit == 16u << 20);
  }
}

TEST_CASE("runtime::detail::signals") {
  SUBCASE("names and Bun's descriptions") {
    static_assert(d::signal_name_of(SIGTERM) == "SIGTERM");
    CHECK(d::signal_name_of(SIGINT) == "SIGINT");
    CHECK(d::signal_name_of(SIGSEGV) == "SIGSEGV");
    CHECK(d::signal_name_of(SIGWINCH) == "SIGWINCH");
    CHECK(d::signal_name_of(0) == "SIG?");
    CHECK(d::signal_name_of(200, "signal") == "signal");
    CHECK(d::signal_description(SIGTERM) == "Polite quit request");
    CHECK(d::signal_description(SIGINT) == "Quit request");
    CHECK(d::signal_description(SIGKILL) == "Forced quit");
    CHECK(d::signal_description(SIGSEGV) == "Address boundary error");
    CHECK(d::signal_description(999).empty());
    for (const auto& s : d::signal_table) {
      CHECK(s.name.substr(0, 3) == "SIG");
      CHECK(d::find_signal(s.number) == &s);
    }
  }

  SUBCASE("names back to numbers") {
    static_assert(d::signal_from_name("SIGTERM") == SIGTERM);
    CHECK(d::signal_from_name("term") == SIGTERM);
    CHECK(d::signal_from_name("SigHup") == SIGHUP);
    CHECK(d::signal_from_name("9") == SIGKILL);
    CHECK(d::signal_from_name("SIG") == 0);
    CHECK(d::signal_from_name("") == 0);
    CHECK(d::signal_from_name("SIGNOPE") == 0);
    CHECK(d::signal_from_name("99999999999") == 0);
    CHECK(d::signal_exit_code(SIGTERM) == 143);
  }

  SUBCASE("the crash report's texts") {
    CHECK(d::fault_meaning(SIGSEGV) == "segmentation fault");
    CHECK(d::fault_meaning(SIGTERM) == "fatal signal");
    CHECK(d::signal_code_of(SIGSEGV, SEGV_MAPERR).name == "SEGV_MAPERR");
    CHECK(d::signal_code_of(SIGABRT, SI_TKILL).meaning == "sent by tkill()/raise() (e.g. abort())");
    CHECK(d::signal_code_of(SIGSEGV, 12345).name.empty());
    CHECK(d::signal_code_of(SIGSEGV, 12345).meaning == "unknown code");
  }
}

TEST_CASE("runtime::detail::stack") {
  SUBCASE("safe_capture walks the unwinder") {
    d::warm_up_capture();
    void* frames[64];
    const int n = unwind_here(frames, 64);
    CHECK(n >= 2);
    CHECK(unwind_here(frames, 1) == 1);
    CHECK(unwind_here(frames, 0) == 0);
  }

  SUBCASE("safe_capture_frame_pointers starts at the caller's call site") {
    void* frames[32];
    const std::uint32_t n = capture_here(frames, 32);
    CHECK(n >= 1);
    CHECK(n <= 32);
    CHECK(frames[0] != nullptr);
    const auto& b = d::current_thread_stack();
    CHECK(b.known);
    CHECK(b.lo < b.hi);
  }

  SUBCASE("resolving frames, safely and not") {
    void* self = reinterpret_cast<void*>(&unwind_here);
    d::safe_frame f;
    d::safe_resolve_frame(self, f);
    CHECK(f.addr == reinterpret_cast<std::uintptr_t>(self));
    REQUIRE(f.module != nullptr);
    const auto s = d::symbolize(self);
    CHECK_FALSE(s.object.empty());
    CHECK(s.object_offset == f.module_offset);
    const std::string line = d::describe_address(self);
    CHECK(line.rfind("0x", 0) == 0);
    CHECK(d::demangled("_ZN7runtime6detail3fooEv") == "runtime::detail::foo()");
    CHECK(d::demangled("main") == "main");
    CHECK(d::demangled(nullptr).empty());
  }

  SUBCASE("safe_demangle: plain names into a fixed buffer") {
    char out[64];
    REQUIRE(d::safe_demangle("_ZN3foo3barEv", out, sizeof out));
    CHECK(std::string_view(out) == "foo::bar()");
    REQUIRE(d::safe_demangle("_ZN3foo3barEi", out, sizeof out));
    CHECK(std::string_view(out) == "foo::bar(...)");
    REQUIRE(d::safe_demangle("_ZNSt6vectorC2Ev", out, sizeof out));
    CHECK(std::string_view(out) == "std::vector::vector()");
    CHECK_FALSE(d::safe_demangle("main", out, sizeof out));
    CHECK_FALSE(d::safe_demangle("_ZN3fooIiE3barEv", out, sizeof out));  // templates: left mangled
    char tiny[4];
    CHECK_FALSE(d::safe_demangle("_ZN3foo3barEv", tiny, sizeof tiny));
  }
}

TEST_CASE("runtime::detail::format_numbers") {
  char b[runtime::detail::number_chars];
  SUBCASE("hex") {
    CHECK(std::string_view(b, runtime::detail::format_hex(b, 0)) == "0");
    CHECK(std::string_view(b, runtime::detail::format_hex(b, 0xdeadbeef)) == "deadbeef");
    CHECK(std::string_view(b, runtime::detail::format_hex(b, UINTPTR_MAX)) == "ffffffffffffffff");
    std::string s;
    runtime::detail::append_hex_address(s, 0x1f);
    CHECK(s == "0x1f");
  }
  SUBCASE("decimal") {
    CHECK(std::string_view(b, runtime::detail::format_decimal(b, 0)) == "0");
    CHECK(std::string_view(b, runtime::detail::format_decimal(b, -42)) == "-42");
    CHECK(std::string_view(b, runtime::detail::format_decimal(b, LLONG_MIN)) == "-9223372036854775808");
    CHECK(std::string_view(b, runtime::detail::format_decimal(b, LLONG_MAX)) == "9223372036854775807");
  }
}
