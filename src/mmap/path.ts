/**
 * The one place a path given to the library becomes the path it opens.
 *
 * Deno checks `--allow-read`/`--allow-write` against a path made absolute
 * and normalised lexically (`a/link/../b` is checked as `a/b`), while the
 * kernel resolves `..` after following `link`. Opening the string as given
 * would open another file than the one Deno approved. So every entry point
 * (`Mmap.open`, `memmap`, `load`, `save`, `savez*`, `openMemmap`, `NpzFile`)
 * turns its argument into the absolute, lexically normalised path here, and
 * both the permission check and `open(2)` use that one string: the file
 * opened is the file Deno would open for the same path (symbolic links are
 * followed as Deno's own file APIs follow them).
 *
 * @module
 */

import { dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { isNormalPosixPath } from "../ffi/normal_path.ts";
import { fromRuntimeError, osError } from "../ffi/os_error.ts";

const URL_HREF = Object.getOwnPropertyDescriptor(URL.prototype, "href")!.get!;

/**
 * The text of a real `URL` (read through the built-in getter, so that a
 * Proxy, a revoked Proxy or an object that only inherits from
 * `URL.prototype` is not taken for one and runs none of its code);
 * `undefined` for anything else.
 */
function urlHref(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    return URL_HREF.call(value) as string;
  } catch {
    return undefined;
  }
}

/**
 * A path that ends with a separator, or with `/.`: it names a directory
 * (the kernel and Deno say `ENOTDIR` for a file named so).
 */
const DIRECTORY_END = sep === "\\" ? /[\\/]\.?$/ : /\/\.?$/;

/** A `%` not followed by two hex digits. */
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

function refuse(what: string, why: string): never {
  throw new TypeError(`Cannot open ${what}: ${why}`);
}

/**
 * The file system path of a `file:` URL on the running system: `/tmp/a b`
 * on Unix, `C:\Temp\a b` (or `\\host\share\a b`) on Windows.
 *
 * @param url The URL.
 * @returns The path it names.
 * @throws {TypeError} For another scheme, a malformed `%` escape (or one
 * that is not UTF-8), or a URL that names no path on this system (`node:url`
 * decides: a host other than `localhost` on Unix, an encoded slash).
 */
function urlPath(url: URL): string {
  const what = url.href;
  if (url.protocol !== "file:") {
    refuse(what, "only file: URLs are supported");
  }
  if (BAD_ESCAPE.test(url.pathname)) {
    refuse(what, "the URL has a malformed % escape");
  }
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (error) {
    if (error instanceof URIError) {
      refuse(what, "the URL's % escapes are not UTF-8");
    }
    // An encoded "/" and the like: the conversion's own reason.
    refuse(what, (error as Error).message);
  }
  return path;
}

/**
 * Turns a path string or `file:` URL into the absolute, lexically
 * normalised path that the library checks permissions for and opens.
 *
 * @param path The path or URL.
 * @returns The absolute path; it ends with a separator when `path` did (or
 * with `/.`), so that a file named as a directory is not opened.
 * @throws {TypeError} For a value that is neither, an empty path, a path
 * with a NUL character, or a URL that is not a plain `file:` URL (see
 * {@linkcode urlPath}).
 */
export function toPath(path: string | URL): string {
  let text: string;
  const href = typeof path === "string" ? undefined : urlHref(path);
  if (typeof path === "string") {
    text = path;
  } else if (href !== undefined) {
    // A fresh URL from the real one's text: a subclass or a lying getter
    // cannot change what is opened.
    text = urlPath(new URL(href));
  } else {
    refuse(
      path === null ? "null" : typeof path,
      "expected a file path or file: URL",
    );
  }
  if (text.length === 0) refuse('""', "the path is empty");
  if (text.includes("\0")) {
    refuse(JSON.stringify(text), "paths must not contain NUL characters");
  }
  // (resolve() would give a normal POSIX path back as it is, less a
  // trailing slash, which is kept anyway)
  if (sep === "/" && isNormalPosixPath(text)) return text;
  const absolute = resolve(text);
  return DIRECTORY_END.test(text) && !absolute.endsWith(sep)
    ? absolute + sep
    : absolute;
}

/** At most this many symbolic links are followed, as Linux's `open(2)`. */
const MAX_LINKS = 40;

/**
 * The file a save or a `"w+"` map writes: `path`, or where its symbolic
 * links lead (NumPy opens the path and so writes through them). A link to
 * a file that does not exist yet leads to a file created there.
 *
 * @param path An absolute path.
 * @returns The path the links lead to (`path` itself when it is no link).
 * @throws {Deno.errors.FilesystemLoop} After 40 links (`ELOOP`).
 */
export function linkTarget(path: string): string {
  let target = path;
  for (let links = 0;; links++) {
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(target);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return target;
      // A link leading where this process may not read: the caller checks
      // its permissions for that place, naming the path it was given.
      if (error instanceof Deno.errors.NotCapable && links > 0) return target;
      throw fromRuntimeError("lstat", error, target);
    }
    if (!info.isSymlink) return target;
    if (links === MAX_LINKS) {
      throw osError("open", "ELOOP", "Too many levels of symbolic links", path);
    }
    let next: string;
    try {
      next = Deno.readLinkSync(target);
    } catch (error) {
      throw fromRuntimeError("readlink", error, target);
    }
    target = resolve(dirname(target), next);
  }
}
