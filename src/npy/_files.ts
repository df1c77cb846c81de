/**
 * File helpers of the `.npy`/`.npz` writers: paths from strings or URLs,
 * NumPy's extension rule, and writing through a temporary file so that a
 * failed save leaves nothing half-written.
 *
 * @module
 */

import { basename, dirname, join, sep } from "node:path";
import { fromRuntimeError, osError } from "../ffi/os_error.ts";
import { requireFileAccess } from "../ffi/permissions.ts";
import { sys, withoutFileSizeSignal } from "../ffi/platform.ts";
import type { Directory, FileHandle } from "../ffi/sys.ts";
import { kindOf } from "./byte_source.ts";
import { linkTarget } from "../mmap/path.ts";

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
        const part = bytes.subarray(done, done + (1 << 30));
        // A write past `ulimit -f` fails with EFBIG rather than ending the
        // process.
        done += withoutFileSizeSignal(() =>
          osCall("write", path, () => file.writeSync(part))
        );
      }
    },
    seek(offset: number): void {
      osCall("lseek", path, () => file.seekSync(offset, Deno.SeekMode.Start));
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
  const there = osCall("lstat", target, () => Deno.lstatSync(temp));
  if (there.ino !== made.ino || there.dev !== made.dev) {
    throw osError(
      "lstat",
      "EEXIST",
      "The temporary file was replaced while it was written",
      target,
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
 * The file a save of `path` writes: `target` (where the path's last links
 * lead) with the links of its directories resolved too, so that Deno's
 * permissions are checked where the bytes land and the temporary file is
 * made there. (Deno checks its own `open` against the path as named, but
 * `FsFile.stat` against where it leads: checking only the first let a save
 * through a directory link end in a refusal naming the temporary file.)
 * A file whose directory this process may not read (only the file itself
 * is granted) is taken as named: its grant is for that path.
 *
 * @param path The path as the caller named it (absolute).
 * @param target Where its last links lead.
 * @returns The path with no link left on the way.
 */
function whereItLands(path: string, target: string): string {
  let real: string;
  try {
    real = Deno.realPathSync(target);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      if (error instanceof Deno.errors.NotCapable) return target;
      throw fromRuntimeError("realpath", error, path);
    }
    const directory = dirname(target);
    if (!granted({ name: "read", path: directory })) return target;
    try {
      real = join(Deno.realPathSync(directory), basename(target));
    } catch (error) {
      // A missing directory is the write's to report, as it always was.
      if (error instanceof Deno.errors.NotFound) return target;
      throw fromRuntimeError("realpath", error, path);
    }
  }
  return real;
}

/** Whether Deno's permission is granted now, without asking. */
function granted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

/**
 * Creates the temporary file `temp` with `mode`. Should that fail, a
 * directory that is missing, or a file where the directory should be, is
 * reported for the directory, the same on every system (`ENOTDIR` for a
 * file, where Windows says the path is not found); any other failure for
 * `path`, the file the caller saves, never for the temporary file.
 */
function openTemporary(
  temp: string,
  mode: number,
  path: string,
): Deno.FsFile {
  try {
    return Deno.openSync(temp, { write: true, createNew: true, mode });
  } catch (error) {
    try {
      sys.stat(dirname(temp) + sep);
    } catch (reason) {
      if (typeof (reason as { code?: unknown }).code === "string") throw reason;
    }
    throw fromRuntimeError("open", error, path);
  }
}

/**
 * A name for a save's temporary file: hidden, recognisable by its prefix
 * and `.tmp`, and of a fixed length (26 bytes) whatever the file's own
 * name, so that any name a file may have (up to the system's 255 bytes,
 * as `np.save` writes) can be saved through it. Random, so that saves of
 * the same directory at once never meet.
 */
export function temporaryName(): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  let hex = "";
  for (const byte of random) hex += byte.toString(16).padStart(2, "0");
  return `${TEMPORARY_PREFIX}${hex}.tmp`;
}

/** How the names of a save's temporary files start. */
export const TEMPORARY_PREFIX = ".save-";

/**
 * Hooks for tests: `afterCheck` runs once a save has checked Deno's
 * permissions for the file it writes (`target`, its links resolved), before
 * any other step (to swap a directory of it for a link in between, as
 * another process could); `written` once a save through a temporary file
 * has written all of it, before it is named or renamed (to end the process
 * there).
 */
export const saveHooks: {
  afterCheck: ((target: string) => void) | null;
  written: (() => void) | null;
} = {
  afterCheck: null,
  written: null,
};

/**
 * Writes a saved file. Two ways, chosen by Deno's permissions:
 *
 * - With `--allow-read` and `--allow-write` for the file's directory
 *   already granted: through a temporary file in the directory, renamed
 *   over the file once complete, so that a failed save changes nothing
 *   (the temporary file is removed) and readers or maps of the old file
 *   never see a half-written one. The new file keeps what NumPy's in-place
 *   write keeps: its permission bits (and owner and group where the
 *   process may set them); a symbolic link stays a link (the file it leads
 *   to is replaced). Another hard link to the file keeps the old content.
 *   A rename refused for this process (`EPERM`, `EACCES`: the sticky bit
 *   of a directory such as `/tmp` lets only a file's owner replace it), or
 *   a temporary file it may not make next to an existing file (a directory
 *   it may not write), writes in place instead, as below (the content is
 *   made again), as `np.save` writes a file it may write.
 * - Otherwise with access to the file alone (asked for as any file is),
 *   as `np.save` needs: in place, as `np.save` writes (the same file: its
 *   mode, owner, hard links, extended attributes stay). The content is
 *   made in memory first (views of contiguous arrays, copies of the rest,
 *   compressed members), then the file is checked to be mapped by no live
 *   map of this library (`Busy`), the bytes past its old end are written
 *   first (a full disk is then an error with the file put back to its old
 *   size), then the old bytes are overwritten and the file cut to size. A
 *   failure in those last steps (an I/O error; a full disk on a
 *   copy-on-write file system) leaves the file partly written, as with
 *   `np.save`.
 *
 * The library never asks for the directory: a save that only the
 * directory's permission can make atomic falls back to NumPy's in-place
 * write rather than demand more than `np.save` needs.
 *
 * Every step after the permission check acts on what was checked, where
 * `--allow-ffi` is granted (POSIX): the directory is held open and checked
 * again where it really is, the temporary file made, written, renamed and
 * removed through it (see {@linkcode saveThrough}); the in-place write goes
 * through the library's checked handle. Without it (and on Windows) each
 * step goes by path through Deno's file APIs, so a directory swapped for a
 * link by another process during the save is not caught (README Safety).
 *
 * @param path The file to write (absolute, from `toPath`).
 * @param write Writes the content (it may seek back to patch what it wrote).
 * @param size The size it will have, when known (large files get their disk
 * blocks reserved first).
 * @throws {Deno.errors.NotCapable} Without `--allow-read` and
 * `--allow-write` for the file (and not for its directory either).
 * @throws {Deno.errors.Busy} Writing in place over a file a live map of this
 * library covers.
 */
export function saveFile(
  path: string,
  write: (file: OutputFile) => void,
  size = 0,
): void {
  const directoryGranted = (file: string) =>
    granted({ name: "read", path: dirname(file) }) &&
    granted({ name: "write", path: dirname(file) });
  const requireFile = (file: string) =>
    requireFileAccess(
      file,
      true,
      `to save ${
        file === path ? "it" : JSON.stringify(path)
      } (or to its directory ${
        JSON.stringify(dirname(file))
      }, for a save that changes nothing when it fails)`,
    );
  // The path's links are read with its permission.
  if (!directoryGranted(path)) requireFile(path);
  const target = whereItLands(path, linkTarget(path));
  const inPlace = !directoryGranted(target);
  if (inPlace) requireFile(target);
  saveHooks.afterCheck?.(target);
  if (inPlace) return writeInPlace(path, target, existing(target), write);
  const directory = dirname(target);
  const tempName = temporaryName();
  const temp = join(directory, tempName);
  const held = openChecked(directory);
  let replaced: boolean;
  if (held !== null) {
    try {
      replaced = saveThrough(
        held,
        tempName,
        basename(target),
        path,
        write,
        size,
      );
    } finally {
      held.close();
    }
  } else replaced = saveByPath(temp, target, path, write, size);
  // The rename was refused with the file as it was: a directory with the
  // sticky bit (`/tmp`) lets only a file's owner replace it, where NumPy's
  // in-place write of a file the caller may write succeeds.
  if (!replaced) writeInPlace(path, target, existing(target), write);
}

/**
 * Whether a failed rename over a file, or a failed create of the temporary
 * file next to it, is one that writing the file in place may still do:
 * refused for this process (`EPERM`, `EACCES`: the sticky bit of a
 * directory such as `/tmp` lets only the file's owner, the directory's
 * owner or root replace a file; a directory the process may not write
 * holds a file it may). Not on Windows, where such a refusal is a file
 * still mapped (see {@linkcode replace}).
 */
function renameRefused(error: unknown): boolean {
  if (Deno.build.os === "windows") return false;
  const code = (error as { code?: unknown } | null)?.code;
  return code === "EPERM" || code === "EACCES";
}

/**
 * The save through a temporary file of {@linkcode saveFile} by path
 * (without `--allow-ffi`, and on Windows).
 *
 * @returns False when the temporary file could not be made, or not renamed
 * over the file, as {@linkcode renameRefused} says (nothing changed, the
 * temporary file removed), for the caller to write the file in place.
 */
function saveByPath(
  temp: string,
  target: string,
  path: string,
  write: (file: OutputFile) => void,
  size: number,
): boolean {
  const old = existing(target);
  // Private until it is complete: the old file's mode is given at the end.
  let file: Deno.FsFile;
  try {
    file = openTemporary(temp, old === null ? 0o666 : 0o600, path);
  } catch (error) {
    if (old !== null && renameRefused(error)) return false;
    throw error;
  }
  let open = true;
  let renaming = false;
  try {
    if (size >= RESERVE_FROM) reserve(temp, size);
    write(outputFile(file, path));
    if (old !== null) keepAttributes(file, temp, old, target);
    saveHooks.written?.();
    file.close();
    open = false;
    renaming = true;
    replace(temp, target);
    return true;
  } catch (e) {
    if (open) file.close();
    try {
      Deno.removeSync(temp);
    } catch {
      // Already gone: nothing to clean up.
    }
    if (renaming && old !== null && renameRefused(e)) return false;
    throw e;
  }
}

/**
 * The directory a save checked, held open by the platform (POSIX), so that
 * the temporary file is made, written, renamed and removed there and
 * nowhere else: the directory's path is resolved once, when it is opened,
 * and Deno's permissions are checked again where it really was opened (a
 * directory swapped for a link after the first check is refused,
 * `NotCapable`). Null without `--allow-ffi`, or where the platform has no
 * such handle (Windows): the save then goes by path.
 */
function openChecked(directory: string): Directory | null {
  if (!granted({ name: "ffi" }) || sys.openDirectory === undefined) {
    return null;
  }
  let held: Directory | null;
  try {
    held = sys.openDirectory(directory, directory);
  } catch (error) {
    // A missing directory, or a file in its place, is the directory's error.
    try {
      sys.stat(directory + sep);
    } catch (reason) {
      if (typeof (reason as { code?: unknown }).code === "string") throw reason;
    }
    throw error;
  }
  if (held === null || held.path === directory) return held;
  try {
    requireFileAccess(
      held.path,
      true,
      `(where ${JSON.stringify(directory)} led when opened)`,
    );
  } catch (error) {
    held.close();
    throw error;
  }
  return held;
}

/** An {@linkcode OutputFile} over a call that writes bytes at an offset. */
function positional(
  writeAt: (bytes: Uint8Array, at: number) => void,
): OutputFile {
  let position = 0;
  return {
    write(bytes: Uint8Array): void {
      writeAt(bytes, position);
      position += bytes.length;
    },
    seek(offset: number): void {
      position = offset;
    },
  };
}

/**
 * The save through a temporary file of {@linkcode saveFile}, every step in
 * the directory held open: `temp` made there (never through a link), the
 * content written through its descriptor, the old file's attributes given
 * to it, then renamed over `name`; on failure it is removed from there.
 *
 * @returns False when the temporary file could not be made, or not renamed
 * over the file, as {@linkcode renameRefused} says (nothing changed, the
 * temporary file removed), for the caller to write the file in place.
 */
function saveThrough(
  held: Directory,
  temp: string,
  name: string,
  path: string,
  write: (file: OutputFile) => void,
  size: number,
): boolean {
  const where = join(held.path, name);
  const old = held.stat(name, where);
  if (old !== null && old.type !== "file") {
    if (old.type === "a directory") {
      throw osError("open", "EISDIR", "Is a directory", where);
    }
    throw osError("open", "ENODEV", `Not a regular file: ${old.type}`, where);
  }
  // Private until it is complete: the old file's mode is given at the end.
  const mode = old === null ? 0o666 : 0o600;
  // With no name until it is complete where the platform can (a process or
  // Worker ended in the middle leaves nothing), else by its temporary name.
  let file = held.createUnnamed?.(mode) ?? null;
  let named = file === null;
  if (file === null) {
    try {
      file = held.create(temp, mode, path);
    } catch (error) {
      if (old !== null && renameRefused(error)) return false;
      throw error;
    }
  }
  const made = file;
  let renaming = false;
  try {
    if (size >= RESERVE_FROM) made.preallocate(size);
    write(positional((bytes, at) => made.write(bytes, at, path)));
    if (old !== null) made.keep(old.mode, old.uid, old.gid, where);
    saveHooks.written?.();
    if (!named) {
      // A new file is named as itself, complete: no temporary name ever
      // exists, so a save ended at any moment (a Worker terminated, the
      // process killed) leaves the whole file or nothing. (A file made
      // under the name meanwhile is replaced below, as by the rename.)
      if (old === null && made.link!(name, path)) {
        made.close();
        return true;
      }
      // Over a file: named, then renamed over it at once (a Worker
      // terminated between the two leaves the whole temporary file).
      while (!made.link!(temp, path)) temp = temporaryName();
      named = true;
    }
    made.close();
    renaming = true;
    held.rename(temp, name, path);
    return true;
  } catch (error) {
    made.close();
    if (named) held.remove(temp);
    if (renaming && old !== null && renameRefused(error)) return false;
    throw error;
  }
}

/** Content written at offsets, held in memory until written to a file. */
class Recorded implements OutputFile {
  readonly #segments: { at: number; bytes: Uint8Array }[] = [];
  #pos = 0;
  /** The size of the content. */
  size = 0;

  write(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#segments.push({ at: this.#pos, bytes });
    this.#pos += bytes.length;
    this.size = Math.max(this.size, this.#pos);
  }

  seek(offset: number): void {
    this.#pos = offset;
  }

  /** Writes the part of the content in `[from, to)` to `file`, in the order it was written. */
  copyTo(file: OutputFile, from: number, to: number): void {
    for (const { at, bytes } of this.#segments) {
      const start = Math.max(at, from);
      const end = Math.min(at + bytes.length, to);
      if (start >= end) continue;
      file.seek(start);
      file.write(bytes.subarray(start - at, end - at));
    }
  }
}

/**
 * Writes `content` over an open file: the bytes past its old end first (a
 * failure there puts the file back to its old size), then the old bytes,
 * then cuts it to size.
 */
function overwrite(file: Deno.FsFile, path: string, content: Recorded): void {
  const out = outputFile(file, path);
  const size = content.size;
  // (The end by lseek: Deno checks `FsFile.stat` against where the path
  // leads, which for a file granted by name alone may not be granted.)
  const before = osCall(
    "lseek",
    path,
    () => file.seekSync(0, Deno.SeekMode.End),
  );
  if (size > before) {
    try {
      content.copyTo(out, before, size);
    } catch (error) {
      try {
        file.truncateSync(before);
      } catch {
        // The write's error says more.
      }
      throw error;
    }
  }
  content.copyTo(out, 0, Math.min(before, size));
  if (size < before) osCall("ftruncate", path, () => file.truncateSync(size));
}

/** The in-place write of {@linkcode saveFile}. */
function writeInPlace(
  path: string,
  target: string,
  old: Deno.FileInfo | null,
  write: (file: OutputFile) => void,
): void {
  const content = new Recorded();
  write(content);
  if (
    granted({ name: "ffi" }) && sys.write !== undefined &&
    sys.exclusive !== undefined
  ) {
    return rewrite(path, target, old, content);
  }
  // A handle of the library's own claims the whole file for the write, so
  // that no map of this library has bytes changed or cut under it.
  const claim = old !== null && granted({ name: "ffi" }) &&
      sys.exclusive !== undefined
    ? sys.open(target, { write: true })
    : null;
  try {
    if (claim !== null) sys.exclusive!(claim, "open");
    const file = osCall(
      "open",
      path,
      () => Deno.openSync(target, { read: true, write: true, create: true }),
    );
    try {
      overwrite(file, path, content);
    } catch (error) {
      file.close();
      // A file this call made is removed.
      if (old === null) {
        try {
          Deno.removeSync(target);
        } catch {
          // Gone already; else the write's error says more.
        }
      }
      throw error;
    }
    file.close();
  } finally {
    if (claim !== null) sys.close(claim);
  }
}

/**
 * The in-place write of {@linkcode saveFile} through one handle of the
 * library's own (with `--allow-ffi`): the file opened as its permission was
 * checked (a link or directory changed since is refused or never followed,
 * see `Sys.open`), claimed whole so that no map of this library has bytes
 * changed or cut under it, and written through that handle, so that every
 * step acts on the file checked. A file this call made is removed on
 * failure by the platform, from the directory it was made in.
 */
function rewrite(
  path: string,
  target: string,
  old: Deno.FileInfo | null,
  content: Recorded,
): void {
  const create = old === null;
  const file = sys.open(target, { write: true, create, exclusive: create });
  try {
    sys.exclusive!(file, "open");
    const size = content.size;
    const before = sys.size(file);
    const out = positional((bytes, at) => sys.write!(file, bytes, at, path));
    if (size > before) {
      try {
        content.copyTo(out, before, size);
      } catch (error) {
        try {
          sys.truncate(file, before);
        } catch {
          // The write's error says more.
        }
        throw error;
      }
    }
    content.copyTo(out, 0, Math.min(before, size));
    if (size < before) sys.truncate(file, size);
  } catch (error) {
    if (create) removeMade(file, target);
    throw error;
  } finally {
    sys.close(file);
  }
}

/**
 * Removes a file `file` made, after a failure: by the platform from the
 * directory it was made in where it can (`Sys.removeCreated`), else by path.
 */
export function removeMade(file: FileHandle, path: string): void {
  try {
    if (sys.removeCreated?.(file) === true) return;
  } catch {
    return; // Cannot be told: left rather than remove another file.
  }
  try {
    Deno.removeSync(path);
  } catch {
    // Gone already; else the first error says more.
  }
}
