/**
 * Accepts a path as a string or a `file:` URL.
 *
 * @module
 */

/**
 * Turns a string or `file:` URL into a file system path.
 *
 * @param path The path or URL.
 * @returns The path.
 * @throws {TypeError} For another URL scheme, an empty path or a non-string.
 */
export function toPath(path: string | URL): string {
  if (path instanceof URL) {
    if (path.protocol !== "file:") {
      throw new TypeError(
        `Cannot open ${path.href}: only file: URLs are supported`,
      );
    }
    return decodeURIComponent(path.pathname);
  }
  if (typeof path !== "string" || path.length === 0 || path.includes("\0")) {
    throw new TypeError(
      `Cannot open ${JSON.stringify(path)}: expected a file path or URL`,
    );
  }
  return path;
}
