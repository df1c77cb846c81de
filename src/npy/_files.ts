/**
 * File helpers of the `.npy`/`.npz` writers: paths from strings or URLs,
 * NumPy's extension rule, and writing through a temporary file so that a
 * failed save leaves nothing half-written.
 *
 * @module
 */

import { basename, dirname, join, resolve, sep } from "node:path";
import { fromRuntimeError, osError } from "../ffi/os_error.ts";
import { requireFileAccess } from "../ffi/permissions.ts";
import { sys } from "../ffi/platform.ts";
import { kindOf } from "./byte_source.ts";

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

/**
 * A file being written. Its failures are the library's OS errors (call,
 * errno name, path), naming the file the caller saves.
 */
export interface OutputFile {
  /** Writes all of `bytes` at the current position. */
  write(bytes: Uint8Array): void;
  /** Moves the position to `offset` bytes from the start. */
  seek(offset: number): void;
}

/**
 * Wraps an open file as an {@linkcode OutputFile}.
 *
 * @param file The open file.
 * @param path The file to name in errors.
 * @returns The output file.
 */
export function outputFile(file: Deno.FsFile, path: string): OutputFile {
  return {
    write(bytes: Uint8Array): void {
      for (let done = 0; done < bytes.length;) {
        try {
          done += file.writeSync(bytes.subarray(done, done + (1 << 30)));
        } catch (error) {
          throw fromRuntimeError("write", error, path);
        }
      }
    },
    seek(offset: number): void {
      try {
        file.seekSync(offset, Deno.SeekMode.Start);
      } catch (error) {
        throw fromRuntimeError("lseek", error, path);
      }
    },
  };
}

/** Files at least this large get their disk blocks reserved before writing. */
const RESERVE_FROM = 64 << 20;

/**
 * Reserves disk blocks for `size` bytes of `path` up front, as NumPy's
 * writes do (`fallocate`), so that a large write does not allocate block by
 * block. Only with `--allow-ffi` and `--allow-read` for it already granted:
 * saving never asks for them.
 */
function reserve(path: string, size: number): void {
  const granted = (descriptor: Deno.PermissionDescriptor) =>
    Deno.permissions.querySync(descriptor).state === "granted";
  if (!granted({ name: "ffi" }) || !granted({ name: "read", path })) return;
  const file = sys.open(path, { write: true });
  try {
    sys.preallocate(file, size);
  } finally {
    sys.close(file);
  }
}

/** Runs a call of Deno's file APIs, its failure rebuilt as the library's OS error. */
function osCall<T>(call: string, path: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw fromRuntimeError(call, error, path);
  }
}

/** At most this many symbolic links are followed, as Linux's `open(2)`. */
const MAX_LINKS = 40;

/**
 * The file a save writes: `path`, or where its symbolic links lead (NumPy
 * opens the path and so writes through them). A link to a file that does
 * not exist yet leads to a file created there.
 */
function linkTarget(path: string): string {
  let target = path;
  for (let links = 0;; links++) {
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(target);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return target;
      throw fromRuntimeError("lstat", error, target);
    }
    if (!info.isSymlink) return target;
    if (links === MAX_LINKS) {
      throw osError("open", "ELOOP", "Too many levels of symbolic links", path);
    }
    const next = osCall("readlink", target, () => Deno.readLinkSync(target));
    target = resolve(dirname(target), next);
  }
}

/** What is at `target` now: a regular file, nothing (null), or refused. */
function existing(target: string): Deno.FileInfo | null {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(target);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw fromRuntimeError("stat", error, target);
  }
  if (info.isDirectory) {
    throw osError("open", "EISDIR", "Is a directory", target);
  }
  if (!info.isFile) {
    throw osError(
      "open",
      "ENODEV",
      `Not a regular file: ${kindOf(info)}`,
      target,
    );
  }
  return info;
}

/**
 * Gives the new file what the old one had that NumPy's in-place write
 * keeps: its owner and group where this process may set them (root; a
 * group it is in), then its permission bits (`chown` clears set-user-ID).
 * Only while `temp` is still the file written (a directory others may
 * write into could have put another name there).
 */
function keepAttributes(
  file: Deno.FsFile,
  temp: string,
  old: Deno.FileInfo,
  target: string,
): void {
  if (old.mode === null) return; // Windows: no Unix mode or owner
  const made = file.statSync();
  const there = osCall("lstat", temp, () => Deno.lstatSync(temp));
  if (there.ino !== made.ino || there.dev !== made.dev) {
    throw osError(
      "lstat",
      "EEXIST",
      "The temporary file was replaced while it was written",
      temp,
    );
  }
  if (made.uid !== old.uid || made.gid !== old.gid) {
    for (const [uid, gid] of [[old.uid, old.gid], [null, old.gid]]) {
      try {
        Deno.chownSync(temp, uid, gid);
        break;
      } catch {
        // Not this process's to give: the file is the saver's, as any new file.
      }
    }
  }
  osCall("chmod", target, () => Deno.chmodSync(temp, old.mode! & 0o7777));
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
 * Creates the temporary file `temp` with `mode`. Should that fail, a
 * directory that is missing, or a file where the directory should be, is
 * reported for the directory, the same on every system (`ENOTDIR` for a
 * file, where Windows says the path is not found), rather than for the
 * temporary file.
 */
function openTemporary(temp: string, mode: number): Deno.FsFile {
  try {
    return Deno.openSync(temp, { write: true, createNew: true, mode });
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
 * Writes a file through a temporary file in its directory, renamed over it
 * once complete, so that a failed save changes nothing: on failure the
 * temporary file is removed and the file is untouched. What NumPy's
 * in-place write keeps is kept: the file's permission bits (and owner and
 * group where the process may set them), and a symbolic link stays a link
 * (the file it leads to is replaced). Other hard links to the file keep the
 * old content.
 *
 * @param path The file to write (absolute, from `toPath`).
 * @param write Writes the content into the temporary file.
 * @param size The size it will have, when known (large files get their disk
 * blocks reserved first).
 * @throws {Deno.errors.NotCapable} Without `--allow-read` and
 * `--allow-write` for the directory (the temporary file is made, renamed
 * and removed there).
 */
export function writeAtomically(
  path: string,
  write: (file: OutputFile) => void,
  size = 0,
): void {
  const target = linkTarget(path);
  const directory = dirname(target);
  requireFileAccess(
    directory,
    true,
    `to save ${
      JSON.stringify(path)
    } (a temporary file is written there and renamed over it, so that a failed save changes nothing)`,
  );
  const old = existing(target);
  const suffix = crypto.getRandomValues(new Uint32Array(2)).join("");
  const temp = join(directory, `.${basename(target)}.${suffix}.tmp`);
  // Private until it is complete: the old file's mode is given at the end.
  const file = openTemporary(temp, old === null ? 0o666 : 0o600);
  let open = true;
  try {
    if (size >= RESERVE_FROM) reserve(temp, size);
    write(outputFile(file, path));
    if (old !== null) keepAttributes(file, temp, old, target);
    file.close();
    open = false;
    replace(temp, target);
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
