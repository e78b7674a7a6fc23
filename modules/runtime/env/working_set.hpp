// SPDX-License-Identifier: MIT
// runtime.env / working_set: the interface of a .env dialect: the insertion-ordered working map it loads
// into (working_set), the file_context it is handed, and the EnvDialect concept.
#ifndef RUNTIME_MODULE
#  include <concepts>
#  include <cstdint>
#  include <cstring>
#  include <memory>
#  include <memory_resource>
#  include <string>
#  include <string_view>
#  include <vector>
#  include "runtime/detail/text.hpp"
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#include "runtime/env/environment.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_WORKING_SET_HPP_)
#define RUNTIME_ENV_WORKING_SET_HPP_
#include "runtime/config.hpp"
RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace env {

/// The working map while loading, what a dialect reads and writes: insertion-ordered (Bun's ArrayHashMap order
/// matters for expansion), keys unique, each entry with its origin. build() turns it into an environment.
class working_set {
 public:
  /// One variable: key and value view bytes the working set's storage keeps (see keep() and adopt_text()).
  struct entry {
    std::string_view key;
    std::string_view value;
    std::uint32_t file = 0;  ///< 0 = the process, else the 1-based file_context::file_id
    std::uint32_t line = 0;  ///< 1-based line of the key in that file
  };

  /// `r`: where the loaded bytes (copied values, the .env texts' views) are allocated in bulk; it must outlive
  /// the environment built from this working set and its copies (nullptr: new/delete).
  explicit working_set(std::pmr::memory_resource* r = nullptr)
      : store_(std::make_shared<detail::env_storage>(r)) {}

  /// Copies bytes into the storage the built environment keeps; the view lives as long as that environment.
  inline std::string_view keep(std::string_view s) { return store_->keep(s); }
  /// Takes ownership of a whole .env text: keys and values may then view it without copies.
  inline std::string_view adopt_text(std::string text) { return store_->adopt(std::move(text)); }
  /// True when `text` lies inside a text adopt_text() took.
  bool owns_text(std::string_view text) const noexcept {
    for (const auto& t : store_->texts)
      if (text.data() >= t.data() && text.data() + text.size() <= t.data() + t.size()) return true;
    return false;
  }
  /// The index of `key`, or -1.
  inline std::ptrdiff_t index_of(std::string_view key) const {
    std::size_t i = find_slot(key, hash(key));
    return slots_.empty() || slots_[i].index == 0 ? -1 : static_cast<std::ptrdiff_t>(slots_[i].index - 1);
  }
  /// The value of `key`, or nullptr (the lookup the expansions take).
  inline const std::string_view* lookup(std::string_view key) const {
    auto i = index_of(key);
    return i < 0 ? nullptr : &entries_[static_cast<std::size_t>(i)].value;
  }
  /// Inserts (copying key and value into the arena) or replaces.
  inline void put(std::string_view key, std::string_view value, std::uint32_t file, std::uint32_t line,
                  bool copy = true) {
    std::uint64_t h = hash(key);
    grow_if_needed();
    std::size_t i = find_slot(key, h);
    if (slots_[i].index != 0) {
      auto& e = entries_[slots_[i].index - 1];
      e.value = copy ? keep(value) : value;
      e.file = file;
      e.line = line;
      return;
    }
    std::string_view k = copy ? keep(key) : key;
    entries_.push_back(entry{k, copy ? keep(value) : value, file, line});
    slots_[i] = slot{static_cast<std::uint32_t>(entries_.size()), static_cast<std::uint32_t>(h)};
  }
  /// Bun's rule for one assignment: a key that existed before index `before` (the process, earlier files) is
  /// kept; otherwise the value is set (a later duplicate in the same file wins, keeping the first position).
  /// \pre `key` and `value` live in this working set's storage (views into an adopted text, or kept with keep()).
  inline void put_unless_before(std::string_view key, std::string_view value, std::uint32_t file,
                                std::uint32_t line, std::size_t before) {
    std::uint64_t h = hash(key);
    grow_if_needed();
    std::size_t i = find_slot(key, h);
    if (slots_[i].index != 0) {
      if (slots_[i].index - 1 < before) return;
      auto& e = entries_[slots_[i].index - 1];
      e.value = value;
      e.file = file;
      e.line = line;
      return;
    }
    entries_.push_back(entry{key, value, file, line});
    slots_[i] = slot{static_cast<std::uint32_t>(entries_.size()), static_cast<std::uint32_t>(h)};
  }
  /// The entries in insertion order (a dialect may rewrite values and origins in place, not keys).
  inline std::vector<entry>& entries() noexcept { return entries_; }
  inline const std::vector<entry>& entries() const noexcept { return entries_; }
  /// Room for `n` entries in all, the index sized for `keys` of them (both default to n).
  void reserve(std::size_t n, std::size_t keys = 0) {
    entries_.reserve(n);
    if (!keys) keys = n;
    std::size_t want = 16;
    while (want * 2 < keys * 3) want <<= 1;  // load <= 2/3
    if (want > slots_.size()) rehash(want);
  }

  /// The environment this working set describes (`files[i]` names file id i+1), sorted by key. Copies no
  /// bytes: the environment views the working set's storage and keeps it alive.
  environment build(std::vector<std::string> files) const& {
    const auto& es = entries_;
    // Keys in a working set are unique.
    auto order = detail::sorted_key_order(es.size(), [&es](std::size_t i) { return es[i].key; });
    std::vector<environment::value_type> vars;
    std::vector<detail::env_origin_ref> origins;
    vars.reserve(es.size());
    origins.reserve(es.size());
    for (std::uint32_t i : order) {
      const auto& e = es[i];
      vars.emplace_back(e.key, e.value);
      origins.push_back(detail::env_origin_ref{e.file, e.line});
    }
    return environment::from_sorted_views(std::move(vars), std::move(origins), std::move(files), store_);
  }
  /// build() for a working set that is done with: frees the key index first, so the sort reuses its memory.
  environment build(std::vector<std::string> files) && {
    std::vector<slot>().swap(slots_);
    return static_cast<const working_set&>(*this).build(std::move(files));
  }

 private:
  std::shared_ptr<detail::env_storage> store_;
  std::vector<entry> entries_;
  // Open addressing, linear probing, load <= 2/3: the loader's hot path (a std::unordered_map node per key
  // cost a quarter of `rt env` on a 100,000-line file).
  struct slot {
    std::uint32_t index = 0;  // entries_ index + 1; 0 = empty
    std::uint32_t hash = 0;   // low bits of the key's hash
  };
  std::vector<slot> slots_;

  static inline std::uint64_t hash(std::string_view k) noexcept {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ k.size();
    std::size_t i = 0;
    for (; i + 8 <= k.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, k.data() + i, 8);
      h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    std::uint64_t w = 0;
    if (i < k.size()) {
      if (k.size() >= 8) {
        std::memcpy(&w, k.data() + k.size() - 8, 8);  // the last eight bytes, overlapping the ones hashed
      } else if (k.size() >= 4) {
        std::uint32_t a, b;
        std::memcpy(&a, k.data(), 4);
        std::memcpy(&b, k.data() + k.size() - 4, 4);
        w = a | (std::uint64_t{b} << 32);
      } else {
        for (std::size_t b = 0; b < k.size(); ++b) w |= std::uint64_t{static_cast<unsigned char>(k[b])} << (8 * b);
      }
    }
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
  }
  /// The slot holding `key`, or the empty slot where it would go. \pre slots_ non-empty or returns 0.
  inline std::size_t find_slot(std::string_view key, std::uint64_t h) const noexcept {
    if (slots_.empty()) return 0;
    std::size_t mask = slots_.size() - 1, i = static_cast<std::size_t>(h) & mask;
    auto h32 = static_cast<std::uint32_t>(h);
    for (;;) {
      const slot& s = slots_[i];
      if (s.index == 0) return i;
      if (s.hash == h32 && entries_[s.index - 1].key == key) return i;
      i = (i + 1) & mask;
    }
  }
  inline void grow_if_needed() {
    if (slots_.empty()) rehash(64);
    else if ((entries_.size() + 1) * 3 > slots_.size() * 2) rehash(slots_.size() * 2);
  }
  void rehash(std::size_t n) {
    std::vector<slot> fresh(n);
    std::size_t mask = n - 1;
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      std::uint64_t h = hash(entries_[e].key);
      std::size_t i = static_cast<std::size_t>(h) & mask;
      while (fresh[i].index != 0) i = (i + 1) & mask;
      fresh[i] = slot{static_cast<std::uint32_t>(e + 1), static_cast<std::uint32_t>(h)};
    }
    slots_ = std::move(fresh);
  }
};

/// The bounds on what `$VAR` / `${VAR}` expansion may produce, in both dialects: a small file must not be able
/// to take the machine down (ten `${A}` per line, nine lines, is 10^9 bytes). `value`: the most bytes one
/// expanded value may have (1 MiB; Linux refuses to pass a single variable over 128 KiB to a child anyway).
/// `total`: the most bytes expansion may produce in one load, over every value and file (16 MiB; dotenv-expand
/// counts the text of every round it rewrites, as it builds each). A value that does not expand (no `$`) counts
/// towards neither. Going over is the error env.expansion_limit, naming the file and line of the key.
struct expansion_limits {
  std::size_t value = std::size_t{1} << 20;
  std::size_t total = std::size_t{16} << 20;
};

/// What a dialect is told about the one file it loads.
struct file_context {
  std::string_view name;            ///< the file as named (shortened when very long), for diagnostics
  std::uint32_t file_id;            ///< 1-based id for working_set entries
  bool strict;                      ///< also report malformed lines and unterminated quotes
  std::vector<error>* diagnostics;  ///< where problems go (each with kind env, a code and a location)
  expansion_limits limits{};        ///< what expansion may produce (the dialect keeps the running total)
};

/// The error of going over an expansion limit: kind env, code env.expansion_limit, at `file`:`line`.
inline error expansion_limit_error(std::string_view file, std::uint32_t line, std::string_view key, bool total,
                                   std::size_t limit) {
  std::string m = "expanding ";
  m += detail::cut_for_message(key);
  m += total ? " goes over the limit of " : " would make a value longer than the limit of ";
  m += std::to_string(limit);
  m += total ? " bytes that ${} expansion may produce in all" : " bytes";
  error e(error_kind::env, "env.expansion_limit", std::move(m));
  e.at(source_location{std::string(file), line, 0, {}});
  e.hint("an expansion such as ${A}${A} doubles the text each line; write the value out, or expand less");
  return e;
}

/// A .env dialect: a grammar + expansion policy applied to one file at a time, highest priority file first,
/// never overriding keys that existed before the file (process or higher-priority files). The loader makes one
/// value-initialised D per load (so a dialect keeps what it needs across files in its own members), calls
/// load_file for each file read, then finish once.
template <class D>
concept EnvDialect = std::default_initializable<D> &&
                     requires(D& dialect, working_set& ws, std::string_view text, const file_context& ctx) {
                       { D::name } -> std::convertible_to<std::string_view>;
                       dialect.load_file(ws, text, ctx);
                       dialect.finish(ws);
                     };

}}}  // namespace runtime::v1::env
RUNTIME_EXPORT_END

#endif
