/**
 * Views with axes removed, added or exchanged (NumPy's `squeeze`,
 * `expand_dims`, `swapaxes`): new shapes and strides over the same bytes,
 * made by the storage's view maker so that views of a memmap stay memmaps.
 *
 * @module
 */

import { checkDims, describe, isArray, toSize } from "../_args.ts";
import { NDArray } from "./ndarray.ts";
import { formatShape, normalizeAxis } from "./shape.ts";
import { isDetached, throwClosed, viewMakerOf } from "./storage.ts";

/**
 * A view of `a`'s storage (a memmap's views are memmaps).
 *
 * @param a The array viewed.
 * @param shape The view's shape.
 * @param strides The view's byte strides.
 * @param offset The byte offset of its first element.
 * @returns The view.
 */
export function viewOf(
  a: NDArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): NDArray {
  const make = viewMakerOf(a.storage);
  if (make !== undefined) return make(a.dtype, shape, strides, offset);
  return new NDArray(a.storage, a.dtype, shape, strides, offset);
}

/**
 * Axes given as one integer or a list of them, normalized and without
 * repeats.
 *
 * @param axis The axis or axes.
 * @param ndim The number of dimensions they refer to.
 * @param call What the call does, for messages.
 * @returns The axes, from 0, in the order given.
 * @throws {TypeError} If an axis is not an integer or one repeats.
 * @throws {RangeError} If an axis is out of range.
 */
export function toAxes(axis: unknown, ndim: number, call: string): number[] {
  if (!isArray(axis)) return [normalizeAxis(axis, ndim, call)];
  const n = toSize(axis.length, call, "number of axes");
  checkDims(n, call);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = normalizeAxis(axis[i], ndim, call);
    if (out.includes(a)) {
      throw new TypeError(
        `Cannot ${call} with axes ${describe(axis)}: axis ${a} is repeated`,
      );
    }
    out.push(a);
  }
  return out;
}

function open(a: NDArray): void {
  if (isDetached(a.storage)) throwClosed(a.storage);
}

/**
 * `a` without axes of length 1 (all of them, or the ones given), as
 * NumPy's `squeeze`.
 *
 * @param a The array.
 * @param axis `undefined`/`null` for every axis of length 1, or an axis or a list of axes.
 * @returns The view.
 * @throws {TypeError} If an axis is not an integer or repeats.
 * @throws {RangeError} If an axis is out of range or its length is not 1.
 */
export function squeeze(
  a: NDArray,
  axis?: number | readonly number[] | null,
): NDArray {
  const call = "squeeze";
  // As NumPy, a 0-d array takes a single axis 0 or -1 (and stays as it is).
  const chosen = axis === undefined || axis === null
    ? null
    : a.ndim === 0 && !isArray(axis)
    ? (normalizeAxis(axis, 1, call), [])
    : toAxes(axis, a.ndim, call);
  open(a);
  const drop = chosen ?? a.shape.flatMap((n, k) => n === 1 ? [k] : []);
  for (const k of drop) {
    if (a.shape[k] !== 1) {
      throw new RangeError(
        `Cannot ${call} axis ${k} of shape ${
          formatShape(a.shape)
        }: only axes of length 1 can be removed`,
      );
    }
  }
  const keep = (_: number, k: number) => !drop.includes(k);
  return viewOf(
    a,
    a.shape.filter(keep),
    a.strides.filter(keep),
    a.byteOffset,
  );
}

/**
 * `a` with axes of length 1 inserted so that they are at `axis` in the
 * result, as NumPy's `expand_dims`.
 *
 * @param a The array.
 * @param axis Where the new axis goes (within `-(ndim + 1)..ndim`), or a list of such places.
 * @returns The view.
 * @throws {TypeError} If an axis is not an integer or repeats.
 * @throws {RangeError} If an axis is out of range or the result would have more than 64 dimensions.
 */
export function expandDims(
  a: NDArray,
  axis: number | readonly number[],
): NDArray {
  const call = "expand dimensions";
  const count = isArray(axis) ? toSize(axis.length, call, "number of axes") : 1;
  const nd = a.ndim + count;
  checkDims(nd, call);
  const added = toAxes(axis, nd, call);
  open(a);
  const shape: number[] = [];
  const strides: number[] = [];
  let k = 0;
  for (let j = 0; j < nd; j++) {
    if (added.includes(j)) {
      shape.push(1);
      // Any stride does for a length of 1; this one keeps a contiguous array contiguous.
      strides.push(k < a.ndim ? a.strides[k] * a.shape[k] : a.itemsize);
    } else {
      shape.push(a.shape[k]);
      strides.push(a.strides[k]);
      k++;
    }
  }
  return viewOf(a, shape, strides, a.byteOffset);
}

/**
 * `a` with two axes exchanged, as NumPy's `swapaxes`.
 *
 * @param a The array.
 * @param axis1 One axis.
 * @param axis2 The other.
 * @returns The view.
 * @throws {TypeError} If an axis is not an integer.
 * @throws {RangeError} If an axis is out of range.
 */
export function swapaxes(a: NDArray, axis1: number, axis2: number): NDArray {
  const call = "swap axes";
  const i = normalizeAxis(axis1, a.ndim, call);
  const j = normalizeAxis(axis2, a.ndim, call);
  open(a);
  const shape = a.shape.slice(), strides = a.strides.slice();
  [shape[i], shape[j]] = [shape[j], shape[i]];
  [strides[i], strides[j]] = [strides[j], strides[i]];
  return viewOf(a, shape, strides, a.byteOffset);
}
