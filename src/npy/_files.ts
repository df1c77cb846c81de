/**
 * File helpers of the `.npy`/`.npz` writers: paths from strings or URLs,
 * NumPy's extension rule, and writing through a temporary file so that a
 * failed save leaves nothing half-written.
 *
 * @module
 */

import { basename, dirname, join, sep } from "node:path";
import { fromRuntimeError } from "../ffi/os_error.ts";
import { sys } from "../ffi/platform.ts";

export { toPath } from "../mmap/path.ts";

/**
 * Appends an extension unless the path already ends with it, as `np.save`
 * and `np.savez` do.
 *
 * @param path The path.
 * @param extension The extension with its dot, e.g. `".npy"`.
 * @returns The path with the extension.
 */
export function withExtension(path: string, extension: string): string {
  return path.endsWith(extension) ? path : path + extension;
}

/** Files at least this large get their disk blocks reserved before writing. */
const RESERVE_FROM = 64 << 20;

/**
 * Reserves disk blocks for `size` bytes of `path` up front, as NumPy's
 * writes do (`fallocate`), so that a large write does not allocate block by
 * block. Only with `--allow-ffi` already granted: saving never asks for it.
 */
function reserve(path: string, size: number): void {
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return;
  const file = sys.open(path, { write: true });
  try {
    sys.preallocate(file, size);
  } finally {
    sys.close(file);
  }
}

/**
 * Renames `temp` over `path`. A refusal keeps the runtime's error class and
 * code, with the library's message: Windows refuses to replace a file that
 * is still mapped (as it refuses to delete one), where Unix replaces it and
 * the maps keep the old contents.
 */
function replace(temp: string, path: string): void {
  try {
    Deno.renameSync(temp, path);
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const reason = e.message.replace(/ \(os error \d+\).*$/, "");
    const hint = e instanceof Deno.errors.PermissionDenied
      ? " (a file that is still mapped cannot be replaced on Windows: close its maps first)"
      : "";
    const error = new (e.constructor as new (message: string) => Error)(
      `Cannot replace ${JSON.stringify(path)}: ${reason}${hint}`,
    );
    const code = (e as { code?: unknown }).code;
    if (code !== undefined) Object.assign(error, { code });
    throw error;
  }
}

/**
 * Creates the temporary file `temp`. Should that fail, a directory that is
 * missing, or a file where the directory should be, is reported for the
 * directory, the same on every system (`ENOTDIR` for a file, where Windows
 * says the path is not found), rather than for the temporary file.
 */
function openTemporary(temp: string): Deno.FsFile {
  try {
    return Deno.openSync(temp, { read: true, write: true, createNew: true });
  } catch (error) {
    try {
      sys.stat(dirname(temp) + sep);
    } catch (reason) {
      if (typeof (reason as { code?: unknown }).code === "string") throw reason;
    }
    throw fromRuntimeError("open", error, temp);
  }
}

/**
 * Writes a file through a temporary file in the same directory, renamed
 * over `path` once complete; on failure the temporary file is removed and
 * `path` is untouched.
 *
 * @param path The file to write.
 * @param write Writes the content into the open temporary file.
 * @param size The size it will have, when known (large files get their disk
 * blocks reserved first).
 */
export function writeAtomically(
  path: string,
  write: (file: Deno.FsFile) => void,
  size = 0,
): void {
  const suffix = crypto.getRandomValues(new Uint32Array(2)).join("");
  const temp = join(dirname(path), `.${basename(path)}.${suffix}.tmp`);
  const file = openTemporary(temp);
  let open = true;
  try {
    if (size >= RESERVE_FROM) reserve(temp, size);
    write(file);
    file.close();
    open = false;
    replace(temp, path);
  } catch (e) {
    if (open) file.close();
    try {
      Deno.removeSync(temp);
    } catch {
      // Already gone: nothing to clean up.
    }
    throw e;
  }
}

/**
 * Writes all of `bytes` to a file.
 *
 * @param file The open file.
 * @param bytes The bytes.
 */
export function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    done += file.writeSync(bytes.subarray(done, done + (1 << 30)));
  }
}
