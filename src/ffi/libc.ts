/**
 * The C library symbols the POSIX backend calls, declared once and loaded
 * lazily on first use, so that importing the library needs no permission.
 *
 * Addresses inside a mapping are passed as `usize` integers rather than
 * pointer objects: the ABI is the same on every 64-bit target, and it saves
 * making a pointer object for each address computed from a mapping's base.
 *
 * @module
 */

import { PLATFORM } from "./constants.ts";
import { requireFfi } from "./permissions.ts";
import { unsignedParameters } from "./unsigned.ts";

/**
 * `(const char *, int, ...)` taking a mode: the path, the flags and seven
 * more integers, the mode passed as both the third and the ninth argument
 * (see `open` below).
 */
const PATH_FLAGS_VARIADIC_MODE = [
  "buffer",
  "i32",
  "i32",
  "i32",
  "i32",
  "i32",
  "i32",
  "i32",
  "i32",
] as const;

/** The libc symbols, with their C prototypes. */
export const LIBC_SYMBOLS = {
  // int open(const char *path, int flags, ...)   (the variadic mode_t mode)
  // Declared with nine integers, the mode passed both third and ninth: where
  // variadic arguments travel in registers (x86_64, Linux aarch64) the callee
  // reads the third; on Apple arm64 they go on the stack, where the ninth
  // lands once eight arguments fill x0..x7. The extra arguments are ignored.
  open: {
    parameters: PATH_FLAGS_VARIADIC_MODE,
    result: "i32",
  },
  // char *realpath(const char *path, char *resolved)   (resolved: PATH_MAX bytes)
  realpath: { parameters: ["buffer", "buffer"], result: "pointer" },
  // ssize_t readlink(const char *path, char *buf, size_t size)
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  // long syscall(long number, ...)   (Linux: openat2(int dirfd, const char
  // *path, struct open_how *how, size_t size), which glibc does not wrap;
  // integer and pointer arguments travel as fixed ones would on Linux)
  syscall: {
    parameters: ["i64", "i64", "buffer", "buffer", "usize"],
    result: "i64",
    optional: true,
  },
  // int openat(int dirfd, const char *path, int flags, ...)   (the mode
  // passed fourth and ninth, as `open`'s is third and ninth: the ninth is
  // where Apple arm64 reads a variadic argument once x0..x7 are full)
  openat: {
    parameters: [
      "i32",
      "buffer",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
    ],
    result: "i32",
  },
  // int fstatat(int dirfd, const char *path, struct stat *buf, int flags)
  // (glibc 2.33+, macOS arm64)
  fstatat: {
    parameters: ["i32", "buffer", "buffer", "i32"],
    result: "i32",
    optional: true,
  },
  // int fstatat$INODE64(...)   (macOS x86_64's 64-bit-inode fstatat)
  fstatat_inode64: {
    name: "fstatat$INODE64",
    parameters: ["i32", "buffer", "buffer", "i32"],
    result: "i32",
    optional: true,
  },
  // int __fxstatat64(int ver, int dirfd, const char *path,
  //                  struct stat64 *buf, int flags)   (glibc before 2.33)
  fxstatat64: {
    name: "__fxstatat64",
    parameters: ["i32", "i32", "buffer", "buffer", "i32"],
    result: "i32",
    optional: true,
  },
  // int renameat(int olddirfd, const char *old, int newdirfd, const char *new)
  renameat: { parameters: ["i32", "buffer", "i32", "buffer"], result: "i32" },
  // int unlinkat(int dirfd, const char *path, int flags)
  unlinkat: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  // int linkat(int olddirfd, const char *old, int newdirfd, const char *new,
  //            int flags)
  linkat: {
    parameters: ["i32", "buffer", "i32", "buffer", "i32"],
    result: "i32",
    optional: true,
  },
  // int fchmod(int fd, mode_t mode)
  fchmod: { parameters: ["i32", "i32"], result: "i32" },
  // int fchown(int fd, uid_t owner, gid_t group)   (-1: leave as is)
  fchown: { parameters: ["i32", "u32", "u32"], result: "i32" },
  // int lstat(const char *path, struct stat *buf)   (glibc 2.33+, macOS arm64)
  lstat: { parameters: ["buffer", "buffer"], result: "i32", optional: true },
  // int lstat$INODE64(const char *path, struct stat *buf)   (macOS x86_64)
  lstat_inode64: {
    name: "lstat$INODE64",
    parameters: ["buffer", "buffer"],
    result: "i32",
    optional: true,
  },
  // int __lxstat64(int ver, const char *path, struct stat64 *buf)   (glibc
  // before 2.33)
  lxstat64: {
    name: "__lxstat64",
    parameters: ["i32", "buffer", "buffer"],
    result: "i32",
    optional: true,
  },
  // int unlink(const char *path)
  unlink: { parameters: ["buffer"], result: "i32" },
  // int close(int fd)
  close: { parameters: ["i32"], result: "i32" },
  // int dup(int fd)
  dup: { parameters: ["i32"], result: "i32" },
  // off_t lseek(int fd, off_t offset, int whence)
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
  // int fstat(int fd, struct stat *buf)   (glibc 2.33+, macOS arm64)
  fstat: { parameters: ["i32", "buffer"], result: "i32", optional: true },
  // int fstat$INODE64(int fd, struct stat *buf)   (macOS x86_64's 64-bit-inode fstat)
  fstat_inode64: {
    name: "fstat$INODE64",
    parameters: ["i32", "buffer"],
    result: "i32",
    optional: true,
  },
  // int __fxstat64(int ver, int fd, struct stat64 *buf)   (glibc before 2.33,
  // which exports no fstat)
  fxstat64: {
    name: "__fxstat64",
    parameters: ["i32", "i32", "buffer"],
    result: "i32",
    optional: true,
  },
  // int fcntl(int fd, int cmd, ...)   (the open-file-description lock
  // commands, whose third argument is a struct flock *; variadic, but a
  // pointer travels where a fixed one would on Linux, the only user)
  fcntl: { parameters: ["i32", "i32", "buffer"], result: "i32" },
  // int flock(int fd, int operation)
  flock: { parameters: ["i32", "i32"], result: "i32" },
  // ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
  pwrite: { parameters: ["i32", "buffer", "usize", "i64"], result: "isize" },
  // int ftruncate(int fd, off_t length)
  ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  // int fallocate(int fd, int mode, off_t offset, off_t len)   (Linux)
  fallocate: {
    parameters: ["i32", "i32", "i64", "i64"],
    result: "i32",
    optional: true,
  },
  // int fsync(int fd)
  fsync: { parameters: ["i32"], result: "i32" },
  // void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
  mmap: {
    parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"],
    result: "pointer",
  },
  // int munmap(void *addr, size_t len)
  munmap: { parameters: ["usize", "usize"], result: "i32" },
  // int msync(void *addr, size_t len, int flags)
  msync: { parameters: ["usize", "usize", "i32"], result: "i32" },
  // int madvise(void *addr, size_t len, int advice)
  madvise: { parameters: ["usize", "usize", "i32"], result: "i32" },
  // void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)  (Linux only)
  mremap: {
    parameters: ["usize", "usize", "usize", "i32"],
    result: "pointer",
    optional: true,
  },
  // void *mremap(void *old, size_t old_len, size_t new_len, int flags, void *new)
  // (Linux; the variadic new address travels where a fixed one would)
  mremap_to: {
    name: "mremap",
    parameters: ["usize", "usize", "usize", "i32", "usize"],
    result: "usize",
    optional: true,
  },
  // int mincore(void *addr, size_t length, unsigned char *vec)
  mincore: {
    parameters: ["usize", "usize", "buffer"],
    result: "i32",
    optional: true,
  },
  // void *memmem(const void *hay, size_t hay_len, const void *needle, size_t needle_len)
  memmem: {
    parameters: ["usize", "usize", "buffer", "usize"],
    result: "usize",
  },
  // void *memchr(const void *s, int c, size_t n)
  memchr: { parameters: ["usize", "i32", "usize"], result: "usize" },
  // void *memrchr(const void *s, int c, size_t n)   (glibc, musl, FreeBSD)
  memrchr: {
    parameters: ["usize", "i32", "usize"],
    result: "usize",
    optional: true,
  },
  // int getrlimit(int resource, struct rlimit *rlim)   (two rlim_t: soft, hard)
  getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  // int sigaction(int signal, const struct sigaction *action,
  //               struct sigaction *old)   (the handler first everywhere)
  sigaction: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int getpagesize(void)
  getpagesize: { parameters: [], result: "i32" },
  // char *strerror(int errnum)
  strerror: { parameters: ["i32"], result: "pointer" },
  // int shm_open(const char *name, int oflag, ...)  (libc since glibc 2.34;
  // the mode is variadic on macOS: declared as `open` is)
  shm_open: {
    parameters: PATH_FLAGS_VARIADIC_MODE,
    result: "i32",
    optional: true,
  },
  // int shm_unlink(const char *name)
  shm_unlink: { parameters: ["buffer"], result: "i32", optional: true },
  // int *__errno_location(void)   (glibc, musl)
  __errno_location: { parameters: [], result: "pointer", optional: true },
  // int *__error(void)   (macOS)
  __error: { parameters: [], result: "pointer", optional: true },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded libc symbols. */
export type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

/** Library file names tried, per OS, in order. */
const LIBC_NAMES: Partial<Record<typeof Deno.build.os, readonly string[]>> = {
  linux: ["libc.so.6", "libc.so"],
  android: ["libc.so"],
  darwin: ["/usr/lib/libSystem.B.dylib"],
  freebsd: ["libc.so.7"],
};

let loaded: Libc | undefined;
let errnoCell: Deno.UnsafePointerView | undefined;
let errnoWord: Int32Array | undefined;

/**
 * Opens the C library on first use.
 *
 * @returns The typed symbols.
 * @throws {Deno.errors.NotCapable} Without `--allow-ffi`.
 * @throws {Error} When no C library could be opened; the message lists the names tried.
 */
export function libc(): Libc {
  if (loaded) return loaded;
  requireFfi();
  const names = LIBC_NAMES[Deno.build.os] ?? ["libc.so.6"];
  const failures: string[] = [];
  for (const name of names) {
    try {
      const symbols = unsignedParameters(
        Deno.dlopen(name, LIBC_SYMBOLS).symbols,
        LIBC_SYMBOLS,
      );
      ignoreFileSizeSignal(symbols);
      loaded = withGrowsHeld(symbols);
      return loaded;
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new Error(
    `Cannot load the C library on ${Deno.build.os}: tried ${
      failures.join("; ")
    }`,
  );
}

/** `SIG_DFL` and `SIG_IGN`, as the handler of a `struct sigaction`. */
const SIG_DFL = 0n, SIG_IGN = 1n;

/**
 * Room for any `struct sigaction` (glibc: 152 bytes, macOS: 16), whose
 * handler is its first (pointer-sized) field on every platform.
 */
const SIGACTION_WORDS = 32;

/**
 * Ignores `SIGXFSZ` when it is at its default (which ends the process), as
 * CPython does at startup: a call that grows a file past the file-size limit
 * (`ulimit -f`: `ftruncate`, `fallocate`, `write`) then fails with `EFBIG`,
 * which the library reports, instead of killing the process. A handler the
 * program installed (`Deno.addSignalListener("SIGXFSZ", ...)`) or an
 * inherited disposition other than the default is left alone. Done once,
 * when the C library is loaded; the library's own growing calls are guarded
 * each time besides (see {@linkcode withoutFileSizeSignal}).
 *
 * @param c The C library.
 */
function ignoreFileSizeSignal(c: Libc): void {
  const signal = PLATFORM.SIGXFSZ;
  if (signal < 0) return;
  const action = new BigUint64Array(SIGACTION_WORDS);
  const bytes = new Uint8Array(action.buffer);
  if (c.sigaction(signal, null, bytes) !== 0 || action[0] !== SIG_DFL) return;
  action.fill(0n);
  action[0] = SIG_IGN;
  c.sigaction(signal, bytes, null);
}

/** A `struct sigaction` that ignores the signal. */
const IGNORE_ACTION = new Uint8Array(
  new BigUint64Array(SIGACTION_WORDS).fill(SIG_IGN, 0, 1).buffer,
);
/** The disposition {@linkcode withoutFileSizeSignal} puts back. */
const savedAction = new Uint8Array(SIGACTION_WORDS * 8);
/** How many {@linkcode withoutFileSizeSignal} calls are under way. */
let holding = 0;

/**
 * Runs `call`, which may grow a file past the file-size limit, with
 * `SIGXFSZ` ignored, and puts its disposition back afterwards exactly as it
 * was: the call fails with `EFBIG` and the process lives, whatever the
 * program did to the signal in between. (The disposition checked once at
 * load is not enough: a signal listener the program added and removed
 * leaves Deno's handler installed, which ends the process on a `SIGXFSZ`
 * no listener takes. A listener the program keeps is not told of a
 * `SIGXFSZ` the library's own calls cause: their `EFBIG` error says it.)
 * Swapping the disposition, rather than blocking the signal in the calling
 * thread, works where the signal goes to the process rather than to the
 * thread (macOS). `errno` is kept as `call` left it. Nested calls hold it
 * once.
 *
 * @param c The C library.
 * @param call The growing call.
 * @returns What `call` returns.
 */
export function withoutFileSizeSignal<T>(c: Libc, call: () => T): T {
  const signal = PLATFORM.SIGXFSZ;
  if (signal < 0 || holding > 0) return call();
  if (c.sigaction(signal, IGNORE_ACTION, savedAction) !== 0) return call();
  holding++;
  try {
    return call();
  } finally {
    holding--;
    const code = errno();
    c.sigaction(signal, savedAction, null);
    if (errno() !== code) setErrno(code);
  }
}

/** The libc calls that can grow a file, which {@linkcode withGrowsHeld} guards. */
const GROWING = ["ftruncate", "fallocate", "pwrite"] as const;

/**
 * The symbols with every call that can grow a file run under
 * {@linkcode withoutFileSizeSignal}: the one place each of the library's
 * growing calls passes through, whichever entry point made it.
 *
 * @param symbols The loaded symbols.
 * @returns The symbols, the growing ones wrapped.
 */
function withGrowsHeld(symbols: Libc): Libc {
  const out = { ...symbols } as Record<string, unknown>;
  for (const name of GROWING) {
    const fn = symbols[name] as ((...args: unknown[]) => unknown) | null;
    if (typeof fn !== "function") continue;
    out[name] = (...args: unknown[]) =>
      withoutFileSizeSignal(symbols, () => fn(...args));
  }
  return out as Libc;
}

/**
 * Reads the calling thread's `errno`. Call it right after the failing call.
 *
 * @returns The errno value.
 */
export function errno(): number {
  if (!errnoCell) {
    const c = libc();
    const location = c.__errno_location?.() ?? c.__error?.() ?? null;
    if (location === null) return 0;
    // errno lives in thread-local storage; FFI calls run on the JS thread, so
    // the address stays valid for the life of the process.
    errnoCell = new Deno.UnsafePointerView(location);
  }
  return errnoCell.getInt32();
}

/**
 * Sets the calling thread's `errno` (to keep a failed call's value across
 * the calls made after it).
 *
 * @param code The errno value.
 */
function setErrno(code: number): void {
  if (!errnoWord) {
    const c = libc();
    const location = c.__errno_location?.() ?? c.__error?.() ?? null;
    if (location === null) return;
    errnoWord = new Int32Array(
      Deno.UnsafePointerView.getArrayBuffer(location, 4),
    );
  }
  errnoWord[0] = code;
}

/**
 * The C library's description of an errno value.
 *
 * @param code The errno value.
 * @returns The `strerror` text.
 */
export function strerror(code: number): string {
  const text = libc().strerror(code);
  return text === null
    ? `errno ${code}`
    : Deno.UnsafePointerView.getCString(text);
}
