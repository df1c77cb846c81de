/**
 * Picks the backend of the platform seam for the running OS. This is the one
 * place outside the backends that looks at `Deno.build.os`.
 *
 * @module
 */

import type { Sys } from "./sys.ts";
import { posixSys } from "./sys_posix.ts";

/** The backend for this process's operating system. */
export const sys: Sys = posixSys;
