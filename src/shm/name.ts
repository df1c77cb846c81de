/**
 * Names of shared-memory blocks: the random names Python gives new blocks,
 * and the rules every name must follow.
 *
 * @module
 */

import { sys } from "../ffi/platform.ts";

/** Prefix of generated names, as Python's `multiprocessing.shared_memory`. */
export const NAME_PREFIX = "psm_";

/** The name limit of a backend that does not state one (Linux's NAME_MAX). */
const DEFAULT_NAME_MAX = 255;
const encoder = new TextEncoder();

/**
 * Makes a fresh random name: `psm_` and 8 hex digits, as Python does (its
 * names stay within the 14 characters the strictest systems allow).
 *
 * @returns The name, without a leading slash.
 */
export function randomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return `${NAME_PREFIX}${hex}`;
}

/**
 * Checks a block name given by the caller. Names are the ones Python shows
 * in `SharedMemory.name`: no `/` but for one leading slash, which POSIX adds
 * anyway (so `"/x"` names the same block as `"x"`, as in Python), and at
 * most `sys.sharedNameMax` bytes of UTF-8 after it (255 on Linux, the
 * length of a file name in `/dev/shm`; 30 on macOS).
 *
 * @param name The name.
 * @returns The name, unchanged.
 * @throws {TypeError} If it is not a string, is empty, `.` or `..`, holds `/`
 * (but for one leading slash) or a NUL character, or is too long.
 */
export function checkName(name: unknown): string {
  if (typeof name !== "string") {
    throw new TypeError(
      `Cannot use ${typeof name} as a shared memory name: expected a string`,
    );
  }
  const bare = name.startsWith("/") ? name.slice(1) : name;
  if (bare === "" || bare === "." || bare === "..") {
    throw new TypeError(
      `Cannot use ${JSON.stringify(name)} as a shared memory name`,
    );
  }
  if (bare.includes("/") || bare.includes("\0")) {
    throw new TypeError(
      `Cannot use ${
        JSON.stringify(name)
      } as a shared memory name: names must not contain "/" (but for one leading slash) or NUL`,
    );
  }
  const bytes = encoder.encode(bare).length;
  const limit = sys.sharedNameMax ?? DEFAULT_NAME_MAX;
  if (bytes > limit) {
    throw new TypeError(
      `Cannot use a shared memory name of ${bytes} bytes: the limit is ${limit}`,
    );
  }
  return name;
}
