/**
 * Files of the POSIX backend: opening them without waiting, telling what
 * they are, growing them with their disk blocks reserved, and the claims
 * that keep the library from cutting a file under its own maps.
 *
 * **Claims.** A shrink of a file under a live map makes the next access to
 * the lost pages fault (`SIGBUS`): the process dies. The library knows its
 * own maps, so each open handle claims the byte range it maps with an
 * open-file-description read lock (`F_OFD_SETLK`, Linux 3.15+), and a
 * shrink first takes a write lock on the bytes it cuts, without waiting:
 * when another handle claims any of them, the shrink is refused with
 * `Deno.errors.Busy` (`EBUSY`) and nothing changes. Such locks belong to the
 * open file description, so they tell apart two handles of one file in the
 * same process (or in two Workers) as well as in two processes using this
 * library. Elsewhere, a whole-file `flock(2)` does the same job more
 * coarsely. Claims only see handles of this library: another program can
 * still truncate a file while it is mapped. A lock held by another program
 * (a classic `fcntl` lock, reported with its process id) does not count as
 * a map.
 *
 * **Size changes.** Every change of a file's size runs in
 * {@linkcode resizing}: it holds the file's size lock (a write lock on one
 * few bytes past any file, at {@linkcode CLAIMS_END}, which no claim covers) from
 * the `fstat` that reads the size to the last `ftruncate`, so that no other
 * handle's size change comes between: a size read there is the size, a grow
 * never sets the file below it, and a cut is checked against the claims
 * of that moment (attack14 D9: two growers each set the file to their own
 * target, the smaller one cutting the other's fresh tail). A grow claims
 * its new bytes before the file grows. Openers and claims wait a bounded
 * time ({@linkcode WAIT_MS}, backing off) for a resize in progress instead
 * of failing at once (attack14 D10); a cut itself never waits: a live map
 * is not going away.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { PLATFORM, type PlatformConstants } from "./constants.ts";
import { errno, libc, strerror } from "./libc.ts";
import { isNormalPosixPath } from "./normal_path.ts";
import { closed, opened } from "./open_files.ts";
import { osError, UNTYPED_FILE } from "./os_error.ts";
import {
  type DeviceKind,
  isSpecialFile,
  requireFileAccess,
  requireSpecialFileAccess,
  resolvesLinks,
} from "./permissions.ts";
import type { FileHandle, OpenOptions } from "./sys.ts";

const C: PlatformConstants = PLATFORM;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let scratch = new Uint8Array(1024);
/**
 * The text whose bytes `scratch` holds: only {@linkcode cString} writes
 * there (its callers pass it to C calls that read it), so the same path
 * asked again is not encoded again (0.13 us an open).
 */
let encoded: string | null = null;

/**
 * `text` as a NUL-terminated C string, in a reused buffer (valid until the
 * next call; for C calls that only read it).
 */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  if (text === encoded) return scratch;
  if (scratch.length < text.length * 3 + 1) {
    scratch = new Uint8Array(text.length * 3 + 1);
  }
  const { written } = encoder.encodeInto(text, scratch);
  scratch[written] = 0;
  encoded = text;
  return scratch;
}

/** The mode argument of `open`/`shm_open` in both places it may be read (see libc.ts). */
export function variadicMode(
  mode: number,
): [number, number, number, number, number, number, number] {
  return [mode, 0, 0, 0, 0, 0, mode];
}

/**
 * Checks a byte count or offset on its way to the C library: past here it
 * becomes a 64-bit integer, where a fraction or a value beyond 2^53 would
 * be cut or wrap (arguments are validated before; this is the last guard).
 *
 * @throws {RangeError} Unless `n` is a safe integer of at least 0.
 */
export function checkBytes(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(
      `Cannot use ${n} as ${what}: must be an integer in 0..2^53-1`,
    );
  }
  return n;
}

/** The symbolic name of an errno value. */
export function errnoName(code: number): string {
  return C.errnoNames[code] ?? `E${code}`;
}

/** Throws the error of the OS call that just failed. */
export function fail(
  call: string,
  path?: string,
  code: number = errno(),
): never {
  throw osError(call, errnoName(code), strerror(code), path);
}

/**
 * A descriptor, shared by its handle and by the backstops: a forgotten
 * handle's descriptor is closed only once no forgotten mapping of it is
 * still to be released, so a file keeps its claims for as long as any of it
 * is mapped.
 */
export interface Descriptor {
  /** The descriptor; -1 once closed. */
  fd: number;
  /** Live mappings of it. */
  maps: number;
  /** Whether its handle was collected without being closed. */
  dropped: boolean;
  /** Whether it takes part in claims (regular files). */
  readonly claims: boolean;
  /**
   * Whether its open file description (and so its locks) is shared with a
   * descriptor of the caller's (Mmap.fromFd's `dup` fallback): closing it
   * then does not let go of the claims by itself.
   */
  readonly shared: boolean;
  /**
   * Whether a mapping of it was collected with its memory left mapped (a
   * file's own pages, held for reads in flight): such a mapping keeps the
   * open file description, so closing the descriptor does not let go of
   * the claims by itself either.
   */
  pagesHeld: boolean;
}

function closeDescriptor(d: Descriptor): void {
  if (d.fd < 0) return;
  // Claims go with the descriptor, even where something else keeps its
  // open file description (and with it the locks) alive: a file a
  // forgotten map held is not Busy once the map is collected, and the
  // file's lock list (walked by each claim) stays as long as the live
  // handles.
  if (d.claims && (d.shared || d.pagesHeld)) {
    setLock(d.fd, "unlock", 0, SIZE_LOCK_END);
  }
  libc().close(d.fd);
  d.fd = -1;
  closed();
}

// Backstop for handles users forget to close.
const descriptors = new FinalizationRegistry<Descriptor>((d) => {
  d.dropped = true;
  if (d.maps === 0) closeDescriptor(d);
});

/**
 * Called by the mappings' backstop once a forgotten mapping of `d` has been
 * released.
 */
export function mappingReleased(d: Descriptor): void {
  d.maps--;
  if (d.dropped && d.maps === 0) closeDescriptor(d);
}

/** An open descriptor. */
export class PosixFile implements FileHandle {
  readonly descriptor: Descriptor;
  readonly path: string;
  readonly device: boolean;
  /** The bytes this handle claims (see {@linkcode claim}). */
  claimed = { start: 0, end: Infinity };
  /** Whether the locks held are exactly a read lock on `claimed`. */
  exact = false;
  /** The size when opened, read once the handle's claim was taken. */
  openedSize?: number;
  /** Whether a {@linkcode resizing} of this handle is running. */
  resizing = false;
  constructor(
    fd: number,
    path: string,
    kind: "file" | "device",
    shared = false,
  ) {
    this.descriptor = {
      fd,
      maps: 0,
      dropped: false,
      claims: kind === "file",
      shared,
      pagesHeld: false,
    };
    this.path = path;
    this.device = kind === "device";
    opened();
    descriptors.register(this, this.descriptor, this);
  }

  /** The descriptor; -1 once closed. */
  get fd(): number {
    return this.descriptor.fd;
  }

  /** Closes the descriptor; idempotent. */
  close(): void {
    descriptors.unregister(this);
    closeDescriptor(this.descriptor);
  }
}

/** The handle, or BadResource when it is closed. */
export function live(file: FileHandle): PosixFile {
  const posix = file as PosixFile;
  if (posix.fd < 0) {
    throw new Deno.errors.BadResource(
      `Cannot use "${file.path}": file is closed`,
    );
  }
  return posix;
}

/** The file type bits of `st_mode`, and what each type is called in messages. */
export const S_IFMT = 0o170000;
export const TYPES: Readonly<Record<number, string>> = {
  0o100000: "file",
  0o040000: "a directory",
  0o020000: "a character device",
  0o060000: "a block device",
  0o010000: "a FIFO",
  0o140000: "a socket",
  0o120000: "a symbolic link",
};

/**
 * What a file of a type outside {@linkcode TYPES} is, for messages.
 *
 * @param type The mode's file type bits.
 * @returns The words.
 */
export function typeName(type: number): string {
  return type === 0 ? UNTYPED_FILE : `a file of type 0o${type.toString(8)}`;
}

const DEVICES: readonly string[] = [
  "a block device",
  "a character device",
] satisfies DeviceKind[];

const stat = new Uint8Array(C.stat.bytes);
const statView = new DataView(stat.buffer);

/** _STAT_VER of glibc's old `__fxstat64`: 1 on x86_64, 0 on the generic layout (aarch64). */
const STAT_VERSION = Deno.build.arch === "x86_64" ? 1 : 0;

/**
 * `fstat(2)` into `buffer` through whichever symbol the C library has.
 *
 * @returns 0, or -1 with `errno` set.
 * @throws {Deno.errors.NotSupported} When the C library has no fstat.
 */
export function fstatInto(fd: number, buffer: Uint8Array): number {
  const c = libc();
  if (c.fstat_inode64 != null) return c.fstat_inode64(fd, buffer);
  if (c.fstat != null) return c.fstat(fd, buffer);
  if (c.fxstat64 != null) return c.fxstat64(STAT_VERSION, fd, buffer);
  throw new Deno.errors.NotSupported(
    "Cannot tell what a file is: the C library has no fstat",
  );
}

/**
 * `lstat(2)` into `buffer` through whichever symbol the C library has.
 *
 * @returns 0, or -1 (also when the C library has no lstat).
 */
function lstatInto(path: string, buffer: Uint8Array): number {
  const c = libc();
  const name = cString(path);
  if (c.lstat_inode64 != null) return c.lstat_inode64(name, buffer);
  if (c.lstat != null) return c.lstat(name, buffer);
  if (c.lxstat64 != null) return c.lxstat64(STAT_VERSION, name, buffer);
  return -1;
}

/** `fstat` of a descriptor: the file type bits and the size. */
export function fstat(
  fd: number,
  path: string,
): { type: string; size: number } {
  if (fstatInto(fd, stat) !== 0) fail("fstat", path);
  const mode = statView.getUint16(C.stat.modeOffset, true);
  return {
    type: TYPES[mode & S_IFMT] ?? typeName(mode & S_IFMT),
    size: Number(statView.getBigInt64(C.stat.sizeOffset, true)),
  };
}

/**
 * What kind of handle a descriptor makes: regular files, block devices and
 * character devices are mapped; anything else is refused (a directory as `EISDIR`, the rest as
 * `ENODEV`, what `mmap` says of them).
 */
function kindOf(type: string, path: string): "file" | "device" {
  // A block device has a size, past which its pages fault as a file's do:
  // it is treated as a file (that cannot be resized).
  if (type === "file" || type === "a block device") return "file";
  if (type === "a character device") return "device";
  if (type === "a directory") {
    throw osError("open", "EISDIR", "Is a directory", path);
  }
  throw osError("open", "ENODEV", `Not a regular file: ${type}`, path);
}

type LockKind = "read" | "write" | "unlock";
type LockResult = "ok" | "busy" | "skip";

const lockBuffer = new Uint8Array(C.ofdLocks?.bytes ?? 32);
const lockView = new DataView(lockBuffer.buffer);
const LOCK_TYPES = { read: 0, write: 1, unlock: 2 } as const; // F_RDLCK, F_WRLCK, F_UNLCK
const USE_OFD = C.ofdLocks !== null &&
  (Deno.build.os === "linux" || Deno.build.os === "android");
// flock(2) operations
const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

/**
 * Where claims "to the end of the file" end (2^62, past any file: sizes
 * stay below 2^53): the byte there is the file's size lock (see
 * {@linkcode resizing}), which no claim covers.
 */
export const CLAIMS_END = 2 ** 62;
/** The end of the size lock (a double has no odd numbers up there). */
const SIZE_LOCK_END = CLAIMS_END + 1024;

/**
 * How long an opener, a claim or a size change waits for another handle's
 * size change (or overwrite) to end before it is `Busy`, in milliseconds.
 * Bounded (no `F_OFD_SETLKW`): no call can hang on a handle that is never
 * closed.
 */
export const WAIT_MS = 2000;
/** The first and the longest pause between two attempts, in milliseconds. */
const FIRST_PAUSE = 0.05, LONGEST_PAUSE = 8;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function fillLock(type: number, start: number, end: number): void {
  const L = C.ofdLocks!;
  lockBuffer.fill(0);
  lockView.setInt16(0, type, true);
  lockView.setInt16(2, 0, true); // SEEK_SET
  lockView.setBigInt64(L.startOffset, BigInt(start), true);
  lockView.setBigInt64(
    L.lenOffset,
    BigInt(end === Infinity ? CLAIMS_END : end) - BigInt(start),
    true,
  );
}

/**
 * Sets this descriptor's lock on `[start, end)` (`end` Infinity: up to
 * {@linkcode CLAIMS_END}). With `wait`, a lock of another handle of this
 * library in the way is waited for, up to {@linkcode WAIT_MS} (backing
 * off); else not at all.
 *
 * @returns `"busy"` when a claim of another handle of this library (an
 * open-file-description lock) is in the way; `"skip"` when locks are not
 * available here or only another program's lock is in the way (then the
 * range is not claimed).
 */
function setLock(
  fd: number,
  kind: LockKind,
  start: number,
  end: number,
  wait = false,
): LockResult {
  if (end <= start) return "ok";
  let deadline = -1;
  for (let pause = FIRST_PAUSE;; pause = Math.min(pause * 2, LONGEST_PAUSE)) {
    const result = trySetLock(fd, kind, start, end);
    if (result !== "busy" || !wait) return result;
    const now = performance.now();
    if (deadline < 0) deadline = now + WAIT_MS;
    else if (now >= deadline) return "busy";
    Atomics.wait(sleeper, 0, 0, pause);
  }
}

/** One attempt of {@linkcode setLock}. */
function trySetLock(
  fd: number,
  kind: LockKind,
  start: number,
  end: number,
): LockResult {
  const c = libc();
  if (!USE_OFD) {
    // Whole-file flock: shared for a map, exclusive for a shrink.
    const op = kind === "read" ? LOCK_SH : kind === "write" ? LOCK_EX : LOCK_UN;
    if (c.flock(fd, op | LOCK_NB) === 0) return "ok";
    const name = errnoName(errno());
    return name === "EWOULDBLOCK" || name === "EAGAIN" ? "busy" : "skip";
  }
  const L = C.ofdLocks!;
  for (let attempt = 0; attempt < 3; attempt++) {
    fillLock(LOCK_TYPES[kind], start, end);
    if (c.fcntl(fd, L.F_OFD_SETLK, lockBuffer) === 0) return "ok";
    const name = errnoName(errno());
    if (name !== "EAGAIN" && name !== "EACCES") return "skip";
    // Whose lock is in the way? An open-file-description lock reports no
    // process (-1): a claim of this library. A classic POSIX lock names the
    // process of another program, which says nothing about its maps.
    fillLock(LOCK_TYPES[kind], start, end);
    if (c.fcntl(fd, L.F_OFD_GETLK, lockBuffer) !== 0) return "busy";
    if (lockView.getInt16(0, true) !== LOCK_TYPES.unlock) {
      return lockView.getInt32(L.pidOffset, true) === -1 ? "busy" : "skip";
    }
    // Gone in the meantime: try again.
  }
  return "busy";
}

function busy(call: string, what: string, path: string): never {
  throw osError(call, "EBUSY", what, path);
}

/**
 * Claims `[start, end)` of the file for a map of this handle (and releases
 * whatever else the handle claimed).
 *
 * @throws {Deno.errors.Busy} If another handle is cutting the file right now.
 */
export function claim(file: PosixFile, start: number, end: number): void {
  const d = file.descriptor;
  if (!d.claims) return;
  const held = file.claimed;
  if (file.exact && USE_OFD && held.start <= start && end <= held.end) {
    // Narrowing a claim held: let go of the rest only.
    setLock(d.fd, "unlock", held.start, start);
    setLock(d.fd, "unlock", end, held.end);
    file.claimed = { start, end };
    return;
  }
  file.claimed = { start, end };
  file.exact = false;
  const result = setLock(d.fd, "read", start, end, true);
  if (result === "busy") {
    busy(
      "fcntl",
      "The file is being resized by another handle; try again",
      file.path,
    );
  }
  if (!USE_OFD) return;
  setLock(d.fd, "unlock", 0, start);
  setLock(d.fd, "unlock", end, Infinity);
  file.exact = result === "ok";
}

/**
 * Takes the bytes from `from` on for this handle alone, before cutting or
 * overwriting them (in {@linkcode resizing}); undo with
 * {@linkcode claim}.
 *
 * @throws {Deno.errors.Busy} If another handle of this library maps any of
 * them (nothing is changed then).
 */
export function claimTail(file: PosixFile, from: number, call: string): void {
  if (tryClaimTail(file, from)) return;
  busy(
    call,
    from === 0
      ? "The file is mapped by another live map; close it first"
      : `A live map of the file covers bytes past ${from}; close it first`,
    file.path,
  );
}

/**
 * {@linkcode claimTail} that tells instead of throwing.
 *
 * @returns false when another handle of this library maps any of the bytes
 * (the handle's claim is as it was).
 */
export function tryClaimTail(file: PosixFile, from: number): boolean {
  const d = file.descriptor;
  if (!d.claims) return true;
  file.exact = false;
  if (setLock(d.fd, "write", from, Infinity) !== "busy") return true;
  // flock: the failed conversion may have dropped the shared lock; take it back.
  if (!USE_OFD) setLock(d.fd, "read", 0, Infinity, true);
  return false;
}

/**
 * Runs `change`, a change of the file's size, with the file's size lock
 * held (a write lock on the bytes at {@linkcode CLAIMS_END}, waited for up
 * to {@linkcode WAIT_MS}): every `fstat`, claim check, `ftruncate` and
 * `fallocate` in it sees no other handle's size change in between. Nested
 * calls run under the outer one's lock. Where locks are whole-file
 * (`flock`) or refused (a descriptor not open for writing), `change` runs
 * without.
 *
 * @throws {Deno.errors.Busy} If another handle kept resizing the file for
 * all that time (nothing is changed then).
 */
export function resizing<T>(file: PosixFile, call: string, change: () => T): T {
  const d = file.descriptor;
  if (!d.claims || !USE_OFD || file.resizing) return change();
  const locked = setLock(d.fd, "write", CLAIMS_END, SIZE_LOCK_END, true);
  if (locked === "busy") {
    busy(
      call,
      "The file is being resized by another handle; try again",
      file.path,
    );
  }
  file.resizing = true;
  try {
    return change();
  } finally {
    file.resizing = false;
    if (locked === "ok" && d.fd >= 0) {
      setLock(d.fd, "unlock", CLAIMS_END, SIZE_LOCK_END);
    }
  }
}

/**
 * Goes back to the handle's claim after {@linkcode claimTail}, keeping only
 * the bytes below `size` when the file was cut to `size`.
 */
export function restoreClaim(file: PosixFile, size = Infinity): void {
  const { start, end } = file.claimed;
  claim(file, start, Math.max(start, Math.min(end, size)));
}

/** Room for a path the C library returns (PATH_MAX: 4096 on Linux, 1024 on macOS). */
const pathBuffer = new Uint8Array(8192);

/** The NUL-terminated text at the start of `pathBuffer`. */
function pathText(length = pathBuffer.indexOf(0)): string {
  return decoder.decode(pathBuffer.subarray(0, length));
}

/**
 * The path Deno's own `open` applies its special-file rule to: `path` with
 * symbolic links resolved (`realpath`), for a file that does not exist yet
 * those of its nearest existing directory; taken as given where Deno takes
 * it so (see {@linkcode resolvesLinks}).
 */
function resolvedPath(path: string): string {
  if (!resolvesLinks(path)) return path;
  const rest: string[] = [];
  for (let head = path;;) {
    if (libc().realpath(cString(head), pathBuffer) !== null) {
      return join(pathText(), ...rest.reverse());
    }
    const parent = dirname(head);
    // Any other failure (EACCES, ELOOP) is open(2)'s to report.
    if (errnoName(errno()) !== "ENOENT" || parent === head) return path;
    rest.push(basename(head));
    head = parent;
  }
}

const F_GETPATH = 50; // macOS

/**
 * The path of the file an open descriptor refers to, as the kernel knows
 * it (Linux: the `/proc/self/fd` link; macOS: `F_GETPATH`), or null where
 * it cannot be told.
 */
export function descriptorPath(fd: number): string | null {
  const c = libc();
  if (Deno.build.os === "linux") {
    const n = Number(
      c.readlink(
        cString(`/proc/self/fd/${fd}`),
        pathBuffer,
        BigInt(pathBuffer.length),
      ),
    );
    return n > 0 && n < pathBuffer.length ? pathText(n) : null;
  }
  if (Deno.build.os === "darwin" && c.fcntl(fd, F_GETPATH, pathBuffer) === 0) {
    return pathText();
  }
  return null;
}

/**
 * Hooks for tests: `beforeOpen` runs once a path reached through links was
 * checked, right before it is opened (to change the links in between, as
 * another process could); `withoutOpenat2` opens as on a kernel without
 * `openat2` (before Linux 5.6) or on macOS.
 */
export const openHooks: {
  beforeOpen: ((path: string) => void) | null;
  withoutOpenat2: boolean;
} = {
  beforeOpen: null,
  withoutOpenat2: false,
};

/**
 * Opens a file: the path made absolute and normalised, checked against
 * Deno's permissions and opened as that same string, without waiting (a
 * FIFO would block `open(2)` until a writer comes); only regular files and
 * devices are kept. A regular file is claimed whole until it is mapped.
 */
export function openFile(path: string, options: OpenOptions): PosixFile {
  if (path.includes("\0")) {
    throw new TypeError(
      `Cannot open ${JSON.stringify(path)}: paths must not contain NUL`,
    );
  }
  // Paths from toPath() are absolute and normalised already.
  const target = isNormalPosixPath(path) ? path : resolve(path);
  const write = options.write || options.create === true ||
    options.truncate === true;
  requireFileAccess(target, write);
  let flags = (options.write ? C.O_RDWR : C.O_RDONLY) | C.O_CLOEXEC |
    C.O_NONBLOCK;
  if (options.create) flags |= C.O_CREAT;
  if (options.exclusive) flags |= C.O_EXCL;
  if (options.truncate) flags |= C.O_TRUNC;
  // A path outside the special directories opened with no link on the way
  // is the file opened: Deno's special-file rule is met as it stands.
  if (resolvesLinks(target) && !isSpecialFile(target, write)) {
    const fd = openWithoutLinks(target, flags);
    if (fd >= 0) {
      return adopt(fd, target, false, { write, resolved: target, exact: true });
    }
  }
  // Deno's own open refuses special files without --allow-all, wherever a
  // link points from: checked before opening (opening some devices acts),
  // and again on what was opened (the links may have changed since).
  const resolved = resolvedPath(target);
  requireSpecialFileAccess(resolved, write, target);
  // A write lands where the links lead: Deno's permissions are checked
  // there too (as Deno's FsFile.stat checks them), so that a link in an
  // allowed directory is no way to write outside it.
  if (write && resolved !== target) {
    requireFileAccess(resolved, true, `(where "${target}" leads)`);
  }
  openHooks.beforeOpen?.(target);
  // A file made here is made where it was checked: through the resolved
  // path with no link followed on the way (Linux `openat2`), so that a link
  // changed since cannot make it elsewhere (a refusal after the open could
  // not take such a file back).
  if (
    (flags & C.O_CREAT) !== 0 && resolved !== target && resolvesLinks(resolved)
  ) {
    const fd = openWithoutLinks(resolved, flags);
    if (fd >= 0) {
      return adopt(fd, target, false, { write, resolved, exact: true });
    }
    if (openat2Works && !openHooks.withoutOpenat2) fail("open", target);
  }
  // Opened without O_TRUNC: the file is cut only once what was opened has
  // been checked again (see adopt), since the links may lead elsewhere now
  // than when they were resolved.
  const { fd, created } = openTelling(target, flags & ~C.O_TRUNC);
  if (fd < 0) failOpen(target);
  const file = adopt(fd, target, false, {
    write,
    resolved,
    exact: false,
    created,
  });
  if (options.truncate && file.openedSize !== undefined) {
    try {
      resizing(file, "open", () => {
        claimTail(file, 0, "open");
        if (libc().ftruncate(file.fd, 0n) !== 0) fail("ftruncate", target);
        restoreClaim(file);
      });
    } catch (error) {
      file.close();
      throw error;
    }
    file.openedSize = 0;
  }
  return file;
}

/**
 * `open(2)` that tells whether it made the file: with `O_CREAT`, an
 * existing file is opened first without it, and a missing one made with
 * `O_EXCL`, so that a file this call made (and only one) can be taken back
 * when what was opened is refused (see {@linkcode adopt}). Where `O_EXCL`
 * cannot make it (the last component is a dangling link, or another
 * process made the file in between), opened as asked, not known as made.
 *
 * @returns The descriptor (-1 on failure, `errno` set) and whether this
 * call made the file.
 */
function openTelling(
  path: string,
  flags: number,
): { fd: number; created: boolean } {
  const c = libc();
  const name = cString(path);
  const mode = variadicMode(0o666);
  if ((flags & C.O_CREAT) === 0) {
    return { fd: c.open(name, flags, ...mode), created: false };
  }
  if ((flags & C.O_EXCL) === 0) {
    const fd = c.open(name, flags & ~C.O_CREAT, ...mode);
    if (fd >= 0 || errnoName(errno()) !== "ENOENT") {
      return { fd, created: false };
    }
  }
  const fd = c.open(name, flags | C.O_EXCL, ...mode);
  if (fd >= 0) return { fd, created: true };
  if ((flags & C.O_EXCL) !== 0 || errnoName(errno()) !== "EEXIST") {
    return { fd, created: false };
  }
  return { fd: c.open(name, flags, ...mode), created: false };
}

/** `struct stat`s of what was opened and of what its path names now, reused. */
const openedStat = new Uint8Array(C.stat.bytes);
const namedStat = new Uint8Array(C.stat.bytes);

/**
 * Removes the file a refused open made: the name the descriptor has now, if
 * that name (not followed if a link) is still that same file (device and
 * inode). Anything else is left alone: the refusal's error stands either
 * way.
 */
function removeMade(fd: number, path: string | null): void {
  if (path === null) return;
  try {
    if (fstatInto(fd, openedStat) !== 0 || lstatInto(path, namedStat) !== 0) {
      return;
    }
    const n = C.stat.identityBytes;
    for (let i = 0; i < n; i++) if (openedStat[i] !== namedStat[i]) return;
    libc().unlink(cString(path));
  } catch {
    // No way to tell: left as it is.
  }
}

/**
 * Throws the error of a failed `open(2)`. A socket cannot be opened at all
 * (`ENXIO`): it is refused as the FIFOs and devices that open are
 * (`ENODEV`, `NotSupported`), by what the path names now.
 */
function failOpen(target: string): never {
  const code = errno();
  if (errnoName(code) === "ENXIO") {
    let socket = false;
    try {
      socket = Deno.statSync(target).isSocket === true;
    } catch {
      // Gone or unreadable: open's own error stands.
    }
    if (socket) {
      throw osError("open", "ENODEV", "Not a regular file: a socket", target);
    }
  }
  fail("open", target, code);
}

const OPENAT2 = Deno.build.os === "linux" || Deno.build.os === "android"
  ? C.openat2
  : null;
/** `struct open_how`, reused. */
const openHow = new BigUint64Array(3);
const openHowBytes = new Uint8Array(openHow.buffer);
/** Cleared when the kernel (or a sandbox) refuses `openat2` itself. */
let openat2Works = OPENAT2 !== null;

/**
 * Opens `path` (absolute and normalised) only if none of its components is
 * a symbolic link (Linux `openat2` with `RESOLVE_NO_SYMLINKS`), so that the
 * file opened is the one the path names as written. Saves resolving the
 * path before and reading it back after (four system calls fewer).
 *
 * @returns The descriptor, or -1 when it cannot open that way for any
 * reason (a link on the way, a missing file, an older kernel): the caller
 * then opens the usual way, which reports its own error.
 */
export function openWithoutLinks(path: string, flags: number): number {
  if (!openat2Works || openHooks.withoutOpenat2) return -1;
  const syscall = libc().syscall;
  if (syscall == null) {
    openat2Works = false;
    return -1;
  }
  const how = OPENAT2!;
  openHow[0] = BigInt(flags);
  openHow[1] = (flags & C.O_CREAT) !== 0 ? 0o666n : 0n;
  openHow[2] = BigInt(how.RESOLVE_NO_SYMLINKS);
  const fd = Number(
    syscall(
      BigInt(how.SYS_openat2),
      BigInt(how.AT_FDCWD),
      cString(path),
      openHowBytes,
      BigInt(how.bytes),
    ),
  );
  if (fd >= 0) return fd;
  const name = errnoName(errno());
  if (name === "ENOSYS" || name === "EPERM") openat2Works = false;
  return -1;
}

/**
 * Wraps a fresh descriptor after checking what it is; closes it on refusal.
 * With `special`, also applies Deno's special-file rule to what the
 * descriptor turned out to be (see {@linkcode requireSpecialFileAccess}).
 */
function adopt(
  fd: number,
  path: string,
  shared = false,
  special?: {
    write: boolean;
    /** The path links resolved, as checked before opening. */
    resolved: string;
    /** Whether the descriptor is known to be the file at `resolved`. */
    exact: boolean;
    /** Whether the open made the file: it is removed on refusal. */
    created?: boolean;
  },
): PosixFile {
  let kind: "file" | "device";
  let size: number;
  let regular: boolean;
  let opened: string | null = null;
  try {
    // Claimed whole before its size is read: no handle of this library can
    // cut it from here on, so the size stays true (it may only grow).
    if (setLock(fd, "read", 0, Infinity, true) === "busy") {
      busy(
        "fcntl",
        "The file is being resized by another handle; try again",
        path,
      );
    }
    const stat = fstat(fd, path);
    if (special !== undefined) {
      opened = special.exact ? null : descriptorPath(fd);
      requireSpecialFileAccess(
        opened ?? special.resolved,
        special.write,
        path,
        DEVICES.includes(stat.type) ? stat.type as DeviceKind : undefined,
      );
      // The permission check binds to the file opened, not to where the
      // links led a moment before: a link flipped by another process
      // between the check and open(2) is refused here, before anything of
      // the file (its size, its bytes) is changed.
      if (special.write && opened !== null && opened !== special.resolved) {
        requireFileAccess(opened, true, `(where "${path}" led when opened)`);
      }
    }
    kind = kindOf(stat.type, path);
    size = stat.size;
    regular = stat.type === "file";
    if (kind === "device") setLock(fd, "unlock", 0, Infinity);
  } catch (error) {
    // A file the open made where it was refused is taken back.
    if (special?.created === true) {
      removeMade(fd, opened ?? descriptorPath(fd));
    }
    libc().close(fd);
    throw error;
  }
  const file = new PosixFile(fd, path, kind, shared);
  file.exact = kind === "file";
  // (fstat gives a block device's size as 0: lseek tells it.)
  if (regular) file.openedSize = size;
  return file;
}

const F_GETFL = 3;
const O_ACCMODE = 3;

/**
 * Opens a descriptor the caller owns with a handle of its own. On Linux it
 * is opened anew through `/proc/self/fd` (same file, same access), so that
 * its claims are its own even when the caller maps the same descriptor
 * twice; elsewhere, or where that fails, it is `dup`'d.
 *
 * The descriptor is no way around Deno's permissions: a number is not a
 * grant (the runtime's own files, such as its SQLite caches, have
 * descriptors too). The file it refers to must be readable, and writable for
 * `write`, under Deno's permissions for the path the kernel gives for it
 * (see {@linkcode requireDescriptorAccess}).
 *
 * @param fd The caller's descriptor.
 * @param write Whether the map may write the file or change its size.
 */
export function duplicateFile(fd: number, write: boolean): PosixFile {
  const path = `fd ${fd}`;
  if (typeof fd !== "number" || !Number.isInteger(fd)) {
    throw new TypeError(`Cannot map descriptor ${fd}: not a file descriptor`);
  }
  // Outside int: no such descriptor, as the kernel says of negative ones.
  if (fd < 0 || fd > 0x7fff_ffff) {
    throw osError("dup", "EBADF", "Bad file descriptor", path);
  }
  const c = libc();
  const mode = c.fcntl(fd, F_GETFL, null);
  if (mode < 0) fail("fcntl", path);
  requireDescriptorAccess(fd, write, path);
  let copy = -1;
  if (Deno.build.os === "linux" && (mode & O_ACCMODE) !== 1) {
    copy = c.open(
      cString(`/proc/self/fd/${fd}`),
      (mode & O_ACCMODE) | C.O_CLOEXEC | C.O_NONBLOCK,
      ...variadicMode(0),
    );
  }
  const shared = copy < 0;
  if (shared) copy = c.dup(fd);
  if (copy < 0) fail("dup", path);
  try {
    // The copy is the file checked (a descriptor's file never changes), but
    // the reopen went through a magic link: what it opened is checked too.
    if (!shared) requireDescriptorAccess(copy, write, path);
  } catch (error) {
    c.close(copy);
    throw error;
  }
  return adopt(copy, path, shared);
}

/** What `/proc/self/fd` shows for a file made by `memfd_create`. */
const MEMFD = /^\/memfd:.* \(deleted\)$/;

/**
 * Checks Deno's permissions for the file an open descriptor refers to, by
 * the path the kernel gives for it (Linux `/proc/self/fd`, macOS
 * `F_GETPATH`): read access, and write access for `write`; a special file
 * (a device but the harmless ones, anything under `/proc`, `/sys` or
 * `/dev` on Linux, `/dev/shm` included) needs `--allow-all`, as Deno's own
 * `open` of it would. A deleted file is checked under the name the kernel
 * gives (`"/dir/name (deleted)"`: a grant of its directory covers it). A
 * file with no path (`memfd_create`) needs no file permission: no path
 * reaches it, so only FFI code made it. Where the path cannot be told (no
 * `/proc`, another system), read access (and write access) to everything is
 * needed.
 *
 * @throws {Deno.errors.NotCapable} Naming the missing flag.
 */
function requireDescriptorAccess(
  fd: number,
  write: boolean,
  what: string,
): void {
  const path = descriptorPath(fd);
  if (path === null) {
    // No way to tell the file: everything must be granted.
    for (const name of write ? ["read", "write"] as const : ["read"] as const) {
      if (Deno.permissions.querySync({ name }).state !== "granted") {
        throw new Deno.errors.NotCapable(
          `Requires ${name} access to every file (the file of ${what}, whose path cannot be told here), run again with the --allow-${name} flag`,
        );
      }
    }
    return;
  }
  // A pipe, a socket, an anonymous inode ("pipe:[12]"): no file, refused
  // as such once opened.
  if (!path.startsWith("/")) return;
  if (Deno.build.os === "linux" && MEMFD.test(path)) return;
  const { type } = fstat(fd, what);
  requireSpecialFileAccess(
    path,
    write,
    path,
    DEVICES.includes(type) ? type as DeviceKind : undefined,
  );
  const why = `(the file of ${what})`;
  requireFileAccess(path, write, why);
}

/**
 * Writes all of `bytes` to `fd` from byte `at` (`pwrite`, in parts of at
 * most 1 GiB, again after `EINTR`).
 *
 * @throws The library's OS error, as `write` naming `what`.
 */
export function writeAll(
  fd: number,
  bytes: Uint8Array,
  at: number,
  what: string,
): void {
  const c = libc();
  checkBytes(at, "a file offset");
  for (let done = 0; done < bytes.length;) {
    const part = bytes.subarray(done, done + (1 << 30));
    const n = Number(
      c.pwrite(fd, part, BigInt(part.length), BigInt(at + done)),
    );
    if (n < 0) {
      if (errnoName(errno()) === "EINTR") continue;
      fail("write", what);
    }
    done += n;
  }
}

/** Disk-space errors of `fallocate`; any other failure means "cannot reserve here". */
const NO_SPACE = new Set(["ENOSPC", "EDQUOT", "EFBIG", "EIO", "EINTR"]);

/**
 * Reserves the disk blocks of `[start, end)` (Linux `fallocate`, mode 0), so
 * that writing them through a map cannot meet a full disk. Where the file
 * system cannot reserve (no `fallocate`), the bytes stay unreserved.
 *
 * @throws {Error} `ENOSPC` (or `EDQUOT`) when the disk cannot hold them.
 */
export function reserve(file: PosixFile, start: number, end: number): void {
  const fallocate = libc().fallocate;
  if (fallocate == null || end <= start) return;
  if (fallocate(file.fd, 0, BigInt(start), BigInt(end - start)) === 0) return;
  const code = errno();
  if (NO_SPACE.has(errnoName(code))) fail("fallocate", file.path, code);
}

const FALLOC_FL_ZERO_RANGE = 0x10;
const ZEROS = new Uint8Array(1 << 20);

/**
 * Makes `[0, length)` of the file read as zeros, keeping its blocks:
 * `fallocate(FALLOC_FL_ZERO_RANGE)` where the file system has it, writing
 * zeros elsewhere.
 */
export function zero(file: PosixFile, length: number): void {
  const c = libc();
  if (length <= 0) return;
  if (
    c.fallocate != null &&
    c.fallocate(file.fd, FALLOC_FL_ZERO_RANGE, 0n, BigInt(length)) === 0
  ) {
    return;
  }
  for (let at = 0; at < length;) {
    const n = Math.min(ZEROS.length, length - at);
    const written = Number(c.pwrite(file.fd, ZEROS, BigInt(n), BigInt(at)));
    if (written < 0) {
      if (errnoName(errno()) === "EINTR") continue;
      fail("pwrite", file.path);
    }
    at += written;
  }
}
