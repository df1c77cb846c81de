/**
 * `save()`: write an array to a `.npy` file, as `numpy.save`.
 *
 * @module
 */

import type { NDArray } from "../memmap/ndarray.ts";
import { saveFile, toPath, withExtension } from "./_files.ts";
import { npyContent } from "./npy_array.ts";

/**
 * Saves an array to a `.npy` file (NumPy `np.save`), appending `.npy` to
 * the path when it does not end with it. The array keeps its dtype and byte
 * order; a Fortran-contiguous array is saved in Fortran order, any other in
 * C order. Every dtype is written as NumPy writes it (records with NumPy's
 * `descr` list: padding, nesting, subarray fields, titles). The format
 * version is NumPy writer's choice: 1.0; 2.0 for headers over 64 KiB; 3.0
 * for field names outside Latin-1. The data starts at a multiple of 64
 * bytes, so the file can be memory-mapped with {@linkcode load} or
 * {@linkcode openMemmap}; the file is byte for byte what `np.save` writes.
 *
 * How the file is written depends on Deno's permissions, and only
 * `np.save`'s are needed: read and write access to the file. With read and
 * write access to its directory already granted (never asked for), the file
 * is written under a temporary name in the directory and renamed over
 * `path` when complete, so a failed save leaves the previous file (if any)
 * as it was and its readers never see half of one; the new file keeps the
 * old one's permission bits (and owner and group where the process may set
 * them); a symbolic link stays a link, the file it leads to is replaced;
 * another hard link keeps the old content. With access to the file alone,
 * it is written in place, as `np.save` does (hard links, mode and owner
 * stay): a file a live map of this library covers is refused (`Busy`), and
 * the bytes past the old end are written first, so a full disk changes
 * nothing; an I/O error after that leaves it partly written, as with
 * `np.save`. The library does not ask for the directory because a save
 * needs no more than `np.save` does; grant it for saves that are atomic.
 * With `--allow-ffi` every step after the permission check acts on the
 * directory (or file) checked, so a directory swapped for a symbolic link
 * meanwhile is refused (`NotCapable`) rather than written through; without
 * it the steps go by path (see README, Safety).
 * Contiguous arrays are written straight from their memory, without
 * per-element conversion.
 *
 * @param path The file, a path or `file:` URL; `.npy` is appended when missing.
 * @param array The array to save.
 * @throws {TypeError} If `array` is not an `NDArray` or `path` is not a
 *   path, or the array is a record with overlapping fields (NumPy has no
 *   descr for it either).
 * @throws {Deno.errors.BadResource} If the array's memory map is closed.
 * @throws {Deno.errors.NotCapable} Without `--allow-read` and `--allow-write` for the file (or its directory).
 * @throws {Deno.errors.Busy} Writing in place over a file a live map covers.
 * @throws {Deno.errors.NotSupported} If `path` is (or links to) a device, FIFO or socket (`ENODEV`).
 * @throws {Error} For a failed OS call, with its errno name in `code` (`ENOSPC`...), the file unchanged.
 *
 * @example Save and load back
 * ```ts
 * import { array, load, NDArray, save } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   save(`${dir}/a`, array([[1, 2], [3, 4]], { dtype: "int32" }));
 *   const b = load(`${dir}/a.npy`);
 *   assert.equal(b.dtype.str, "<i4");
 *   assert.deepEqual(b.toArray(), [[1, 2], [3, 4]]);
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function save(path: string | URL, array: NDArray): void {
  const target = withExtension(toPath(path), ".npy");
  const content = npyContent(array);
  saveFile(target, (file) => {
    file.write(content.header);
    for (const chunk of content.data) file.write(chunk);
  }, content.size);
}
