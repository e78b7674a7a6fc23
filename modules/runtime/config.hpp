// SPDX-License-Identifier: MIT
// Export macros shared by every runtime header. In header mode they are empty; a module interface unit
// (modules/runtime.<name>.cppm) defines RUNTIME_MODULE before including a header into its purview, which
// turns RUNTIME_EXPORT_BEGIN/END into an export block. Macros never leave a named module, so consumers that
// `import runtime.x;` see none of these (tests/module_hygiene_test.cpp checks it).
#ifndef RUNTIME_CONFIG_HPP_
#define RUNTIME_CONFIG_HPP_

#ifdef RUNTIME_MODULE
#  define RUNTIME_EXPORT export
#  define RUNTIME_EXPORT_BEGIN export {
#  define RUNTIME_EXPORT_END }
#else
#  define RUNTIME_EXPORT
#  define RUNTIME_EXPORT_BEGIN
#  define RUNTIME_EXPORT_END
#endif

#define RUNTIME_VERSION_STRING "0.1.0"

#endif
