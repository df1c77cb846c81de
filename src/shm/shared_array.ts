/**
 * An {@linkcode NDArray} over the bytes of a shared-memory block, as NumPy's
 * `np.ndarray(shape, dtype, buffer=shm.buf, offset, order=...)`.
 *
 * @module
 */

import type { DTypeLike } from "../memmap/dtype.ts";
import { toLayout } from "../memmap/layout_options.ts";
import { NDArray } from "../memmap/ndarray.ts";
import { contiguousStrides, formatShape, shapeSize } from "../memmap/shape.ts";
import { ownStorage, type StorageFields } from "../memmap/storage.ts";
import { toOptions } from "../_args.ts";

/** Options of `SharedMemory.ndarray()`. */
export interface SharedArrayOptions<D extends DTypeLike = DTypeLike> {
  /** The element type; default `"uint8"`. */
  dtype?: D;
  /** The shape; default the rest of the block after `offset` as a 1-D array. */
  shape?: number | readonly number[];
  /** Byte offset of the array in the block; any value (no alignment needed). Default 0. */
  offset?: number;
  /** `"C"` (row-major, default) or `"F"` (column-major) layout. */
  order?: "C" | "F";
}

/**
 * Makes an array over `bytes`, a block's whole memory.
 *
 * @param buf The block's `buf` getter, called once every option is read and
 * converted (a getter of one may close the block: the getter then throws
 * `BadResource`); the array is closed when its buffer is detached.
 * @param name The block's name, for messages.
 * @param options Type, shape, offset and order.
 * @param pages The block's read-ahead and check hooks, and whether it is
 * closed.
 * @returns The array, a view sharing the block's memory.
 * @throws {TypeError} For an unknown type or order, a bad shape or a non-integer offset.
 * @throws {RangeError} If `offset` is negative or the array does not fit in
 * the block, or (without `shape`) the bytes after `offset` are not a whole
 * number of elements.
 */
export function arrayOver(
  buf: () => Uint8Array,
  name: string,
  options: SharedArrayOptions,
  pages: Pick<StorageFields, "prefetch" | "verify" | "closed"> = {},
): NDArray {
  const call = "view shared memory";
  const o = toOptions(options, call);
  const { dt, offset, order, shape: given } = toLayout({
    dtype: o.dtype,
    offset: o.offset,
    shape: o.shape,
    order: o.order,
  }, call);
  const bytes = buf();
  const size = bytes.length;
  if (offset > size) {
    throw new RangeError(
      `Cannot view shared memory "${name}" at offset ${offset}: offset must be within 0..${size}`,
    );
  }
  let shape: number[];
  if (given === undefined) {
    const rest = size - offset;
    if (rest % dt.itemsize !== 0) {
      throw new RangeError(
        `Cannot view ${rest} bytes after offset ${offset} of shared memory "${name}" as ${dt.name}: size is not a multiple of the item size ${dt.itemsize}`,
      );
    }
    shape = [rest / dt.itemsize];
  } else {
    shape = given;
  }
  const end = offset + shapeSize(shape) * dt.itemsize;
  if (end > size) {
    throw new RangeError(
      `Cannot view ${
        formatShape(shape)
      } ${dt.name} at offset ${offset} of shared memory "${name}": needs ${end} bytes but the block has ${size}`,
    );
  }
  // Frozen, hooks guarded: see ownStorage.
  const storage = ownStorage({ bytes, readOnly: false, label: name, ...pages });
  return new NDArray(
    storage,
    dt,
    shape,
    contiguousStrides(shape, dt.itemsize, order),
    offset,
  );
}
