/**
 * Memory for large in-memory arrays, got the way NumPy gets it.
 *
 * A fresh buffer's memory is mapped by the OS on first touch, one page
 * fault per 4 KiB page; on a virtual machine each fault can cost 10 us or
 * more, so the first pass over a new 256 MiB array would spend most of its
 * time in the kernel. NumPy asks Linux for huge pages (`MADV_HUGEPAGE`) on
 * every allocation of 4 MiB or more, which turns 65536 faults into 128. So
 * does {@linkcode allocate}: a plain `ArrayBuffer` (the JavaScript engine
 * owns and frees it; it can be transferred and collected as any other),
 * with the advice given before anything touches it, through the platform
 * seam (`Sys.hugePages`, Linux only) and only when `--allow-ffi` is already
 * granted (it never prompts). Everywhere else, and below the threshold, it
 * is `new ArrayBuffer(n)`.
 *
 * Measured on a 2-core x86-64 VM (256 MiB, first touch): plain 160-370 ms,
 * with huge pages 25-60 ms. An anonymous map wrapped as an `ArrayBuffer`
 * was no faster and would need a lifetime of its own; prefaulting
 * (`MADV_POPULATE_WRITE`) moved the cost without lowering it.
 *
 * An array's data ({@linkcode allocateArray}) from 4 MiB goes one step
 * further: it is the start of a `WebAssembly.Memory` of its own, so that
 * the SIMD reduction kernels run on it in place. WebAssembly reads only its
 * own memory: an array in a plain buffer is copied into the kernels'
 * memory as it is reduced, and for 8-byte types that copy costs as much as
 * NumPy's whole reduction (256 MiB float64 `sum()`: 19 ms of CPU copied,
 * 9 ms in place, NumPy 9 ms). The engine owns and frees the memory as it
 * does an `ArrayBuffer`; huge pages are asked for in the same way.
 *
 * @module
 */

import { sys } from "../ffi/platform.ts";
import { arrayMemory } from "./kernels/runtime.ts";

/** Buffers of at least this many bytes get huge pages where the OS has them (NumPy's threshold: 4 MiB). */
export const HUGE_PAGE_THRESHOLD: number = 4 * 1024 * 1024;

/**
 * Whether FFI is granted: asks Deno without prompting (the library may only
 * use what the user already allowed).
 */
function ffiGranted(): boolean {
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch {
    return false;
  }
}

/** Asks for huge pages for `buffer` when it is large (a hint: failures are ignored). */
function adviseHugePages(buffer: ArrayBuffer): void {
  if (buffer.byteLength < HUGE_PAGE_THRESHOLD) return;
  const hugePages = sys.hugePages;
  if (hugePages !== undefined && ffiGranted()) {
    try {
      hugePages(buffer);
    } catch {
      // A hint only: the buffer is fine without it.
    }
  }
}

/**
 * Allocates `byteLength` zeroed bytes, with huge pages for large buffers
 * where the platform has them (see the module documentation).
 *
 * @param byteLength The size in bytes.
 * @returns A new `ArrayBuffer`, all zero.
 * @throws {RangeError} If `byteLength` is not a valid buffer size or the
 * memory cannot be had.
 */
export function allocate(byteLength: number): ArrayBuffer {
  let buffer: ArrayBuffer;
  try {
    buffer = new ArrayBuffer(byteLength);
  } catch {
    throw outOfMemory(byteLength);
  }
  adviseHugePages(buffer);
  return buffer;
}

/** The library's error for memory the engine cannot give (NumPy's MemoryError). */
function outOfMemory(byteLength: number): RangeError {
  return new RangeError(
    `Cannot allocate ${byteLength} bytes of memory for an array`,
  );
}

/**
 * Allocates `byteLength` zeroed bytes for an array's data. Large arrays
 * (4 MiB and more) get a `WebAssembly.Memory` of their own where
 * WebAssembly SIMD is available (`arrayMemory` in `kernels/runtime.ts`), so
 * that reductions run on the data in place instead of copying it into the
 * kernels' memory; their buffer is then larger than the data (the kernels'
 * scratch follows it) and cannot be transferred. Otherwise, as
 * {@linkcode allocate}.
 *
 * @param byteLength The size in bytes.
 * @returns The bytes (`byteOffset` 0), all zero.
 * @throws {RangeError} If `byteLength` is not a valid buffer size or the
 * memory cannot be had.
 */
export function allocateArray(byteLength: number): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer> | null;
  try {
    bytes = arrayMemory(byteLength);
  } catch {
    throw outOfMemory(byteLength);
  }
  if (bytes === null) return new Uint8Array(allocate(byteLength));
  adviseHugePages(bytes.buffer);
  return bytes;
}
