/**
 * The layout of an element-wise result, as NumPy lays out a ufunc's new
 * output (its default `order="K"`, "keep" the inputs' memory order): C
 * order when every input is C-contiguous, F order when every input is
 * F-contiguous (NumPy's trivial loops), else the axes sorted by the
 * inputs' strides as NumPy's iterator sorts them (a stable insertion sort
 * from the last axis, an axis moving inward past another only while the
 * first input that strides both says so and no other input says the
 * contrary; broadcast and length-1 axes stride nothing and do not decide),
 * with positive strides. So `a.T.exp()` is F-contiguous, a reversed view's
 * result runs forward, and the walk over inputs and result is one pass in
 * memory order.
 *
 * @module
 */

import type { DType } from "../dtype.ts";
import { empty, NDArray } from "../ndarray.ts";
import { castCopy } from "./engine.ts";
import {
  broadcastStrides,
  contiguousStrides,
  isCContiguous,
  isFContiguous,
} from "../shape.ts";

/**
 * The axes of `shape` from the innermost to the outermost of the result,
 * as NumPy's iterator orders them (`npyiter_find_best_axis_ordering`):
 * `strides[i]` are input i's strides broadcast to `shape`, 0 where it
 * does not move (broadcast or of length 1).
 */
function axisOrder(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): number[] {
  const n = shape.length;
  // Innermost first: the last axis, then the one before, ...
  const perm = shape.map((_, i) => n - 1 - i);
  for (let i0 = 1; i0 < n; i0++) {
    const axis = perm[i0];
    let at = i0;
    for (let i1 = i0 - 1; i1 >= 0; i1--) {
      const other = perm[i1];
      let ambiguous = true, swap = false;
      for (const s of strides) {
        const s0 = s[axis], s1 = s[other];
        if (s0 === 0 || s1 === 0) continue;
        // Where inputs disagree, the order from the last axis (C) wins.
        if (Math.abs(s1) <= Math.abs(s0)) swap = false;
        else if (ambiguous) swap = true;
        ambiguous = false;
      }
      if (ambiguous) continue;
      if (!swap) break;
      at = i1;
    }
    if (at !== i0) {
      perm.splice(i0, 1);
      perm.splice(at, 0, axis);
    }
  }
  return perm;
}

/**
 * The byte strides NumPy gives a ufunc's new result of `shape` and
 * `itemsize` for `inputs` (see the module's description).
 *
 * @param shape The broadcast shape.
 * @param inputs The array inputs (0-d scalars included).
 * @param itemsize The result's item size.
 * @param trivial Whether NumPy may take its trivial loops (no input cast;
 * `where` never does): then C or F inputs of the whole shape give C or F.
 * @returns The strides, or undefined for C order.
 */
export function resultStrides(
  shape: readonly number[],
  inputs: readonly NDArray[],
  itemsize: number,
  trivial = true,
): number[] | undefined {
  if (shape.length < 2 || shape.some((n) => n === 0)) return undefined;
  const arrays = inputs.filter((a) => a.ndim > 0);
  if (arrays.length === 0) return undefined;
  // NumPy's trivial loops: inputs of the result's shape, all C or all F.
  const whole = arrays.every((a) =>
    a.ndim === shape.length && a.shape.every((n, k) => n === shape[k])
  );
  if (whole && trivial) {
    if (arrays.every((a) => isCContiguous(a.shape, a.strides, a.itemsize))) {
      return undefined;
    }
    if (arrays.every((a) => isFContiguous(a.shape, a.strides, a.itemsize))) {
      return contiguousStrides(shape, itemsize, "F");
    }
  }
  // Broadcast and length-1 axes stride 0.
  const strides = arrays.map((a) =>
    broadcastStrides(a.shape, a.strides, shape)
  );
  const perm = axisOrder(shape, strides);
  if (perm.every((axis, i) => axis === shape.length - 1 - i)) return undefined;
  const out = new Array<number>(shape.length);
  let step = itemsize;
  for (const axis of perm) {
    out[axis] = step;
    step *= shape[axis];
  }
  return out;
}

/**
 * A new in-memory result for a ufunc (zero-filled), laid out as NumPy lays
 * out its new output for `inputs` ({@linkcode resultStrides}).
 *
 * @param shape The broadcast shape.
 * @param dt The result's type.
 * @param inputs The array inputs.
 * @param trivial See {@linkcode resultStrides}.
 * @returns The array.
 * @throws {RangeError} If the memory cannot be allocated.
 */
export function emptyResult(
  shape: readonly number[],
  dt: DType,
  inputs: readonly NDArray[],
  trivial = true,
): NDArray {
  const c = empty(shape, dt);
  const strides = resultStrides(c.shape, inputs, dt.itemsize, trivial);
  return strides === undefined
    ? c
    : new NDArray(c.storage, dt, c.shape, strides);
}

/**
 * The byte strides NumPy gives a new array "like" `a` in its memory order
 * (`PyArray_NewLikeArray` with order K: `astype`, `empty_like`, and the
 * copies `round` makes of integer and complex arrays): C for a C-contiguous
 * array (or of fewer than 2 axes), F for an F-contiguous one, else the axes
 * sorted by their strides' sizes, largest outermost, ties kept in axis
 * order. Unlike an element-wise result's ({@linkcode resultStrides}: the
 * iterator's order, where a length-1 axis strides nothing and stays where
 * the sort leaves it), a length-1 axis is placed by its own stride
 * (attack14 D3: `astype` of a (5, 1, 4) view strided (4, 2, 20) is
 * (2, 2, 10), not (2, 40, 10)).
 *
 * @param a The array.
 * @param itemsize The new array's item size.
 * @returns The strides, or undefined for C order.
 */
export function likeStrides(
  a: NDArray,
  itemsize: number,
): number[] | undefined {
  const shape = a.shape;
  if (
    shape.length < 2 || shape.some((n) => n === 0) ||
    isCContiguous(shape, a.strides, a.itemsize)
  ) return undefined;
  if (isFContiguous(shape, a.strides, a.itemsize)) {
    return contiguousStrides(shape, itemsize, "F");
  }
  // PyArray_CreateSortedStridePerm: |stride| descending, then axis.
  const order = shape.map((_, k) => k).sort((i, j) =>
    Math.abs(a.strides[j]) - Math.abs(a.strides[i]) || i - j
  );
  const out = new Array<number>(shape.length);
  let step = itemsize;
  for (let i = order.length - 1; i >= 0; i--) {
    out[order[i]] = step;
    step *= shape[order[i]];
  }
  const c = contiguousStrides(shape, itemsize, "C");
  return out.every((s, k) => s === c[k]) ? undefined : out;
}

/**
 * A new in-memory array (zero-filled) of `a`'s shape laid out "like" `a`
 * ({@linkcode likeStrides}).
 *
 * @param a The array.
 * @param dt The new array's type.
 * @returns The array.
 * @throws {RangeError} If the memory cannot be allocated.
 */
export function emptyLike(a: NDArray, dt: DType): NDArray {
  const c = empty(a.shape, dt);
  // (A subarray type adds axes: C-contiguous.)
  const strides = dt.subdtype === null
    ? likeStrides(a, dt.itemsize)
    : undefined;
  return strides === undefined
    ? c
    : new NDArray(c.storage, dt, c.shape, strides);
}

/**
 * The byte strides NumPy gives the new result of a reduction of `a` along
 * the `reduced` axes (or of `cumsum`/`cumprod` along an axis, nothing
 * reduced): its iterator orders all of the input's axes by their strides
 * (as for an element-wise result, axes of length 0 too) and lays the
 * result out in that order, the reduced axes dropped, or kept as length 1
 * with `keepdims`; a result of no elements has strides of 0, as NumPy's
 * new empty arrays.
 *
 * @param a The input.
 * @param reduced Which axes of `a` are reduced.
 * @param keepdims Whether the reduced axes stay (length 1).
 * @param itemsize The result's item size.
 * @param fresh Whether NumPy reduces a new array in `a`'s K order (`var`,
 * `std` and `norm`) rather than `a` ({@linkcode axisOrderOf}).
 * @returns The strides.
 */
export function reductionStrides(
  a: NDArray,
  reduced: readonly boolean[],
  keepdims: boolean,
  itemsize: number,
  fresh = false,
): number[] {
  const shape = a.shape;
  const stays = (k: number) => !reduced[k] || keepdims;
  if (shape.some((n, k) => n === 0 && !reduced[k])) {
    return shape.flatMap((_, k) => stays(k) ? [0] : []);
  }
  const all = new Array<number>(shape.length);
  let step = itemsize;
  for (const axis of axisOrderOf(a, fresh)) {
    if (!stays(axis)) continue;
    all[axis] = step;
    step *= reduced[axis] ? 1 : shape[axis];
  }
  return all.filter((_, k) => stays(k));
}

/**
 * The axes of `a` from the innermost to the outermost in the K order of
 * the array NumPy reduces: `a`, or with `fresh` a new array in `a`'s K
 * order (`var`/`std`'s deviations, `norm`'s squares), whose strides are 0
 * when it has no elements (NumPy's new empty arrays), so C order.
 */
function axisOrderOf(a: NDArray, fresh: boolean): number[] {
  const strides = fresh && a.size === 0 ? a.shape.map(() => 0) : a.strides;
  return axisOrder(a.shape, [broadcastStrides(a.shape, strides, a.shape)]);
}

/**
 * A reduction's (or cumulative operation's) result written directly in
 * NumPy's layout of it ({@linkcode reductionStrides}, attack13 C9): the
 * kept axes of `a` are put in their K order, outermost first, in the kept
 * axes' places (the reduced ones stay where they are), and `compute` of
 * that view gives its result in C order, which is the bytes of the
 * layout; the result takes `a`'s axes back with no copy. Each result
 * element combines the same elements in the same order either way.
 *
 * @param a The input.
 * @param reduced Which axes of `a` are reduced (none for `cumsum`).
 * @param keepdims Whether the reduced axes stay (length 1).
 * @param compute The operation on `a`'s axes in the order `perm`
 * (`a.transpose(...perm)`, `a` itself for the identity): a new result,
 * C-contiguous, reduced axes kept as `keepdims` says.
 * @param fresh See {@linkcode reductionStrides}.
 * @returns The result of `a`.
 * @throws {RangeError} If the memory cannot be allocated.
 */
export function inKOrder(
  a: NDArray,
  reduced: readonly boolean[],
  keepdims: boolean,
  compute: (b: NDArray, perm: readonly number[]) => NDArray,
  fresh = false,
): NDArray {
  const outer = axisOrderOf(a, fresh).reverse().filter((k) => !reduced[k]);
  let i = 0;
  const perm = a.shape.map((_, k) => reduced[k] ? k : outer[i++]);
  const same = perm.every((k, j) => k === j);
  const r = compute(same ? a : a.transpose(...perm), perm);
  const strides = reductionStrides(a, reduced, keepdims, r.itemsize, fresh);
  const shape = a.shape.flatMap((n, k) =>
    !reduced[k] ? [n] : keepdims ? [1] : []
  );
  if (r.size === 0 || isCContiguous(r.shape, r.strides, r.itemsize)) {
    return new NDArray(r.storage, r.dtype, shape, strides, r.byteOffset);
  }
  // A result not C-contiguous: its axes put back, then copied.
  const slots = perm.flatMap((_, k) => !reduced[k] || keepdims ? [k] : []);
  const back = slots.map((k) => slots.indexOf(perm.indexOf(k)));
  return relayout(r.transpose(...back), strides);
}

/**
 * `r` (a new result of a reduction of `a`) laid out as NumPy lays out that
 * result ({@linkcode reductionStrides}), values unchanged.
 *
 * @param r The result.
 * @param a The reduced array.
 * @param reduced Which axes of `a` are reduced.
 * @param keepdims Whether the reduced axes stay (length 1).
 * @param fresh See {@linkcode reductionStrides}.
 * @returns `r`, or a copy of it in NumPy's layout.
 * @throws {RangeError} If the memory cannot be allocated.
 */
export function reductionLayout(
  r: NDArray,
  a: NDArray,
  reduced: readonly boolean[],
  keepdims: boolean,
  fresh = false,
): NDArray {
  return relayout(
    r,
    reductionStrides(a, reduced, keepdims, r.itemsize, fresh),
  );
}

/**
 * The values of `r` in a new array of the byte `strides` (C order for
 * undefined), or `r` when it has them, or `r`'s bytes under those strides
 * when they differ only on axes of length 1; strides of 0 when `r` has no
 * elements (NumPy's new empty arrays).
 *
 * @param r The array.
 * @param strides Strides of a contiguous layout of `r`'s shape, or undefined for C order.
 * @returns `r` or a copy.
 * @throws {RangeError} If the memory cannot be allocated.
 */
export function relayout(r: NDArray, strides: number[] | undefined): NDArray {
  if (r.size === 0) strides = r.shape.map(() => 0);
  strides ??= contiguousStrides(r.shape, r.itemsize, "C");
  if (r.ndim !== strides.length) return r;
  if (strides.every((s, k) => s === r.strides[k])) return r;
  // Strides that differ only on axes of length 1 (or of no elements): the
  // same bytes.
  if (
    r.size === 0 ||
    strides.every((s, k) => s === r.strides[k] || r.shape[k] === 1)
  ) {
    return new NDArray(r.storage, r.dtype, r.shape, strides, r.byteOffset);
  }
  // The result's axes from the outermost in memory: a C-contiguous copy of
  // `r` transposed so holds the bytes of the new layout.
  const order = strides.map((_, k) => k).sort((i, j) =>
    strides[j] - strides[i] || i - j
  );
  const t = castCopy(r.transpose(...order), r.dtype);
  return new NDArray(t.storage, r.dtype, r.shape, strides, t.byteOffset);
}
