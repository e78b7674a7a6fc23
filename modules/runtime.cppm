// SPDX-License-Identifier: MIT
// The umbrella module: re-exports every runtime module and adds nothing.
export module runtime;
export import runtime.error;
export import runtime.log;
export import runtime.alloc;
export import runtime.env;
export import runtime.flags;
export import runtime.cli;
export import runtime.signal;
export import runtime.run;
export import runtime.app;
