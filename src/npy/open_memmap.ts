/**
 * `openMemmap()`: create or map a `.npy` file as a memory-mapped array, as
 * `numpy.lib.format.open_memmap`.
 *
 * @module
 */

import { dtype as toDType, type DTypeLike } from "../memmap/dtype.ts";
import type { NameOf } from "../memmap/types.ts";
import { type Memmap, wrapMmap } from "../memmap/memmap.ts";
import { openFile } from "../mmap/mmap.ts";
import { withReadOnlyHint } from "../ffi/permissions.ts";
import { shapeSize } from "../memmap/shape.ts";
import { describe, isArray, toBoolean, toOptions, toShape } from "../_args.ts";
import { quotePath } from "./_errors.ts";
import { toPath } from "./_files.ts";
import { formatNpyHeader, type NpyVersion, toMaxHeaderSize } from "./header.ts";
import { mapNpyFile } from "./npy_array.ts";

/** Options of {@linkcode openMemmap}. */
export interface OpenMemmapOptions<D extends DTypeLike = DTypeLike> {
  /**
   * `"r+"` (default) read/write, `"r"` read-only, `"c"` copy-on-write: map
   * an existing file. `"w+"`: create (or overwrite) the file with a header
   * for `dtype`, `shape` and order, data zero-filled.
   */
  mode?: "r" | "r+" | "w+" | "c";
  /** Element type for `"w+"` (default `"float64"`); ignored otherwise, as in NumPy. */
  dtype?: D;
  /** Shape for `"w+"` (required); ignored otherwise. */
  shape?: readonly number[];
  /** Lay the data out in Fortran order (`"w+"` only; default false). */
  fortranOrder?: boolean;
  /**
   * Format version for `"w+"`; when omitted, chosen as NumPy's writer does:
   * 1.0, 2.0 for a header over 64 KiB, 3.0 for field names outside Latin-1.
   */
  version?: [1, 0] | [2, 0] | [3, 0];
  /**
   * Longest header accepted when reading an existing file, in characters
   * (NumPy's `max_header_size`); default 10,000.
   */
  maxHeaderSize?: number;
}

const VERSIONS = new Set(["1,0", "2,0", "3,0"]);

/**
 * Opens a `.npy` file as a memory-mapped array (NumPy
 * `numpy.lib.format.open_memmap`).
 *
 * In mode `"w+"` the file is created (or replaced) with a `.npy` header for
 * `dtype`, `shape` and `fortranOrder`, and its data, zero-filled (disk
 * blocks reserved), mapped read/write; the returned memmap's mode is `"r+"`,
 * as in NumPy. An existing file keeps its content until all of that has
 * succeeded, and is refused with `Deno.errors.Busy` while a live map of it
 * is open. In the other modes the header of the
 * existing file is read and the data mapped at its offset (a multiple of 64
 * in files written by NumPy or here).
 *
 * @param path The file, a path or `file:` URL (no extension is added).
 * @param options Mode, and for `"w+"` dtype, shape, order and version.
 * @returns The memmap; close it (or `using`) to unmap.
 * @throws {TypeError} For an unknown mode or dtype, `"w+"` without a shape,
 *   a bad version, or a file of an unsupported dtype (object arrays never).
 * @throws {Deno.errors.InvalidData} If an existing file is malformed or truncated.
 * @throws {Deno.errors.NotFound} If the file does not exist (modes other than `"w+"`).
 * @throws {Deno.errors.NotCapable} Without `--allow-read`, `--allow-write` or `--allow-ffi`.
 *
 * @example Create a .npy file, fill it through the map, read it back
 * ```ts
 * import { load, NDArray, openMemmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   {
 *     using m = openMemmap(`${dir}/big.npy`, { mode: "w+", dtype: "int32", shape: [2, 3] });
 *     assert.equal(m.mode, "r+");
 *     m.slice(1).assign([4, 5, 6]);
 *   }
 *   const a = load(`${dir}/big.npy`);
 *   assert.deepEqual(a.toArray(), [[0, 0, 0], [4, 5, 6]]);
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function openMemmap<const D extends DTypeLike>(
  path: string | URL,
  options: OpenMemmapOptions<D> & { dtype: D },
): Memmap<NameOf<D>>;
/**
 * Maps a `.npy` file of a type known only at run time.
 *
 * @param path The file.
 * @param options Mode, and for `"w+"` dtype, shape, order and version.
 * @returns The memory-mapped array.
 */
export function openMemmap(
  path: string | URL,
  options?: OpenMemmapOptions,
): Memmap;
export function openMemmap(
  path: string | URL,
  options?: OpenMemmapOptions,
): Memmap {
  const filename = toPath(path);
  const where = quotePath(filename);
  // Every option is read once, before the file is touched.
  const o = toOptions(options, `open ${where}`);
  const mode = o.mode === undefined ? "r+" : o.mode;
  const dtypeOption = o.dtype, shapeOption = o.shape;
  const fortranOption = o.fortranOrder, version = o.version;
  const maxHeaderSize = toMaxHeaderSize(o.maxHeaderSize, `open ${where}`);
  if (mode !== "r" && mode !== "r+" && mode !== "w+" && mode !== "c") {
    throw new TypeError(
      `Cannot open ${where} in mode ${
        describe(mode)
      }: mode must be "r", "r+", "w+" or "c"`,
    );
  }
  if (mode !== "w+") {
    return withReadOnlyHint(
      () => mapNpyFile(filename, mode, where, maxHeaderSize),
      o.mode === undefined,
      'mode: "r"',
    );
  }
  let dt = toDType(dtypeOption === undefined ? "float64" : dtypeOption);
  if (shapeOption === undefined || shapeOption === null) {
    throw new TypeError(
      `Cannot create ${where} in mode "w+" without a shape: shape must be given`,
    );
  }
  let shape = toShape(shapeOption, `create ${where}`, dt.itemsize);
  if (dt.subdtype !== null) {
    // As NumPy: the subarray's axes become the array's.
    shape = [...shape, ...dt.subdtype.shape];
    dt = dt.subdtype.base;
  }
  const fortranOrder = toBoolean(
    fortranOption,
    false,
    `create ${where}`,
    "fortranOrder",
  );
  if (
    version !== undefined &&
    !(isArray(version) && version.length === 2 &&
      typeof version[0] === "number" && typeof version[1] === "number" &&
      VERSIONS.has(`${version[0]},${version[1]}`))
  ) {
    throw new TypeError(
      `Cannot create ${where} with version ${
        describe(version)
      }: version must be [1, 0], [2, 0] or [3, 0]`,
    );
  }
  const nbytes = shapeSize(shape) * dt.itemsize;
  if (!Number.isSafeInteger(nbytes)) {
    throw new RangeError(
      `Cannot create ${where}: shape ${
        JSON.stringify(shape)
      } of ${dt.str} is too large`,
    );
  }
  const header = formatNpyHeader(
    dt,
    fortranOrder,
    shape,
    version as NpyVersion | undefined,
  );
  // The file is mapped from byte 0, header included, and replaced only once
  // everything that can fail has succeeded (see openFile's overwrite).
  const mmap = openFile(filename, {
    access: "write",
    offset: 0,
    length: () => header.length + nbytes,
    create: true,
    overwrite: true,
  });
  try {
    mmap.bytes.set(header, 0);
    return wrapMmap(mmap, {
      filename,
      mode: "r+",
      offset: header.length,
      start: header.length,
      dtype: dt,
      shape,
      order: fortranOrder ? "F" : "C",
    });
  } catch (e) {
    mmap.close();
    throw e;
  }
}
