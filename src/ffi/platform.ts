/**
 * Picks the backend of the platform seam for the running OS. This is the one
 * place outside the backends that looks at `Deno.build.os`. Neither backend
 * opens a library when imported: libc and kernel32 are loaded on first use.
 *
 * @module
 */

import { libc } from "./libc.ts";
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

/**
 * Makes sure a file grown past the file-size limit (`ulimit -f`) by Deno's
 * own file calls fails with `EFBIG` instead of ending the process: loads
 * the C library, which ignores `SIGXFSZ` when it is at its default (see
 * `libc.ts`), where `--allow-ffi` is already granted (never prompted for).
 * The library's own calls load it anyway; saves write through Deno's file
 * API and call this first. Without `--allow-ffi` nothing can be done.
 */
export function ignoreFileSizeSignal(): void {
  if (Deno.build.os === "windows") return;
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return;
  try {
    libc();
  } catch {
    // No C library: the save's own calls report what they meet.
  }
}
