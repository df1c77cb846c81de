/**
 * `load()`: read a `.npy` or `.npz` file, as `numpy.load`.
 *
 * @module
 */

import type { Memmap } from "../memmap/memmap.ts";
import type { NDArray } from "../memmap/ndarray.ts";
import { invalidData, quotePath, showBytes } from "./_errors.ts";
import { toPath } from "./_files.ts";
import { openFileSource } from "./byte_source.ts";
import { describe, toOptions } from "../_args.ts";
import { NPY_MAGIC, toMaxHeaderSize } from "./header.ts";
import { mapNpyFile, readNpyArray } from "./npy_array.ts";
import { NpzFile, npzMmapMode } from "./npz_file.ts";

/** How `load()` maps a file; `null` or omitted reads it into memory. */
export type LoadMmapMode = "r" | "r+" | "c";

/** Options of {@linkcode load}. */
export interface LoadOptions {
  /**
   * Memory-map instead of reading: `"r"` read-only, `"r+"` read/write
   * (`.npy` only), `"c"` copy-on-write. For `.npz` archives, stored members
   * are mapped in place.
   */
  mmapMode?: LoadMmapMode | null;
  /**
   * Longest `.npy` header accepted, in characters (NumPy's
   * `max_header_size`); default 10,000. Larger headers are refused as a
   * safety measure; raise the limit for files you trust. For archives it
   * applies to every member.
   */
  maxHeaderSize?: number;
}

function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

function npyMmapMode(mode: unknown): "r" | "r+" | "c" | null {
  if (mode === undefined || mode === null) return null;
  if (mode === "r" || mode === "readonly") return "r";
  if (mode === "r+" || mode === "readwrite") return "r+";
  if (mode === "c" || mode === "copyonwrite") return "c";
  throw new TypeError(
    `Cannot load with mmapMode ${
      describe(mode)
    }: mmapMode must be "r", "r+", "c" or null`,
  );
}

/**
 * Loads arrays from a `.npy` or `.npz` file (NumPy `np.load`), telling them
 * apart by their first bytes.
 *
 * - `.npy`: without `mmapMode`, the array is read into memory (no FFI
 *   needed). With `mmapMode`, the file is memory-mapped and a
 *   {@linkcode Memmap} returned at once, whatever the file's size: nothing is
 *   read until elements are used.
 * - `.npz`: returns an {@linkcode NpzFile}; members are read when asked for.
 *   With `mmapMode` `"r"` or `"c"`, stored members are memory-mapped in
 *   place, even when their data is not aligned (NumPy ignores `mmap_mode` for
 *   archives and copies every member).
 *
 * Files written by NumPy 1.x and 2.x load here: format versions 1.0, 2.0 and
 * 3.0, any byte order, C or Fortran order, 0-d and empty arrays, every
 * dtype but objects and long doubles: numbers, bytes (`S`), text (`U`), raw
 * bytes (`V`), datetime64/timedelta64 and records (structured dtypes, with
 * padding, nesting, subarray fields, titles). Headers are parsed without
 * evaluation and limited to `maxHeaderSize` (10,000) characters, as in
 * NumPy. Pickled object arrays are never read: loading one throws a
 * `TypeError` saying the file holds pickled Python objects.
 *
 * @param path The file, a path or `file:` URL.
 * @param options `mmapMode`: `"r"`, `"r+"` (`.npy` only), `"c"`, or `null`
 *   to read into memory; `maxHeaderSize`.
 * @returns An `NDArray` (in memory), a `Memmap` (`.npy` with `mmapMode`) or an `NpzFile`.
 * @throws {Deno.errors.InvalidData} If the file is neither `.npy` nor `.npz`, or is
 *   malformed: bad magic, unknown version, truncated header or data, header
 *   over the limit, wrong keys, bad shape, zip entries outside the file, CRC
 *   mismatch. The message says what and at which byte.
 * @throws {TypeError} For an object (`|O`) or otherwise unsupported dtype, a bad
 *   path, an unknown `mmapMode`, or `"r+"` for an archive.
 * @throws {Deno.errors.NotFound} If the file does not exist.
 * @throws {Deno.errors.NotCapable} Without `--allow-read` (and `--allow-ffi` with `mmapMode`).
 *
 * @example Map a .npy file read-only
 * ```ts
 * import { array, load, type Memmap, save } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   save(`${dir}/m.npy`, array([[1, 2], [3, 4]], { dtype: ">f4" }));
 *   using m = load(`${dir}/m.npy`, { mmapMode: "r" });
 *   assert.equal(m.dtype.str, ">f4");
 *   assert.equal(m.offset, 128);
 *   assert.equal(m.get(1, 0), 3);
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function load(
  path: `${string}.npz`,
  options?: LoadOptions,
): NpzFile;
/**
 * Maps a `.npy` file (`mmapMode` given).
 *
 * @param path The file.
 * @param options `mmapMode`.
 * @returns The memory-mapped array.
 */
export function load(
  path: `${string}.npy`,
  options: LoadOptions & { mmapMode: LoadMmapMode },
): Memmap;
/**
 * Reads a `.npy` file into memory (no `mmapMode`).
 *
 * @param path The file.
 * @param options No `mmapMode`, or `null`.
 * @returns The array.
 */
export function load(
  path: `${string}.npy`,
  options?: LoadOptions & { mmapMode?: null },
): NDArray;
/**
 * Loads a file whose kind the name does not tell: the content decides.
 *
 * @param path The file.
 * @param options `mmapMode`.
 * @returns An array, a memory-mapped array or an archive.
 */
export function load(
  path: string | URL,
  options?: LoadOptions,
): NDArray | Memmap | NpzFile;
export function load(
  path: string | URL,
  options?: LoadOptions,
): NDArray | Memmap | NpzFile {
  const filename = toPath(path);
  const o = toOptions(options, "load");
  const requested = o.mmapMode;
  const mode = npyMmapMode(requested);
  const maxHeaderSize = toMaxHeaderSize(o.maxHeaderSize, "load");
  const where = quotePath(filename);
  {
    using source = openFileSource(filename, where);
    const size = source.size;
    const head = source.read(0, Math.min(size, NPY_MAGIC.length));
    if (isZip(head)) {
      return new NpzFile(filename, {
        mmapMode: npzMmapMode(requested),
        maxHeaderSize,
      });
    }
    if (
      head.length < NPY_MAGIC.length ||
      !head.every((b, i) => b === NPY_MAGIC[i])
    ) {
      throw invalidData(
        where,
        0,
        `Not a .npy or .npz file: it starts with ${
          showBytes(head)
        } (pickles are never read)`,
      );
    }
    if (mode === null) {
      return readNpyArray(source, 0, size, where, maxHeaderSize);
    }
  }
  return mapNpyFile(filename, mode, where, maxHeaderSize);
}
