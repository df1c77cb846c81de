/**
 * Accepts a path as a string or a `file:` URL.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/**
 * Turns a string or `file:` URL into a file system path. A URL becomes the
 * running system's path (`node:url`'s `fileURLToPath`): `/tmp/a b` on Unix,
 * `C:\Temp\a b` (or `\\host\share\a b`) on Windows.
 *
 * @param path The path or URL.
 * @returns The path.
 * @throws {TypeError} For another URL scheme, a URL that names no path on
 * this system, an empty path, a NUL, or a non-string.
 */
export function toPath(path: string | URL): string {
  if (path instanceof URL) {
    if (path.protocol !== "file:") {
      throw new TypeError(
        `Cannot open ${path.href}: only file: URLs are supported`,
      );
    }
    let local: string;
    try {
      local = fileURLToPath(path);
    } catch {
      throw new TypeError(
        `Cannot open ${path.href}: it names no file path on ${Deno.build.os}`,
      );
    }
    if (local.includes("\0")) {
      throw new TypeError(`Cannot open ${path.href}: the path contains NUL`);
    }
    return local;
  }
  if (typeof path !== "string" || path.length === 0 || path.includes("\0")) {
    throw new TypeError(
      `Cannot open ${JSON.stringify(path)}: expected a file path or URL`,
    );
  }
  return path;
}
