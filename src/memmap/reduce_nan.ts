/**
 * The bits of a NaN that `min`/`max` of floats give: those of the first
 * NaN among the elements each result reduces, in the order NumPy's
 * iterator meets them (the reduced axes by decreasing byte step, each
 * walked forward by index), as NumPy's loops give them (`a >= b ||
 * isnan(a) ? a : b` keeps the NaN met first, payload, sign and signaling
 * bit included).
 *
 * The engines (`reduce.ts`, `reduce_free.ts`) say which results are NaN,
 * not which NaN: `pmin`/`pmax` and WebAssembly's `min`/`max`, `Math.min`/
 * `Math.max` and the float64 work buffers of float16/float32 give a NaN
 * of their own (x86's default NaN, an all-ones comparison mask, a quieted
 * or shortened payload), differing between kernels and loops. So every
 * path's NaN results are settled here, in one place, from the elements:
 * the cost is a look at the results, and for each NaN result a walk of its
 * elements to the first NaN.
 *
 * Left as the library's own rule: NumPy's contiguous vector loops give
 * `0x7ff8000000000000` (float32 `0x7fc00000`) instead of the element's
 * bits for a NaN met in their vector part (depending on the processor and
 * the line's length); this module gives the element's bits everywhere.
 *
 * @module
 */

import { gatherBytes, type RunIO } from "./element.ts";
import { arrayIO, type NDArray } from "./ndarray.ts";
import type { ReduceView } from "./reduce.ts";

/**
 * Indexes of the NaN elements of a native C-contiguous float array.
 *
 * @param bytes Its bytes.
 * @param itemsize 2, 4 or 8.
 * @returns The indexes, ascending.
 */
function nanIndexes(bytes: Uint8Array, itemsize: number): number[] {
  const found: number[] = [];
  const n = bytes.byteLength / itemsize;
  const copy = bytes.byteOffset % itemsize === 0 ? bytes : bytes.slice(); // typed arrays need aligned offsets
  if (itemsize === 2) {
    const w = new Uint16Array(copy.buffer, copy.byteOffset, n);
    for (let i = 0; i < n; i++) if ((w[i] & 0x7fff) > 0x7c00) found.push(i);
  } else if (itemsize === 4) {
    const w = new Uint32Array(copy.buffer, copy.byteOffset, n);
    for (let i = 0; i < n; i++) {
      if ((w[i] & 0x7fffffff) > 0x7f800000) found.push(i);
    }
  } else {
    const w = new Float64Array(copy.buffer, copy.byteOffset, n);
    for (let i = 0; i < n; i++) if (w[i] !== w[i]) found.push(i);
  }
  return found;
}

/** Whether the element at byte `off` of `io` is a NaN, by its bits (any byte order). */
function nanTest(io: RunIO): (off: number) => boolean {
  const { bytes, dtype } = io;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dtype.littleEndian;
  if (dtype.itemsize === 2) {
    return (off) => (view.getUint16(off, le) & 0x7fff) > 0x7c00;
  }
  if (dtype.itemsize === 4) {
    return (off) => (view.getUint32(off, le) & 0x7fffffff) > 0x7f800000;
  }
  const [h, l] = le ? [4, 0] : [0, 4];
  return (off) => {
    const hi = view.getUint32(off + h, le) & 0x7fffffff;
    return hi > 0x7ff00000 ||
      (hi === 0x7ff00000 && view.getUint32(off + l, le) !== 0);
  };
}

/**
 * Gives the NaN results of a float `min`/`max` the bits of the first NaN
 * among their elements (in place).
 *
 * @param v The reduce view of the array reduced (its reads checked as the
 * reduction's).
 * @param reduced Which axes were reduced.
 * @param out The result: native, C-contiguous, in memory, the shape of the
 * kept axes.
 */
export function settleNaNs(
  v: ReduceView,
  reduced: readonly boolean[],
  out: NDArray,
): void {
  const isz = out.itemsize;
  const bytes = arrayIO(out).bytes.subarray(
    out.byteOffset,
    out.byteOffset + out.size * isz,
  );
  const nans = nanIndexes(bytes, isz);
  if (nans.length === 0) return;
  const { shape, strides, io } = v;
  const kept = shape.flatMap((_, k) => reduced[k] ? [] : [k]);
  // The reduced axes in NumPy's order: decreasing byte step (stable);
  // axes of length 1 left out (their index is 0).
  const lost = shape.flatMap((n, k) => reduced[k] && n > 1 ? [k] : [])
    .sort((p, q) => Math.abs(strides[q]) - Math.abs(strides[p]));
  const dims = lost.map((k) => ({ n: shape[k], s: strides[k] }));
  const isNaN = nanTest(io);
  const tmp = new Uint8Array(isz);
  const index = dims.map(() => 0);
  for (const j of nans) {
    // Result j's first element, then its elements in order to the first NaN.
    let off = v.offset;
    for (let q = kept.length - 1, r = j; q >= 0; q--) {
      const n = shape[kept[q]];
      off += (r % n) * strides[kept[q]];
      r = Math.floor(r / n);
    }
    index.fill(0);
    for (;;) {
      io.check?.before(isz);
      if (isNaN(off)) break;
      let q = dims.length - 1;
      for (; q >= 0; q--) {
        off += dims[q].s;
        if (++index[q] < dims[q].n) break;
        off -= dims[q].s * dims[q].n;
        index[q] = 0;
      }
      if (q < 0) throw new Error("unreachable: a NaN result without a NaN");
    }
    gatherBytes(io, off, 0, 1, tmp); // in native order, as the result
    bytes.set(tmp, j * isz);
  }
}
