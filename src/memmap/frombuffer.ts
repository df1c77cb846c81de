/**
 * `frombuffer()`: NumPy's `numpy.frombuffer`, an array viewing bytes that
 * already exist (an `Mmap`'s `bytes`, a `SharedMemory`'s `buf`, any typed
 * array or `ArrayBuffer`) without copying them.
 *
 * @module
 */

import { dtype as toDType, type DTypeLike } from "./dtype.ts";
import type { NameOf } from "./types.ts";
import { NDArray } from "./ndarray.ts";
import { memoryStorage } from "./storage.ts";
import { toByteView, toInt, toOptions, toSize } from "../_args.ts";

/** Options of {@linkcode frombuffer}. */
export interface FromBufferOptions<D extends DTypeLike = DTypeLike> {
  /** The element type; default `"float64"`, as NumPy. */
  dtype?: D;
  /** Number of elements; default (or -1) all that fit after `offset`. */
  count?: number;
  /** Byte offset of the first element in the buffer; default 0. */
  offset?: number;
}

/**
 * A 1-D array viewing `buffer` as elements of `dtype`, as
 * `numpy.frombuffer`. Nothing is copied: writes through the array change the
 * buffer. An array over an `Mmap`'s `bytes` stops working (throws
 * `Deno.errors.BadResource`) once the map is closed or resized, instead of
 * reading freed memory.
 *
 * @param buffer The bytes to view: an `ArrayBuffer`, or a typed array or
 * `DataView` (its bytes, from its `byteOffset`).
 * @param options `dtype`, `count` and `offset`.
 * @returns The array; `reshape()` it for more dimensions.
 * @throws {RangeError} If `offset`/`count` do not fit the buffer, or the
 * bytes after `offset` are not a whole number of elements (with `count` -1),
 * or the view reaches past an in-memory array's data into the library's
 * scratch after it (the `buffer` of an array's `data` may be larger than
 * the data).
 * @throws {TypeError} For a bad dtype or a buffer that is not bytes.
 *
 * @example An int32 matrix over a memory-mapped file (the tutorial's `np.frombuffer(mm, dtype=np.int32).reshape(1000, 1000)`)
 * ```ts
 * import { frombuffer, Mmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/my_numpy_array.dat`;
 * Deno.writeFileSync(path, new Uint8Array(Int32Array.from({ length: 1_000_000 }, (_, i) => i).buffer));
 * using mm = Mmap.open(path);
 * const mapped = frombuffer(mm.bytes, { dtype: "int32" }).reshape(1000, 1000);
 * assert.equal(mapped.get(0, 1), 1);
 * mapped.set(0, 0, 42);
 * assert.equal(mm.get(0), 42);
 * mm.close();
 * assert.throws(() => mapped.get(0, 0), Deno.errors.BadResource);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function frombuffer<const D extends DTypeLike = "float64">(
  buffer: ArrayBufferView | ArrayBufferLike,
  options?: FromBufferOptions<D>,
): NDArray<NameOf<D>>;
export function frombuffer(
  buffer: ArrayBufferView | ArrayBufferLike,
  options?: FromBufferOptions,
): NDArray {
  const call = "view the buffer";
  // Every option is read and converted first (its getters may close the map
  // that owns the buffer), then the buffer is checked.
  const o = toOptions(options, call);
  const dtypeOption = o.dtype, offsetOption = o.offset, countOption = o.count;
  const dt = toDType(dtypeOption === undefined ? "float64" : dtypeOption);
  const offset = offsetOption === undefined
    ? 0
    : toSize(offsetOption, call, "offset");
  const count = countOption === undefined
    ? -1
    : toInt(countOption, call, "count", -1);
  const bytes = toByteView(buffer, call, "buffer");
  if (offset > bytes.length) {
    throw new RangeError(
      `Cannot view the buffer at offset ${offset}: offset must be within 0..${bytes.length}`,
    );
  }
  const available = bytes.length - offset;
  let n = count;
  if (n < 0) {
    if (available % dt.itemsize !== 0) {
      throw new RangeError(
        `Cannot view ${available} bytes as ${dt.name}: the size must be a multiple of the item size ${dt.itemsize}`,
      );
    }
    n = available / dt.itemsize;
  } else if (n * dt.itemsize > available) {
    throw new RangeError(
      `Cannot view ${n} ${dt.name} elements at offset ${offset}: the buffer has ${available} bytes after it`,
    );
  }
  // The storage is the bytes viewed, as NumPy's buffer of the result: the
  // bytes before `offset` are not the array's (and may be the library's).
  return new NDArray(
    memoryStorage(bytes.subarray(offset, offset + n * dt.itemsize)),
    dt,
    [n],
    [dt.itemsize],
    0,
  );
}
