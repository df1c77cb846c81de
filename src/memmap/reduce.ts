/**
 * Reductions (`sum`, `mean`, `min`, `max`) over all elements or one axis,
 * with NumPy's results: its result types (integer sums in int64 or uint64,
 * exact modulo 2^64) and, for float sums, its values bit for bit (NumPy's
 * pairwise summation in NumPy's order, see `reduce_plan.ts`).
 *
 * Contiguous little-endian data of the kernels' types is reduced by the
 * WebAssembly SIMD kernels (`kernels/`): memory maps of files in place,
 * in-memory arrays through a copy a chunk at a time. Everything else runs
 * in TypeScript, with the same results.
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
import { walk, WINDOW } from "./iterate.ts";
import { pairwiseSum, pairwiseSum32, pairwiseSumComplex } from "./pairwise.ts";
import { CHECK_BYTES } from "./read_ahead.ts";
import {
  BUFFER,
  type Dim,
  eachOffset,
  eachPiece,
  iterationDims,
  memoryDims,
  type Piece,
} from "./reduce_plan.ts";
import { shapeSize } from "./shape.ts";
import type {
  FloatType,
  IntegerType,
  KernelType,
} from "./kernels/reduce_kernels.ts";
import {
  combineRows,
  extremeBlock,
  fitsGather,
  pairwiseCast,
  pairwiseLine,
  pairwisePiece,
  SIZE,
  sumBlock,
} from "./kernels/reduce_run.ts";
import {
  arrayShower,
  kernels,
  KernelsLost,
  mappedShower,
  type OverlaySource,
  ROWS_BYTES,
  settings,
  type Shower,
  shower,
} from "./kernels/runtime.ts";

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
  /** Whether all of the view's pages were read ahead already (`prepareWhole`). */
  prepared?: boolean;
  /** Shows the bytes in place to SIMD kernels (memory maps of files). */
  overlay?: OverlaySource;
  /**
   * The WebAssembly memory the bytes already lie in (a memmap's file mapped
   * into a memory of its own) and where the kernels' scratch may go in it.
   */
  memory?: { memory: WebAssembly.Memory; scratch: number };
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
const I64 = nativeDType("int64");
const U64 = nativeDType("uint64");

/** Blocks smaller than this are reduced in TypeScript (a kernel call costs more). */
const KERNEL_MIN_BYTES = 256;

/** NumPy's result type of a reduction. */
function resultTypeOf(op: ReduceOp, dt: DType): DType {
  const k = dt.kind;
  if (op === "sum") {
    if (k === "b" || k === "i") return I64;
    if (k === "u") return U64;
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

/** The kernels' name for a type they read, or null. */
function kernelTypeOf(dt: DType): KernelType | null {
  if (!dt.littleEndian || !(dt.name in SIZE)) return null;
  return dt.name as KernelType;
}

/** Whether NumPy would see the data as aligned (element address and strides). */
function aligned(v: ReduceView): boolean {
  const dt = v.io.dtype;
  const u = dt.kind === "c" ? dt.itemsize / 2 : dt.itemsize;
  return (v.io.bytes.byteOffset + v.offset) % u === 0 &&
    v.strides.every((s) => s % u === 0);
}

/** A shower for the view's bytes, or null when the kernels are not available. */
function showerOf(v: ReduceView): Shower | null {
  const home = arrayShower(v.io.bytes);
  if (home !== null) return home;
  // A memmap's file in a memory of its own: read there in place, each
  // window read ahead right before the kernel reads it, even where the
  // whole view was (prepareWhole): pages read ahead before cost only an
  // fstat then (read_ahead.ts), and a file cut while the reduction runs is
  // an error at the next window, not a SIGBUS (attack11 A6). Walks that
  // release pages behind them, past the release threshold, show windows of
  // the file instead.
  const prefetch = v.prefetch;
  if (v.memory !== undefined && prefetch !== undefined && !v.release) {
    const mapped = mappedShower(
      v.memory.memory,
      v.memory.scratch,
      v.io.bytes,
      prefetch,
    );
    if (mapped !== null) return mapped;
  }
  const k = kernels();
  if (k === null) return null;
  let span = v.io.dtype.itemsize;
  v.shape.forEach((n, i) => span += (n - 1) * Math.abs(v.strides[i]));
  const inPlace = span >= settings.overlayMinBytes ? v.overlay : undefined;
  return shower(k, v.io.bytes, inPlace, v.release);
}

/** Tells `release` about finished bytes of walks that go up through memory. */
class Progress {
  #from = -1;
  readonly #release?: (start: number, length: number) => void;
  constructor(release?: (start: number, length: number) => void) {
    this.#release = release;
  }
  #to = -1;
  /** Bytes `[start, end)` are done. */
  done(start: number, end: number): void {
    if (this.#release === undefined) return;
    if (this.#from < 0 || start < this.#from) this.#from = start;
    else if (end - this.#from >= WINDOW) {
      this.#release(this.#from, end - this.#from);
      this.#from = end;
    }
    this.#to = Math.max(this.#to, end);
  }
  /** Releases what is left. */
  finish(): void {
    if (
      this.#release !== undefined && this.#from >= 0 && this.#to > this.#from
    ) {
      this.#release(this.#from, this.#to - this.#from);
    }
    this.#from = this.#to = -1;
  }
}

// ---------------------------------------------------------------------------
// Float sums and means, in NumPy's order.

/** How NumPy sums a type: the pairwise variant, the running sum's rounding, buffering. */
export interface SumSpec {
  /** Pairwise arithmetic: float64, float32, or complex of either. */
  pairwise: "f64" | "f32" | "c128" | "c64";
  /** Rounds the running sum to the result's precision. */
  round: (x: number) => number;
  /** Whether NumPy copies the data into a buffer first (cast, swap, unaligned). */
  buffered: boolean;
  /** The kernels' pairwise type when they can sum the data in place. */
  kernel: FloatType | null;
  /** The kernels' integer type when they can cast the data to float64 and sum it. */
  cast?: IntegerType | null;
}

const exact = (x: number): number => x;
const half = (x: number): number => Math.f16round(Math.fround(x));

/** How NumPy sums (or averages) the view's data. */
export function sumSpec(op: "sum" | "mean", v: ReduceView): SumSpec {
  const dt = v.io.dtype;
  const swapped = !dt.isNative || !aligned(v);
  switch (dt.name) {
    case "float64":
    case "float32": {
      const f32 = dt.name === "float32";
      return {
        pairwise: f32 ? "f32" : "f64",
        round: f32 ? Math.fround : exact,
        buffered: swapped,
        kernel: dt.littleEndian ? dt.name : null, // unaligned is fine for them
      };
    }
    case "float16": // sums in float32; the mean casts to float32 first
      return {
        pairwise: "f32",
        round: op === "sum" ? half : Math.fround,
        buffered: swapped || op === "mean",
        kernel: null,
      };
    case "complex128":
      return {
        pairwise: "c128",
        round: exact,
        buffered: swapped,
        kernel: null,
      };
    case "complex64":
      return {
        pairwise: "c64",
        round: Math.fround,
        buffered: swapped,
        kernel: null,
      };
    default: // integers and bool: the mean casts them to float64
      return {
        pairwise: "f64",
        round: exact,
        buffered: true,
        kernel: null,
        cast: kernelTypeOf(dt) as IntegerType | null,
      };
  }
}

/** A sum in progress: `[re, im]` (im stays 0 for real types). */
type Pair = [number, number];

/** Sums pieces and lines of one view, as NumPy does. */
class OrderedSum {
  readonly #v: ReduceView;
  readonly #spec: SumSpec;
  readonly #sh: Shower | null;
  readonly #progress: Progress;
  readonly #unit: number;
  #scratch: Float64Array | null = null;

  constructor(v: ReduceView, spec: SumSpec, sh: Shower | null) {
    this.#v = v;
    this.#spec = spec;
    this.#sh = spec.kernel !== null || spec.cast ? sh : null;
    this.#progress = new Progress(v.release);
    const dt = v.io.dtype;
    this.#unit = dt.kind === "c" ? dt.itemsize / 2 : dt.itemsize;
  }

  /** Adds the sum of `piece` to `acc` (NumPy: `out += pairwise(piece)`). */
  add(acc: Pair, piece: Piece): void {
    const r = this.#spec.round;
    const complex = this.#spec.pairwise[0] === "c";
    const dims = piece.dims;
    const size = this.#v.io.dtype.itemsize;
    const inner = dims[dims.length - 1] ?? { n: 1, s: size };
    const sh = this.#sh;
    const kt = this.#spec.kernel;
    if (sh !== null && kt !== null && inner.s === size) {
      // The kernels: a contiguous line (or NumPy's buffer of one), or a gathered buffer.
      if (dims.length <= 1) {
        acc[0] = r(acc[0] + pairwiseLine(sh, kt, piece.offset, piece.count));
        return;
      }
      if (fitsGather(kt, piece.count)) {
        acc[0] = r(acc[0] + pairwisePiece(sh, kt, this.#v.io.bytes, piece));
        return;
      }
    }
    const cast = this.#spec.cast;
    if (sh !== null && cast && dims.length <= 1 && inner.s === size) {
      // Integers cast to float64 in NumPy's buffer: the cast and the sum in the kernels.
      acc[0] = r(acc[0] + pairwiseCast(sh, cast, piece.offset, piece.count));
      return;
    }
    if (dims.length <= 1 && !this.#spec.buffered) {
      this.#line(acc, piece.offset, piece.count, inner.s);
      return;
    }
    // Gather into a buffer of float64 values (pairs for complex), as NumPy's buffer.
    const n = piece.count;
    const need = complex ? 2 * n : n;
    if (this.#scratch === null || this.#scratch.length < need) {
      this.#scratch = new Float64Array(Math.max(need, 2 * BUFFER));
    }
    const buf = this.#scratch;
    const work = complex ? C128 : F64;
    let j = 0;
    eachOffset(dims.slice(0, -1), piece.offset, (off) => {
      readRun(this.#v.io, off, inner.s, inner.n, buf, work, j);
      j += inner.n;
    });
    const [re, im] = this.#pairwise(buf, 0, n, complex ? 2 : 1);
    acc[0] = r(acc[0] + re);
    acc[1] = r(acc[1] + im);
  }

  /** NumPy's pairwise sum of a line read in place, in leaves of at most a window. */
  #line(acc: Pair, offset: number, n: number, stride: number): void {
    const r = this.#spec.round;
    const io = this.#v.io;
    const size = io.dtype.itemsize;
    // In place through the typed view (the data is native and aligned: not buffered).
    const u = this.#unit;
    const ta = io.ta as Float64Array;
    const base = (io.bytes.byteOffset + offset) / u;
    const step = stride / u;
    const combine =
      this.#spec.pairwise === "f32" || this.#spec.pairwise === "c64"
        ? Math.fround
        : exact;
    // The kernels sum a strided line in place (a field of records, a
    // column): leaves that fit in what the shower shows at once.
    const sh = this.#sh;
    const kt = this.#spec.kernel;
    const kernel = sh !== null && kt !== null
      ? sh.k.fn.pairwiseStrided[kt]
      : null;
    const span = Math.max(1, Math.abs(stride));
    // Leaves read in TypeScript where a map's pages were asked for up front
    // are at most a check's work (see PageCheck): the same sums (leaves of
    // 128 and more split as NumPy's pairwise sum does).
    const check = io.check;
    const most = kernel !== null
      ? sh!.limit - size
      : check !== undefined
      ? CHECK_BYTES
      : WINDOW;
    const leaf = Math.max(
      128,
      Math.floor(most / span) + (kernel !== null ? 1 : 0),
    );
    const sum = (i: number, m: number): Pair => {
      if (m <= leaf) {
        const first = offset + i * stride;
        const last = first + (m - 1) * stride;
        const lo = Math.min(first, last);
        const hi = Math.max(first, last) + size;
        let p: Pair;
        if (kernel !== null && hi - lo <= sh!.limit) {
          const at = sh!.show(lo, hi - lo);
          p = [kernel(at + (first - lo), m, stride), 0];
        } else {
          check?.before(m * size);
          p = this.#pairwise(ta, base + i * step, m, step);
        }
        this.#progress.done(lo, hi);
        return p;
      }
      let h = m >>> 1;
      h -= h % 8;
      const a = sum(i, h);
      const b = sum(i + h, m - h);
      return [combine(a[0] + b[0]), combine(a[1] + b[1])];
    };
    const [re, im] = sum(0, n);
    acc[0] = r(acc[0] + re);
    acc[1] = r(acc[1] + im);
  }

  /** Releases what is left of the walk (memory maps). */
  finish(): void {
    this.#progress.finish();
  }

  #pairwise(a: Float64Array, i: number, n: number, s: number): Pair {
    switch (this.#spec.pairwise) {
      case "f64":
        return [pairwiseSum(a, i, n, s), 0];
      case "f32":
        return [pairwiseSum32(a, i, n, s), 0];
      case "c128":
        return pairwiseSumComplex(a, i, n, s);
      default:
        return pairwiseSumComplex(a, i, n, s, Math.fround);
    }
  }
}

/**
 * The mean from a sum, as NumPy's `mean` divides: by the count as an int64,
 * so in float64, then rounded to the result's type (float16 means: summed in
 * float32, and an array of them is rounded through float32 first, while a
 * scalar one is rounded once).
 */
export function meanOf(
  dt: DType,
  sum: number,
  n: number,
  scalar: boolean,
): number {
  if (dt.name === "float32") return Math.fround(sum / n);
  if (dt.name === "float16") {
    return Math.f16round(scalar ? sum / n : Math.fround(sum / n));
  }
  return sum / n;
}

/**
 * The complex mean from a complex sum: NumPy divides by the count as an
 * int64, so in complex128 (Smith's algorithm, which multiplies by `1 / n`,
 * a different rounding from a division), rounded to the result's type.
 */
export function complexMeanOf(
  dt: DType,
  re: number,
  im: number,
  n: number,
): [number, number] {
  const f = dt.name === "complex64" ? Math.fround : exact;
  const rat = 0 / n;
  const scl = 1 / (n + 0 * rat);
  return [f((re + im * rat) * scl), f((im - re * rat) * scl)];
}

// ---------------------------------------------------------------------------
// Reductions whose result does not depend on the order: integer sums, min, max.

/** Accumulates an integer sum, a minimum or a maximum over runs of elements. */
class Unordered {
  readonly op: "sum" | "min" | "max";
  readonly dt: DType;
  count = 0;
  #num = 0; // running integer sum (exact below 2^53)
  #big = 0n;
  #value: number | bigint | Pair | undefined;
  #tmp: DomainBuffer | null = null;
  #u32: Uint32Array | null = null;

  constructor(op: "sum" | "min" | "max", dt: DType) {
    this.op = op;
    this.dt = dt;
  }

  /** Takes in a partial result of `count` elements. */
  take(value: number | bigint, count: number): void {
    this.count += count;
    if (count === 0) return;
    if (this.op === "sum") {
      this.#big += value as bigint;
      return;
    }
    const v = this.#value as number | bigint | undefined;
    if (v === undefined) this.#value = value;
    else if (typeof value === "number") {
      this.#value = this.op === "min"
        ? Math.min(v as number, value)
        : Math.max(v as number, value);
    } else if (this.op === "min" ? value < v! : value > v!) this.#value = value;
  }

  /** Feeds `count` elements at byte `off`, `stride` bytes apart. */
  feed(io: RunIO, off: number, stride: number, count: number): void {
    if (count <= 0) return;
    const dom = domainOf(this.dt);
    if (this.op === "sum") {
      this.count += count;
      if (dom === "bigint" && io.ta !== null) {
        io.check?.before(count * this.dt.itemsize);
        // Low and high 32-bit words as exact doubles.
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
        for (let done = 0; done < count;) {
          const m = Math.min(count - done, 1 << 20);
          let lo = 0, hi = 0;
          for (let k = 0; k < m; k++, p += s) {
            lo += u32[p];
            hi += u32[p + 1];
          }
          this.#big += BigInt(lo) + (BigInt(hi) << 32n);
          done += m;
        }
        return;
      }
      const tmp = this.#buffer(
        dom === "bigint" ? this.dt.toNative() : F64,
        count,
      );
      readRun(
        io,
        off,
        stride,
        count,
        tmp,
        dom === "bigint" ? this.dt.toNative() : F64,
        0,
      );
      if (dom === "bigint") {
        let b = 0n;
        const t = tmp as BigInt64Array;
        for (let k = 0; k < count; k++) b += t[k];
        this.#big += b;
        return;
      }
      const t = tmp as Float64Array;
      let s = this.#num;
      for (let k = 0; k < count; k++) {
        s += t[k];
        if (s > 2 ** 52 || s < -(2 ** 52)) {
          this.#big += BigInt(s);
          s = 0;
        }
      }
      this.#num = s;
      return;
    }
    this.count += count;
    const min = this.op === "min";
    if (dom === "complex") {
      const t = this.#buffer(C128, count) as Float64Array;
      readRun(io, off, stride, count, t, C128, 0);
      let [re, im] = (this.#value as Pair | undefined) ?? [t[0], t[1]];
      for (let k = 0; k < 2 * count; k += 2) {
        const r = t[k], j = t[k + 1];
        const better = min
          ? (r < re || (r === re && j < im))
          : (r > re || (r === re && j > im));
        if (better || r !== r || j !== j) {
          re = r;
          im = j;
        }
      }
      this.#value = [re, im];
      return;
    }
    const work = dom === "bigint" ? this.dt.toNative() : F64;
    const t = this.#buffer(work, count);
    readRun(io, off, stride, count, t, work, 0);
    if (dom === "bigint") {
      const b = t as BigInt64Array;
      let m = (this.#value as bigint | undefined) ?? b[0];
      if (min) { for (let k = 0; k < count; k++) m = b[k] < m ? b[k] : m; }
      else for (let k = 0; k < count; k++) m = b[k] > m ? b[k] : m;
      this.#value = m;
      return;
    }
    const f = t as Float64Array;
    let m = (this.#value as number | undefined) ?? f[0];
    if (min) { for (let k = 0; k < count; k++) m = Math.min(m, f[k]); }
    else for (let k = 0; k < count; k++) m = Math.max(m, f[k]);
    this.#value = m;
  }

  #buffer(work: DType, n: number): DomainBuffer {
    const need = work.kind === "c" ? 2 * n : n;
    if (this.#tmp === null || this.#tmp.length < need) {
      this.#tmp = newDomainBuffer(work, Math.max(n, 1024));
    }
    return this.#tmp;
  }

  /** The sum (exact, not wrapped) or the extreme (throws for none). */
  result(): number | bigint | Pair {
    if (this.op === "sum") return this.#big + BigInt(this.#num);
    if (this.count === 0) throw emptyError(this.op);
    return this.#value!;
  }
}

/**
 * Reduces `count` contiguous elements at `offset` with the kernels when they
 * can, else in TypeScript.
 */
function unorderedBlock(
  acc: Unordered,
  v: ReduceView,
  sh: Shower | null,
  kt: KernelType | null,
  offset: number,
  count: number,
): void {
  const bytes = count * v.io.dtype.itemsize;
  if (sh !== null && kt !== null && bytes >= KERNEL_MIN_BYTES) {
    acc.take(
      acc.op === "sum"
        ? sumBlock(sh, kt as IntegerType, offset, bytes)
        : extremeBlock(sh, kt, acc.op, offset, bytes),
      count,
    );
  } else acc.feed(v.io, offset, v.io.dtype.itemsize, count);
}

/** Reduces every element of the view in memory order (order-free reductions). */
function reduceUnordered(
  acc: Unordered,
  v: ReduceView,
  sh: Shower | null,
): void {
  const dt = v.io.dtype;
  const kt = acc.op === "sum" && (dt.kind === "f" || dt.kind === "c")
    ? null
    : kernelTypeOf(dt);
  const { dims, offset } = memoryDims(v.shape, v.strides, v.offset);
  const inner = dims[dims.length - 1] ?? { n: 1, s: dt.itemsize };
  if (sh !== null && kt !== null && inner.s === dt.itemsize) {
    eachOffset(
      dims.slice(0, -1),
      offset,
      (off) => unorderedBlock(acc, v, sh, kt, off, inner.n),
    );
    return;
  }
  walk(
    v.shape,
    [{ offset: v.offset, strides: v.strides }],
    (offs, count, strides) => acc.feed(v.io, offs[0], strides[0], count),
    {
      memoryOrder: true,
      release: v.release,
      prefetch: v.prefetch,
      itemsize: dt.itemsize,
    },
  );
}

/** Wraps an exact integer sum to NumPy's result type (int64 or uint64). */
function wrapSum(dt: DType, sum: bigint): bigint {
  return dt.kind === "u" ? BigInt.asUintN(64, sum) : BigInt.asIntN(64, sum);
}

// ---------------------------------------------------------------------------
// Entry points.

/**
 * Runs `fn` with a shower of the view's bytes (closed afterwards), or with
 * `null` when the kernels are not available; again with `null` if the
 * kernels' memory is lost on the way.
 *
 * @param v The view.
 * @param fn The work.
 * @returns What `fn` returns.
 */
export function withShower<T>(v: ReduceView, fn: (sh: Shower | null) => T): T {
  const sh = showerOf(v);
  if (sh === null) return fn(null);
  let result: T;
  try {
    result = fn(sh);
  } catch (e) {
    close(sh);
    if (!(e instanceof KernelsLost)) throw e;
    return fn(null); // the kernels' memory was lost: all over again without them
  }
  close(sh);
  return result;
}

/**
 * Whether `op` of elements of `dt` adds in NumPy's order (float and
 * complex sums, means): its results depend on the order of the additions.
 */
function isOrdered(op: ReduceOp, dt: DType): boolean {
  return (op === "sum" && (dt.kind === "f" || dt.kind === "c")) ||
    op === "mean";
}

/** Ends the use of a shower (a lost memory only matters to the next call). */
function close(sh: Shower): void {
  try {
    sh.close();
  } catch (e) {
    if (!(e instanceof KernelsLost)) throw e;
  }
}

/**
 * Reduces all elements.
 *
 * @throws {RangeError} For `min`/`max` of an empty array.
 */
export function reduceAll(op: ReduceOp, v: ReduceView): Reduced {
  const dt = v.io.dtype;
  const size = shapeSize(v.shape);
  const ordered = isOrdered(op, dt);
  if (ordered) {
    const spec = sumSpec(op as "sum" | "mean", v);
    const acc: Pair = [0, 0];
    if (size > 0) {
      withShower(v, (sh) => {
        acc[0] = acc[1] = 0;
        const summer = new OrderedSum(v, spec, sh);
        eachPiece(
          iterationDims(v.shape, v.strides),
          v.offset,
          spec.buffered,
          (piece) => summer.add(acc, piece),
        );
        summer.finish();
      });
    }
    if (op === "mean") {
      if (dt.kind === "c") {
        [acc[0], acc[1]] = complexMeanOf(dt, acc[0], acc[1], size);
      } else acc[0] = meanOf(dt, acc[0], size, true);
    }
    if (dt.kind === "c") return { dtype: C128, buffer: Float64Array.from(acc) };
    return { dtype: F64, buffer: Float64Array.of(acc[0]) };
  }
  const r = withShower(v, (sh) => {
    const acc = new Unordered(op as "sum" | "min" | "max", dt);
    if (size > 0) reduceUnordered(acc, v, sh);
    return acc.result();
  });
  if (op === "sum") {
    const sum = wrapSum(dt, r as bigint);
    if (dt.kind === "b") {
      return { dtype: F64, buffer: Float64Array.of(Number(sum)) };
    }
    return dt.kind === "u"
      ? { dtype: U64, buffer: BigUint64Array.of(sum) }
      : { dtype: I64, buffer: BigInt64Array.of(sum) };
  }
  const elementType = dt.kind === "c" ? C128 : dt.toNative();
  const out = newDomainBuffer(elementType, 1);
  if (Array.isArray(r)) out.set(r as never);
  else out[0] = r as never;
  return { dtype: elementType, buffer: out };
}

/**
 * Reduces along one axis. When the axis is the innermost in memory each
 * output reduces a line; otherwise whole sub-arrays are combined one after
 * another (NumPy's order).
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
  const resultType = resultTypeOf(op, dt);
  if (n === 0 && (op === "min" || op === "max")) throw emptyError(op);
  const ordered = isOrdered(op, dt);
  // The buffer the results are computed in: float64 values (exact for
  // integer sums below 2^53), bigints for 64-bit sums and extremes, pairs for complex.
  const work = ordered
    ? (dt.kind === "c" ? C128 : F64)
    : op === "sum"
    ? (domainOf(dt) === "number" && n <= 2 ** 21
      ? F64
      : dt.kind === "u"
      ? U64
      : I64)
    : dt.kind === "c"
    ? C128
    : domainOf(dt) === "bigint"
    ? dt.toNative()
    : F64;
  const out = newDomainBuffer(work, outSize);
  const done: ReducedAxis = { dtype: work, buffer: out, shape, resultType };
  if (outSize === 0) return done;
  const inner = n <= 1 ||
    shape.every((m, k) => m <= 1 || Math.abs(strides[k]) >= Math.abs(sa));
  withShower(v, (sh) => {
    if (inner) {
      reduceLines(op, v, sh, n, sa, shape, strides, out);
    } else {
      combineSubarrays(op, v, sh, n, sa, shape, strides, out, work);
    }
  });
  if (op === "mean") {
    const o = out as Float64Array;
    if (dt.kind === "c") {
      for (let i = 0; i < o.length; i += 2) {
        [o[i], o[i + 1]] = complexMeanOf(dt, o[i], o[i + 1], n);
      }
    } else {
      const scalar = shape.length === 0;
      for (let i = 0; i < o.length; i++) o[i] = meanOf(dt, o[i], n, scalar);
    }
  }
  return done;
}

/**
 * Float sums of lines of `n` contiguous elements, each NumPy's pairwise sum
 * of its line added to +0, through the kernels: as many lines per call as
 * one showing of the data and the row results hold (one call per line
 * costs more than the line's sum). With `"sqsumRows"`, the sums of the
 * lines' squares (each rounded in the element type), as `norm` needs.
 *
 * @param sh Shows the data.
 * @param type The element type.
 * @param v The view.
 * @param lines The lines' first elements, in the result's C order.
 * @param n Elements per line (its bytes at most `sh.limit`).
 * @param out Receives one float64 value per line.
 * @param round Rounds a sum to the result type.
 * @param kernel The row kernel.
 */
export function sumRows(
  sh: Shower,
  type: FloatType,
  v: ReduceView,
  lines: readonly Dim[],
  n: number,
  out: Float64Array,
  round: (x: number) => number,
  kernel: "pairwiseRows" | "sqsumRows" = "pairwiseRows",
): void {
  const k = sh.k;
  const bytes = n * v.io.dtype.itemsize;
  const last = lines.at(-1) ?? { n: 1, s: 0 };
  const progress = new Progress(v.release);
  let j = 0;
  eachOffset(lines.slice(0, -1), v.offset, (off) => {
    for (let i = 0; i < last.n;) {
      const rows = last.s > 0
        ? Math.min(
          last.n - i,
          ROWS_BYTES / 8,
          Math.floor((sh.limit - bytes) / last.s) + 1,
        )
        : 1;
      const lo = off + i * last.s;
      const span = (rows - 1) * Math.max(last.s, 0) + bytes;
      k.fn[kernel][type](sh.show(lo, span), rows, n, last.s, k.rows);
      const sums = new Float64Array(k.bytes.buffer, k.rows, rows);
      for (let r = 0; r < rows; r++) out[j++] = round(0 + sums[r]);
      progress.done(lo, lo + span);
      i += rows;
    }
  });
  progress.finish();
}

/** Each output element reduces its own line of `n` elements, `sa` bytes apart. */
function reduceLines(
  op: ReduceOp,
  v: ReduceView,
  sh: Shower | null,
  n: number,
  sa: number,
  shape: readonly number[],
  strides: readonly number[],
  out: DomainBuffer,
): void {
  const dt = v.io.dtype;
  const ordered = isOrdered(op, dt);
  // Output elements in C order of the result.
  const lines = shape.map((m, k) => ({ n: m, s: strides[k] }));
  let j = 0;
  if (ordered) {
    const spec = sumSpec(op as "sum" | "mean", v);
    const summer = new OrderedSum(v, spec, sh);
    const complex = dt.kind === "c";
    const line: Dim[] = [{ n, s: sa }];
    const ta = v.io.ta as Float64Array | null;
    if (
      ta !== null && !spec.buffered && n <= BUFFER &&
      (sh === null || n * dt.itemsize < KERNEL_MIN_BYTES || sa !== dt.itemsize)
    ) {
      // Short or strided lines read in place: one pairwise call each.
      const u = complex ? dt.itemsize / 2 : dt.itemsize;
      const s = sa / u;
      const r = spec.round;
      const f32 = spec.pairwise === "f32" || spec.pairwise === "c64";
      const check = v.io.check, bytes = n * dt.itemsize;
      eachOffset(lines, v.offset, (off) => {
        check?.before(bytes);
        const i = (v.io.bytes.byteOffset + off) / u;
        if (complex) {
          const [re, im] = pairwiseSumComplex(
            ta,
            i,
            n,
            s,
            f32 ? Math.fround : exact,
          );
          out[2 * j] = r(0 + re);
          out[2 * j + 1] = r(0 + im);
        } else {
          (out as Float64Array)[j] = r(
            0 + (f32 ? pairwiseSum32(ta, i, n, s) : pairwiseSum(ta, i, n, s)),
          );
        }
        j++;
      });
      return;
    }
    if (
      sh !== null && spec.kernel !== null && !complex && !spec.buffered &&
      sa === dt.itemsize && n > 0 && n * dt.itemsize <= sh.limit
    ) {
      sumRows(sh, spec.kernel, v, lines, n, out as Float64Array, spec.round);
      return;
    }
    eachOffset(lines, v.offset, (off) => {
      const acc: Pair = [0, 0];
      if (n > 0) eachPiece(line, off, spec.buffered, (p) => summer.add(acc, p));
      if (complex) {
        out[2 * j] = acc[0];
        out[2 * j + 1] = acc[1];
      } else (out as Float64Array)[j] = acc[0];
      j++;
    });
    summer.finish();
    return;
  }
  const kt = op === "sum" && (dt.kind === "f" || dt.kind === "c")
    ? null
    : kernelTypeOf(dt);
  const contiguous = sa === dt.itemsize;
  const bigints = out instanceof BigInt64Array || out instanceof BigUint64Array;
  const ta = v.io.ta;
  if (
    ta !== null && domainOf(dt) === "number" && !bigints &&
    (!contiguous || sh === null || n * dt.itemsize < KERNEL_MIN_BYTES)
  ) {
    // Lines read in place, one plain loop each (short or strided lines).
    const o = out as Float64Array;
    const t = ta as Float64Array;
    const u = dt.itemsize;
    const s = sa / u;
    const bool = dt.kind === "b";
    const check = v.io.check, bytes = n * u;
    eachOffset(lines, v.offset, (off) => {
      check?.before(bytes);
      const i = (v.io.bytes.byteOffset + off) / u;
      const end = i + n * s;
      let r: number;
      if (op === "sum") {
        r = 0;
        if (bool) {
          for (let p = i; p !== end; p += s) {
            r += t[p] !== 0 ? 1 : 0;
          }
        } else for (let p = i; p !== end; p += s) r += t[p];
      } else if (op === "min") {
        r = t[i];
        for (let p = i + s; p !== end; p += s) r = Math.min(r, t[p]);
      } else {
        r = t[i];
        for (let p = i + s; p !== end; p += s) r = Math.max(r, t[p]);
      }
      o[j++] = r;
    });
    return;
  }
  eachOffset(lines, v.offset, (off) => {
    const acc = new Unordered(op as "sum" | "min" | "max", dt);
    if (contiguous) unorderedBlock(acc, v, sh, kt, off, n);
    else {
      const start = sa < 0 ? off + (n - 1) * sa : off;
      for (let s = 0; s < n; s += BUFFER) {
        const m = Math.min(BUFFER, n - s);
        acc.feed(v.io, start + s * Math.abs(sa), Math.abs(sa), m);
      }
    }
    const r = acc.result();
    if (op === "sum") {
      const sum = wrapSum(dt, r as bigint);
      out[j] = (bigints ? sum : Number(sum)) as never;
    } else if (Array.isArray(r)) {
      out[2 * j] = r[0];
      out[2 * j + 1] = r[1];
    } else out[j] = r as never;
    j++;
  });
}

/**
 * Combines the `n` sub-arrays along the axis one after another, in the
 * axis' order (NumPy's order for an axis that is not the innermost).
 */
function combineSubarrays(
  op: ReduceOp,
  v: ReduceView,
  sh: Shower | null,
  n: number,
  sa: number,
  shape: readonly number[],
  strides: readonly number[],
  out: DomainBuffer,
  work: DType,
): void {
  const dt = v.io.dtype;
  const outSize = countOf(out, work);
  const ordered = isOrdered(op, dt);
  const spec = ordered ? sumSpec(op as "sum" | "mean", v) : null;
  const c: Combining = { op, v, work, spec, progress: new Progress(v.release) };
  // Sub-arrays that are whole rows following each other: the row kernels.
  const kt = kernelTypeOf(dt);
  const dims = iterationDims(shape, strides);
  const rowsFollow = dims.length <= 1 &&
    (dims[0]?.s ?? dt.itemsize) === dt.itemsize &&
    sa === outSize * dt.itemsize && sameOrder(shape, strides);
  if (sh !== null && kt !== null && rowsFollow) {
    const kind = op === "min" || op === "max"
      ? op
      : (ordered ? spec!.kernel !== null : dt.kind !== "f" && dt.kind !== "c")
      ? "add"
      : null;
    if (
      kind !== null &&
      combineRows(sh, kt, kind, v.offset, n, outSize, out as Float64Array)
    ) return;
  }
  // The outer axes of the sub-arrays (stepping by more than the axis)
  // leading the result: one block of the result at a time, its sub-arrays
  // combined in the axis' order, so the view is read forward through
  // memory (a sub-array spanning the whole file read at each step of the
  // axis went across the file between two checks of it; same results: each
  // result element still combines its elements in the axis' order).
  let lead = 0;
  while (
    lead < shape.length &&
    (shape[lead] === 1 || Math.abs(strides[lead]) > Math.abs(sa))
  ) lead++;
  const rest = shape.slice(lead);
  if (
    lead > 0 &&
    rest.every((m, i) => m === 1 || Math.abs(strides[lead + i]) < Math.abs(sa))
  ) {
    // Blocks of `g` steps of the innermost outer axis: at least GROUP
    // elements combined per block (a block's set-up costs more than a few).
    const block = shapeSize(rest);
    const last = lead - 1;
    const g = Math.min(shape[last], Math.ceil(GROUP / Math.max(1, n * block)));
    const sub = [g, ...rest], subStrides = strides.slice(last);
    const w = work.kind === "c" ? 2 : 1;
    let b = 0;
    walk(
      shape.slice(0, last),
      [{ offset: v.offset, strides: strides.slice(0, last) }],
      (offs, count, st) => {
        for (let j = 0; j < count; j++) {
          for (let i = 0; i < shape[last]; i += g) {
            const m = Math.min(g, shape[last] - i);
            sub[0] = m;
            const o = b * block * w;
            combineBlock(
              c,
              offs[0] + j * st[0] + i * strides[last],
              n,
              sa,
              sub,
              subStrides,
              out.subarray(o, o + m * block * w),
            );
            b += m;
          }
        }
      },
    );
    c.progress.finish();
    return;
  }
  combineBlock(c, v.offset, n, sa, shape, strides, out);
  c.progress.finish();
}

/** What {@linkcode combineBlock} needs of the whole reduction. */
interface Combining {
  op: ReduceOp;
  v: ReduceView;
  /** The type of the values combined ({@linkcode reduceAxis}' work buffer). */
  work: DType;
  /** How an ordered sum adds (float sums and means), or null. */
  spec: SumSpec | null;
  /** Releases what is read. */
  progress: Progress;
}

/** The number of values of `work` in `out` (complex values are pairs). */
function countOf(out: DomainBuffer, work: DType): number {
  return out.length / (work.kind === "c" ? 2 : 1);
}

/** Elements a block of {@linkcode combineSubarrays}' result combines at least. */
const GROUP = 1 << 16;

/**
 * Combines the `n` sub-arrays along the axis from `offset` into `out` (in
 * the result's C order), one after another in the axis' order.
 */
function combineBlock(
  c: Combining,
  offset: number,
  n: number,
  sa: number,
  shape: readonly number[],
  strides: readonly number[],
  out: DomainBuffer,
): void {
  const { op, v, work, spec, progress } = c;
  const outSize = countOf(out, work);
  const ordered = spec !== null;
  const tmp = newDomainBuffer(work, outSize);
  // The sub-array in the result's C order, merged where it steps like one axis.
  const sub: Dim[] = [];
  shape.forEach((m, i) => {
    if (m === 1) return;
    const last = sub[sub.length - 1];
    if (last !== undefined && last.s === m * strides[i]) {
      last.n *= m;
      last.s = strides[i];
    } else sub.push({ n: m, s: strides[i] });
  });
  const round = spec?.round ?? exact;
  const bigints = domainOf(work) === "bigint";
  if (ordered || op === "sum") out.fill((bigints ? 0n : 0) as never);
  const bigSum = op === "sum" && bigints;
  for (let k = 0; k < n; k++) {
    const target = k === 0 && !ordered && op !== "sum" ? out : tmp;
    readSub(v.io, offset + k * sa, sub, target, work);
    progress.done(offset + k * sa, offset + (k + 1) * sa);
    if (target === out) continue;
    if (bigSum) {
      const o = out as BigInt64Array, t = tmp as BigInt64Array;
      for (let i = 0; i < outSize; i++) o[i] += t[i];
    } else if (domainOf(work) === "bigint") {
      const o = out as BigInt64Array, t = tmp as BigInt64Array;
      if (op === "min") {
        for (let i = 0; i < outSize; i++) o[i] = t[i] < o[i] ? t[i] : o[i];
      } else for (let i = 0; i < outSize; i++) o[i] = t[i] > o[i] ? t[i] : o[i];
    } else if (work.kind === "c") {
      const o = out as Float64Array, t = tmp as Float64Array;
      for (let i = 0; i < 2 * outSize; i += 2) {
        if (ordered) {
          o[i] = round(o[i] + t[i]);
          o[i + 1] = round(o[i + 1] + t[i + 1]);
          continue;
        }
        const r = t[i], im = t[i + 1];
        const better = op === "min"
          ? (r < o[i] || (r === o[i] && im < o[i + 1]))
          : (r > o[i] || (r === o[i] && im > o[i + 1]));
        if (better || r !== r || im !== im) {
          o[i] = r;
          o[i + 1] = im;
        }
      }
    } else {
      const o = out as Float64Array, t = tmp as Float64Array;
      if (ordered) {
        for (let i = 0; i < outSize; i++) o[i] = round(o[i] + t[i]);
      } else if (op === "sum") {
        for (let i = 0; i < outSize; i++) o[i] += t[i];
      } else if (op === "min") {
        for (let i = 0; i < outSize; i++) o[i] = Math.min(o[i], t[i]);
      } else for (let i = 0; i < outSize; i++) o[i] = Math.max(o[i], t[i]);
    }
  }
}

/**
 * Reads the sub-array `sub` (C order, no axes of length 1) from `offset`
 * into `dst` in that order, in runs of at most {@linkcode BUFFER} elements.
 */
function readSub(
  io: RunIO,
  offset: number,
  sub: readonly Dim[],
  dst: DomainBuffer,
  work: DType,
): void {
  if (sub.length === 0) {
    readRun(io, offset, 0, 1, dst, work, 0);
    return;
  }
  const last = sub[sub.length - 1];
  const lead = sub.slice(0, -1);
  const idx = new Array<number>(lead.length).fill(0);
  let off = offset, j = 0;
  for (;;) {
    for (let i = 0; i < last.n; i += BUFFER) {
      const count = Math.min(BUFFER, last.n - i);
      readRun(io, off + i * last.s, last.s, count, dst, work, j);
      j += count;
    }
    let q = lead.length - 1;
    for (; q >= 0; q--) {
      off += lead[q].s;
      if (++idx[q] < lead[q].n) break;
      off -= lead[q].s * lead[q].n;
      idx[q] = 0;
    }
    if (q < 0) return;
  }
}

/** Whether the result's C order is memory order of the sub-array (so rows map to outputs in order). */
function sameOrder(
  shape: readonly number[],
  strides: readonly number[],
): boolean {
  let step = Infinity;
  for (let k = 0; k < shape.length; k++) {
    if (shape[k] <= 1) continue;
    if (strides[k] > step || strides[k] <= 0) return false;
    step = strides[k];
  }
  return true;
}
