/**
 * Random access to bytes, from memory or from an open file, so that the
 * `.npy` and zip readers read only the parts they need.
 *
 * @module
 */

import fs from "node:fs";
import { fromRuntimeError, osError, UNTYPED_FILE } from "../ffi/os_error.ts";
import { allocateArray } from "../memmap/alloc.ts";
import { sys } from "../ffi/platform.ts";

/** `O_NONBLOCK` where the platform has it (not on Windows, where opening never waits on a pipe's writer). */
const NONBLOCK: number = fs.constants.O_NONBLOCK ?? 0;

/** Something bytes can be read from at any offset. */
export interface ByteSource {
  /** Total number of bytes. */
  readonly size: number;
  /**
   * Reads `length` bytes at `offset`.
   *
   * @param offset Where to start; `offset + length` must be at most `size`.
   * @param length How many bytes.
   * @returns Exactly `length` bytes (may be a view of shared memory).
   */
  read(offset: number, length: number): Uint8Array;
  /**
   * Reads `into.length` bytes at `offset` into a buffer the caller keeps
   * (sources that read a file have it; in-memory sources give views instead).
   *
   * @param offset Where to start; `offset + into.length` must be at most `size`.
   * @param into Where the bytes go.
   */
  readInto?(offset: number, into: Uint8Array): void;
}

/**
 * A source over bytes in memory; reads are zero-copy views.
 *
 * @param bytes The bytes.
 * @returns The source.
 */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset: number, length: number): Uint8Array {
      checkRange(offset, length, bytes.length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/**
 * A source over bytes mapped (or copied) from `base` on: offsets are the
 * file's, reads are zero-copy views.
 *
 * @param bytes The bytes of `[base, base + bytes.length)`.
 * @param base Where they start in the file.
 * @returns The source; reading before `base` is a `RangeError`.
 */
export function windowSource(bytes: Uint8Array, base: number): ByteSource {
  return {
    size: base + bytes.length,
    read(offset: number, length: number): Uint8Array {
      checkRange(offset - base, length, bytes.length);
      return bytes.subarray(offset - base, offset - base + length);
    },
  };
}

/** A source over a file opened for reading; close it when done. */
export interface FileSource extends ByteSource, Disposable {
  /**
   * What tells this file from another one later found at its path: its
   * device, inode, size and modification time, as read from the open file.
   */
  readonly identity: string;
  /** Closes the file; idempotent. */
  close(): void;
}

/** What a file that is not a regular file is, for messages. */
export function kindOf(stat: Deno.FileInfo): string {
  if (stat.isFifo) return "a FIFO";
  if (stat.isSocket) return "a socket";
  if (stat.isCharDevice) return "a character device";
  if (stat.isBlockDevice) return "a block device";
  if (stat.isSymlink) return "a symbolic link";
  // (No other type Deno's file information tells; the mode's bits, where
  // there is a mode: no type at all is a descriptor of a kernel object.)
  const type = (stat.mode ?? 0) & 0o170000;
  return type === 0 ? UNTYPED_FILE : `a file of type 0o${type.toString(8)}`;
}

/**
 * Opens a regular file for reading, never waiting: a FIFO (which would
 * block `open(2)` until a writer comes), a socket, a device or a directory
 * is refused. The file is opened non-blocking, so that even one swapped for
 * a FIFO after the check is not waited on (its reads fail instead). Deno
 * checks `--allow-read` for `path` itself (no FFI is needed); the file
 * opened is `path` as given, so pass a path made by `toPath`.
 *
 * @param path The file, as made by `toPath`.
 * @param where The file's name for error messages.
 * @returns The source; its size is taken once, when it is opened.
 * @throws {Deno.errors.NotFound} If the file does not exist.
 * @throws {Deno.errors.IsADirectory} If it is a directory.
 * @throws {Deno.errors.NotSupported} If it is not a regular file (code `ENODEV`).
 * @throws {Deno.errors.NotCapable} Without `--allow-read` for the path.
 */
export function openFileSource(path: string, where: string): FileSource {
  const stat = sys.stat(path);
  if (!stat.isFile) {
    throw stat.isDirectory
      ? osError("open", "EISDIR", "Is a directory", path)
      : osError("open", "ENODEV", `Not a regular file: ${kindOf(stat)}`, path);
  }
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | NONBLOCK);
  } catch (error) {
    throw fromRuntimeError("open", error, path);
  }
  // What was opened (the path may have changed since it was looked at).
  let opened: fs.Stats;
  try {
    opened = fs.fstatSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    throw fromRuntimeError("fstat", error, path);
  }
  if (!opened.isFile()) {
    fs.closeSync(fd);
    throw osError("open", "ENODEV", "Not a regular file", path);
  }
  const size = opened.size;
  let open = true;
  function readInto(offset: number, out: Uint8Array): void {
    const length = out.length;
    checkRange(offset, length, size);
    if (!open) {
      throw new Deno.errors.BadResource(`Cannot read ${where}: it is closed`);
    }
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        n = fs.readSync(
          fd,
          out,
          done,
          Math.min(length - done, 1 << 30),
          offset + done,
        );
      } catch (error) {
        throw fromRuntimeError("read", error, path);
      }
      if (n === 0) {
        throw new Deno.errors.InvalidData(
          `File ended early, expected ${length} bytes but got ${done}, in ${where} at byte ${
            offset + done
          }`,
        );
      }
      done += n;
    }
  }
  return {
    size,
    identity: [opened.dev, opened.ino, size, opened.mtimeMs].join(":"),
    read(offset: number, length: number): Uint8Array {
      checkRange(offset, length, size);
      if (!open) {
        throw new Deno.errors.BadResource(`Cannot read ${where}: it is closed`);
      }
      // Large reads (array data) into memory with huge pages, as NumPy's arrays.
      const out = allocateArray(length);
      prefault(out);
      readInto(offset, out);
      return out;
    },
    readInto,
    close(): void {
      if (!open) return;
      open = false;
      try {
        fs.closeSync(fd);
      } catch (error) {
        throw fromRuntimeError("close", error, path);
      }
    },
    [Symbol.dispose](): void {
      this.close();
    },
  };
}

/**
 * Touches every page of a fresh buffer before a read fills it: faults taken
 * inside `read(2)` (one per 4 KiB page as the kernel copies) cost several
 * times more than faults taken by a plain write, one per huge page where the
 * buffer has them (measured: 512 MiB read into an untouched buffer 0.7-2 s,
 * touched first 0.15-0.25 s in all).
 */
function prefault(bytes: Uint8Array): void {
  if (bytes.length < 1 << 20) return;
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 0;
}

function checkRange(offset: number, length: number, size: number): void {
  if (
    !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 || offset + length > size
  ) {
    throw new RangeError(
      `Cannot read ${length} bytes at ${offset}: range must be within 0..${size}`,
    );
  }
}
