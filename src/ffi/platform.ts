/**
 * Picks the backend of the platform seam for the running OS. This is the one
 * place outside the backends that looks at `Deno.build.os`.
 *
 * @module
 */

import type { Sys } from "./sys.ts";
import { posixSys } from "./sys_posix.ts";

/** The backend the library uses; the running OS's unless a test swapped it. */
export let sys: Sys = posixSys;

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
