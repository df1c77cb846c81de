/**
 * Directories of the POSIX backend held open for a save: the temporary
 * file is made, written, renamed and removed through the directory's
 * descriptor (`openat`, `renameat`, `unlinkat`), so that every step acts on
 * the directory whose permission was checked. Deno checks its permissions
 * against a path string, and a directory of that path swapped for a
 * symbolic link after the check would otherwise lead each later call by
 * path somewhere `--allow-write` does not reach (attack10 N4).
 *
 * @module
 */

import { basename, dirname } from "node:path";
import { PLATFORM, type PlatformConstants } from "./constants.ts";
import { errno, libc } from "./libc.ts";
import {
  cString,
  descriptorPath,
  errnoName,
  fail,
  fstatInto,
  live,
  openWithoutLinks,
  S_IFMT,
  typeName,
  TYPES,
  variadicMode,
  writeAll,
} from "./posix_file.ts";
import type { Directory, DirectoryEntry, FileHandle, NewFile } from "./sys.ts";

const C: PlatformConstants = PLATFORM;
const encoder = new TextEncoder();

/**
 * Hooks for tests: `beforeOpen` runs once the caller has checked a
 * directory's permission, right before the directory is opened (to swap it
 * for a link in between, as another process could).
 */
export const directoryHooks: {
  beforeOpen: ((path: string) => void) | null;
  refuseUnnamed: boolean;
} = { beforeOpen: null, refuseUnnamed: false };

/** A name as a NUL-terminated C string of its own (calls may take two). */
function cName(text: string): Uint8Array<ArrayBuffer> {
  if (text.includes("\0")) {
    throw new TypeError(
      `Cannot use ${JSON.stringify(text)}: paths must not contain NUL`,
    );
  }
  const bytes = encoder.encode(text);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

const statBytes = new Uint8Array(C.stat.bytes);
const statView = new DataView(statBytes.buffer);

/** The entry `statBytes` holds. */
function entry(): DirectoryEntry {
  const D = C.directories!;
  const mode = statView.getUint16(C.stat.modeOffset, true);
  return {
    type: TYPES[mode & S_IFMT] ?? typeName(mode & S_IFMT),
    mode,
    uid: statView.getUint32(D.uidOffset, true),
    gid: statView.getUint32(D.gidOffset, true),
    dev: D.devBytes === 8
      ? statView.getBigUint64(D.devOffset, true)
      : BigInt(statView.getUint32(D.devOffset, true)),
    ino: statView.getBigUint64(D.inoOffset, true),
  };
}

/** `fstat` of a descriptor, into `statBytes`; the C result. */
function fstatRaw(fd: number): number {
  return fstatInto(fd, statBytes);
}

/** `fstatat` of a name in a directory, links not followed, into `statBytes`. */
function fstatatRaw(dirfd: number, name: Uint8Array<ArrayBuffer>): number {
  const c = libc();
  const flags = C.directories!.AT_SYMLINK_NOFOLLOW;
  if (c.fstatat_inode64 != null) {
    return c.fstatat_inode64(dirfd, name, statBytes, flags);
  }
  if (c.fstatat != null) return c.fstatat(dirfd, name, statBytes, flags);
  if (c.fxstatat64 != null) {
    const ver = Deno.build.arch === "x86_64" ? 1 : 0;
    return c.fxstatat64(ver, dirfd, name, statBytes, flags);
  }
  throw new Deno.errors.NotSupported(
    "Cannot tell what a file is: the C library has no fstatat",
  );
}

const AT_FDCWD = -100;
const AT_SYMLINK_FOLLOW = 0x400;

/** A file made in a directory (by name, or with none yet), written through its descriptor. */
class PosixNewFile implements NewFile {
  #fd: number;
  readonly #directory: number;
  constructor(fd: number, directory = -1) {
    this.#fd = fd;
    this.#directory = directory;
  }

  link(name: string, what: string): boolean {
    const linkat = libc().linkat;
    if (linkat == null || this.#directory < 0) {
      throw new Deno.errors.NotSupported(
        `Cannot name the file written for ${JSON.stringify(what)}: no linkat`,
      );
    }
    // (By the descriptor's /proc name: `AT_EMPTY_PATH` needs privileges.)
    const self = cString(`/proc/self/fd/${this.#fd}`);
    const to = cName(name);
    if (linkat(AT_FDCWD, self, this.#directory, to, AT_SYMLINK_FOLLOW) === 0) {
      return true;
    }
    const code = errno();
    if (errnoName(code) === "EEXIST") return false;
    fail("linkat", what, code);
  }

  write(bytes: Uint8Array, at: number, what: string): void {
    writeAll(this.#fd, bytes, at, what);
  }

  preallocate(length: number): void {
    const fallocate = libc().fallocate;
    if (fallocate == null || length <= 0) return;
    // FALLOC_FL_KEEP_SIZE: a hint; a file system without it reserves nothing.
    fallocate(this.#fd, 1, 0n, BigInt(length));
  }

  keep(mode: number, uid: number, gid: number, what: string): void {
    const c = libc();
    const made = this.stat(what);
    if (made.uid !== uid || made.gid !== gid) {
      // Not this process's to give: the file stays the saver's, as any new one.
      if (c.fchown(this.#fd, uid, gid) !== 0) c.fchown(this.#fd, -1, gid);
    }
    if (c.fchmod(this.#fd, mode & 0o7777) !== 0) fail("chmod", what);
  }

  stat(what: string): DirectoryEntry {
    if (fstatRaw(this.#fd) !== 0) fail("fstat", what);
    return entry();
  }

  close(): void {
    if (this.#fd < 0) return;
    libc().close(this.#fd);
    this.#fd = -1;
  }
}

/** A directory held by its descriptor. */
class PosixDirectory implements Directory {
  #fd: number;
  readonly path: string;
  constructor(fd: number, path: string) {
    this.#fd = fd;
    this.path = path;
  }

  stat(name: string, what: string): DirectoryEntry | null {
    if (fstatatRaw(this.#fd, cName(name)) === 0) return entry();
    const code = errno();
    if (errnoName(code) === "ENOENT") return null;
    fail("stat", what, code);
  }

  create(name: string, mode: number, what: string): NewFile {
    const D = C.directories!;
    const flags = D.O_WRONLY | C.O_CREAT | C.O_EXCL | D.O_NOFOLLOW |
      C.O_CLOEXEC;
    const fd = libc().openat(
      this.#fd,
      cName(name),
      flags,
      // The mode fourth and ninth (see libc.ts).
      mode,
      0,
      0,
      0,
      0,
      mode,
    );
    if (fd < 0) fail("open", what);
    return new PosixNewFile(fd);
  }

  createUnnamed(mode: number): NewFile | null {
    const D = C.directories!;
    if (
      D.O_TMPFILE === 0 || libc().linkat == null ||
      directoryHooks.refuseUnnamed
    ) {
      return null;
    }
    const fd = libc().openat(
      this.#fd,
      cName("."),
      D.O_TMPFILE | D.O_WRONLY | C.O_CLOEXEC,
      // The mode fourth and ninth (see libc.ts).
      mode,
      0,
      0,
      0,
      0,
      mode,
    );
    // A file system or kernel without it (EOPNOTSUPP, EISDIR, EINVAL), or a
    // directory this process may not write: made by name, or refused, there.
    return fd < 0 ? null : new PosixNewFile(fd, this.#fd);
  }

  rename(from: string, to: string, what: string): void {
    if (libc().renameat(this.#fd, cName(from), this.#fd, cName(to)) !== 0) {
      fail("rename", what);
    }
  }

  remove(name: string): boolean {
    return libc().unlinkat(this.#fd, cName(name), 0) === 0;
  }

  close(): void {
    if (this.#fd < 0) return;
    libc().close(this.#fd);
    this.#fd = -1;
  }
}

/**
 * Opens the directory `path` (absolute, its links resolved) by its
 * descriptor, with no link followed on the way where the kernel can refuse
 * them (Linux `openat2`), then reads back where the descriptor's directory
 * is (Linux `/proc/self/fd`, macOS `F_GETPATH`), for the caller to check
 * Deno's permissions against: a directory of the path swapped for a link
 * since it was resolved is found out there.
 *
 * @returns The directory, or null where its path cannot be told.
 */
export function openDirectory(path: string, what: string): Directory | null {
  if (C.directories === null) return null;
  const D = C.directories;
  directoryHooks.beforeOpen?.(path);
  const flags = C.O_RDONLY | D.O_DIRECTORY | C.O_CLOEXEC;
  // (Links are met only where the path changed since it was resolved, or
  // where it could not be resolved: what is opened is checked either way.)
  let fd = openWithoutLinks(path, flags);
  if (fd < 0) fd = libc().open(cString(path), flags, ...variadicMode(0));
  if (fd < 0) fail("open", what);
  const real = descriptorPath(fd);
  if (real === null) {
    libc().close(fd);
    return null;
  }
  return new PosixDirectory(fd, real);
}

/** Whether Deno's permission is granted now, without asking. */
function granted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

/**
 * Removes the file `file` made (see `Sys.removeCreated`): by the name the
 * kernel gives for it, in its directory opened and found to be where that
 * name says, while the entry there is still this file and `--allow-write`
 * grants that name.
 */
export function removeCreated(file: FileHandle): boolean {
  const fd = live(file).fd;
  if (C.directories === null || fstatRaw(fd) !== 0) return false;
  const made = entry();
  // A directory renamed meanwhile is looked for again where it went, a few
  // times; then the file is left rather than look further.
  for (let attempt = 0; attempt < 3; attempt++) {
    const real = descriptorPath(fd);
    if (real === null) return false;
    // Gone already (" (deleted)"), or not a name this process may remove.
    if (!real.startsWith("/") || !granted({ name: "write", path: real })) {
      return true;
    }
    let directory: Directory | null;
    try {
      directory = openDirectory(dirname(real), real);
    } catch {
      return true; // Its directory cannot be opened: nothing is removed.
    }
    if (directory === null) return false;
    try {
      if (directory.path !== dirname(real)) continue;
      const name = basename(real);
      const now = directory.stat(name, real);
      if (now !== null && now.dev === made.dev && now.ino === made.ino) {
        directory.remove(name);
      }
      return true;
    } catch {
      return true; // Cannot be told: left rather than remove another file.
    } finally {
      directory.close();
    }
  }
  return true;
}
