/**
 * Per-OS values of the C constants the library passes to the kernel.
 *
 * Linux values are from `<asm-generic/mman-common.h>`, `<bits/fcntl-linux.h>`
 * and `<asm-generic/errno-base.h>`; they are the same on x86_64 and aarch64
 * (checked on x86_64 in CI). macOS values are from the SDK headers
 * `<sys/mman.h>`, `<sys/fcntl.h>` and `<sys/errno.h>` and are untested: no
 * macOS machine runs the tests. Windows has no such flags; its table holds the
 * values the portable API exposes so that code using them still type-checks.
 *
 * This module opens no library, so it is safe to import without permissions.
 *
 * @module
 */

/** The constants one platform uses. */
export interface PlatformConstants {
  /** Size of a memory page, as assumed before any library is loaded. */
  readonly pageSize: number;
  /** Offsets of file mappings must be multiples of this. */
  readonly allocationGranularity: number;
  readonly PROT_READ: number;
  readonly PROT_WRITE: number;
  readonly PROT_EXEC: number;
  readonly MAP_SHARED: number;
  readonly MAP_PRIVATE: number;
  readonly MAP_ANONYMOUS: number;
  /** 0 where the platform has no such flag. */
  readonly MAP_NORESERVE: number;
  /** Prefault the pages (Linux); 0 elsewhere. */
  readonly MAP_POPULATE: number;
  /** Place the map at the given address, replacing what was there. */
  readonly MAP_FIXED: number;
  readonly MS_ASYNC: number;
  readonly MS_SYNC: number;
  readonly MS_INVALIDATE: number;
  readonly O_RDONLY: number;
  readonly O_RDWR: number;
  readonly O_CREAT: number;
  readonly O_EXCL: number;
  readonly O_TRUNC: number;
  readonly O_CLOEXEC: number;
  /** Open without waiting (a FIFO's `open(2)` waits for a writer otherwise). */
  readonly O_NONBLOCK: number;
  readonly SEEK_END: number;
  /**
   * `struct stat`: its size in bytes, the offsets of `st_mode` (a 32-bit
   * field on Linux x86_64, 16-bit elsewhere: the file type bits are in the
   * low 16 either way, little-endian) and `st_size`, and how many bytes
   * from its start hold `st_dev` and `st_ino` (on macOS with `st_mode` and
   * `st_nlink` between them): equal for two `stat`s of one file.
   */
  readonly stat: {
    readonly bytes: number;
    readonly modeOffset: number;
    readonly sizeOffset: number;
    readonly identityBytes: number;
  };
  /**
   * `fcntl` commands and `struct flock` of open-file-description locks
   * (Linux 3.15+), which the library uses to know the byte ranges its maps
   * cover; `null` where the platform has none (whole-file `flock` instead).
   */
  readonly ofdLocks: {
    readonly F_OFD_GETLK: number;
    readonly F_OFD_SETLK: number;
    /** `sizeof(struct flock)`; `l_type` and `l_whence` are 16-bit at 0 and 2. */
    readonly bytes: number;
    readonly startOffset: number;
    readonly lenOffset: number;
    readonly pidOffset: number;
  } | null;
  /** `mremap` flag; 0 where the platform has no `mremap`. */
  readonly MREMAP_MAYMOVE: number;
  /**
   * Linux `mremap` flags that move a range's page tables to a given address
   * and leave the old range mapped (`MREMAP_DONTUNMAP`, 5.7+; for file maps
   * 5.13+); `null` elsewhere.
   */
  readonly mremapMove: {
    readonly MREMAP_FIXED: number;
    readonly MREMAP_DONTUNMAP: number;
  } | null;
  /** `getrlimit` resource of the address-space limit (`ulimit -v`); -1 where there is none. */
  readonly RLIMIT_AS: number;
  /** `getrlimit` resource of the descriptor limit (`ulimit -n`); -1 where there is none. */
  readonly RLIMIT_NOFILE: number;
  /**
   * The signal a write past the file-size limit (`ulimit -f`) raises, which
   * ends the process by default; -1 where there is none. The library ignores
   * it when it is at its default, as CPython does, so that the call fails
   * with `EFBIG` instead.
   */
  readonly SIGXFSZ: number;
  /**
   * Linux `openat2` (5.6+), through `syscall`: its number, `AT_FDCWD`,
   * the `RESOLVE_NO_SYMLINKS` flag and `sizeof(struct open_how)` (three
   * 64-bit fields: flags, mode, resolve); `null` elsewhere.
   */
  readonly openat2: {
    readonly SYS_openat2: number;
    readonly AT_FDCWD: number;
    readonly RESOLVE_NO_SYMLINKS: number;
    readonly bytes: number;
  } | null;
  /**
   * What a save needs to make, rename and remove files inside a directory
   * it opened (`openat`, `renameat`, `unlinkat`, `fstatat`): the open flags,
   * `AT_SYMLINK_NOFOLLOW`, and where `struct stat` keeps `st_dev` (its
   * width in bytes), `st_ino`, `st_uid` and `st_gid`; `null` where saves
   * go by path (Windows).
   */
  readonly directories: {
    readonly O_WRONLY: number;
    readonly O_DIRECTORY: number;
    readonly O_NOFOLLOW: number;
    readonly AT_SYMLINK_NOFOLLOW: number;
    /**
     * `O_TMPFILE` (Linux: a file with no name in the directory until it is
     * linked), or 0 where there is none.
     */
    readonly O_TMPFILE: number;
    readonly devOffset: number;
    readonly devBytes: 4 | 8;
    readonly inoOffset: number;
    readonly uidOffset: number;
    readonly gidOffset: number;
  } | null;
  /**
   * Python's `mmap.MADV_*` names available on this platform, with values:
   * the advice `Mmap.madvise` accepts. Advice that can make a later access
   * fault (Linux `MADV_REMOVE`, `MADV_HWPOISON`, guard pages) is not here.
   */
  readonly madvise: Readonly<Record<string, number>>;
  /** errno value to its symbolic name. */
  readonly errnoNames: Readonly<Record<number, string>>;
}

const LINUX_ERRNO: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  4: "EINTR",
  5: "EIO",
  6: "ENXIO",
  9: "EBADF",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  19: "ENODEV",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  23: "ENFILE",
  24: "EMFILE",
  26: "ETXTBSY",
  27: "EFBIG",
  28: "ENOSPC",
  29: "ESPIPE",
  30: "EROFS",
  36: "ENAMETOOLONG",
  38: "ENOSYS",
  40: "ELOOP",
  75: "EOVERFLOW",
  95: "EOPNOTSUPP",
  122: "EDQUOT",
};

/** Linux, x86_64 and aarch64 (the generic ABI). */
export const LINUX: PlatformConstants = {
  pageSize: 4096,
  // aarch64 kernels may use 4, 16 or 64 KiB pages: 64 KiB is a multiple of each.
  allocationGranularity: Deno.build.arch === "aarch64" ? 65536 : 4096,
  PROT_READ: 0x1,
  PROT_WRITE: 0x2,
  PROT_EXEC: 0x4,
  MAP_SHARED: 0x01,
  MAP_PRIVATE: 0x02,
  MAP_ANONYMOUS: 0x20,
  MAP_NORESERVE: 0x4000,
  MAP_POPULATE: 0x8000,
  MAP_FIXED: 0x10,
  MS_ASYNC: 1,
  MS_INVALIDATE: 2,
  MS_SYNC: 4,
  O_RDONLY: 0,
  O_RDWR: 2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_TRUNC: 0o1000,
  O_CLOEXEC: 0o2000000,
  O_NONBLOCK: 0o4000,
  SEEK_END: 2,
  // x86_64: 144 bytes, st_mode at 24 (after dev, ino, nlink of 8 each); the
  // generic layout (aarch64): 128 bytes, st_mode at 16; st_size at 48 in both
  stat: {
    bytes: 144,
    modeOffset: Deno.build.arch === "aarch64" ? 16 : 24,
    sizeOffset: 48,
    identityBytes: 16, // st_dev (8), st_ino (8)
  },
  // <bits/fcntl-linux.h>: F_OFD_GETLK 36, F_OFD_SETLK 37; struct flock:
  // short l_type, short l_whence, off_t l_start (8), off_t l_len (16),
  // pid_t l_pid (24), 32 bytes on x86_64 and aarch64
  ofdLocks: {
    F_OFD_GETLK: 36,
    F_OFD_SETLK: 37,
    bytes: 32,
    startOffset: 8,
    lenOffset: 16,
    pidOffset: 24,
  },
  MREMAP_MAYMOVE: 1,
  mremapMove: { MREMAP_FIXED: 2, MREMAP_DONTUNMAP: 4 }, // linux/mman.h
  RLIMIT_AS: 9, // asm-generic/resource.h
  RLIMIT_NOFILE: 7,
  SIGXFSZ: 25, // asm-generic/signal.h (x86_64 and aarch64 alike)
  // the generic syscall number (x86_64 and aarch64 alike); <linux/openat2.h>
  openat2: {
    SYS_openat2: 437,
    AT_FDCWD: -100,
    RESOLVE_NO_SYMLINKS: 0x04,
    bytes: 24,
  },
  // asm-generic/fcntl.h (aarch64) and x86's own values; fcntl.h
  // AT_SYMLINK_NOFOLLOW; struct stat: dev 8 at 0, ino 8 at 8, then x86_64
  // nlink 8, mode 4, uid, gid; the generic layout mode 4, nlink 4, uid, gid
  directories: {
    O_WRONLY: 1,
    O_DIRECTORY: Deno.build.arch === "aarch64" ? 0o40000 : 0o200000,
    O_NOFOLLOW: Deno.build.arch === "aarch64" ? 0o100000 : 0o400000,
    AT_SYMLINK_NOFOLLOW: 0x100,
    // __O_TMPFILE | O_DIRECTORY
    O_TMPFILE: 0o20000000 |
      (Deno.build.arch === "aarch64" ? 0o40000 : 0o200000),
    devOffset: 0,
    devBytes: 8,
    inoOffset: 8,
    uidOffset: Deno.build.arch === "aarch64" ? 24 : 28,
    gidOffset: Deno.build.arch === "aarch64" ? 28 : 32,
  },
  madvise: {
    MADV_NORMAL: 0,
    MADV_RANDOM: 1,
    MADV_SEQUENTIAL: 2,
    MADV_WILLNEED: 3,
    MADV_DONTNEED: 4,
    MADV_FREE: 8,
    // MADV_REMOVE (9) is left out on purpose: it frees the file's blocks under
    // a shared map, so a later write can fault (SIGBUS) once the disk fills.
    MADV_DONTFORK: 10,
    MADV_DOFORK: 11,
    MADV_MERGEABLE: 12,
    MADV_UNMERGEABLE: 13,
    MADV_HUGEPAGE: 14,
    MADV_NOHUGEPAGE: 15,
    MADV_DONTDUMP: 16,
    MADV_DODUMP: 17,
    MADV_POPULATE_READ: 22, // Linux 5.14+
    MADV_POPULATE_WRITE: 23, // Linux 5.14+
    // Left out too: MADV_HWPOISON (100) and MADV_SOFT_OFFLINE (101) take pages
    // away, MADV_GUARD_INSTALL (102) turns them into faulting guard pages.
  },
  errnoNames: LINUX_ERRNO,
};

/**
 * macOS (Darwin), x86_64 and arm64. Untested: no macOS machine runs the tests.
 * Every value was checked against Apple's xnu sources of the SDK headers
 * (apple-oss-distributions/xnu): `bsd/sys/mman.h` for PROT_/MAP_/MS_/MADV_,
 * `bsd/sys/fcntl.h` for O_, `bsd/sys/errno.h` for errno (whose `errno` is
 * `(*__error())`, read by libc.ts).
 */
export const DARWIN: PlatformConstants = {
  // vm_page_size: 16 KiB on Apple silicon, 4 KiB on Intel Macs.
  pageSize: Deno.build.arch === "aarch64" ? 16384 : 4096,
  allocationGranularity: 16384, // a multiple of both page sizes
  PROT_READ: 0x01, // sys/mman.h: PROT_READ 0x01
  PROT_WRITE: 0x02, // PROT_WRITE 0x02
  PROT_EXEC: 0x04, // PROT_EXEC 0x04
  MAP_SHARED: 0x0001, // MAP_SHARED 0x0001
  MAP_PRIVATE: 0x0002, // MAP_PRIVATE 0x0002
  MAP_ANONYMOUS: 0x1000, // MAP_ANON 0x1000 (MAP_ANONYMOUS is an alias)
  MAP_NORESERVE: 0x0040, // MAP_NORESERVE 0x0040 ("Sun: don't reserve swap")
  MAP_POPULATE: 0, // no such flag
  MAP_FIXED: 0x0010, // sys/mman.h: MAP_FIXED 0x0010
  MS_ASYNC: 0x0001, // MS_ASYNC 0x0001
  MS_INVALIDATE: 0x0002, // MS_INVALIDATE 0x0002
  MS_SYNC: 0x0010, // MS_SYNC 0x0010 (Linux: 4)
  O_RDONLY: 0x0000, // sys/fcntl.h: O_RDONLY 0x0000
  O_RDWR: 0x0002, // O_RDWR 0x0002
  O_CREAT: 0x0200, // O_CREAT 0x00000200 (Linux: 0o100)
  O_EXCL: 0x0800, // O_EXCL 0x00000800
  O_TRUNC: 0x0400, // O_TRUNC 0x00000400
  O_CLOEXEC: 0x01000000, // O_CLOEXEC 0x01000000
  O_NONBLOCK: 0x0004, // O_NONBLOCK 0x00000004
  SEEK_END: 2, // sys/unistd.h
  // sys/stat.h, struct stat with 64-bit inodes: dev 4, mode 2, nlink 2, ino 8,
  // uid 4, gid 4, rdev 4, pad 4, four timespecs of 16, then st_size at 96
  stat: { bytes: 144, modeOffset: 4, sizeOffset: 96, identityBytes: 16 },
  ofdLocks: null, // whole-file flock(2) instead
  MREMAP_MAYMOVE: 0, // no mremap: resize maps anew and unmaps the old range
  mremapMove: null,
  RLIMIT_AS: 5, // sys/resource.h
  RLIMIT_NOFILE: 8,
  SIGXFSZ: 25, // sys/signal.h
  openat2: null,
  // sys/fcntl.h: O_WRONLY 0x0001, O_DIRECTORY 0x00100000, O_NOFOLLOW
  // 0x00000100, AT_SYMLINK_NOFOLLOW 0x0020; struct stat (64-bit inodes):
  // dev 4 at 0, mode, nlink, ino 8 at 8, uid at 16, gid at 20
  directories: {
    O_WRONLY: 0x0001,
    O_DIRECTORY: 0x100000,
    O_NOFOLLOW: 0x0100,
    AT_SYMLINK_NOFOLLOW: 0x0020,
    O_TMPFILE: 0,
    devOffset: 0,
    devBytes: 4,
    inoOffset: 8,
    uidOffset: 16,
    gidOffset: 20,
  },
  madvise: {
    // sys/mman.h; the names Python's mmap module exports on macOS
    MADV_NORMAL: 0,
    MADV_RANDOM: 1,
    MADV_SEQUENTIAL: 2,
    MADV_WILLNEED: 3,
    MADV_DONTNEED: 4,
    MADV_FREE: 5,
    MADV_FREE_REUSABLE: 7,
    MADV_FREE_REUSE: 8,
  },
  errnoNames: { // sys/errno.h
    1: "EPERM",
    2: "ENOENT",
    4: "EINTR",
    5: "EIO",
    6: "ENXIO",
    9: "EBADF",
    12: "ENOMEM",
    13: "EACCES",
    14: "EFAULT",
    16: "EBUSY",
    17: "EEXIST",
    18: "EXDEV",
    19: "ENODEV",
    20: "ENOTDIR",
    21: "EISDIR",
    22: "EINVAL",
    23: "ENFILE",
    24: "EMFILE",
    26: "ETXTBSY",
    27: "EFBIG",
    28: "ENOSPC",
    29: "ESPIPE",
    30: "EROFS",
    35: "EAGAIN",
    45: "ENOTSUP",
    62: "ELOOP",
    63: "ENAMETOOLONG",
    69: "EDQUOT",
    78: "ENOSYS",
    84: "EOVERFLOW",
    102: "EOPNOTSUPP",
  },
};

/**
 * Win32 error codes by name (`winerror.h`), used as the Windows backend's
 * `errnoNames`: `GetLastError()` values map to these names, and the names
 * map to `Deno.errors` classes in os_error.ts, as errno names do on Unix.
 */
const WINDOWS_ERRORS: Record<number, string> = {
  2: "ERROR_FILE_NOT_FOUND",
  3: "ERROR_PATH_NOT_FOUND",
  4: "ERROR_TOO_MANY_OPEN_FILES",
  5: "ERROR_ACCESS_DENIED",
  6: "ERROR_INVALID_HANDLE",
  8: "ERROR_NOT_ENOUGH_MEMORY",
  14: "ERROR_OUTOFMEMORY",
  15: "ERROR_INVALID_DRIVE",
  19: "ERROR_WRITE_PROTECT",
  21: "ERROR_NOT_READY",
  32: "ERROR_SHARING_VIOLATION",
  33: "ERROR_LOCK_VIOLATION",
  39: "ERROR_HANDLE_DISK_FULL",
  50: "ERROR_NOT_SUPPORTED",
  53: "ERROR_BAD_NETPATH",
  67: "ERROR_BAD_NET_NAME",
  80: "ERROR_FILE_EXISTS",
  87: "ERROR_INVALID_PARAMETER",
  112: "ERROR_DISK_FULL",
  123: "ERROR_INVALID_NAME",
  131: "ERROR_NEGATIVE_SEEK",
  161: "ERROR_BAD_PATHNAME",
  170: "ERROR_BUSY",
  183: "ERROR_ALREADY_EXISTS",
  206: "ERROR_FILENAME_EXCED_RANGE",
  267: "ERROR_DIRECTORY",
  317: "ERROR_MR_MID_NOT_FOUND",
  487: "ERROR_INVALID_ADDRESS",
  1006: "ERROR_FILE_INVALID",
  1132: "ERROR_MAPPED_ALIGNMENT",
  1224: "ERROR_USER_MAPPED_FILE",
  1450: "ERROR_NO_SYSTEM_RESOURCES",
  1455: "ERROR_COMMITMENT_LIMIT",
  1921: "ERROR_CANT_RESOLVE_FILENAME",
};

/**
 * Windows, x64 and arm64. Mapping views start at multiples of 64 KiB (the
 * `dwAllocationGranularity` of `GetSystemInfo`); pages are 4 KiB. The
 * PROT_/MAP_ values are the Unix ones, kept so that portable code
 * type-checks; the Windows backend reads them as the same abstract requests
 * (shared, private, read-only). Its `madvise` is a no-op. Untested on
 * Windows: the backend runs in CI against a model of kernel32.
 */
export const WINDOWS: PlatformConstants = {
  ...LINUX,
  pageSize: 4096,
  allocationGranularity: 65536,
  MAP_NORESERVE: 0,
  MAP_POPULATE: 0,
  MREMAP_MAYMOVE: 0,
  mremapMove: null,
  RLIMIT_AS: -1,
  RLIMIT_NOFILE: -1,
  SIGXFSZ: -1, // no such signal
  openat2: null,
  directories: null,
  madvise: {
    MADV_NORMAL: 0,
    MADV_RANDOM: 1,
    MADV_SEQUENTIAL: 2,
    MADV_WILLNEED: 3,
    MADV_DONTNEED: 4,
  },
  errnoNames: WINDOWS_ERRORS,
};

/**
 * The table for an operating system as `Deno.build.os` names it.
 *
 * @param os The operating system.
 * @returns Its constants; Linux values for the other Unixes.
 */
export function constantsFor(os: typeof Deno.build.os): PlatformConstants {
  if (os === "darwin") return DARWIN;
  if (os === "windows") return WINDOWS;
  return LINUX;
}

/** The constants of the platform this process runs on. */
export const PLATFORM: PlatformConstants = constantsFor(Deno.build.os);
