/**
 * `savez()` and `savezCompressed()`: write several arrays to one `.npz`
 * archive, as `numpy.savez` and `numpy.savez_compressed`.
 *
 * @module
 */

import { isArrayObject, type NDArray } from "../memmap/ndarray.ts";
import { describe, isRevoked, readObject } from "../_args.ts";
import { saveFile, toPath, withExtension } from "./_files.ts";
import { npyContent } from "./npy_array.ts";
import { ZipWriter } from "./zip_writer.ts";

function* chain(
  first: Uint8Array,
  rest: Iterable<Uint8Array>,
): Generator<Uint8Array> {
  yield first;
  yield* rest;
}

function writeNpz(
  path: string | URL,
  arrays: Record<string, NDArray>,
  compress: boolean,
): void {
  const target = withExtension(toPath(path), ".npz");
  if (
    typeof arrays !== "object" || arrays === null || isArrayObject(arrays) ||
    isRevoked(arrays)
  ) {
    throw new TypeError(
      `Cannot save ${describe(arrays)}: expected a record of named arrays`,
    );
  }
  const entries = readObject(
    () => Object.entries(arrays),
    (reason) => `Cannot save ${describe(arrays)}: the arrays object ${reason}`,
  );
  // Describe every member first: a bad argument fails before any file is made.
  const contents = entries.map(([name, array]) => {
    // A lone surrogate has no UTF-8 (TextEncoder would write U+FFFD: two
    // names could become one), as NumPy's UnicodeEncodeError.
    if (!name.isWellFormed()) {
      throw new TypeError(
        `Cannot save member ${
          JSON.stringify(name)
        }: its name is not valid Unicode (a lone surrogate has no UTF-8)`,
      );
    }
    try {
      return npyContent(array);
    } catch (e) {
      if (e instanceof TypeError) {
        throw new TypeError(`Cannot save member "${name}": ${e.message}`);
      }
      throw e;
    }
  });
  saveFile(target, (file) => {
    const zip = new ZipWriter(file);
    entries.forEach(([name], i) => {
      const content = contents[i];
      zip.add(`${name}.npy`, chain(content.header, content.data), { compress });
    });
    zip.finish();
  });
}

/**
 * Saves arrays to an uncompressed `.npz` archive (NumPy `np.savez`); each
 * array becomes a member `NAME.npy`. `.npz` is appended to the path when
 * missing.
 *
 * The archive is what NumPy writes (zip64 local headers, zip64 directory
 * records past 2 GiB) with one addition that every zip reader skips: each
 * member's data starts at a multiple of 64 bytes, so members loaded with
 * `load(path, { mmapMode: "r" })` are memory-mapped with aligned data. The
 * file is written as {@linkcode save} writes it (under a temporary name
 * renamed when complete with access to the directory, else in place; the
 * same permissions, the same attributes kept).
 *
 * @param path The file, a path or `file:` URL; `.npz` is appended when missing.
 * @param arrays The arrays by name.
 * @throws {TypeError} If a value is not an `NDArray`, or `arrays` cannot be
 *   read (a Proxy breaking the Proxy invariants, a getter that throws).
 * @throws {Deno.errors.BadResource} If an array's memory map is closed.
 * @throws {Deno.errors.NotCapable} Without `--allow-read` and `--allow-write` for the file (or its directory).
 *
 * @example Save two arrays, map them back
 * ```ts
 * import { array, load, type Memmap, type NpzFile, savez } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   savez(`${dir}/data`, { x: array([1, 2, 3]), y: array([true, false]) });
 *   using npz = load(`${dir}/data.npz`, { mmapMode: "r" });
 *   assert.deepEqual(npz.files, ["x", "y"]);
 *   using x = npz.get("x") as Memmap;
 *   assert.equal(x.sum(), 6);
 *   assert.equal(x.offset % 64, 0);
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function savez(
  path: string | URL,
  arrays: Record<string, NDArray>,
): void {
  writeNpz(path, arrays, false);
}

/**
 * Saves arrays to a deflate-compressed `.npz` archive (NumPy
 * `np.savez_compressed`); each array becomes a member `NAME.npy`. `.npz` is
 * appended to the path when missing. Members are compressed in blocks, so
 * memory use stays bounded for large arrays. Compressed members cannot be
 * memory-mapped: {@linkcode NpzFile.get} reads them into memory.
 *
 * @param path The file, a path or `file:` URL; `.npz` is appended when missing.
 * @param arrays The arrays by name.
 * @throws {TypeError} If a value is not an `NDArray`, or `arrays` cannot be
 *   read (a Proxy breaking the Proxy invariants, a getter that throws).
 * @throws {Deno.errors.BadResource} If an array's memory map is closed.
 * @throws {Deno.errors.NotCapable} Without `--allow-read` and `--allow-write` for the file (or its directory).
 *
 * @example Compress a repetitive array
 * ```ts
 * import { array, load, type NDArray, type NpzFile, savezCompressed } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   savezCompressed(`${dir}/zeros.npz`, { z: array(new Float64Array(100_000)) });
 *   assert.ok(Deno.statSync(`${dir}/zeros.npz`).size < 10_000);
 *   using npz = load(`${dir}/zeros.npz`);
 *   assert.equal(npz.get("z").size, 100_000);
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function savezCompressed(
  path: string | URL,
  arrays: Record<string, NDArray>,
): void {
  writeNpz(path, arrays, true);
}
