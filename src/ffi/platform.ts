/**
 * Picks the backend of the platform seam for the running OS. This is the one
 * place outside the backends that looks at `Deno.build.os`. Neither backend
 * opens a library when imported: libc and kernel32 are loaded on first use.
 *
 * @module
 */

import {
  type Libc,
  libc,
  withoutFileSizeSignal as holdFileSizeSignal,
} from "./libc.ts";
import type { Sys } from "./sys.ts";
import { posixSys } from "./sys_posix.ts";
import { windowsSys } from "./sys_windows.ts";

/**
 * The backend for an operating system as `Deno.build.os` names it.
 *
 * @param os The operating system.
 * @returns The kernel32 backend on Windows, the libc backend elsewhere.
 */
export function sysFor(os: typeof Deno.build.os): Sys {
  return os === "windows" ? windowsSys : posixSys;
}

/** The backend the library uses; the running OS's unless a test swapped it. */
export let sys: Sys = sysFor(Deno.build.os);

/**
 * Runs the library on another backend (tests drive a modelled Windows
 * backend this way on Linux).
 *
 * @param next The backend to use from now on.
 * @returns The backend used before, to restore afterwards.
 */
export function useSys(next: Sys): Sys {
  const previous = sys;
  sys = next;
  return previous;
}

/**
 * The page size `PAGESIZE` reports, read once when the library loads, as
 * Python's `mmap.PAGESIZE`. The table knows it everywhere but on Linux
 * aarch64, whose kernels are built with 4, 16 or 64 KiB pages: there the
 * system is asked (`getpagesize()`) when `--allow-ffi` is already granted,
 * which is never prompted for; without it, the table's 4096.
 *
 * @returns The page size in bytes.
 */
export function loadedPageSize(): number {
  const table = sys.constants.pageSize;
  if (Deno.build.os !== "linux" || Deno.build.arch !== "aarch64") return table;
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return table;
  }
  try {
    return sys.pageSize();
  } catch {
    return table;
  }
}

/** The C library once loaded for {@linkcode withoutFileSizeSignal}. */
let guard: Libc | undefined;

/**
 * Runs `call`, which grows a file through Deno's own file calls, so that a
 * grow past the file-size limit (`ulimit -f`) fails with `EFBIG` instead of
 * ending the process: `SIGXFSZ` is ignored during the call and put back
 * afterwards (see `libc.ts`; the library's own libc calls are guarded
 * there). Needs `--allow-ffi` already granted (never prompted for); without
 * it nothing can be done and `call` runs as is.
 *
 * @param call The growing call.
 * @returns What `call` returns.
 */
export function withoutFileSizeSignal<T>(call: () => T): T {
  if (guard === undefined) {
    if (Deno.build.os === "windows") return call();
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
      return call();
    }
    try {
      guard = libc();
    } catch {
      // No C library: the call's own errors say what it meets.
      return call();
    }
  }
  return holdFileSizeSignal(guard, call);
}
