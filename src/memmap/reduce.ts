/**
 * Reductions (`sum`, `mean`, `min`, `max`) over all elements or one axis.
 * Whole-array reductions walk in memory order and release finished windows
 * of memory maps; float sums are pairwise (NumPy's accuracy) with the block
 * sums combined by compensated summation.
 *
 * @module
 */

import { type DType, nativeDType } from "./dtype.ts";
import {
  type DomainBuffer,
  domainOf,
  newDomainBuffer,
  readRun,
  type RunIO,
} from "./element.ts";
import { RUN, walk, WINDOW } from "./iterate.ts";
import { CompensatedSum, pairwiseSumStrided } from "./pairwise.ts";
import { isCContiguous, shapeSize } from "./shape.ts";
import { type FloatSize, RUN_LENGTH } from "./kernels/reduce_floats.ts";
import {
  addRowsInPlace,
  type OverlaySource,
  reduceInPlace,
  reduceLinesInPlace,
  WINDOW_BYTES,
} from "./kernels/in_place.ts";

/** The reductions. */
export type ReduceOp = "sum" | "mean" | "min" | "max";

/** A strided array as reductions see it. */
export interface ReduceView {
  /** How to read elements. */
  io: RunIO;
  /** The shape. */
  shape: readonly number[];
  /** Byte strides. */
  strides: readonly number[];
  /** Byte offset of the first element. */
  offset: number;
  /** Releases finished byte ranges (memory maps). */
  release?: (start: number, length: number) => void;
  /** Prepares the next window (memory maps). */
  prefetch?: (start: number, length: number) => void;
  /** Shows the bytes in place to SIMD kernels (memory maps of files). */
  overlay?: OverlaySource;
}

/** A reduction result: values in a domain buffer of type `dtype`. */
export interface Reduced {
  /** The buffer's element type (float64, int64, uint64 or complex128 domain). */
  dtype: DType;
  /** The values (one for a whole-array reduction). */
  buffer: DomainBuffer;
}

/** An axis reduction result. */
export interface ReducedAxis extends Reduced {
  /** The result shape. */
  shape: number[];
  /** NumPy's result type, to convert the buffer to. */
  resultType: DType;
}

const F64 = nativeDType("float64");
const C128 = nativeDType("complex128");

/** The type of the values a reduction computes with (the domain buffer type). */
function workType(op: ReduceOp, dt: DType): DType {
  const dom = domainOf(dt);
  if (dom === "complex") return C128;
  if (dom === "bigint" && op !== "mean") return dt.toNative();
  return F64;
}

/** NumPy's result type of an axis reduction. */
function resultTypeOf(op: ReduceOp, dt: DType): DType {
  const k = dt.kind;
  if (op === "sum") {
    if (k === "b" || k === "i") return nativeDType("int64");
    if (k === "u") return nativeDType("uint64");
    return dt.toNative();
  }
  if (op === "mean") return k === "f" || k === "c" ? dt.toNative() : F64;
  return dt.toNative();
}

function emptyError(op: ReduceOp): RangeError {
  return new RangeError(
    `Cannot compute the ${
      op === "min" ? "minimum" : "maximum"
    } of an empty array: zero-size reduction has no identity`,
  );
}

/** Rounds a float64 result to the precision of a float32/float16 type. */
function roundTo(dt: DType, v: number): number {
  if (dt.name === "float32" || dt.name === "complex64") return Math.fround(v);
  if (dt.name === "float16") return Math.f16round(v);
  return v;
}

/**
 * Reduces a strided line (or block) of `n` elements read through `io`.
 * Keeps state across calls so that a long line can be fed in runs.
 */
class Accumulator {
  readonly op: ReduceOp;
  readonly dt: DType;
  readonly work: DType;
  count = 0;
  #sum = new CompensatedSum();
  #im = new CompensatedSum();
  #lo = 0;
  #hi = 0;
  #big = 0n;
  #num = NaN;
  #numIm = NaN;
  #bigv: bigint | null = null;
  #tmp: DomainBuffer;
  #u32: Uint32Array | null = null;

  constructor(op: ReduceOp, dt: DType, size: number, tmp?: DomainBuffer) {
    this.op = op;
    this.dt = dt;
    this.work = workType(op, dt);
    this.#tmp = tmp ?? newDomainBuffer(this.work, Math.min(RUN, size));
  }

  /** Feeds `count` elements at byte `off`, `stride` bytes apart. */
  feed(io: RunIO, off: number, stride: number, count: number): void {
    const first = this.count === 0;
    this.count += count;
    const op = this.op;
    const dom = domainOf(this.work);
    const ta = io.ta;
    if (dom === "number") {
      let arr: Float64Array;
      let i = 0, s = 1;
      if (ta !== null && ta instanceof Float64Array && this.dt.kind === "f") {
        arr = ta;
        i = (io.bytes.byteOffset + off) / 8;
        s = stride / 8;
      } else {
        arr = this.#tmp as Float64Array;
        readRun(io, off, stride, count, arr, F64, 0);
      }
      if (op === "sum" || op === "mean") {
        this.#sum.add(pairwiseSumStrided(arr, i, count, s));
      } else {
        // Math.min/max: NaN wins, and -0 < +0 (the in-place kernels agree).
        let m = first ? arr[i] : this.#num;
        const end = i + count * s;
        if (op === "min") {
          for (let p = i; p !== end; p += s) m = Math.min(m, arr[p]);
        } else {
          for (let p = i; p !== end; p += s) m = Math.max(m, arr[p]);
        }
        this.#num = m;
      }
      return;
    }
    if (dom === "bigint") {
      if (op === "sum" && ta !== null) {
        // Sum the low and high 32-bit words as exact doubles, fold into a bigint now and then.
        let u32 = this.#u32;
        if (u32 === null || u32.buffer !== io.bytes.buffer) {
          u32 = this.#u32 = new Uint32Array(
            io.bytes.buffer,
            0,
            io.bytes.buffer.byteLength >>> 2,
          );
        }
        let p = (io.bytes.byteOffset + off) >>> 2;
        const s = stride / 4;
        let lo = 0, hi = 0;
        for (let k = 0; k < count; k++, p += s) {
          lo += u32[p];
          hi += u32[p + 1];
        }
        this.#lo += lo;
        this.#hi += hi;
        if (this.#lo > 2 ** 52 || this.#hi > 2 ** 52) this.#fold();
        return;
      }
      const arr = this.#tmp as BigInt64Array;
      readRun(io, off, stride, count, arr, this.work, 0);
      if (op === "sum") {
        let b = this.#big;
        for (let k = 0; k < count; k++) b += arr[k];
        this.#big = BigInt.asIntN(64, b);
      } else {
        let m = first ? arr[0] : this.#bigv!;
        if (op === "min") {
          for (let k = 0; k < count; k++) {
            m = arr[k] < m ? arr[k] : m;
          }
        } else for (let k = 0; k < count; k++) m = arr[k] > m ? arr[k] : m;
        this.#bigv = m;
      }
      return;
    }
    const arr = this.#tmp as Float64Array;
    readRun(io, off, stride, count, arr, C128, 0);
    if (op === "sum" || op === "mean") {
      this.#sum.add(pairwiseSumStrided(arr, 0, count, 2));
      this.#im.add(pairwiseSumStrided(arr, 1, count, 2));
      return;
    }
    let re = first ? arr[0] : this.#num, im = first ? arr[1] : this.#numIm;
    for (let k = 0; k < 2 * count; k += 2) {
      const r = arr[k], j = arr[k + 1];
      const better = op === "min"
        ? (r < re || (r === re && j < im))
        : (r > re || (r === re && j > im));
      if (better || r !== r || j !== j) {
        re = r;
        im = j;
      }
    }
    this.#num = re;
    this.#numIm = im;
  }

  /**
   * Takes in the sum (of one run, as `feed` sums it), minimum or maximum of
   * `count` float elements computed elsewhere.
   */
  addPartial(value: number, count: number): void {
    const op = this.op;
    if (op === "sum" || op === "mean") this.#sum.add(value);
    else if (this.count === 0) this.#num = value;
    else {
      this.#num = op === "min"
        ? Math.min(this.#num, value)
        : Math.max(this.#num, value);
    }
    this.count += count;
  }

  #fold(): void {
    this.#big = BigInt.asIntN(
      64,
      this.#big + BigInt(this.#lo) + (BigInt(this.#hi) << 32n),
    );
    this.#lo = 0;
    this.#hi = 0;
  }

  /** Writes the result at index `i` of `out` (a buffer of the work type). */
  result(out: DomainBuffer, i: number): void {
    const op = this.op;
    const dom = domainOf(this.work);
    if ((op === "min" || op === "max") && this.count === 0) {
      throw emptyError(op);
    }
    if (dom === "number") {
      const o = out as Float64Array;
      if (op === "sum") {
        o[i] = this.count === 0 ? 0 : roundTo(this.dt, this.#sum.value);
      } else if (op === "mean") {
        o[i] = roundTo(this.dt, this.#sum.value / this.count);
      } else o[i] = this.#num;
    } else if (dom === "bigint") {
      if (op === "sum") {
        this.#fold();
        (out as BigInt64Array)[i] = this.#big;
      } else (out as BigInt64Array)[i] = this.#bigv!;
    } else {
      const o = out as Float64Array;
      if (op === "sum" || op === "mean") {
        const n = op === "mean" ? this.count : 1;
        o[2 * i] = this.count === 0 && op === "sum"
          ? 0
          : roundTo(this.dt, this.#sum.value / n);
        o[2 * i + 1] = this.count === 0 && op === "sum"
          ? 0
          : roundTo(this.dt, this.#im.value / n);
      } else {
        o[2 * i] = this.#num;
        o[2 * i + 1] = this.#numIm;
      }
    }
  }
}

/**
 * Reduces all elements, in memory order, releasing finished windows.
 *
 * @throws {RangeError} For `min`/`max` of an empty array.
 */
export function reduceAll(op: ReduceOp, v: ReduceView): Reduced {
  const dt = v.io.dtype;
  const size = shapeSize(v.shape);
  const acc = new Accumulator(op, dt, size);
  let shape = v.shape, strides = v.strides, offset = v.offset;
  const start = inPlaceStart(v, size);
  if (start >= 0) {
    // Whole runs by the SIMD kernels, then the rest (same runs) below.
    const itemsize = dt.itemsize as FloatSize;
    const runs = reduceInPlace(
      v.overlay!,
      op === "mean" ? "sum" : op,
      itemsize,
      start,
      Math.floor(size / RUN_LENGTH),
      (value, count) => acc.addPartial(value, count),
    );
    if (runs > 0) {
      shape = [size - runs * RUN_LENGTH];
      strides = [itemsize];
      offset = start + runs * RUN_LENGTH * itemsize;
    }
  }
  walk(
    shape,
    [{ offset, strides }],
    (offs, count, strides) => {
      acc.feed(v.io, offs[0], strides[0], count);
    },
    {
      memoryOrder: true,
      release: v.release,
      prefetch: v.prefetch,
      itemsize: dt.itemsize,
    },
  );
  const out = newDomainBuffer(acc.work, 1);
  acc.result(out, 0);
  // Element conversion: sums of bool/small integers are numbers; min/max keep the type.
  const elementType = op === "min" || op === "max"
    ? (domainOf(dt) === "complex" ? C128 : dt.toNative())
    : acc.work;
  return { dtype: elementType, buffer: out };
}

/**
 * Where the SIMD kernels can reduce `v` in place: the byte offset of its
 * lowest element when `v` holds little-endian float64 or float32 elements
 * that fill one block of memory (in any axis order, as memory-order
 * walks visit it) of storage that offers overlays; otherwise -1.
 *
 * Blocks smaller than one release window stay mapped between calls, so the
 * JavaScript path reads resident memory; larger ones are released as they
 * are walked and must be faulted in again anyway: the kernels' case.
 */
function inPlaceStart(v: ReduceView, size: number): number {
  const dt = v.io.dtype;
  if (
    v.overlay === undefined ||
    (dt.name !== "float64" && dt.name !== "float32") || !dt.littleEndian ||
    size * dt.itemsize < Math.max(WINDOW, WINDOW_BYTES) || RUN !== RUN_LENGTH
  ) return -1;
  let start = v.offset;
  const dims: [number, number][] = [];
  v.shape.forEach((n, k) => {
    if (n === 1) return;
    const s = v.strides[k];
    if (s < 0) start += (n - 1) * s;
    dims.push([n, Math.abs(s)]);
  });
  dims.sort((a, b) => a[1] - b[1]);
  let step = dt.itemsize;
  for (const [n, s] of dims) {
    if (s !== step) return -1;
    step *= n;
  }
  return start;
}

/**
 * Reduces the lines along the innermost axis with the SIMD kernels, in
 * place, when the lines are float data following each other in the file (a
 * C-order array reduced along its last axis) and long enough to hold whole
 * runs: each line's whole runs in WebAssembly, the rest of the line through
 * the same `feed` as the TypeScript path, read from the kernels' memory.
 *
 * @returns How many lines (from the first) are done.
 */
function reduceLinesAt(
  op: ReduceOp,
  v: ReduceView,
  n: number,
  sa: number,
  shape: readonly number[],
  strides: readonly number[],
  out: DomainBuffer,
  scratch: DomainBuffer,
): number {
  const dt = v.io.dtype;
  const itemsize = dt.itemsize;
  const lines = shapeSize(shape);
  if (
    v.overlay === undefined || n < RUN_LENGTH || sa !== itemsize ||
    inPlaceStart(v, lines * n) !== v.offset ||
    !isCContiguous(shape, strides, n * itemsize)
  ) return 0;
  const runs = Math.floor(n / RUN_LENGTH);
  const tail = n - runs * RUN_LENGTH;
  let io: RunIO | undefined;
  return reduceLinesInPlace(
    v.overlay,
    itemsize as FloatSize,
    v.offset,
    lines,
    n * itemsize,
    (shown) => {
      // The line sits in the kernels' memory as aligned as in the file.
      io ??= {
        dtype: dt,
        bytes: new Uint8Array(shown.memory),
        ta: v.offset % itemsize !== 0
          ? null
          : itemsize === 8
          ? new Float64Array(shown.memory)
          : new Float32Array(shown.memory),
      };
      const acc = new Accumulator(op, dt, n, scratch);
      shown.reduceRuns(
        op === "mean" ? "sum" : op,
        runs,
        (value, count) => acc.addPartial(value, count),
      );
      if (tail > 0) {
        acc.feed(io, shown.at + runs * RUN_LENGTH * itemsize, itemsize, tail);
      }
      acc.result(out, shown.line);
    },
  );
}

/**
 * Reduces along one axis. When the axis is the innermost in memory each
 * output reduces a line; otherwise whole sub-arrays are combined one after
 * another (memory order, as NumPy).
 *
 * @throws {RangeError} For `min`/`max` along an empty axis.
 */
export function reduceAxis(
  op: ReduceOp,
  v: ReduceView,
  axis: number,
): ReducedAxis {
  const dt = v.io.dtype;
  const n = v.shape[axis];
  const shape = v.shape.filter((_, k) => k !== axis);
  const strides = v.strides.filter((_, k) => k !== axis);
  const sa = v.strides[axis];
  const outSize = shapeSize(shape);
  const work = workType(op, dt);
  const out = newDomainBuffer(work, outSize);
  const resultType = resultTypeOf(op, dt);
  const done: ReducedAxis = { dtype: work, buffer: out, shape, resultType };
  if (outSize === 0) return done;
  if (n === 0 && (op === "min" || op === "max")) throw emptyError(op);
  const inner = shape.every((m, k) =>
    m <= 1 || Math.abs(strides[k]) >= Math.abs(sa)
  );
  if (inner || n <= 1) {
    let j = 0;
    const scratch = newDomainBuffer(work, Math.min(RUN, n));
    const linesDone = reduceLinesAt(op, v, n, sa, shape, strides, out, scratch);
    walk(shape, [{ offset: v.offset, strides }], (offs, count, st) => {
      for (let e = 0; e < count; e++, j++) {
        if (j < linesDone) continue;
        const acc = new Accumulator(op, dt, n, scratch);
        const base = offs[0] + e * st[0];
        for (let s = 0; s < n; s += RUN) {
          acc.feed(v.io, base + s * sa, sa, Math.min(RUN, n - s));
        }
        acc.result(out, j);
      }
    });
    return done;
  }
  // Combine sub-arrays one after another (naive along the axis, as NumPy does).
  const dom = domainOf(work);
  const tmp = newDomainBuffer(work, outSize);
  let first = 0;
  if (
    (op === "sum" || op === "mean") && v.overlay !== undefined &&
    inPlaceStart(v, shapeSize(v.shape)) === v.offset &&
    sa === outSize * dt.itemsize && isCContiguous(shape, strides, dt.itemsize)
  ) {
    // Rows one after another in the file: the SIMD kernel adds them in place.
    first = addRowsInPlace(
      v.overlay,
      dt.itemsize as FloatSize,
      v.offset,
      n,
      outSize,
      out as Float64Array,
    );
  }
  for (let k = first; k < n; k++) {
    let j = 0;
    const target = k === 0 ? out : tmp;
    walk(shape, [{ offset: v.offset + k * sa, strides }], (offs, count, st) => {
      readRun(v.io, offs[0], st[0], count, target, work, j);
      j += count;
    });
    if (k === 0) continue;
    if (dom === "bigint") {
      const o = out as BigInt64Array, t = tmp as BigInt64Array;
      if (op === "sum") { for (let i = 0; i < outSize; i++) o[i] += t[i]; }
      else if (op === "min") {
        for (let i = 0; i < outSize; i++) o[i] = t[i] < o[i] ? t[i] : o[i];
      } else for (let i = 0; i < outSize; i++) o[i] = t[i] > o[i] ? t[i] : o[i];
    } else if (dom === "number") {
      const o = out as Float64Array, t = tmp as Float64Array;
      if (op === "sum" || op === "mean") {
        for (let i = 0; i < outSize; i++) o[i] += t[i];
      } else if (op === "min") {
        for (let i = 0; i < outSize; i++) o[i] = Math.min(o[i], t[i]);
      } else for (let i = 0; i < outSize; i++) o[i] = Math.max(o[i], t[i]);
    } else {
      const o = out as Float64Array, t = tmp as Float64Array;
      for (let i = 0; i < 2 * outSize; i += 2) {
        if (op === "sum" || op === "mean") {
          o[i] += t[i];
          o[i + 1] += t[i + 1];
        } else {
          const r = t[i], im = t[i + 1];
          const better = op === "min"
            ? (r < o[i] || (r === o[i] && im < o[i + 1]))
            : (r > o[i] || (r === o[i] && im > o[i + 1]));
          if (better || r !== r || im !== im) {
            o[i] = r;
            o[i + 1] = im;
          }
        }
      }
    }
  }
  if (op === "mean") {
    const o = out as Float64Array;
    for (let i = 0; i < o.length; i++) o[i] /= n;
  }
  return done;
}
