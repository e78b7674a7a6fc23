// SPDX-License-Identifier: MIT
// runtime.alloc: the Allocator concept, its traits, allocation policies that compose at compile time, and
// bridges to std::pmr and standard containers. Umbrella over its parts, in dependency order:
//   alloc/concept.hpp       the Allocator concept, allocator_traits, allocator_ref, shared size arithmetic
//   alloc/system.hpp        system_allocator (global operator new/delete)
//   alloc/mimalloc.hpp      mimalloc_allocator, mimalloc_heap_allocator (the only part on <mimalloc.h>)
//   alloc/arena.hpp         arena_allocator, its options and markers, scoped_rewind
//   alloc/tracking.hpp      alloc_stats, alloc_counters (lock-free per-thread counters), tracking_allocator
//   alloc/debug_config.hpp  debug_allocator's configuration, fill bytes, findings and verdict
//   alloc/debug_report.hpp  how findings are described and symbolised; the debug error handler
//   alloc/debug.hpp         debug_allocator
//   alloc/bridges.hpp       memory_resource_adaptor (std::pmr), std_allocator (standard Allocator<T>)
#include "runtime/alloc/concept.hpp"
#include "runtime/alloc/system.hpp"
// mimalloc_allocator needs <mimalloc.h> (and -lmimalloc where it is used): included where the header is on
// the include path, so a vendored copy without mimalloc builds everything else (README, vendoring).
#if __has_include(<mimalloc.h>)
#  include "runtime/alloc/mimalloc.hpp"
#endif
#include "runtime/alloc/arena.hpp"
#include "runtime/alloc/tracking.hpp"
#include "runtime/alloc/debug_config.hpp"
#include "runtime/alloc/debug_report.hpp"
#include "runtime/alloc/debug.hpp"
#include "runtime/alloc/bridges.hpp"
