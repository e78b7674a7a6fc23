// SPDX-License-Identifier: MIT
// runtime.env / environment: the immutable snapshot of variables with their origins (env_origin,
// child_envp, environment) and the shared storage and radix key sort it is built on.
#ifndef RUNTIME_MODULE
#  include <unistd.h>  // environ (glibc declares it under _GNU_SOURCE, which C++ compilers define)
#  include <algorithm>
#  include <bit>
#  include <charconv>
#  include <cstdint>
#  include <cstdlib>
#  include <cstring>
#  include <deque>
#  include <memory>
#  include <memory_resource>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <unordered_map>
#  include <utility>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_ENVIRONMENT_HPP_)
#define RUNTIME_ENV_ENVIRONMENT_HPP_
#include "runtime/config.hpp"
namespace runtime { inline namespace v1 { namespace detail {

/// The bytes environments view: the .env texts, the loader's arena (quoted and expanded values, process
/// variables) and the storages of environments this one was derived from. Written only while one environment
/// is being built, then shared read-only by it and its copies (a snapshot's views stay valid as long as any
/// environment holding the storage lives).
struct env_storage {
  explicit env_storage(std::pmr::memory_resource* upstream = nullptr)
      : arena(upstream ? upstream : std::pmr::new_delete_resource()) {}
  env_storage(const env_storage&) = delete;
  env_storage& operator=(const env_storage&) = delete;
  /// Copies `s` into the arena.
  inline std::string_view keep(std::string_view s) {
    if (s.empty()) return std::string_view("", 0);  // never a null data()
    char* p = static_cast<char*>(arena.allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
  /// Takes ownership of a whole text (a .env file); the view stays valid as long as the storage.
  inline std::string_view adopt(std::string text) {
    texts.push_back(std::move(text));
    return texts.back();
  }
  std::pmr::monotonic_buffer_resource arena;
  std::deque<std::string> texts;
  std::vector<std::shared_ptr<const env_storage>> parents;
};

/// A value's origin as an environment stores it: file 0 = the process, else a 1-based index into its files.
struct env_origin_ref {
  std::uint32_t file = 0;
  std::uint32_t line = 0;
};

/// The first 8 bytes of `k` from `off` on, as a big-endian number (zero-padded): comparing two of them orders
/// like comparing the bytes.
inline std::uint64_t big_endian_key_prefix(std::string_view k, std::size_t off) noexcept {
  if (k.size() >= off + 8) {
    std::uint64_t w;
    std::memcpy(&w, k.data() + off, 8);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;
  }
  if (k.size() <= off) return 0;
  if (k.size() >= 8) {
    // The last eight bytes of the key (in bounds), shifted so that byte `off` comes first.
    std::uint64_t w;
    std::memcpy(&w, k.data() + k.size() - 8, 8);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w << (8 * (off + 8 - k.size()));
  }
  std::uint64_t w = 0;  // a byte loop: a memcpy of variable length is a library call
  for (std::size_t i = off; i < off + 8; ++i) w = (w << 8) | (i < k.size() ? static_cast<unsigned char>(k[i]) : 0u);
  return w;
}

/// The indexes 0..n-1 ordered by (key_of(i) bytewise, i). LSD radix sort on the first 12 bytes (a counting
/// pass per byte position where the keys differ), then comparison sorts only within runs of keys sharing
/// those 12 bytes: comparison sorting 100,000 keys was a fifth of `rt env`.
template <class KeyOf>
std::vector<std::uint32_t> sorted_key_order(std::size_t n, const KeyOf& key_of) {
  std::vector<std::uint32_t> out(n);
  if (n < 64) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint32_t>(i);
    std::sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
      int c = key_of(a).compare(key_of(b));
      return c != 0 ? c < 0 : a < b;
    });
    return out;
  }
  struct item {
    std::uint64_t hi;  // bytes 0-7
    std::uint32_t lo;  // bytes 8-11
    std::uint32_t index;
  };
  std::vector<item> a(n), tmp(n);
  // Byte positions where some keys differ (the others need no pass).
  std::uint64_t hi_and = ~std::uint64_t{0}, hi_or = 0;
  std::uint32_t lo_and = ~std::uint32_t{0}, lo_or = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::string_view k = key_of(i);
    item& it = a[i];
    it = item{big_endian_key_prefix(k, 0), static_cast<std::uint32_t>(big_endian_key_prefix(k, 8) >> 32), static_cast<std::uint32_t>(i)};
    hi_and &= it.hi;
    hi_or |= it.hi;
    lo_and &= it.lo;
    lo_or |= it.lo;
  }
  const std::uint64_t hi_diff = hi_and ^ hi_or, lo_diff = lo_and ^ lo_or;  // bits where keys differ
  std::uint32_t count[256];
  for (int pass = 0; pass < 12; ++pass) {  // least significant byte first: lo's 4 bytes, then hi's 8
    const bool on_lo = pass < 4;
    const int shift = (on_lo ? pass : pass - 4) * 8;
    if ((((on_lo ? lo_diff : hi_diff) >> shift) & 0xFF) == 0) continue;
    std::memset(count, 0, sizeof count);
    if (on_lo)
      for (const item& it : a) ++count[(it.lo >> shift) & 0xFF];
    else
      for (const item& it : a) ++count[(it.hi >> shift) & 0xFF];
    std::uint32_t sum = 0;
    for (auto& c : count) {
      std::uint32_t v = c;
      c = sum;
      sum += v;
    }
    if (on_lo)
      for (const item& it : a) tmp[count[(it.lo >> shift) & 0xFF]++] = it;
    else
      for (const item& it : a) tmp[count[(it.hi >> shift) & 0xFF]++] = it;
    a.swap(tmp);
  }
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && a[j].hi == a[i].hi && a[j].lo == a[i].lo) ++j;
    if (j - i > 1)
      std::sort(a.begin() + static_cast<std::ptrdiff_t>(i), a.begin() + static_cast<std::ptrdiff_t>(j),
                [&](const item& x, const item& y) {
                  int c = key_of(x.index).compare(key_of(y.index));
                  return c != 0 ? c < 0 : x.index < y.index;
                });
    i = j;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i].index;
  return out;
}

}}}  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

namespace env {
class working_set;  // env/working_set.hpp: the loader's working map, which builds environments
}  // namespace env

/// Where one value came from: the process environment (`file` empty), or `file:line` of a .env file.
struct env_origin {
  std::string file;        ///< path as named (default files by their base name); empty for the process
  std::uint32_t line = 0;  ///< 1-based line of the key in `file`
  bool is_process() const noexcept { return file.empty(); }
  /// "process" or "file:line".
  std::string to_string() const {
    if (is_process()) return "process";
    return file + ":" + std::to_string(line);
  }
};

/// A child's environment block: owns its `KEY=VALUE` strings and a NULL-terminated pointer array for
/// execve/posix_spawn. Building one never touches the parent's environment. Move-only (the pointers point
/// into the owned strings).
class child_envp {
 public:
  child_envp() { ptrs_.push_back(nullptr); }
  explicit child_envp(std::vector<std::string> entries) : storage_(std::move(entries)) { rebuild(); }
  child_envp(child_envp&&) noexcept = default;
  child_envp& operator=(child_envp&&) noexcept = default;
  child_envp(const child_envp&) = delete;
  child_envp& operator=(const child_envp&) = delete;
  /// The NULL-terminated array (valid while this object lives and is not moved from).
  char* const* data() const noexcept { return ptrs_.data(); }
  char** data() noexcept { return ptrs_.data(); }
  /// Number of entries, not counting the terminating nullptr.
  std::size_t size() const noexcept { return storage_.size(); }
  const std::vector<std::string>& entries() const noexcept { return storage_; }

 private:
  void rebuild() {
    ptrs_.clear();
    ptrs_.reserve(storage_.size() + 1);
    for (auto& s : storage_) ptrs_.push_back(s.data());
    ptrs_.push_back(nullptr);
  }
  std::vector<std::string> storage_;
  std::vector<char*> ptrs_;
};

/// An immutable snapshot of environment variables, each with its origin. Lookups never touch the live process
/// environment. Iteration is in a stable order (sorted by key, bytewise). Keys and values are views into bytes
/// the snapshot owns (shared by its copies): they stay valid as long as this environment or any copy of it (or
/// any environment derived from it with with()/without()) lives.
class environment {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;
  using const_iterator = std::vector<value_type>::const_iterator;

  environment() = default;

  /// Snapshots `environ` now. An entry without '=' reads as an empty value; an empty key is skipped; with
  /// duplicate keys the last wins, as in Bun 1.4.5's process.env (libc's getenv would see the first).
  static environment from_process() {
    environment e;
    auto st = std::make_shared<detail::env_storage>();
    std::vector<value_type> pairs;
    for (char** p = environ; p && *p; ++p) {
      std::string_view entry(*p);
      auto eq = entry.find('=');
      std::string_view key = entry.substr(0, eq);
      if (key.empty()) continue;
      std::string_view value = eq == std::string_view::npos ? std::string_view{} : entry.substr(eq + 1);
      pairs.emplace_back(st->keep(key), st->keep(value));
    }
    std::reverse(pairs.begin(), pairs.end());  // assign_refs keeps the first of equal keys
    e.store_ = std::move(st);
    e.assign_refs(std::move(pairs), {});
    return e;
  }

  /// Builds a snapshot from explicit pairs (tests, child environments); later duplicates are ignored. All values
  /// have the process as their origin.
  static environment from_pairs(std::vector<std::pair<std::string, std::string>> pairs) {
    return from_pairs_with_origins(std::move(pairs), {});
  }

  /// Builds a snapshot with origins: `origins[i]` belongs to `pairs[i]` (missing ones mean the process).
  /// Later duplicates are ignored.
  static environment from_pairs_with_origins(std::vector<std::pair<std::string, std::string>> pairs,
                                             std::vector<env_origin> origins) {
    environment e;
    std::vector<detail::env_origin_ref> refs(pairs.size());
    std::unordered_map<std::string, std::uint32_t> file_ids;
    for (std::size_t i = 0; i < refs.size() && i < origins.size(); ++i) {
      if (origins[i].is_process()) continue;
      auto [it, fresh] = file_ids.try_emplace(origins[i].file, static_cast<std::uint32_t>(e.files_.size() + 1));
      if (fresh) e.files_.push_back(origins[i].file);
      refs[i] = detail::env_origin_ref{it->second, origins[i].line};
    }
    e.adopt_pairs(pairs, std::move(refs));
    return e;
  }

  /// Builds a snapshot from parts: `file_of[i]` is 0 for the process or a 1-based index into `files`,
  /// `line_of[i]` the line. Later duplicates are ignored.
  static environment from_parts(std::vector<std::pair<std::string, std::string>> pairs,
                                std::vector<std::uint32_t> file_of, std::vector<std::uint32_t> line_of,
                                std::vector<std::string> files) {
    environment e;
    std::vector<detail::env_origin_ref> refs(pairs.size());
    for (std::size_t i = 0; i < refs.size(); ++i)
      refs[i] = {i < file_of.size() ? file_of[i] : 0u, i < line_of.size() ? line_of[i] : 0u};
    e.adopt_pairs(pairs, std::move(refs));
    e.files_ = std::move(files);
    return e;
  }

  /// The value of `key`, or nullopt when unset.
  inline std::optional<std::string_view> get(std::string_view key) const {
    auto i = find(key);
    if (i == npos) return std::nullopt;
    return vars_[i].second;
  }
  /// Same as get(); lets an environment serve as a lookup callable (runtime::log::config::from_environment).
  inline std::optional<std::string_view> operator()(std::string_view key) const { return get(key); }

  inline bool contains(std::string_view key) const { return find(key) != npos; }

  /// The value of `key`, or `fallback` when unset.
  std::string get_or(std::string_view key, std::string_view fallback) const {
    auto v = get(key);
    return std::string(v ? *v : fallback);
  }

  /// Bun's truthiness: unset, "", "0" and "false" are false; everything else is true.
  inline bool get_bool(std::string_view key) const {
    auto v = get(key);
    return v && !v->empty() && *v != "0" && *v != "false";
  }

  /// The value of `key` as a decimal integer (surrounding ASCII spaces allowed), or nullopt when unset.
  /// \throws runtime::error kind env, code "env.not_an_integer", when set but not an integer in range.
  std::optional<std::int64_t> get_int(std::string_view key) const {
    auto v = get(key);
    if (!v) return std::nullopt;
    std::string_view t = *v;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (t.empty() || ec != std::errc{} || p != t.data() + t.size()) {
      error e(error_kind::env, "env.not_an_integer",
              std::string(key) + " is not an integer" + (ec == std::errc::result_out_of_range ? " in range" : ""));
      auto o = origin(key);
      if (o && !o->is_process()) e.at(source_location{o->file, o->line, 1, {}});
      throw e;
    }
    return out;
  }
  /// get_int(key), or `fallback` when unset. \throws like get_int when set but invalid.
  std::int64_t get_int_or(std::string_view key, std::int64_t fallback) const {
    auto v = get_int(key);
    return v ? *v : fallback;
  }

  /// Where `key`'s value came from, or nullopt when unset.
  std::optional<env_origin> origin(std::string_view key) const {
    auto i = find(key);
    if (i == npos) return std::nullopt;
    const auto& r = origins_[i];
    if (r.file == 0) return env_origin{};
    return env_origin{files_[r.file - 1], r.line};
  }

  inline std::size_t size() const noexcept { return vars_.size(); }
  inline bool empty() const noexcept { return vars_.empty(); }
  /// Iteration in a stable order (sorted by key).
  inline const_iterator begin() const noexcept { return vars_.begin(); }
  inline const_iterator end() const noexcept { return vars_.end(); }

  /// A copy with `key` set to `value` (origin: the process, i.e. set by the program).
  environment with(std::string_view key, std::string_view value) const {
    environment e = *this;
    auto st = std::make_shared<detail::env_storage>();
    if (store_) st->parents.push_back(store_);
    std::string_view v = st->keep(value);
    auto i = e.find(key);
    if (i != npos) {
      e.vars_[i].second = v;
      e.origins_[i] = {};
    } else {
      auto it = std::lower_bound(e.vars_.begin(), e.vars_.end(), key,
                                 [](const value_type& a, std::string_view k) { return a.first < k; });
      auto at = it - e.vars_.begin();
      e.vars_.insert(it, value_type(st->keep(key), v));
      e.origins_.insert(e.origins_.begin() + at, detail::env_origin_ref{});
    }
    e.store_ = std::move(st);
    return e;
  }
  /// A copy without `key`.
  environment without(std::string_view key) const {
    environment e = *this;
    auto i = e.find(key);
    if (i != npos) {
      e.vars_.erase(e.vars_.begin() + static_cast<std::ptrdiff_t>(i));
      e.origins_.erase(e.origins_.begin() + static_cast<std::ptrdiff_t>(i));
    }
    return e;
  }

  /// A child's envp with exactly these variables (sorted by key). Touches no global state.
  child_envp to_envp() const {
    std::vector<std::string> v;
    v.reserve(vars_.size());
    for (const auto& [k, val] : vars_) {
      std::string s;
      s.reserve(k.size() + 1 + val.size());
      s.append(k).push_back('=');
      s.append(val);
      v.push_back(std::move(s));
    }
    return child_envp(std::move(v));
  }

  /// Makes the live process environment equal this snapshot (setenv each variable; unset the others when
  /// `exact`). Explicit because it is not thread-safe: no other thread may read or write the environment
  /// (getenv included) while it runs. Returns false when a setenv failed (e.g. a key containing '=').
  bool apply_to_process(bool exact = true) const {
    bool ok = true;
    if (exact) {
      std::vector<std::string> drop;
      for (char** p = environ; p && *p; ++p) {
        std::string_view entry(*p);
        std::string_view key = entry.substr(0, entry.find('='));
        if (!key.empty() && !contains(key)) drop.emplace_back(key);
      }
      for (const auto& k : drop) ::unsetenv(k.c_str());
    }
    for (const auto& [k, v] : vars_) {
      std::string ks(k), vs(v);
      if (ks.find('=') != std::string::npos || ::setenv(ks.c_str(), vs.c_str(), 1) != 0) ok = false;
    }
    return ok;
  }

 private:
  friend class env::working_set;  // builds through from_sorted_views

  /// The loader's builder (no copies): \pre `vars` sorted by key with unique keys, viewing bytes `storage`
  /// keeps alive; `origins` parallel to it (file 0 = the process, else a 1-based index into `files`).
  static environment from_sorted_views(std::vector<value_type> vars, std::vector<detail::env_origin_ref> origins,
                                       std::vector<std::string> files,
                                       std::shared_ptr<const detail::env_storage> storage) {
    environment e;
    e.vars_ = std::move(vars);
    e.origins_ = std::move(origins);
    e.files_ = std::move(files);
    e.store_ = std::move(storage);
    return e;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  inline std::size_t find(std::string_view key) const noexcept {
    auto it = std::lower_bound(vars_.begin(), vars_.end(), key,
                               [](const value_type& a, std::string_view k) { return a.first < k; });
    if (it == vars_.end() || it->first != key) return npos;
    return static_cast<std::size_t>(it - vars_.begin());
  }

  /// Copies `pairs` into a fresh storage, then sorts and deduplicates them.
  void adopt_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                   std::vector<detail::env_origin_ref> refs) {
    auto st = std::make_shared<detail::env_storage>();
    std::vector<value_type> views;
    views.reserve(pairs.size());
    for (const auto& [k, v] : pairs) views.emplace_back(st->keep(k), st->keep(v));
    store_ = std::move(st);
    assign_refs(std::move(views), std::move(refs));
  }

  /// Sorts by (key, position) and keeps the first of equal keys. `refs` may be shorter (the process).
  void assign_refs(std::vector<value_type> pairs, std::vector<detail::env_origin_ref> refs) {
    auto idx = detail::sorted_key_order(pairs.size(), [&](std::size_t i) { return pairs[i].first; });
    vars_.clear();
    origins_.clear();
    vars_.reserve(idx.size());
    origins_.reserve(idx.size());
    for (std::uint32_t i : idx) {
      if (!vars_.empty() && vars_.back().first == pairs[i].first) continue;
      vars_.push_back(pairs[i]);
      origins_.push_back(i < refs.size() ? refs[i] : detail::env_origin_ref{});
    }
  }

  std::vector<value_type> vars_;
  std::vector<detail::env_origin_ref> origins_;
  std::vector<std::string> files_;
  std::shared_ptr<const detail::env_storage> store_;
};

}}  // namespace runtime::v1
RUNTIME_EXPORT_END

#endif
