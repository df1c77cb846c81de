/**
 * Matrix products as NumPy's `matmul` and `dot`: shapes (1-D operands
 * promoted and the added axis removed, stacks of matrices broadcast, `dot`'s
 * N-D rule), result types (`np.result_type` of the operands) and values
 * (integers wrap in their type, bool is "any of and", float16 is computed
 * in float32 and rounded once, complex from real products).
 *
 * Products are blocked matrix products (GotoBLAS, BLIS): blocks of A and
 * panels of B are packed into the memory of the WebAssembly kernels
 * (`kernels/gemm_kernels.ts`, 20 MiB, made on first use), which add
 * `MR x NR` pieces of a tile of C held in registers; the tile is written
 * to the result once, converted to its type. A float matrix times a vector
 * copies the matrix's rows in as they are and reads them once (`gemv`).
 * Operands are read in place when they are native and aligned (memory
 * maps included); others are converted first.
 *
 * @module
 */

import { type DType, nativeDType } from "./dtype.ts";
import { type TypedArray, unitOf } from "./element.ts";
import {
  empty as emptyArray,
  fromData,
  isArrayObject,
  type NDArray,
} from "./ndarray.ts";
import { commonDType, isNumeric } from "./promotion.ts";
import {
  broadcastShapes,
  formatShape,
  isCContiguous,
  shapeSize,
} from "./shape.ts";
import type { PageCheck } from "./read_ahead.ts";
import {
  isDetached,
  pageCheckOf,
  prepareWhole,
  throwClosed,
} from "./storage.ts";
import { castCopy } from "./ufunc/engine.ts";
import {
  GEMM_ROWS,
  gemmKernelsModule,
  type GemmType,
} from "./kernels/gemm_kernels.ts";

/** Elements of A's packed block: rows (a multiple of every `MR`) and depth. */
const MC = 96;
const KC = 256;
/** Columns of a tile of C (and of a packed B panel). */
const NB = 2048;
/** Bytes of a tile of C. */
const TILE_BYTES = 16 * 1024 * 1024;
/**
 * Bytes of rows `gemv` copies at a time: few enough to be still in the
 * core's cache when the kernel reads them (a tile's 16 MiB went to memory
 * and came back: three passes over the matrix instead of one).
 */
const GEMV_BYTES = 256 * 1024;
const A_AT = 0;
const B_AT = MC * KC * 8;
const C_AT = B_AT + KC * NB * 8;
const MEMORY_BYTES = C_AT + TILE_BYTES;

/** Settings tests change to reach every path. */
export const settings = {
  /** Compute with the TypeScript kernel (as where WebAssembly SIMD is missing). */
  off: false,
};

type Gebp = (
  pa: number,
  pb: number,
  pc: number,
  mc: number,
  nc: number,
  kc: number,
  cs: number,
) => void;

type Gemv = (
  pa: number,
  px: number,
  py: number,
  rows: number,
  k: number,
) => void;

interface Machine {
  readonly gebp: Record<GemmType, Gebp>;
  /** Matrix times vector for float types (WebAssembly only). */
  readonly gemv?: Record<"f64" | "f32", Gemv>;
  /** Views of the memory in each kernel type. */
  readonly views: Record<GemmType, KernelArray>;
}

type KernelArray = Float64Array | Float32Array | BigInt64Array | Int32Array;

let wasm: Machine | null | undefined;
let plain: Machine | undefined;

function views(buffer: ArrayBuffer): Record<GemmType, KernelArray> {
  return {
    f64: new Float64Array(buffer),
    f32: new Float32Array(buffer),
    i64: new BigInt64Array(buffer),
    i32: new Int32Array(buffer),
  };
}

/** The WebAssembly kernels (relaxed SIMD's `madd` where the engine has it), or null without SIMD. */
function wasmMachine(): Machine | null {
  if (wasm !== undefined) return wasm;
  const pages = Math.ceil(MEMORY_BYTES / 65536);
  for (const fused of [true, false]) {
    try {
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      const exports = new WebAssembly.Instance(
        new WebAssembly.Module(gemmKernelsModule(fused)),
        { env: { memory } },
      ).exports as Record<string, Gebp & Gemv>;
      const buffer = memory.buffer as ArrayBuffer;
      return wasm = {
        gebp: {
          f64: exports.gebp_f64,
          f32: exports.gebp_f32,
          i64: exports.gebp_i64,
          i32: exports.gebp_i32,
        },
        gemv: { f64: exports.gemv_f64, f32: exports.gemv_f32 },
        views: views(buffer),
      };
    } catch { /* Try without relaxed SIMD, then go without WebAssembly. */ }
  }
  return wasm = null;
}

/**
 * The kernels in TypeScript over an `ArrayBuffer` of the same layout
 * (where WebAssembly SIMD is missing): the same packed operands, the same
 * order of additions (unfused).
 */
function plainMachine(): Machine {
  if (plain !== undefined) return plain;
  const buffer = new ArrayBuffer(MEMORY_BYTES);
  const v = views(buffer);
  const gebp = {} as Record<GemmType, Gebp>;
  for (const t of Object.keys(GEMM_ROWS) as GemmType[]) {
    const { mr, nr, size } = GEMM_ROWS[t];
    const m = v[t] as Float64Array;
    const mul = t === "i32"
      ? Math.imul
      : t === "i64"
      ? ((x: bigint, y: bigint) => x * y) as unknown as (
        x: number,
        y: number,
      ) => number
      : (x: number, y: number) => x * y;
    gebp[t] = (pa, pb, pc, mc, nc, kc, cs) => {
      const a0 = pa / size, b0 = pb / size;
      for (let jr = 0; jr < nc; jr += nr) {
        for (let ir = 0; ir < mc; ir += mr) {
          const a = a0 + ir * kc, b = b0 + jr * kc;
          const c = (pc + (jr / nr) * cs) / size + ir * nr;
          for (let p = 0; p < kc; p++) {
            for (let r = 0; r < mr; r++) {
              const x = m[a + p * mr + r];
              for (let j = 0; j < nr; j++) {
                m[c + r * nr + j] += mul(x, m[b + p * nr + j]);
              }
            }
          }
        }
      }
    };
  }
  return plain = { gebp, views: v };
}

function machine(): Machine {
  return (settings.off ? null : wasmMachine()) ?? plainMachine();
}

// ---------------------------------------------------------------------------
// Operands: a typed array and where a matrix's elements are in it.

/** A matrix in a typed array: element `(i, j)` at `offset + i * rs + j * cs`. */
interface Mat {
  ta: TypedArray;
  offset: number;
  rs: number;
  cs: number;
}

/** The kernel type a result type computes in. */
function gemmTypeOf(dt: DType): GemmType {
  switch (dt.name) {
    case "float64":
    case "complex128":
      return "f64";
    case "float32":
    case "float16":
    case "complex64":
      return "f32";
    case "int64":
    case "uint64":
      return "i64";
    default:
      return "i32";
  }
}

/** Generated loops, one per combination of typed-array classes (see `ufunc/compile.ts` on why). */
const loops = new Map<string, (...args: unknown[]) => void>();

function loop(key: string, params: string, body: string) {
  let f = loops.get(key);
  if (f === undefined) {
    f = new Function(
      `"use strict";\n// ${key}\nreturn function (${params}) {\n${body}\n};`,
    )() as (...args: unknown[]) => void;
    loops.set(key, f);
  }
  return f;
}

/** Zero of a kernel type's elements. */
function zeroOf(t: GemmType): string {
  return t === "i64" ? "0n" : "0";
}

/**
 * A packing loop: copies `len` slivers of `w` lanes (`w` elements of a
 * line `ls` apart, lines `ps` apart) to `d` from element `q`, `kc` lines
 * per sliver, slivers `ss` apart in the source; lanes past `last` (in
 * the last sliver) are zeros. The lanes are unrolled.
 */
function packer(t: GemmType, src: TypedArray, w: number, neg: boolean) {
  const sign = neg ? "-" : "";
  const lanes = Array.from(
    { length: w },
    (_, r) => `d[q + ${r}] = ${sign}s[x + ${r} * ls];`,
  ).join(" ");
  return loop(
    `pack ${src.constructor.name} ${t} ${w} ${neg}`,
    "d, q, s, o, ls, ps, ss, slivers, last, kc",
    `for (let i = 0; i < slivers; i++) {
  let x = o + i * ss;
  if (i < slivers - 1 || last === ${w}) {
    for (let p = 0; p < kc; p++, x += ps, q += ${w}) { ${lanes} }
  } else {
    for (let p = 0; p < kc; p++, x += ps, q += ${w}) {
      for (let r = 0; r < ${w}; r++) d[q + r] = r < last ? ${sign}s[x + r * ls] : ${
      zeroOf(t)
    };
    }
  }
}`,
  );
}

/**
 * Packs rows `[0, mc)` and columns `[0, kc)` of `a` (negated when `neg`)
 * at element `at` of the kernel view: slivers of `MR` rows, zero-padded.
 */
function packA(
  v: KernelArray,
  t: GemmType,
  at: number,
  a: Mat,
  mc: number,
  kc: number,
  neg: boolean,
): void {
  const { mr } = GEMM_ROWS[t];
  const slivers = Math.ceil(mc / mr);
  packer(t, a.ta, mr, neg)(
    v,
    at,
    a.ta,
    a.offset,
    a.rs,
    a.cs,
    mr * a.rs,
    slivers,
    mc - (slivers - 1) * mr,
    kc,
  );
}

/** Packs rows `[0, kc)` and columns `[0, nc)` of `b` at element `at`: slivers of `NR` columns, zero-padded. */
function packB(
  v: KernelArray,
  t: GemmType,
  at: number,
  b: Mat,
  kc: number,
  nc: number,
): void {
  const { nr } = GEMM_ROWS[t];
  const slivers = Math.ceil(nc / nr);
  packer(t, b.ta, nr, false)(
    v,
    at,
    b.ta,
    b.offset,
    b.cs,
    b.rs,
    nr * b.cs,
    slivers,
    nc - (slivers - 1) * nr,
    kc,
  );
}

/**
 * Writes an `mc x nc` tile (column slivers of `nr`, `cs` elements apart
 * from element `at`) to `c`, converted to its type (bool: non-zero).
 */
function unpack(
  v: KernelArray,
  t: GemmType,
  at: number,
  cs: number,
  c: Mat,
  mc: number,
  nc: number,
  bool: boolean,
): void {
  const { nr } = GEMM_ROWS[t];
  const f = loop(
    `unpack ${t} ${c.ta.constructor.name} ${bool}`,
    "s, q, ts, d, o, rs, cs, mc, nc, nr",
    `for (let j0 = 0; j0 < nc; j0 += nr, q += ts) {
  const cols = Math.min(nr, nc - j0);
  for (let i = 0; i < mc; i++) {
    const x = o + i * rs + j0 * cs, y = q + i * nr;
    for (let j = 0; j < cols; j++) d[x + j * cs] = ${
      bool ? "s[y + j] !== 0 ? 1 : 0" : "s[y + j]"
    };
  }
}`,
  );
  f(v, at, cs, c.ta, c.offset, c.rs, c.cs, mc, nc, nr);
}

/** One product `a · b` (negated when `neg`) added into a tile. */
interface Term {
  a: Mat;
  b: Mat;
  neg: boolean;
}

const roundUp = (x: number, step: number) => Math.ceil(x / step) * step;

/**
 * `c = Σ terms a · b` for `m x k` and `k x n` matrices, in kernel type `t`.
 *
 * @param bool Whether `c` holds bools (a non-zero sum is true).
 */
function gemm(
  terms: readonly Term[],
  c: Mat,
  m: number,
  n: number,
  k: number,
  t: GemmType,
  bool: boolean,
  reads: Reads,
): void {
  if (m === 0 || n === 0 || k === 0) return; // The result is zero-filled.
  const mach = machine();
  const v = mach.views[t];
  const gebp = mach.gebp[t];
  const { mr, nr, size } = GEMM_ROWS[t];
  const nb = Math.min(roundUp(n, nr), NB);
  // Rows of a tile: all when they fit, else tiles of equal size (each
  // packs the B panels again).
  const most = Math.max(MC, Math.floor(TILE_BYTES / (nb * size) / MC) * MC);
  const mb = roundUp(Math.ceil(m / Math.ceil(m / most)), mr);
  for (let i0 = 0; i0 < m; i0 += mb) {
    const mt = Math.min(mb, m - i0);
    for (let j0 = 0; j0 < n; j0 += nb) {
      const nt = Math.min(nb, n - j0), ntPad = roundUp(nt, nr);
      // The tile: column slivers of nr, each of mtPad rows.
      const mtPad = roundUp(mt, mr), cs = mtPad * nr;
      v.fill(
        (t === "i64" ? 0n : 0) as never,
        C_AT / size,
        C_AT / size + mtPad * ntPad,
      );
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kt = Math.min(KC, k - p0);
        for (const { a, b, neg } of terms) {
          reads.b?.before(kt * nt * size);
          packB(
            v,
            t,
            B_AT / size,
            {
              ta: b.ta,
              offset: b.offset + p0 * b.rs + j0 * b.cs,
              rs: b.rs,
              cs: b.cs,
            },
            kt,
            nt,
          );
          for (let ic = 0; ic < mt; ic += MC) {
            const mc = Math.min(MC, mt - ic);
            reads.a?.before(mc * kt * size);
            packA(
              v,
              t,
              A_AT / size,
              {
                ta: a.ta,
                offset: a.offset + (i0 + ic) * a.rs + p0 * a.cs,
                rs: a.rs,
                cs: a.cs,
              },
              mc,
              kt,
              neg,
            );
            gebp(
              A_AT,
              B_AT,
              C_AT + ic * nr * size,
              roundUp(mc, mr),
              ntPad,
              kt,
              cs * size,
            );
          }
        }
      }
      unpack(
        v,
        t,
        C_AT / size,
        cs,
        {
          ta: c.ta,
          offset: c.offset + i0 * c.rs + j0 * c.cs,
          rs: c.rs,
          cs: c.cs,
        },
        mt,
        nt,
        bool,
      );
    }
  }
}

/**
 * `c = a · x` for an `m x k` matrix whose rows are contiguous and a vector
 * (the column `x`), in WebAssembly: the vector is put in the kernels'
 * memory once, the rows are copied in as they are (no packing), about
 * {@linkcode GEMV_BYTES} at a time, and read once from the cache. Returns false where it does not apply
 * (no WebAssembly, rows not contiguous, `k` too large), for `gemm`.
 */
function gemv(
  a: Mat,
  x: Mat,
  c: Mat,
  m: number,
  k: number,
  t: "f64" | "f32",
  reads: Reads,
): boolean {
  const mach = machine();
  const { size } = GEMM_ROWS[t];
  const rows = Math.min(
    Math.max(1, Math.floor(GEMV_BYTES / (k * size))),
    Math.floor(TILE_BYTES / (k * size)),
    Math.floor((B_AT - A_AT) / size),
  );
  if (mach.gemv === undefined || a.cs !== 1 || rows < 1) return false;
  if (k * size > C_AT - B_AT) return false;
  const v = mach.views[t];
  const X = B_AT / size, Y = A_AT / size, R = C_AT / size;
  reads.b?.before(k * size);
  for (let p = 0; p < k; p++) v[X + p] = x.ta[x.offset + p * x.rs] as number;
  for (let i0 = 0; i0 < m; i0 += rows) {
    const n = Math.min(rows, m - i0);
    reads.a?.before(n * k * size);
    const first = a.offset + i0 * a.rs;
    if (a.rs === k) v.set(a.ta.subarray(first, first + n * k) as never, R);
    else {
      for (let i = 0; i < n; i++) {
        const row = first + i * a.rs;
        v.set(a.ta.subarray(row, row + k) as never, R + i * k);
      }
    }
    mach.gemv[t](C_AT, B_AT, A_AT, n, k);
    let o = c.offset + i0 * c.rs;
    for (let i = 0; i < n; i++, o += c.rs) c.ta[o] = v[Y + i];
  }
  return true;
}

/**
 * An operand ready to read: the array itself when it has the result's
 * type in native order and aligned, else a converted copy.
 */
function readable(x: NDArray, dt: DType): NDArray {
  if (isDetached(x.storage)) throwClosed(x.storage);
  if (x.dtype.name === dt.name && x.dtype.isNative) {
    const u = unitOf(dt);
    const p = x.storage.bytes.byteOffset + x.byteOffset;
    if (p % u === 0 && x.strides.every((s) => s % u === 0)) return x;
  }
  return castCopy(x, dt);
}

/** A 2-D matrix of `x` at byte `offset` with byte strides `rs`, `cs`, in units of its typed array (`part` 1: imaginary parts). */
function matOf(
  x: NDArray,
  offset: number,
  rs: number,
  cs: number,
  part = 0,
): Mat {
  const u = unitOf(x.dtype);
  const ta = x.data as TypedArray;
  return { ta, offset: offset / u + part, rs: rs / u, cs: cs / u };
}

/**
 * Checks of the operands' pages as a product reads them (memory maps, whose
 * pages were asked for up front: see `PageCheck`), called before each
 * panel or block of rows is read.
 */
interface Reads {
  /** The first operand's. */
  a?: PageCheck;
  /** The second operand's. */
  b?: PageCheck;
}

/** The {@linkcode Reads} of a product of `a` and `b` (as read: copies need none). */
function readsOf(a: NDArray, b: NDArray): Reads {
  return { a: pageCheckOf(a), b: pageCheckOf(b) };
}

/**
 * `out[batch] = a[batch] · b[batch]` for matrices at the given byte
 * offsets and strides of `a`, `b` (of the result's type) and `out`.
 */
function product(
  a: NDArray,
  [ao, ars, acs]: readonly number[],
  b: NDArray,
  [bo, brs, bcs]: readonly number[],
  out: NDArray,
  [oo, ors, ocs]: readonly number[],
  m: number,
  n: number,
  k: number,
  reads: Reads,
): void {
  const dt = out.dtype;
  const t = gemmTypeOf(dt);
  const bool = dt.kind === "b";
  if (dt.kind === "f" && n === 1) {
    const done = gemv(
      matOf(a, ao, ars, acs),
      matOf(b, bo, brs, bcs),
      matOf(out, oo, ors, ocs),
      m,
      k,
      t as "f64" | "f32",
      reads,
    );
    if (done) return;
  }
  if (dt.kind !== "c") {
    gemm(
      [{ a: matOf(a, ao, ars, acs), b: matOf(b, bo, brs, bcs), neg: false }],
      matOf(out, oo, ors, ocs),
      m,
      n,
      k,
      t,
      bool,
      reads,
    );
    return;
  }
  // (Ar + i Ai)(Br + i Bi) = (Ar Br - Ai Bi) + i (Ar Bi + Ai Br).
  const ar = matOf(a, ao, ars, acs), ai = matOf(a, ao, ars, acs, 1);
  const br = matOf(b, bo, brs, bcs), bi = matOf(b, bo, brs, bcs, 1);
  gemm(
    [{ a: ar, b: br, neg: false }, { a: ai, b: bi, neg: true }],
    matOf(out, oo, ors, ocs),
    m,
    n,
    k,
    t,
    false,
    reads,
  );
  gemm(
    [{ a: ar, b: bi, neg: false }, { a: ai, b: br, neg: false }],
    matOf(out, oo, ors, ocs, 1),
    m,
    n,
    k,
    t,
    false,
    reads,
  );
}

// ---------------------------------------------------------------------------
// NumPy's rules.

function toOperand(x: unknown): NDArray {
  const y = isArrayObject(x) ? x : fromData(x);
  if (isDetached(y.storage)) throwClosed(y.storage);
  return y;
}

function resultTypeOf(a: NDArray, b: NDArray, call: string): DType {
  if (!isNumeric(a.dtype) || !isNumeric(b.dtype)) {
    throw new TypeError(
      `Cannot ${call} arrays of ${a.dtype.name} and ${b.dtype.name}: only numeric types multiply`,
    );
  }
  return nativeDType(commonDType([a.dtype, b.dtype]).name);
}

function mismatch(call: string, a: NDArray, b: NDArray, detail: string): never {
  throw new RangeError(
    `Cannot ${call} arrays of shapes ${formatShape(a.shape)} and ${
      formatShape(b.shape)
    }: ${detail}`,
  );
}

/** Byte strides of an operand's stack axes against the broadcast stack shape (0 where broadcast). */
function stackStrides(
  batch: readonly number[],
  shape: readonly number[],
  strides: readonly number[],
): number[] {
  const d = batch.length - (shape.length - 2);
  return batch.map((_, i) => i < d || shape[i - d] === 1 ? 0 : strides[i - d]);
}

/** The types NumPy's `dot` hands to BLAS. */
const AXPY_TYPES: readonly string[] = [
  "float32",
  "float64",
  "complex64",
  "complex128",
];

/** Every index of a shape, in C order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shapeSize(shape);
  const idx = new Array(shape.length).fill(0);
  for (let c = 0; c < n; c++) {
    yield idx;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

/**
 * The matrix product of two arrays, as NumPy's `matmul` (`a @ b`).
 *
 * @param x The first operand.
 * @param y The second operand.
 * @param call What the call does, for messages.
 * @returns A new in-memory array (0-d for two 1-D operands).
 */
export function matmul(x: NDArray, y: unknown, call = "matmul"): NDArray {
  const b0 = toOperand(y);
  if (isDetached(x.storage)) throwClosed(x.storage);
  if (x.ndim === 0 || b0.ndim === 0) {
    mismatch(call, x, b0, "matmul needs at least one axis in each operand");
  }
  const dt = resultTypeOf(x, b0, call);
  // 1-D operands are a row (first) or a column (second).
  const aShape = x.ndim === 1 ? [1, x.shape[0]] : x.shape;
  const bShape = b0.ndim === 1 ? [b0.shape[0], 1] : b0.shape;
  const m = aShape[aShape.length - 2], k = aShape[aShape.length - 1];
  const n = bShape[bShape.length - 1];
  if (bShape[bShape.length - 2] !== k) {
    mismatch(
      call,
      x,
      b0,
      `the last axis of the first (${k}) differs from the ${
        b0.ndim === 1 ? "length" : "second-to-last axis"
      } of the second (${bShape[bShape.length - 2]})`,
    );
  }
  let batch: number[];
  try {
    batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2));
  } catch {
    mismatch(call, x, b0, "their stacks of matrices do not broadcast");
  }
  const shape = [
    ...batch,
    ...(x.ndim === 1 ? [] : [m]),
    ...(b0.ndim === 1 ? [] : [n]),
  ];
  const out = emptyArray(shape, dt);
  if (out.size === 0 || k === 0) return out;
  // The products read both operands whole, in orders of their own.
  prepareWhole(x, false);
  prepareWhole(b0, false);
  const a = readable(x, dt), b = readable(b0, dt);
  const reads = readsOf(a, b);
  const aSt = a.ndim === 1 ? [0, a.strides[0]] : a.strides;
  const bSt = b.ndim === 1 ? [b.strides[0], 0] : b.strides;
  const as = stackStrides(batch, aShape, aSt);
  const bs = stackStrides(batch, bShape, bSt);
  const item = dt.itemsize;
  let o = 0;
  for (const idx of indices(batch)) {
    let ao = a.byteOffset, bo = b.byteOffset;
    for (let i = 0; i < idx.length; i++) {
      ao += idx[i] * as[i];
      bo += idx[i] * bs[i];
    }
    product(
      a,
      [ao, aSt[aSt.length - 2], aSt[aSt.length - 1]],
      b,
      [bo, bSt[bSt.length - 2], bSt[bSt.length - 1]],
      out,
      [o, n * item, item],
      m,
      n,
      k,
      reads,
    );
    o += m * n * item;
  }
  return out;
}

/**
 * The dot product of two arrays, as NumPy's `dot`: the product of 1-D
 * vectors, matrix products for 2-D, a sum over the last axis of `x` and
 * the second-to-last of `y` for N-D, and the element-wise product when
 * either is 0-d.
 *
 * @param x The first operand.
 * @param y The second operand.
 * @returns A new in-memory array, or its element where the result is 0-d.
 */
export function dot(x: NDArray, y: unknown): NDArray {
  const call = "dot";
  const b0 = toOperand(y);
  if (isDetached(x.storage)) throwClosed(x.storage);
  if (x.ndim === 0 || b0.ndim === 0) {
    resultTypeOf(x, b0, call);
    const r = x.mul(b0) as NDArray;
    // NumPy scales more than one element of its BLAS types with axpy
    // (0 + a * b), which makes -0 +0.
    if (AXPY_TYPES.includes(r.dtype.name) && r.size > 1) r.add(0, { out: r });
    return r;
  }
  if (x.ndim <= 2 && b0.ndim <= 2) return matmul(x, b0, call);
  const dt = resultTypeOf(x, b0, call);
  const k = x.shape[x.ndim - 1];
  const kb = b0.ndim === 1 ? b0.shape[0] : b0.shape[b0.ndim - 2];
  if (kb !== k) {
    mismatch(
      call,
      x,
      b0,
      `the last axis of the first (${k}) differs from the ${
        b0.ndim === 1 ? "length" : "second-to-last axis"
      } of the second (${kb})`,
    );
  }
  const n = b0.ndim === 1 ? 1 : b0.shape[b0.ndim - 1];
  const lead = x.shape.slice(0, -1), stacks = b0.shape.slice(0, -2);
  const m = shapeSize(lead), sb = shapeSize(stacks);
  const shape = [...lead, ...stacks, ...(b0.ndim === 1 ? [] : [n])];
  const out = emptyArray(shape, dt);
  if (out.size === 0 || k === 0) return out;
  prepareWhole(x, false);
  prepareWhole(b0, false);
  // The rows of x as one matrix: a C-order copy unless x is one already.
  let a = readable(x, dt);
  if (!isCContiguous(a.shape, a.strides, a.itemsize)) a = castCopy(a, dt);
  const b = readable(b0, dt);
  const reads = readsOf(a, b);
  const item = dt.itemsize;
  const brs = b0.ndim === 1 ? b.strides[0] : b.strides[b.ndim - 2];
  const bcs = b0.ndim === 1 ? 0 : b.strides[b.ndim - 1];
  let s = 0;
  for (const idx of indices(stacks)) {
    let bo = b.byteOffset;
    for (let i = 0; i < idx.length; i++) bo += idx[i] * b.strides[i];
    product(
      a,
      [a.byteOffset, k * item, item],
      b,
      [bo, brs, bcs],
      out,
      [s * n * item, sb * n * item, item],
      m,
      n,
      k,
      reads,
    );
    s++;
  }
  return out;
}
