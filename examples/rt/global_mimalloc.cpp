// SPDX-License-Identifier: MIT
// Built only with -Dallocator=mimalloc: routes every global operator new/delete of rt through mimalloc.
// mimalloc's own header defines the replacement operators; it must appear in exactly one TU.
#include <mimalloc-new-delete.h>
