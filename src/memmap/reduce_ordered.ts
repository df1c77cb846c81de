/**
 * Float sums, means and products over any set of axes, in NumPy's order
 * bit for bit: the calls of NumPy's inner loop come from `reduce_iter.ts`;
 * a call whose result stride is 0 adds the pairwise sum of its elements to
 * one result (sums) or multiplies them into it one after another
 * (products, which NumPy never sums pairwise), any other call combines
 * element by element. Results start from the identity (+0 or 1), as
 * NumPy's do.
 *
 * @module
 */

import { allocate } from "./alloc.ts";
import { type DType, nativeDType } from "./dtype.ts";
import { readRun } from "./element.ts";
import { pairwiseSum, pairwiseSum32, pairwiseSumComplex } from "./pairwise.ts";
import {
  complexMeanOf,
  meanOf,
  type ReduceView,
  type SumSpec,
  sumSpec,
  withShower,
} from "./reduce.ts";
import { eachCall, type InnerCall, planReduction } from "./reduce_iter.ts";
import { fma, fma32 } from "./ufunc/helpers.ts";
import { arrayShower, GATHER_BYTES, kernels } from "./kernels/runtime.ts";
import { eachShown } from "./kernels/reduce_run.ts";

/** The reductions in NumPy's order: float sums, means, products; minima and maxima of complex numbers. */
export type OrderedOp = "sum" | "mean" | "prod" | "min" | "max";

const F64 = nativeDType("float64");
const C128 = nativeDType("complex128");

/** Calls longer than this are summed in pieces of NumPy's recursion (unbuffered lines). */
const LEAF = 1 << 16;

/** A result of {@linkcode reduceOrdered}: values in NumPy's allocated layout. */
export interface OrderedResult {
  /** The buffer's type: float64, or complex128 for complex data. */
  dtype: DType;
  /** The values (pairs for complex). */
  buffer: Float64Array;
  /** The result's element stride for each axis of the operand (0 for reduced axes). */
  strides: number[];
}

/** How NumPy runs a product or an extreme: buffered for a byte swap or unaligned data. */
function productSpec(v: ReduceView): SumSpec {
  const dt = v.io.dtype;
  const u = dt.kind === "c" ? dt.itemsize / 2 : dt.itemsize;
  const aligned = (v.io.bytes.byteOffset + v.offset) % u === 0 &&
    v.strides.every((s) => s % u === 0);
  const f32 = dt.name === "float32" || dt.name === "complex64" ||
    dt.name === "float16";
  return {
    pairwise: dt.kind === "c" ? (f32 ? "c64" : "c128") : f32 ? "f32" : "f64",
    round: dt.name === "float16"
      ? (x) => Math.f16round(x)
      : f32
      ? Math.fround
      : (x) => x,
    buffered: !dt.isNative || !aligned,
    kernel: null,
  };
}

/**
 * Reduces the float (or complex) view over the axes marked in `reduced`:
 * `sum`, `mean` (integers too, as float64) or `prod`, in NumPy's order.
 *
 * @param op The reduction.
 * @param v The view (no axis of length 0 among the reduced ones for `mean` to be finite).
 * @param reduced Which axes are reduced.
 * @param scalar Whether NumPy's result is a scalar (no axis kept): float16 means round once then.
 * @returns The results in NumPy's layout.
 */
export function reduceOrdered(
  op: OrderedOp,
  v: ReduceView,
  reduced: readonly boolean[],
  scalar = false,
): OrderedResult {
  const dt = v.io.dtype;
  const complex = dt.kind === "c";
  const spec = op === "sum" || op === "mean" ? sumSpec(op, v) : productSpec(v);
  let outSize = 1, count = 1;
  v.shape.forEach((n, k) => {
    if (reduced[k]) count *= n;
    else outSize *= n;
  });
  const parts = complex ? 2 : 1;
  const out = new Float64Array(allocate(8 * outSize * parts));
  if (op === "prod") {
    for (let i = 0; i < out.length; i += parts) out[i] = 1;
  } else if (op === "min" || op === "max") {
    // Complex: (inf, inf) gives way to the first element as NumPy's copy of it does.
    out.fill(op === "min" ? Infinity : -Infinity);
  }
  const empty = v.shape.some((n) => n === 0);
  const plan = planReduction(
    empty ? v.shape.map(() => 1) : v.shape,
    v.strides,
    reduced,
    spec.buffered,
  );
  if (!empty) {
    const run = new Runner(op, v, spec, out);
    eachCall(plan, v.offset, (call) => run.call(call));
  }
  if (op === "mean") {
    if (complex) {
      for (let i = 0; i < out.length; i += 2) {
        [out[i], out[i + 1]] = complexMeanOf(dt, out[i], out[i + 1], count);
      }
    } else {
      for (let i = 0; i < out.length; i++) {
        out[i] = meanOf(dt, out[i], count, scalar);
      }
    }
  }
  return {
    dtype: complex ? C128 : F64,
    buffer: out,
    strides: plan.resultStrides,
  };
}

/** Runs NumPy's inner-loop calls of one reduction. */
class Runner {
  readonly #op: OrderedOp;
  readonly #v: ReduceView;
  readonly #spec: SumSpec;
  readonly #out: Float64Array;
  readonly #complex: boolean;
  #buf = new Float64Array(0);
  /** The byte stride of the last run gathered. */
  #stride = 0;

  constructor(
    op: OrderedOp,
    v: ReduceView,
    spec: SumSpec,
    out: Float64Array,
  ) {
    this.#op = op;
    this.#v = v;
    this.#spec = spec;
    this.#out = out;
    this.#complex = v.io.dtype.kind === "c";
  }

  /** The call's elements as float64 values (pairs for complex), from index 0 of the scratch. */
  #gather(call: InnerCall, from = 0, n = call.count): Float64Array {
    const parts = this.#complex ? 2 : 1;
    if (this.#buf.length < n * parts) {
      this.#buf = new Float64Array(Math.max(n * parts, 2 * 8192));
    }
    const buf = this.#buf;
    const work = this.#complex ? C128 : F64;
    const io = this.#v.io;
    let j = 0, skip = from;
    call.runs((off, stride, m) => {
      this.#stride = stride;
      if (j >= n) return;
      if (skip >= m) {
        skip -= m;
        return;
      }
      const take = Math.min(m - skip, n - j);
      readRun(io, off + skip * stride, stride, take, buf, work, j);
      skip = 0;
      j += take;
    });
    return buf;
  }

  call(call: InnerCall): void {
    if (call.os === 0) this.#reduce(call);
    else this.#elementwise(call);
  }

  /** All the call's elements into one result. */
  #reduce(call: InnerCall): void {
    const o = this.#out;
    const r = this.#spec.round;
    const at = call.out * (this.#complex ? 2 : 1);
    if (this.#op === "min" || this.#op === "max") {
      const pick = this.#op === "min" ? keepMin : keepMax;
      this.#pieces(call, (x, n) => {
        for (let i = 0; i < 2 * n; i += 2) pick(o, at, x, i);
      });
      return;
    }
    if (this.#op === "prod") {
      if (this.#complex) {
        const f = this.#spec.pairwise === "c64" ? Math.fround : exact;
        let re = o[at], im = o[at + 1];
        this.#pieces(call, (x, n) => {
          for (let i = 0; i < 2 * n; i += 2) {
            const br = x[i], bi = x[i + 1];
            const nr = f(f(re * br) - f(im * bi));
            im = f(f(re * bi) + f(im * br));
            re = nr;
          }
        });
        o[at] = re;
        o[at + 1] = im;
        return;
      }
      // Multiplied in the loop's precision (float32 for float16), rounded once per call.
      const first = o[at];
      let acc = first;
      // float64, or float32 stored as such (not float16).
      const type = this.#spec.pairwise === "f64"
        ? "float64"
        : this.#v.io.ta instanceof Float32Array
        ? "float32"
        : null;
      const run = type === null ? -1 : this.#oneRun(call);
      if (type !== null && run >= 0) {
        // In place: an array memory, or a memory map's windows.
        const size = type === "float64" ? 8 : 4;
        acc = withShower(this.#v, (sh) => {
          if (sh === null) {
            this.#v.io.check?.before(size * call.count);
            const base = (this.#v.io.bytes.byteOffset + run) / size;
            const x = this.#v.io.ta!.subarray(base, base + call.count);
            return type === "float64"
              ? product64(first, x as Float64Array, call.count)
              : product32(first, x as Float32Array, call.count);
          }
          let p = first;
          eachShown(sh, run, size * call.count, 0, (where, length) => {
            p = sh.k.fn.prod[type](where, length, p);
          });
          return p;
        });
      } else if (this.#spec.pairwise === "f32") {
        this.#pieces(call, (x, n) => acc = product32(acc, x, n));
      } else this.#pieces(call, (x, n) => acc = product64(acc, x, n));
      o[at] = r(acc);
      return;
    }
    const [re, im] = this.#pairwise(call, 0, call.count);
    o[at] = r(o[at] + re);
    if (this.#complex) o[at + 1] = r(o[at + 1] + im);
  }

  /**
   * The byte offset (in the view's bytes) of the call's elements when they
   * are one contiguous run of native aligned float64 (or complex128), or
   * float32 elements, read in place; else -1.
   */
  #oneRun(call: InnerCall): number {
    const ta = this.#v.io.ta;
    const parts = this.#complex ? 2 : 1;
    let runs = 0, at = 0, step = 0;
    call.runs((off, stride) => {
      if (runs++ === 0) [at, step] = [off, stride];
    });
    const size = ta instanceof Float64Array
      ? 8
      : ta instanceof Float32Array && !this.#complex
      ? 4
      : 0;
    if (runs === 1 && size > 0 && step === size * parts) {
      this.#stride = step;
      return at;
    }
    return -1;
  }

  /** `count` float64 values (pairs for complex) from byte `at` of the view's bytes, in place. */
  #f64(
    at: number,
    call: InnerCall,
    from = 0,
    count = call.count,
  ): Float64Array {
    const parts = this.#complex ? 2 : 1;
    this.#v.io.check?.before(count * parts * 8);
    const base = (this.#v.io.bytes.byteOffset + at) / 8 + from * parts;
    return (this.#v.io.ta as Float64Array).subarray(base, base + count * parts);
  }

  /** Hands the call's elements to `fn` a piece of at most {@linkcode LEAF} at a time, in order. */
  #pieces(call: InnerCall, fn: (x: Float64Array, n: number) => void): void {
    // One contiguous run of native aligned float64 (or complex128): read in place.
    const at = this.#v.io.ta instanceof Float64Array ? this.#oneRun(call) : -1;
    if (at >= 0) {
      for (let from = 0; from < call.count; from += LEAF) {
        const n = Math.min(LEAF, call.count - from);
        fn(this.#f64(at, call, from, n), n);
      }
      return;
    }
    for (let from = 0; from < call.count; from += LEAF) {
      const n = Math.min(LEAF, call.count - from);
      fn(this.#gather(call, from, n), n);
    }
  }

  /** NumPy's pairwise sum of `n` of the call's elements from `from` (its recursion above a leaf). */
  #pairwise(call: InnerCall, from: number, n: number): [number, number] {
    const p = this.#spec.pairwise;
    if (n > LEAF) {
      let h = n >>> 1;
      h -= h % 8;
      const a = this.#pairwise(call, from, h);
      const b = this.#pairwise(call, from + h, n - h);
      const f = p === "f32" || p === "c64" ? Math.fround : exact;
      return [f(a[0] + b[0]), f(a[1] + b[1])];
    }
    const x = this.#gather(call, from, n);
    switch (p) {
      case "f64":
        return [pairwiseSum(x, 0, n), 0];
      case "f32":
        return [pairwiseSum32(x, 0, n), 0];
      case "c128":
        return pairwiseSumComplex(x, 0, n, 2);
      default:
        return pairwiseSumComplex(x, 0, n, 2, Math.fround);
    }
  }

  /** Element by element into `call.count` results. */
  #elementwise(call: InnerCall): void {
    const o = this.#out;
    const r = this.#spec.round;
    const x = this.#gather(call);
    const n = call.count;
    if (!this.#complex) {
      let q = call.out;
      const s = call.os;
      if (this.#op === "prod") {
        const inner = this.#spec.pairwise === "f32" ? Math.fround : exact;
        for (let i = 0; i < n; i++, q += s) o[q] = r(inner(o[q] * x[i]));
      } else for (let i = 0; i < n; i++, q += s) o[q] = r(o[q] + x[i]);
      return;
    }
    let q = 2 * call.out;
    const s = 2 * call.os;
    if (this.#op === "min" || this.#op === "max") {
      const pick = this.#op === "min" ? keepMin : keepMax;
      for (let i = 0; i < 2 * n; i += 2, q += s) pick(o, q, x, i);
      return;
    }
    if (this.#op !== "prod") {
      for (let i = 0; i < 2 * n; i += 2, q += s) {
        o[q] = r(o[q] + x[i]);
        o[q + 1] = r(o[q + 1] + x[i + 1]);
      }
      return;
    }
    // NumPy's SIMD complex multiply, re = fma(ar, br, -(ai * bi)) and
    // im = fma(ar, bi, ai * br); for complex64 only when the operand steps
    // up as the results do (measured), else its scalar loop without fused steps.
    const c64 = this.#spec.pairwise === "c64";
    const f = c64 ? Math.fround : exact;
    const fused = !c64 || this.#spec.buffered || this.#stride >= 0;
    const mulAdd = fused
      ? (c64 ? fma32 : fma)
      : c64
      ? (a: number, b: number, c: number) => Math.fround(a * b) + c
      : (a: number, b: number, c: number) => a * b + c;
    for (let i = 0; i < 2 * n; i += 2, q += s) {
      const ar = o[q], ai = o[q + 1], br = x[i], bi = x[i + 1];
      o[q] = f(mulAdd(ar, br, -f(ai * bi)));
      o[q + 1] = f(mulAdd(ar, bi, f(ai * br)));
    }
  }
}

function exact(x: number): number {
  return x;
}

/**
 * `acc` times `x[0..n)`, one after another in float64: by the kernels (in
 * place on an array memory, else through the gather scratch), whose speed
 * does not depend on how V8 happens to compile a JavaScript loop (the same
 * loop ran at 1 ns an element in one call and 5-10 ns in the next).
 */
function product64(acc: number, x: Float64Array, n: number): number {
  const bytes = 8 * n;
  const home = arrayShower(new Uint8Array(x.buffer, x.byteOffset, bytes));
  if (home !== null) {
    return home.k.fn.prod.float64(home.show(0, bytes), bytes, acc);
  }
  const k = kernels();
  if (k === null) {
    for (let i = 0; i < n; i++) acc *= x[i];
    return acc;
  }
  const piece = GATHER_BYTES / 8;
  const scratch = new Float64Array(k.memory.buffer, k.gather, piece);
  for (let from = 0; from < n; from += piece) {
    const m = Math.min(piece, n - from);
    scratch.set(x.subarray(from, from + m));
    acc = k.fn.prod.float64(k.gather, 8 * m, acc);
  }
  return acc;
}

/** `acc` times `x[0..n)`, one after another, each product rounded to float32. */
function product32(
  acc: number,
  x: Float64Array | Float32Array,
  n: number,
): number {
  for (let i = 0; i < n; i++) acc = Math.fround(acc * x[i]);
  return acc;
}

/**
 * NumPy's complex `minimum`: the result at `o[p]` stays if it holds a NaN
 * or is lexicographically at most `x[i]` (NumPy's `CLE`), else becomes `x[i]`.
 */
function keepMin(o: Float64Array, p: number, x: Float64Array, i: number): void {
  const ar = o[p], ai = o[p + 1], br = x[i], bi = x[i + 1];
  if (ar !== ar || ai !== ai) return;
  if ((ar < br && bi === bi) || (ar === br && ai <= bi)) return;
  o[p] = br;
  o[p + 1] = bi;
}

/** NumPy's complex `maximum` (`CGE`), as {@linkcode keepMin}. */
function keepMax(o: Float64Array, p: number, x: Float64Array, i: number): void {
  const ar = o[p], ai = o[p + 1], br = x[i], bi = x[i + 1];
  if (ar !== ar || ai !== ai) return;
  if ((ar > br && bi === bi) || (ar === br && ai >= bi)) return;
  o[p] = br;
  o[p + 1] = bi;
}
