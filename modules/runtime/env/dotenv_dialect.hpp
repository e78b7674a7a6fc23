// SPDX-License-Identifier: MIT
// runtime.env / dotenv_dialect: the second .env dialect, an emulation of the npm packages dotenv 18
// (grammar) and dotenv-expand 12 (expansion), as `dotenv-cli` combines them.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <cstdint>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <unordered_map>
#  include <unordered_set>
#  include <utility>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#include "runtime/env/text_scan.hpp"
#include "runtime/env/working_set.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_DOTENV_DIALECT_HPP_)
#define RUNTIME_ENV_DOTENV_DIALECT_HPP_
#include "runtime/config.hpp"
namespace runtime { inline namespace v1 { namespace detail {

// ---- dotenv (npm) dialect helpers -------------------------------------------------------------------------

// JavaScript's \s for the code points that can appear in UTF-8 text (ASCII + the Unicode spaces).
// Returns the byte length of the whitespace character at s[i], or 0.
inline std::size_t js_space_len(std::string_view s, std::size_t i) noexcept {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= 9 && c <= 13)) return 1;
  if (c < 0xC2) return 0;
  auto at = [&](std::size_t k) -> unsigned { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  if (c == 0xC2 && at(1) == 0xA0) return 2;                                   // U+00A0
  if (c == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return 3;                 // U+1680
  if (c == 0xE2 && at(1) == 0x80 && ((at(2) >= 0x80 && at(2) <= 0x8A) || at(2) == 0xA8 || at(2) == 0xA9 || at(2) == 0xAF))
    return 3;                                                                // U+2000-200A, 2028, 2029, 202F
  if (c == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) return 3;                 // U+205F
  if (c == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;                 // U+3000
  if (c == 0xEF && at(1) == 0xBB && at(2) == 0xBF) return 3;                 // U+FEFF
  return 0;
}
inline bool js_line_end(std::string_view s, std::size_t i) noexcept {
  if (i >= s.size()) return true;
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == '\n' || c == '\r') return true;
  return c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
         (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9);
}
inline std::string_view js_trim(std::string_view v) noexcept {
  std::size_t b = 0;
  while (b < v.size()) { auto l = js_space_len(v, b); if (!l) break; b += l; }
  v.remove_prefix(b);
  // Trailing: step back over whitespace code points (at most 3 bytes each).
  for (;;) {
    bool cut = false;
    for (std::size_t l = 1; l <= 3 && l <= v.size(); ++l)
      if (js_space_len(v, v.size() - l) == l) { v.remove_suffix(l); cut = true; break; }
    if (!cut) break;
  }
  return v;
}

/// After a candidate closing quote: does `\s*(?:#.*)?$` match (multiline $)?
inline bool dotenv_tail_ok(std::string_view s, std::size_t i) noexcept {
  while (i < s.size() && !js_line_end(s, i)) {
    auto l = js_space_len(s, i);
    if (!l) return s[i] == '#';
    i += l;
  }
  return true;
}

/// dotenv 18's LINE regex, emulated without backtracking recursion. `src` has CRLF/CR already folded to LF.
template <class Sink>
void dotenv_parse(std::string_view src, Sink& sink) {
  const std::size_t n = src.size();
  std::size_t line = 0;  // start of the line being tried
  while (line < n) {
    std::size_t next_line = line;
    while (next_line < n && src[next_line] != '\n') ++next_line;
    if (next_line < n) ++next_line;
    // \s* (may cross lines: equivalent to trying the later line, which the loop does anyway)
    std::size_t p = line;
    while (p < n && src[p] != '\n') { auto l = js_space_len(src, p); if (!l) break; p += l; }
    if (p >= n || src[p] == '\n') { line = next_line; continue; }
    std::size_t key_pos = p;
    auto try_key = [&](std::size_t at, std::size_t& after) -> std::size_t {  // returns key end or npos
      std::size_t e = at;
      while (e < n && (is_env_name_char(static_cast<unsigned char>(src[e])) || src[e] == '.' || src[e] == '-')) ++e;
      if (e == at) return std::string_view::npos;
      std::size_t k = e;
      while (k < n) { auto l = js_space_len(src, k); if (!l) break; k += l; }
      if (k < n && src[k] == '=') { after = k + 1; return e; }
      if (e < n && src[e] == ':' && e + 1 < n && js_space_len(src, e + 1)) { after = e + 1 + js_space_len(src, e + 1); return e; }
      return std::string_view::npos;
    };
    std::size_t after = 0, key_end = std::string_view::npos, kstart = p;
    if (src.compare(p, 6, "export") == 0 && p + 6 < n && js_space_len(src, p + 6)) {
      std::size_t k = p + 6;
      while (k < n) { auto l = js_space_len(src, k); if (!l) break; k += l; }
      key_end = try_key(k, after);
      if (key_end != std::string_view::npos) kstart = k;
    }
    if (key_end == std::string_view::npos) { kstart = p; key_end = try_key(p, after); }
    if (key_end == std::string_view::npos) {
      if (src[p] != '#') sink.problem("env.malformed_line", key_pos, "not a KEY=value line");
      line = next_line;
      continue;
    }
    std::string_view key = src.substr(kstart, key_end - kstart);
    // Value alternatives. For '(?:\s*=\s*?)' the lazy \s*? matches nothing first; each quoted alternative
    // skips its own \s*, the unquoted one starts right after the separator.
    std::size_t v = after;
    while (v < n) { auto l = js_space_len(src, v); if (!l) break; v += l; }
    std::string_view value;
    bool got = false;
    std::size_t resume = next_line;
    if (v < n && (src[v] == '"' || src[v] == '\'' || src[v] == '`')) {
      char q = src[v];
      // Longest run first: up to the first quote not preceded by '\'; then the escaped ones, right to left.
      std::vector<std::size_t> cands;
      std::size_t i = v + 1;
      std::size_t first_plain = std::string_view::npos;
      while (i < n) {
        if (src[i] == q) {
          if (src[i - 1] == '\\' && i - 1 > v) { cands.push_back(i); ++i; continue; }
          first_plain = i;
          break;
        }
        ++i;
      }
      auto accept = [&](std::size_t c) {
        if (!dotenv_tail_ok(src, c + 1)) return false;
        value = src.substr(v, c + 1 - v);
        std::size_t r = c + 1;
        while (r < n && src[r] != '\n') ++r;
        resume = r < n ? r + 1 : n;
        return true;
      };
      if (first_plain != std::string_view::npos && accept(first_plain)) got = true;
      for (std::size_t k = cands.size(); !got && k-- > 0;)
        if (accept(cands[k])) got = true;
    }
    if (!got) {
      std::size_t e = after;
      while (e < n && src[e] != '#' && src[e] != '\n' && src[e] != '\r') ++e;
      value = src.substr(after, e - after);
      // The match ends on the value's line, which is a later one when the separator spanned a newline
      // ("K:\nv", "K\n=v").
      std::size_t r = e;
      while (r < n && src[r] != '\n') ++r;
      resume = std::max(resume, r < n ? r + 1 : n);
    }
    sink.entry(key, value, key_pos);
    line = resume;
  }
}

/// The value dotenv keeps for a raw match: trimmed, the outer quotes stripped, and for double quotes \n and \r.
inline std::string dotenv_value(std::string_view raw) {
  std::string_view v = js_trim(raw);
  char q = v.empty() ? '\0' : v[0];
  if (v.size() >= 2 && (q == '"' || q == '\'' || q == '`') && v.back() == q) v = v.substr(1, v.size() - 2);
  std::string out;
  out.reserve(v.size());
  if (q == '"') {
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '\\' && i + 1 < v.size() && (v[i + 1] == 'n' || v[i + 1] == 'r')) {
        out.push_back(v[i + 1] == 'n' ? '\n' : '\r');
        ++i;
      } else {
        out.push_back(v[i]);
      }
    }
  } else {
    out.assign(v);
  }
  return out;
}

/// JavaScript String.prototype.replace(string, string): the first occurrence, with $$, $&, $` and $'.
inline std::string js_replace_first(const std::string& s, std::string_view pat, std::string_view rep) {
  auto at = s.find(pat);
  if (at == std::string::npos) return s;
  std::string out(s, 0, at);
  for (std::size_t i = 0; i < rep.size(); ++i) {
    if (rep[i] == '$' && i + 1 < rep.size()) {
      char c = rep[i + 1];
      if (c == '$') { out.push_back('$'); ++i; continue; }
      if (c == '&') { out.append(pat); ++i; continue; }
      if (c == '`') { out.append(s, 0, at); ++i; continue; }
      if (c == '\'') { out.append(s, at + pat.size()); ++i; continue; }
    }
    out.push_back(rep[i]);
  }
  out.append(s, at + pat.size());
  return out;
}

/// What one dotenv_expand_value call may produce: every round's text counts against `room` (what is left of
/// the load's total), the final text against `value_limit`; `over` says which was passed (nothing is then
/// produced beyond the round that passed it).
struct dotenv_budget {
  std::size_t value_limit = static_cast<std::size_t>(-1);
  std::size_t room = static_cast<std::size_t>(-1);
  enum : std::uint8_t { none, value, total } over = none;
};

/// dotenv-expand 12's expansion of one value against `process` (taking priority) and the values expanded so far.
inline std::string dotenv_expand_value(const std::string& value,
                                       const std::unordered_map<std::string, std::string>& process,
                                       const std::unordered_map<std::string, std::string>& running,
                                       dotenv_budget* budget = nullptr) {
  auto env_get = [&](const std::string& k) -> const std::string* {
    if (auto it = process.find(k); it != process.end()) return &it->second;
    if (auto it = running.find(k); it != running.end()) return &it->second;
    return nullptr;
  };
  std::string text = value;
  // dotenv-expand can loop forever or grow without bound on crafted input (node then dies of OOM); we stop
  // after 1000 rounds (silently: a loop that goes nowhere), and at the budget's limits (an error for the
  // caller), or without a budget at a 1 MiB value or 16 MiB of remembered intermediate values.
  std::unordered_set<std::string> seen;
  std::size_t seen_bytes = 0;
  auto seen_has = [&](const std::string& s) { return seen.count(s) != 0; };
  for (int iter = 0; iter < 1000 && (budget || (text.size() < (1u << 20) && seen_bytes < (1u << 24))); ++iter) {
    // /(?<!\\)\${([^{}]+)}|(?<!\\)\$([A-Za-z_][A-Za-z0-9_]*)/
    std::size_t mpos = std::string::npos, mlen = 0;
    std::string_view expr;  // views `text`, which stays as it is until the end of the round
    // Only a '$' can start a match: find them with memchr rather than a test per byte.
    for (std::size_t i = text.find('$'); i != std::string::npos; i = text.find('$', i + 1)) {
      if (i > 0 && text[i - 1] == '\\') continue;
      if (i + 1 < text.size() && text[i + 1] == '{') {
        std::size_t j = i + 2;
        while (j < text.size() && text[j] != '{' && text[j] != '}') ++j;
        if (j < text.size() && text[j] == '}' && j > i + 2) {
          mpos = i; mlen = j + 1 - i; expr = std::string_view(text).substr(i + 2, j - i - 2);
          break;
        }
      }
      if (i + 1 < text.size()) {
        unsigned char c = static_cast<unsigned char>(text[i + 1]);
        if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
          std::size_t j = i + 2;
          while (j < text.size() && detail::is_env_name_char(static_cast<unsigned char>(text[j]))) ++j;
          mpos = i; mlen = j - i; expr = std::string_view(text).substr(i + 1, j - i - 1);
          break;
        }
      }
    }
    if (mpos == std::string::npos) break;
    if (seen.insert(text).second) seen_bytes += text.size();
    const std::string_view templ = std::string_view(text).substr(mpos, mlen);
    // opRegex /(:\+|\+|:-|-)/: leftmost position, alternatives in order.
    std::string_view splitter = "null";  // String.prototype.split(null) splits on "null"
    bool plus = false;
    for (std::size_t i = 0; i < expr.size(); ++i) {
      if (expr.compare(i, 2, ":+") == 0) { splitter = ":+"; plus = true; break; }
      if (expr[i] == '+') { splitter = "+"; plus = true; break; }
      if (expr.compare(i, 2, ":-") == 0) { splitter = ":-"; break; }
      if (expr[i] == '-') { splitter = "-"; break; }
    }
    auto cut = expr.find(splitter);
    std::string key(cut == std::string_view::npos ? expr : expr.substr(0, cut));
    std::string_view rest = cut == std::string_view::npos ? std::string_view() : expr.substr(cut + splitter.size());
    const std::string* ev = env_get(key);
    std::string next;
    if (plus) {
      next = detail::js_replace_first(text, templ, (ev && !ev->empty()) ? rest : std::string_view());
    } else if (ev && !ev->empty()) {
      next = detail::js_replace_first(text, templ, seen_has(*ev) ? rest : std::string_view(*ev));
    } else {
      next = detail::js_replace_first(text, templ, rest);
    }
    // A round that leaves the text as it was is followed by the same round (same text, maps and remembered
    // values) until the round cap: dotenv-expand loops there forever; stop now, with the same result.
    if (next == text) break;
    text = std::move(next);
    if (budget) {
      if (text.size() > budget->value_limit || text.size() > budget->room) {
        budget->over = text.size() > budget->value_limit ? dotenv_budget::value : dotenv_budget::total;
        break;
      }
      budget->room -= text.size();
    }
    if (auto it = running.find(key); it != running.end() && it->second == text) break;
  }
  return text;
}

}}}  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace env {

/// The dotenv npm package (18.x) parsing every file, first file winning, then dotenv-expand (12.x) over the
/// combined result with the process environment taking priority, as `dotenv-cli` does: single quotes do not
/// protect from expansion in dotenv-expand either, but the grammar (first closing quote rule, no escapes but
/// \n \r in double quotes) and the expansion (`${A:-d}`, `${A-d}`, `${A:+x}`, `${A+x}`, iterated) differ.
/// What expansion produces, every round's text included, is bounded by the files' expansion_limits: finish()
/// throws env.expansion_limit at the key's line.
struct dotenv_dialect {
  static constexpr std::string_view name = "dotenv";

  void load_file(working_set& ws, std::string_view text, const file_context& ctx) {
    names_.resize(std::max<std::size_t>(names_.size(), ctx.file_id));
    if (ctx.file_id > 0) names_[ctx.file_id - 1] = std::string(ctx.name);
    limits_ = ctx.limits;
    // dotenv reads as UTF-8 (a BOM becomes U+FEFF, which \s matches) and folds \r\n? to \n.
    std::string src;
    src.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r') {
        src.push_back('\n');
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else {
        src.push_back(text[i]);
      }
    }
    detail::forward_line_counter lines(src);
    struct sink {
      working_set& ws;
      const file_context& ctx;
      detail::forward_line_counter& lines;
      std::vector<std::pair<std::string, std::pair<std::string, std::uint32_t>>> parsed;  // this file, in order
      std::unordered_map<std::string, std::size_t> where;
      void entry(std::string_view key, std::string_view raw, std::size_t key_pos) {
        std::uint32_t line = lines.line_of(key_pos);
        std::string value = detail::dotenv_value(raw);
        auto [it, fresh] = where.try_emplace(std::string(key), parsed.size());
        if (!fresh) { parsed[it->second].second = {std::move(value), line}; return; }
        parsed.emplace_back(std::string(key), std::make_pair(std::move(value), line));
      }
      void problem(std::string_view code, std::size_t pos, std::string_view msg) {
        if (!ctx.strict) return;
        std::uint32_t line = lines.line_of(pos);
        error e(error_kind::env, std::string(code), std::string(msg));
        e.at(source_location{std::string(ctx.name), line, lines.column_of(pos), std::string(lines.line_text(pos))});
        ctx.diagnostics->push_back(std::move(e));
      }
    } s{ws, ctx, lines, {}, {}};
    detail::dotenv_parse(src, s);
    // populate(E, this file) without override: earlier files win. E (combined_) keeps every file key in
    // order, also those the process already has; the working map gets the raw value of the others, as
    // config() puts them in process.env before dotenv-expand runs.
    for (auto& [k, vl] : s.parsed) {
      if (!combined_keys_.insert(k).second) continue;
      std::string_view value = ws.keep(vl.first);
      std::string_view key = ws.keep(k);
      combined_.push_back(working_set::entry{key, value, ctx.file_id, vl.second});
      if (ws.index_of(k) < 0) ws.put(key, value, ctx.file_id, vl.second, /*copy=*/false);
    }
  }

  /// Runs dotenv-expand over E (in JavaScript's property order) with the process taking priority.
  /// \throws runtime::error env.expansion_limit (see expansion_limits).
  void finish(working_set& ws) {
    auto& es = ws.entries();
    std::unordered_map<std::string, std::string> process_env;  // process + raw file values (after config())
    std::unordered_map<std::string, bool> from_process;
    for (const auto& e : es) {
      process_env.emplace(std::string(e.key), std::string(e.value));
      if (e.file == 0) from_process.emplace(std::string(e.key), true);
    }
    // JS objects list array-index keys first, ascending.
    auto array_index = [](std::string_view k) -> std::optional<std::uint64_t> {
      if (k.empty() || k.size() > 10 || (k.size() > 1 && k[0] == '0')) return std::nullopt;
      std::uint64_t v = 0;
      for (char c : k) { if (c < '0' || c > '9') return std::nullopt; v = v * 10 + static_cast<unsigned>(c - '0'); }
      if (v >= 4294967295ull) return std::nullopt;
      return v;
    };
    std::vector<std::size_t> order, rest;
    for (std::size_t i = 0; i < combined_.size(); ++i) (array_index(combined_[i].key) ? order : rest).push_back(i);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return *array_index(combined_[a].key) < *array_index(combined_[b].key);
    });
    order.insert(order.end(), rest.begin(), rest.end());
    std::unordered_map<std::string, std::string> running;
    std::size_t produced = 0;  // bytes expansion produced so far (every round), against limits_.total
    struct expanded { std::size_t combined; std::string value; bool process_value; };
    std::vector<expanded> results;
    for (auto i : order) {
      const auto& c = combined_[i];
      std::string key(c.key);
      std::string value(c.value);
      bool process_value = false;
      auto pit = process_env.find(key);
      if (pit != process_env.end() && !pit->second.empty() && pit->second != value) {
        value = pit->second;
        process_value = true;
      } else {
        detail::dotenv_budget budget{limits_.value, limits_.total - std::min(limits_.total, produced)};
        value = detail::dotenv_expand_value(value, process_env, running, &budget);
        if (budget.over != detail::dotenv_budget::none) {
          const bool total = budget.over == detail::dotenv_budget::total;
          throw expansion_limit_error(c.file > 0 && c.file <= names_.size() ? names_[c.file - 1] : std::string(),
                                      c.line, c.key, total, total ? limits_.total : limits_.value);
        }
        produced = limits_.total - budget.room;
      }
      std::string resolved;
      for (std::size_t k = 0; k < value.size(); ++k) {
        if (value[k] == '\\' && k + 1 < value.size() && value[k + 1] == '$') { resolved.push_back('$'); ++k; }
        else resolved.push_back(value[k]);
      }
      running[key] = resolved;
      results.push_back({i, std::move(resolved), process_value && from_process.count(key) != 0});
    }
    for (auto& r : results) {
      const auto& c = combined_[r.combined];
      auto idx = ws.index_of(c.key);
      if (idx < 0) continue;
      auto& e = es[static_cast<std::size_t>(idx)];
      e.value = ws.keep(r.value);
      if (!r.process_value) { e.file = c.file; e.line = c.line; }
    }
  }

 private:
  /// E: every file key in order, the first file's value winning (dotenv's populate without override).
  std::vector<working_set::entry> combined_;
  std::unordered_set<std::string> combined_keys_;
  std::vector<std::string> names_;  // file names by file_id - 1, for errors
  expansion_limits limits_{};
};

}}}  // namespace runtime::v1::env
RUNTIME_EXPORT_END

#endif
