/**
 * WebAssembly SIMD kernels of the element-wise math functions: `exp`,
 * `exp2`, `expm1`, `log`, `log2`, `log10` and `sqrt` of float32 and
 * float64, `log1p`, `sin`, `cos`, `tan` and `tanh` of float32; and the
 * runner that hands them contiguous runs (`sqrt` is IEEE's, exact in both
 * types).
 *
 * Float64 `exp` reduces x by steps of ln2 / 128 and takes 2**(j/128) from
 * a table of 128 entries (with each entry's rounding error beside it), a
 * polynomial of degree 5 for e**r and one rounding at the end: within 0.502
 * ulp of the exact value (measured: about four results in a thousand are
 * not the correctly rounded ones), subnormal results rounded once too.
 * `exp2` and `expm1` are rows of the same reduction and table
 * ({@linkcode EXP_ROWS}): `exp2` reduces by steps of 1 / 128 (0.506 ulp
 * measured), `expm1` ends in 2 ((scale - 1/2) + scale tmp) with an exact
 * sum of two and takes a Taylor polynomial below |x| = 1/16 (0.515 ulp).
 * Float64 `log` takes x = 2**k z, 1 / c and log(c) from a table of 128
 * subintervals of z, r = z / c - 1 computed exactly (z split so that its
 * products are) and log1p(r) by Taylor's terms to r**7, summed so that the
 * result is rounded once: within 0.515 ulp measured (fdlibm's algorithm
 * before, with a division: 1 ulp); `log2` and `log10` multiply log's
 * unrounded result (a sum of two) by log_b(e) in two parts, exactly where
 * it matters (0.504 measured; integer results exact). No float64 kernel uses a fused
 * multiply-add: the same bits on every machine.
 *
 * Float32 `exp`, `log`, `sin` and `cos` compute in float32 lanes, four a
 * vector, by algorithms of their own: argument reductions whose products
 * with the reduction's integer are exact (constants split into parts of few
 * bits), short polynomials fitted for this library, and the rounding
 * errors that matter carried separately (`log`'s small part, `sin` and
 * `cos`'s reduced argument as a sum of two); within about 1 ulp of the
 * exact value ({@linkcode MATH_ULPS}), below NumPy's own float32 loops.
 * `sin` and `cos` steps with an |x| past 1600 (or NaN, infinities) are
 * widened to the double-precision path below. The other float32 functions
 * widen four elements a step into two vectors, computed in double
 * precision by algorithms of their own with polynomials just long enough
 * for float32 (relative error 2**-37 or less, see `F32`) and rounded once:
 * the correctly rounded result but for a few in a hundred thousand
 * arguments whose exact value lies that close to a midpoint between two
 * float32 values (tested over millions of arguments). Widened `exp`
 * clamps its argument and has no special case; widened `sin` and `cos`
 * share one polynomial (|x| up to 2**19; larger arguments, infinities and
 * NaN go to the scalar function). Products and sums are `relaxed_madd`:
 * fused where the machine fuses (x86-64 with FMA, arm64), else rounded
 * twice; the float32 lanes' products with reduction integers are exact
 * either way, and one machine always gives the same bits. The float64
 * kernels stay unfused.
 *
 * Where arguments and results are both in memories of array data (large
 * arrays the library allocates: `dataMemory` in `runtime.ts`), the kernels
 * read and write them in place; where only the results are, arguments are
 * copied into the kernels' own small memory a chunk at a time (it stays in
 * the first-level cache) and results written straight out; else both go
 * through it. The scalar function costs 9-30 ns an element here (a call
 * into C from the loop); the kernels 1-7 ns, the copies up to one.
 *
 * @module
 */

import {
  type CallRef,
  encodeModule,
  type FunctionSpec,
  I32,
  op,
  V128,
} from "./wasm.ts";
import { dataMemory, readableMemory } from "./runtime.ts";
import { DEFAULT_NAN, nanOf } from "../ufunc/nan_bits.ts";

const { localGet: get, localSet: set, localTee: tee, i32Const: i32 } = op;

type Code = (readonly number[] | CallRef)[];

/** The functions the kernels compute. */
export type MathKernel =
  | "exp"
  | "exp2"
  | "expm1"
  | "log"
  | "log2"
  | "log10"
  | "log1p"
  | "sin"
  | "cos"
  | "tan"
  | "tanh"
  | "sqrt";

/** The element types they take. */
export type MathType = "float32" | "float64";

/** Elements per chunk copied into the kernels' memory (32 KiB of float64). */
const CHUNK = 4096;

/**
 * The constants, 16 bytes each, after the chunk in the kernels' memory
 * (written when the instance is made): a load from a fixed address costs
 * less than V8's materialising of a `v128.const` in the loop. A body may
 * keep its most used ones in locals set before the loop instead (`hoist`:
 * registers where V8 has enough, fewer instructions a step).
 */
const TABLE_AT = CHUNK * 8;
const table: bigint[] = [];

/** The table entry each load made by {@linkcode constant} reads. */
const loads = new WeakMap<readonly number[], number>();

/** A load of the vector whose two 64-bit lanes hold `bits`. */
function constant(bits: bigint): number[] {
  let at = table.indexOf(bits);
  if (at < 0) at = table.push(bits) - 1;
  const code = [...i32(0), ...op.v128Load(TABLE_AT + 16 * at)];
  loads.set(code, at);
  return code;
}

/**
 * `code` with the loads of its `count` most used constants replaced by
 * locals from `first` on, and the code that sets those locals (run once,
 * before the loop): the constants stay in registers where there are enough.
 */
function hoisted(
  code: Code,
  count: number,
  first: number,
): { code: Code; before: Code } {
  const uses = new Map<number, number>();
  for (const step of code) {
    const at = loads.get(step as number[]);
    if (at !== undefined) uses.set(at, (uses.get(at) ?? 0) + 1);
  }
  const kept = [...uses.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, count).map(([at]) => at);
  const before: Code = kept.flatMap((at, i) => [
    [...i32(0), ...op.v128Load(TABLE_AT + 16 * at)],
    set(first + i),
  ]);
  return {
    code: code.map((step) => {
      const i = kept.indexOf(loads.get(step as number[]) ?? -1);
      return i < 0 ? step : get(first + i);
    }),
    before,
  };
}

/** Both lanes of a float64 constant. */
function f64(c: number): number[] {
  return constant(new BigInt64Array(Float64Array.of(c).buffer)[0]);
}

/** Both lanes of a 64-bit integer constant. */
function i64(c: bigint): number[] {
  return constant(BigInt.asIntN(64, c));
}

/** The four lanes of a float32 constant. */
function f32(c: number): number[] {
  const bits = BigInt(new Uint32Array(Float32Array.of(c).buffer)[0]);
  return constant(BigInt.asIntN(64, bits << 32n | bits));
}

/** The four lanes of a 32-bit integer constant. */
function i32x4(c: number): number[] {
  const bits = BigInt(c >>> 0);
  return constant(BigInt.asIntN(64, bits << 32n | bits));
}

/** The bits of a float32 as a 32-bit integer. */
function bitsOf32(c: number): number {
  return new Int32Array(Float32Array.of(c).buffer)[0];
}

/** `mask ? ifTrue : ifFalse` lane by lane (`v128.bitselect`; masks are all ones or all zeros per lane). */
function choose(ifTrue: Code, ifFalse: Code, mask: Code): Code {
  return [...ifTrue, ...ifFalse, ...mask, op.v128Bitselect];
}

/** `cs[0] + v * (cs[1] + v * (...))` for the vector in local `v` (Horner's steps, unfused). */
function horner(v: number, cs: number[]): Code {
  const last = cs.length - 1;
  const code: Code = [f64(cs[last])];
  for (let i = last - 1; i >= 0; i--) {
    code.push(get(v), op.f64x2Mul, f64(cs[i]), op.f64x2Add);
  }
  return code;
}

/**
 * `cs[0] + v * (cs[1] + v * (...))` for the vector in local `v`, each step
 * one `relaxed_madd` (fused where the machine fuses, else a product and a
 * sum: the float32 kernels' error bounds hold either way); float64 lanes,
 * or four float32 lanes with `four`.
 */
function hornerFused(v: number, cs: number[], four = false): Code {
  const [c, madd] = four
    ? [f32, op.f32x4RelaxedMadd]
    : [f64, op.f64x2RelaxedMadd];
  const last = cs.length - 1;
  const code: Code = [c(cs[last])];
  for (let i = last - 1; i >= 0; i--) code.push(get(v), c(cs[i]), madd);
  return code;
}

/** {@linkcode hornerFused} of four float32 lanes. */
function horner32(v: number, cs: number[]): Code {
  return hornerFused(v, cs, true);
}

/** The locals of a kernel function: three i32 parameters, two i32 locals, then vectors. */
const P = 0, BYTES = 1, O = 2, END = 3, LEFT = 4;
const V = 5; // the first vector local: `x`, its result, a second `x` and its result
/** The four float32 lanes a step loads, for bodies of four lanes. */
const X4 = V + 4;
/** A body's first own vector local. */
const W = V + 5;

/** Steps of exp's reduction a unit of k: x = (128 k + j) ln2 / 128 + r. */
const EXP_N = 128;

/** Where exp's table of 2**(j/128) lies in the kernels' memory: its last 2 KiB. */
const EXP_TABLE_AT = 65536 - 16 * EXP_N;

/** The integer square root of `n` (Newton's steps from above). */
function isqrt(n: bigint): bigint {
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * exp's table, two 64-bit lanes an entry j in [0, 128): the relative
 * difference of 2**(j/128) from its nearest double (a double itself), and
 * the bits of that double halved, less j << 45 (so that adding the
 * reduction integer 128 k + j shifted left 45 makes 2**(k - 1) 2**(j/128)).
 * Computed in 200-bit fixed point: 2**(1/128) by seven square roots of 2,
 * then its powers.
 */
function expTable(): BigInt64Array {
  const F = 200n;
  let c = 2n << F;
  for (let i = 0; i < 7; i++) c = isqrt(c << F);
  const out = new BigInt64Array(2 * EXP_N);
  const one = 2 ** Number(F);
  let v = 1n << F;
  for (let j = 0; j < EXP_N; j++) {
    const hi = Number(v) / one;
    const lo = Number(v - BigInt(hi * one)) / Number(v);
    const [tail, bits] = new BigInt64Array(Float64Array.of(lo, hi / 2).buffer);
    out[2 * j] = tail;
    out[2 * j + 1] = bits - (BigInt(j) << 45n);
    v = (v * c) >> F;
  }
  return out;
}

/**
 * A function computed by exp's reduction and table (a row of
 * {@linkcode EXP_ROWS}): x = kd ln2 / 128 + r (exp2: kd / 128 + r / ln2)
 * with kd = 128 k + j the nearest integer to x times `scaled`, then
 * 2**k 2**(j/128) e**r.
 */
interface ExpRow {
  /** kd = round(x * scaled) (by the shifter). */
  scaled: number;
  /** r (|r| <= ln2 / 256) of the clamped argument in local `c` and kd in local `kd`. */
  reduced: (c: number, kd: number) => Code;
  /** x from which the short way computes: every result normal or +inf. */
  plain: number;
  /** x is clamped to these (k stays in -1078..1024). */
  low: number;
  high: number;
}

/** ln2 / 128 in two parts; the first's 32 bits times kd (|kd| < 2**18) are exact. */
const LN2_128 = {
  hi: 6.93147180369123816490e-01 / EXP_N,
  lo: 1.90821492927058770002e-10 / EXP_N,
};

/**
 * The rows of the functions exp's table computes. exp: r = x - kd ln2HI -
 * kd ln2LO (the first difference exact), short way from -700 (k >= -1011:
 * results normal, and scale * tmp normal but where it is below 2**-1060 of
 * the result; at 2**-1021 its rounding as a subnormal alone would cost
 * 0.25 ulp), clamped to [-746, 710] (results 0 and +inf). exp2: r = (x -
 * kd / 128) ln2 (the difference exact, the product's rounding 2**-62 of
 * the result at most), short way from -1010, clamped to [-1076, 1024.5].
 * expm1: exp's reduction, clamped to [-40, 710] (below -38 the result
 * rounds to -1), so its scale is always normal.
 */
const EXP_ROWS = {
  exp: {
    scaled: EXP_N / Math.LN2,
    reduced: (c: number, kd: number): Code => [
      get(c),
      get(kd),
      f64(LN2_128.hi),
      op.f64x2Mul,
      op.f64x2Sub,
      get(kd),
      f64(LN2_128.lo),
      op.f64x2Mul,
      op.f64x2Sub,
    ],
    plain: -700,
    low: -746,
    high: 710,
  },
  exp2: {
    scaled: EXP_N,
    reduced: (c: number, kd: number): Code => [
      get(c),
      get(kd),
      f64(1 / EXP_N),
      op.f64x2Mul,
      op.f64x2Sub,
      f64(Math.LN2),
      op.f64x2Mul,
    ],
    plain: -1010,
    low: -1076,
    high: 1024.5,
  },
} satisfies Record<string, ExpRow>;

/** expm1's row: exp's reduction, clamped where its scale stays normal. */
const EXPM1_ROW: ExpRow = { ...EXP_ROWS.exp, plain: -40, low: -40 };

/** exp's shared constants. */
const EXP = {
  /** 1.5 * 2**52: added to a double of magnitude below 2**51, leaves its nearest integer in the low bits. */
  shift: 0x18000000000000,
  /**
   * e**r - 1 - r = r**2 (1/2 + r/6 + r**2/24 + r**3/120), |r| <= ln2 / 256
   * (Taylor's terms: the next is below 2**-60 of the result).
   */
  C: [1 / 2, 1 / 6, 1 / 24, 1 / 120],
};

/** `i8x16.shuffle` lanes: the high eight bytes of each of two vectors. */
const HIGH_HALVES = [...Array(16).keys()].map((i) => i < 8 ? 8 + i : 16 + i);

/** The locals of {@linkcode expScale}'s results: the scale, tmp, and (full way) the lanes of k < 0. */
const [EXP_S, EXP_TMP, EXP_NEG] = [W + 9, W + 5, W + 10];

/**
 * exp's reduction of the two float64 lanes in local `x` by `row`: the
 * argument clamped, kd = 128 k + j by the shifter, r, and into locals
 * {@linkcode EXP_S} the scale 2**(k - 1) 2**(j/128) (made on the exponent
 * bits from the table's entry j; the full way, for k < 0, 2**(k + 1022)
 * 2**(j/128), those lanes in {@linkcode EXP_NEG}) and {@linkcode EXP_TMP}
 * tmp = tail + (e**r - 1), so that 2**(k-1) e**x = scale (1 + tmp) to
 * 2**-60: 2**(j/128) (1 + tail) from the table (one load per lane), e**r
 * - 1 by Taylor's terms to r**5.
 */
function expScale(x: number, full: boolean, row: ExpRow): Code {
  const [c, ki, kd, r, r2, , at, a, b] = [...Array(9).keys()].map((i) => W + i);
  const { C } = EXP;
  const [s, tmp, neg] = [EXP_S, EXP_TMP, EXP_NEG];
  return [
    get(x),
    ...full ? [f64(row.low), op.f64x2Pmax] : [],
    f64(row.high),
    op.f64x2Pmin,
    tee(c),
    // kd = round(x scaled), its integer in ki's low bits
    f64(row.scaled),
    op.f64x2Mul,
    f64(EXP.shift),
    op.f64x2Add,
    tee(ki),
    f64(EXP.shift),
    op.f64x2Sub,
    set(kd),
    ...row.reduced(c, kd),
    tee(r),
    get(r),
    op.f64x2Mul,
    set(r2),
    // the table's entries j (bytes 16 j) of each lane: [tail, bits]
    get(ki),
    i32(4),
    op.i64x2Shl,
    i64(BigInt(16 * (EXP_N - 1))),
    op.v128And,
    tee(at),
    op.i32x4ExtractLane(0),
    op.v128Load(EXP_TABLE_AT),
    set(a),
    get(at),
    op.i32x4ExtractLane(2),
    op.v128Load(EXP_TABLE_AT),
    set(b),
    // tmp = tail + r + r2 (C2 + r C3) + r2 r2 (C4 + r C5)
    get(a),
    get(b),
    op.i8x16Shuffle(LOW_HALVES),
    get(r),
    op.f64x2Add,
    get(r2),
    f64(C[0]),
    get(r),
    f64(C[1]),
    op.f64x2Mul,
    op.f64x2Add,
    op.f64x2Mul,
    op.f64x2Add,
    get(r2),
    get(r2),
    op.f64x2Mul,
    f64(C[2]),
    get(r),
    f64(C[3]),
    op.f64x2Mul,
    op.f64x2Add,
    op.f64x2Mul,
    op.f64x2Add,
    set(tmp),
    // scale = 2**(k - 1) 2**(j/128): the table's bits plus ki << 45
    get(a),
    get(b),
    op.i8x16Shuffle(HIGH_HALVES),
    get(ki),
    i32(45),
    op.i64x2Shl,
    op.i64x2Add,
    ...full && row.low < -708
      ? [
        // k < 0: 2**(k + 1022) now, 2**-1022 last
        get(kd),
        f64(0),
        op.f64x2Lt,
        tee(neg),
        i64(1023n << 52n),
        op.v128And,
        op.i64x2Add,
      ]
      : [],
    set(s),
  ];
}

/**
 * exp (exp2 by `row`) of the two float64 lanes in local `x`, left on the
 * stack: {@linkcode expScale}, then (scale + scale * tmp) * 2 rounded once,
 * or overflowing to +inf, at the end (within 0.502 ulp of the exact
 * value). The short way (`full` false) is for x at or above the row's
 * `plain` (no NaN), whose results are all normal or +inf. The full way
 * also clamps x at the row's `low` and, for k < 0, scales by 2**(k +
 * 1022) then 2**-1022, its subnormal results rounded once (by a sum with 1
 * that rounds at their last place); it gives NaN lanes as x + x.
 */
function expOf(row: ExpRow): (x: number, full: boolean) => Code {
  return (x, full) => {
    const [s, tmp, neg, y] = [EXP_S, EXP_TMP, EXP_NEG, W + 11];
    return [
      ...expScale(x, full, row),
      get(s),
      get(s),
      get(tmp),
      op.f64x2Mul,
      op.f64x2Add,
      ...full ? expScaled(x, s, tmp, neg, y) : [f64(2), op.f64x2Mul],
    ];
  };
}

/**
 * The full way's end (see {@linkcode expOf}): y = scale + scale * tmp on
 * the stack; subnormal results (lanes of k < 0 with y < 1) rounded once
 * at their last place: (1 + y + the sum's error) - 1, exact times
 * 2**-1022; the other lanes times 2 (k < 0: 2**-1022); NaN lanes x + x.
 */
function expScaled(
  x: number,
  s: number,
  tmp: number,
  neg: number,
  y: number,
): Code {
  const [hi, lo] = [W + 12, W + 13];
  return [
    set(y),
    // lo = the error of y = s + s tmp (the product's rounding aside)
    get(s),
    get(y),
    op.f64x2Sub,
    get(s),
    get(tmp),
    op.f64x2Mul,
    op.f64x2Add,
    set(lo),
    // hi = 1 + y; (hi + ((1 - hi + y) + lo)) - 1
    f64(1),
    get(y),
    op.f64x2Add,
    tee(hi),
    f64(1),
    get(hi),
    op.f64x2Sub,
    get(y),
    op.f64x2Add,
    get(lo),
    op.f64x2Add,
    op.f64x2Add,
    f64(1),
    op.f64x2Sub,
    get(y),
    get(neg),
    get(y),
    f64(1),
    op.f64x2Lt,
    op.v128And,
    op.v128Bitselect,
    ...choose([f64(2 ** -1022)], [f64(2)], [get(neg)]),
    op.f64x2Mul,
    set(y),
    ...choose([get(x), get(x), op.f64x2Add], [get(y)], [
      get(x),
      get(x),
      op.f64x2Ne,
    ]),
  ];
}

/** Lanes of `x` that `expOf(row)` computes the short way: x at or above the row's `plain` (not NaN). */
function expPlain(row: ExpRow): (x: number) => Code {
  return (x) => [get(x), f64(row.plain), op.f64x2Ge];
}

/**
 * expm1 for |x| below `below`: x + x**2 q(x), q's coefficients 1/2!, ...,
 * 1/9! (Taylor's: the next term is below 2**-57 of the result).
 */
const EXPM1_SMALL = {
  below: 1 / 16,
  q: [2, 6, 24, 120, 720, 5040, 40320, 362880].map((f) => 1 / f),
};

/**
 * expm1 of the two float64 lanes in local `x`, left on the stack:
 * {@linkcode expScale} by exp's reduction (clamped to [-40, 710]: the
 * scale normal), then e**x - 1 = 2 ((scale - 1/2) + scale tmp), scale -
 * 1/2 as an exact sum of two (the 1 kept where the scale is large, its
 * rounding where the scale is near 1/2), rounded once, the product by 2
 * overflowing to +inf; lanes with |x| below 1/16 (where e**x - 1 is small
 * against r, and that form would cancel) by their Taylor polynomial
 * instead ({@linkcode EXPM1_SMALL}), ±0 kept. The full way (steps with a
 * NaN or an argument below -40) clamps at -40 and gives NaN lanes as x +
 * x.
 */
function expm1Of(x: number, full: boolean): Code {
  const [s, tmp] = [EXP_S, EXP_TMP];
  const [hi, bb, y, m] = [W + 11, W + 12, W + 13, W + 14];
  return [
    ...expScale(x, full, EXPM1_ROW),
    // hi + e = s - 1/2 exactly (Knuth's sum of two), then hi + (e + s tmp)
    get(s),
    f64(0.5),
    op.f64x2Sub,
    tee(hi),
    get(s),
    op.f64x2Sub,
    set(bb),
    get(s),
    get(hi),
    get(bb),
    op.f64x2Sub,
    op.f64x2Sub,
    f64(-0.5),
    get(bb),
    op.f64x2Sub,
    op.f64x2Add,
    get(s),
    get(tmp),
    op.f64x2Mul,
    op.f64x2Add,
    get(hi),
    op.f64x2Add,
    f64(2),
    op.f64x2Mul,
    set(y),
    get(x),
    op.f64x2Abs,
    f64(EXPM1_SMALL.below),
    op.f64x2Lt,
    tee(m),
    op.v128AnyTrue,
    op.if,
    ...choose(
      [
        get(x),
        get(x),
        get(x),
        op.f64x2Mul,
        ...horner(x, EXPM1_SMALL.q),
        op.f64x2Mul,
        op.f64x2Add,
      ],
      [get(y)],
      [get(m)],
    ),
    set(y),
    ...choose([get(x)], [get(y)], [get(x), f64(0), op.f64x2Eq]),
    set(y),
    op.end,
    ...full
      ? choose([get(x), get(x), op.f64x2Add], [get(y)], [
        get(x),
        get(x),
        op.f64x2Ne,
      ])
      : [get(y)],
  ];
}

/** Bits of fixed point in which the tables are computed. */
const FIXED = 200n;

/** atanh(u) of u in fixed point ({@linkcode FIXED} bits; |u| <= 1/5), by its series. */
function atanhFixed(u: bigint): bigint {
  const u2 = (u * u) >> FIXED;
  let sum = 0n, term = u;
  for (let n = 1n; n < 140n; n += 2n) {
    sum += term / n;
    term = (term * u2) >> FIXED;
  }
  return sum;
}

/** log(v) in fixed point of a double v in [2/3, 3/2]: 2 atanh((v - 1) / (v + 1)). */
function logFixed(v: number): bigint {
  const m = BigInt(v * 2 ** 52), one = 1n << 52n;
  return 2n * atanhFixed(((m - one) << FIXED) / (m + one));
}

/** A fixed-point value as a double rounded to a multiple of 2**-`bits` and the double nearest the rest. */
function split(v: bigint, bits: bigint): [number, number] {
  const unit = 1n << (FIXED - bits);
  const a = v + unit / 2n;
  // a / unit rounded down (BigInt's division rounds toward zero)
  const hi = a / unit - (a < 0n && a % unit !== 0n ? 1n : 0n);
  return [
    Number(hi) / 2 ** Number(bits),
    Number(v - hi * unit) / 2 ** Number(FIXED),
  ];
}

/** Subintervals of log's reduced argument, one table entry each. */
const LOG_N = 128;

/** Where log's table lies in the kernels' memory: 4 KiB below exp's. */
const LOG_TABLE_AT = EXP_TABLE_AT - 32 * LOG_N;

/** ln2 in fixed point: 2 atanh(1/3). */
const LN2_FIXED = 2n * atanhFixed((1n << FIXED) / 3n);

/** 1 / `v` of a fixed-point `v`, in fixed point. */
const inverse = (v: bigint) => (1n << (2n * FIXED)) / v;

/**
 * log2 and log10 as log times log_b(e) ({@linkcode logOf}'s `base`):
 * log_b(e) in fixed point, its first part of 27 significant bits (a
 * product with 26 bits exact) and the double nearest it.
 */
const LOG_BASES = Object.fromEntries(
  ([["2", inverse(LN2_FIXED), 26n], [
    "10",
    inverse(3n * LN2_FIXED + logFixed(1.25)),
    28n,
  ]] as const).map(([base, c, bits]) => [
    base,
    [...split(c, bits), Number(c) / 2 ** Number(FIXED)],
  ]),
) as Record<"2" | "10", [number, number, number]>;

/** log's constants. */
const LOG = {
  /**
   * The bits of z's least value (about 0.705): x = 2**k z, z in [OFF, 2
   * OFF), subinterval i of z (bits i << 45 on from OFF) entry i; 1 lies
   * in the middle of entry 75's, [1 - 2**-9, 1 + 2**-8).
   */
  off: 0x3ff0000000000000n - (151n << 44n),
  /** ln2 in two parts; the first a multiple of 2**-43: k ln2HI exact for |k| < 1100. */
  ln2: split(LN2_FIXED, 43n),
  /** log1p(r) - r = r**2 (-1/2 + r/3 - ...), Taylor's terms to r**7 (|r| < 2**-8: the next below 2**-59 of the result). */
  C: [-1 / 2, 1 / 3, -1 / 4, 1 / 5, -1 / 6, 1 / 7],
};

/**
 * log's table, 32 bytes an entry i in [0, 128): invc, an approximation of
 * 1 / z over subinterval i of 20 significant bits (1 on the subinterval of
 * 1: near 1, r = z - 1 exactly), then log(1 / invc) in two parts, the
 * first a multiple of 2**-43, and 0.
 */
function logTable(): Float64Array {
  const out = new Float64Array(4 * LOG_N);
  const value = (bits: bigint) =>
    new Float64Array(BigInt64Array.of(bits).buffer)[0];
  for (let i = 0; i < LOG_N; i++) {
    const lo = value(LOG.off + (BigInt(i) << 45n));
    const hi = value(LOG.off + (BigInt(i + 1) << 45n));
    let invc = 1;
    if (!(lo <= 1 && 1 < hi)) {
      const v = 2 / (lo + hi), q = 2 ** (v >= 1 ? 19 : 20);
      invc = Math.round(v * q) / q;
    }
    const [logcHi, logcLo] = split(-logFixed(invc), 43n);
    out.set([invc, logcHi, logcLo, 0], 4 * i);
  }
  return out;
}

/**
 * log of the two float64 lanes in local `x`, left on the stack: x = 2**k
 * z on the bits (subnormals times 2**52 first in the full way), z in
 * [0.705, 1.41) in 128 subintervals i by its bits, then log(x) = k ln2 +
 * log(1 / invc) + log1p(r), r = z invc - 1 (|r| < 2**-8) as rh + rl:
 * z = zh + zl with zh of 33 significant bits, so that zh invc (53 bits)
 * and rh = zh invc - 1 are exact, rl = zl invc (below 2**-32, its
 * rounding 2**-85); r = rh + rl rounded and its rounding error (exact
 * where it matters: on subinterval 75, invc = 1, rh = 0 or |rh| >= |rl|).
 * w = k ln2HI + log(1 / invc)'s first part is exact (multiples of
 * 2**-43), hi = w + r and its rounding error exactly (|w| >= |r| or w =
 * 0); then hi + (that error + (k ln2LO + log(1 / invc)'s second part +
 * r's error) + log1p(r) - r) rounded once, the polynomial's part at most
 * 2**-9 of the result: within 0.515 ulp measured, no division, no branch,
 * no fused multiply-add. The full way then chooses ±0 (-inf), negative
 * numbers (NaN), +inf and NaN (x + x).
 */
function logOf(
  x: number,
  full: boolean,
  base: "e" | "2" | "10" = "e",
): Code {
  const [xs, t, kd, at, a0, a1, b0, b1, invc, zh, rl, rh, r, r2] = [
    ...Array(14).keys(),
  ].map((n) => W + n);
  const [p, w, hi, hh, lo] = [at, a0, a1, r2, W + 14];
  const [ln2HI, ln2LO] = LOG.ln2;
  const C = LOG.C;
  const sub: Code = [
    get(x),
    f64(2 ** -1022),
    op.f64x2Lt,
    get(x),
    f64(0),
    op.f64x2Gt,
    op.v128And,
  ];
  const entry = (lane: number, at16: number, local: number): Code => [
    get(at),
    op.i32x4ExtractLane(lane),
    op.v128Load(LOG_TABLE_AT + at16),
    set(local),
  ];
  return [
    ...full
      ? choose([get(x), f64(2 ** 52), op.f64x2Mul], [get(x)], sub)
      : [get(x)],
    tee(xs),
    i64(LOG.off),
    op.i64x2Sub,
    tee(t),
    // k: the high words shifted, to float64
    i32(20),
    op.i32x4ShrS,
    tee(kd),
    get(kd),
    op.i8x16Shuffle([4, 5, 6, 7, 12, 13, 14, 15, 4, 5, 6, 7, 12, 13, 14, 15]),
    op.f64x2ConvertLowI32x4S,
    ...full ? [...sub, f64(-52), op.v128And, op.f64x2Add] : [],
    set(kd),
    // the table's entries i (bytes 32 i) of each lane
    get(t),
    i32(40),
    op.i64x2ShrU,
    i64(BigInt(32 * (LOG_N - 1))),
    op.v128And,
    set(at),
    ...entry(0, 0, a0),
    ...entry(2, 0, a1),
    ...entry(0, 16, b0),
    ...entry(2, 16, b1),
    get(a0),
    get(a1),
    op.i8x16Shuffle(LOW_HALVES),
    set(invc),
    // z = x / 2**k (exact), zh its 33 high bits, zl = z - zh
    get(xs),
    get(t),
    i64(-(1n << 52n)),
    op.v128And,
    op.i64x2Sub,
    tee(r),
    i64(-(1n << 20n)),
    op.v128And,
    set(zh),
    get(r),
    get(zh),
    op.f64x2Sub,
    get(invc),
    op.f64x2Mul,
    set(rl),
    get(zh),
    get(invc),
    op.f64x2Mul,
    f64(1),
    op.f64x2Sub,
    tee(rh),
    get(rl),
    op.f64x2Add,
    tee(r),
    get(r),
    op.f64x2Mul,
    set(r2),
    // r's rounding error (exact where it matters: |rh| >= |rl| or rh = 0)
    get(rh),
    get(r),
    op.f64x2Sub,
    get(rl),
    op.f64x2Add,
    set(rl),
    // p = r2 ((C0 + r C1) + r2 ((C2 + r C3) + r2 (C4 + r C5)))
    get(r2),
    f64(C[0]),
    get(r),
    f64(C[1]),
    op.f64x2Mul,
    op.f64x2Add,
    get(r2),
    f64(C[2]),
    get(r),
    f64(C[3]),
    op.f64x2Mul,
    op.f64x2Add,
    get(r2),
    f64(C[4]),
    get(r),
    f64(C[5]),
    op.f64x2Mul,
    op.f64x2Add,
    op.f64x2Mul,
    op.f64x2Add,
    op.f64x2Mul,
    op.f64x2Add,
    op.f64x2Mul,
    set(p),
    // w = k ln2HI + log(c)'s first part (exact); hi = w + r
    get(kd),
    f64(ln2HI),
    op.f64x2Mul,
    get(a0),
    get(a1),
    op.i8x16Shuffle(HIGH_HALVES),
    op.f64x2Add,
    tee(w),
    get(r),
    op.f64x2Add,
    base === "e" ? tee(hi) : set(hi),
    // ((w - hi) + r) + ((k ln2LO + log(c)'s second part) + r's error) + p
    get(w),
    get(hi),
    op.f64x2Sub,
    get(r),
    op.f64x2Add,
    get(kd),
    f64(ln2LO),
    op.f64x2Mul,
    get(b0),
    get(b1),
    op.i8x16Shuffle(LOW_HALVES),
    op.f64x2Add,
    get(rl),
    op.f64x2Add,
    op.f64x2Add,
    get(p),
    op.f64x2Add,
    ...base === "e" ? [op.f64x2Add] : timesLogE(hi, lo, hh, base),
    ...full ? logSpecials(x, xs) : [],
  ];
}

/**
 * (hi + lo) log_b(e), hi + lo log's result before its rounding (lo on the
 * stack, hi in its local; `hh` a spare local): hi = hh + (hi - hh) with hh
 * of 26 significant bits, so that hh C1 (C1 log_b(e)'s first part) is
 * exact, then hh C1 + ((hi - hh) C1 + (hi C2 + lo C)) rounded once (the
 * sum's small part below 2**-25 of the result): within 0.52 ulp, integer
 * results (log2 of powers of two, log10 of powers of ten) exact.
 */
function timesLogE(
  hi: number,
  lo: number,
  hh: number,
  base: "2" | "10",
): Code {
  const [c1, c2, c] = LOG_BASES[base];
  return [
    set(lo),
    get(hi),
    i64(-(1n << 27n)),
    op.v128And,
    tee(hh),
    f64(c1),
    op.f64x2Mul,
    get(hi),
    get(hh),
    op.f64x2Sub,
    f64(c1),
    op.f64x2Mul,
    get(hi),
    f64(c2),
    op.f64x2Mul,
    get(lo),
    f64(c),
    op.f64x2Mul,
    op.f64x2Add,
    op.f64x2Add,
    op.f64x2Add,
  ];
}

/** Lanes of `x` that {@linkcode logOf} computes without its special cases: normal, positive and finite. */
function logPlain(x: number): Code {
  return [
    get(x),
    f64(2 ** -1022),
    op.f64x2Ge,
    get(x),
    f64(Infinity),
    op.f64x2Lt,
    op.v128And,
  ];
}

/** The instructions of a lane type that {@linkcode logSpecials} uses. */
interface Lanes {
  c: (v: number) => number[];
  eq: number[];
  lt: number[];
  ne: number[];
  add: number[];
}

const F64X2: Lanes = {
  c: f64,
  eq: op.f64x2Eq,
  lt: op.f64x2Lt,
  ne: op.f64x2Ne,
  add: op.f64x2Add,
};

const F32X4: Lanes = {
  c: f32,
  eq: op.f32x4Eq,
  lt: op.f32x4Lt,
  ne: op.f32x4Ne,
  add: op.f32x4Add,
};

/** log's special lanes (float64 lanes, or `t`'s): ±0, negative numbers, +inf and NaN. */
function logSpecials(x: number, q: number, t: Lanes = F64X2): Code {
  return [
    set(q),
    ...choose([t.c(-Infinity)], [get(q)], [get(x), t.c(0), t.eq]),
    set(q),
    ...choose([t.c(DEFAULT_NAN)], [get(q)], [get(x), t.c(0), t.lt]),
    set(q),
    ...choose([get(x), get(x), t.add], [get(q)], [
      get(x),
      get(x),
      t.ne,
      get(x),
      t.c(Infinity),
      t.eq,
      op.v128Or,
    ]),
  ];
}

/**
 * The float32 kernels' constants. A float32 result needs the exact value
 * to about 2**-30 relatively, not fdlibm's 2**-58: these polynomials
 * (fitted for this library to the relative error of each function on its
 * reduced range, in extended precision) are accurate to 2**-37 or better,
 * so that the double result rounded once is the correctly rounded float32
 * but where the exact value lies within 2**-37 of a midpoint between two
 * float32 values (then the one on its other side, 1 ulp away: a few inputs
 * in a hundred thousand).
 */
const F32 = {
  /** 1.5 * 2**52: `t + SHIFTER - SHIFTER` rounds `t` to an integer, left in the low bits of the sum. */
  shifter: 1.5 * 2 ** 52,
  invln2: Math.LOG2E,
  ln2: Math.LN2,
  /** exp's arguments are clamped to these (results 0 and infinity in float32, 2**k a normal double). */
  expLow: -105,
  expHigh: 89,
  exp2Low: -152,
  exp2High: 129,
  /** exp(r) = 1 + r + r**2 q(r), |r| <= ln2 / 2: 2**-39.7. */
  expQ: [
    0.5000000000427101,
    0.1666666678449979,
    0.04166666440394837,
    0.008333281791350388,
    0.0013889197234930484,
    0.0001990894986466238,
    2.4708271101525795e-05,
  ],
  /** The bits of sqrt(1 / 2): log reduces x to 2**k m, m in [sqrt(1 / 2), sqrt(2)). */
  sqrtHalf: 0x3fe6a09e667f3bcdn,
  /** log_b(2) and log_b(e) of each base. */
  log2: { e: Math.LN2, 2: 1, 10: Math.LOG10E * Math.LN2 },
  loge: { e: 1, 2: Math.LOG2E, 10: Math.LOG10E },
  /** log(m) = 2s + s**3 q(s**2), s = (m - 1) / (m + 1): 2**-37.6. */
  logQ: [
    0.6666666564501273,
    0.40000335299072787,
    0.28537301204204957,
    0.23582298836055515,
  ],
  invpi: 1 / Math.PI,
  /** fdlibm's first three parts of pi / 2 (33, 33 and 53 bits): m * part is exact for |m| < 2**20. */
  pio2: [
    1.57079632673412561417e+00,
    6.07710050630396597660e-11,
    2.02226624871116645580e-21,
  ],
  /** sin(y) = y + y**3 q(y**2), |y| <= pi / 2: 2**-43.7. */
  sinQ: [
    -0.16666666666504532,
    0.008333333321082255,
    -0.00019841266728672422,
    2.7556953018688626e-06,
    -2.5030193166220847e-08,
    1.5409472399370854e-10,
  ],
  /** tan(y) = sin(y) / cos(y), |y| <= pi / 4: sin(y) = y + y**3 q(y**2), 2**-47.4. */
  tanSinQ: [
    -0.16666666666630242,
    0.00833333332505251,
    -0.00019841263714457432,
    2.7555336556390685e-06,
    -2.4760223813964413e-08,
  ],
  /** cos(y) = 1 + y**2 q(y**2), |y| <= pi / 4: 2**-43.6. */
  tanCosQ: [
    -0.49999999999486694,
    0.04166666655295857,
    -0.0013888880634008699,
    2.4798955350453005e-05,
    -2.717439983245719e-07,
  ],
  /** |x| up to which sin, cos and tan reduce exactly enough (m * pio2[0] exact). */
  trigLimit: 2 ** 19,
};

/**
 * exp (exp2, expm1 by `kind`) of float32 arguments (widened, in local
 * `x`): the argument clamped to where float32 results are 0 and infinity
 * (NaN stays NaN), k = round(x / ln2) (exp2: round(x)) by the shifter,
 * r = x - k ln2 (exp2: (x - k) ln2) and the polynomial, times 2**k made
 * from the sum's low bits (the shifter plus 1023 leaves k + 1023 there);
 * expm1 adds 2**k - 1 to 2**k (e**r - 1), which is r's polynomial alone
 * for k = 0 (|x| < ln2 / 2: no cancellation) and keeps ±0. Every lane, no special case: the rounding to
 * float32 makes the clamped ends 0 and infinity, and subnormal results.
 */
function exp32Of(kind: "exp" | "exp2" | "expm1"): (x: number) => Code {
  const base2 = kind === "exp2";
  return (x) => {
    const [c, t, r, scale] = [W, W + 1, W + 2, W + 3];
    return [
      get(x),
      f64(base2 ? F32.exp2Low : F32.expLow),
      op.f64x2Pmax,
      f64(base2 ? F32.exp2High : F32.expHigh),
      op.f64x2Pmin,
      tee(c),
      ...base2 ? [] : [f64(F32.invln2)],
      f64(F32.shifter + 1023),
      base2 ? op.f64x2Add : op.f64x2RelaxedMadd,
      tee(t),
      f64(F32.shifter + 1023),
      op.f64x2Sub,
      // r = c - k ln2 (exp), (c - k) ln2 (exp2)
      ...base2
        ? [set(r), get(c), get(r), op.f64x2Sub, f64(F32.ln2), op.f64x2Mul]
        : [f64(-F32.ln2), get(c), op.f64x2RelaxedMadd],
      set(r),
      // 2**k: the sum's low bits are k + 1023
      get(t),
      i32(52),
      op.i64x2Shl,
      ...kind === "expm1"
        ? [
          // 2**k (r (1 + r q(r))) + (2**k - 1): r itself for k = 0
          tee(scale),
          ...hornerFused(r, [1, ...F32.expQ]),
          get(r),
          op.f64x2Mul,
          get(scale),
          f64(1),
          op.f64x2Sub,
          op.f64x2RelaxedMadd,
          ...zeroKept(x, r),
        ]
        : [
          // 1 + r (1 + r q(r)), times 2**k
          ...hornerFused(r, [1, 1, ...F32.expQ]),
          op.f64x2Mul,
        ],
    ];
  };
}

/**
 * tanh of float32 arguments: e / (e + 2) with e = expm1(2x), the
 * argument clamped to [-10, 10] first (where tanh rounds to ±1 in float32).
 */
function tanh32Of(x: number): Code {
  const [d, e] = [W + 5, W + 6];
  return [
    get(x),
    f64(-10),
    op.f64x2Pmax,
    f64(10),
    op.f64x2Pmin,
    f64(2),
    op.f64x2Mul,
    set(d),
    ...exp32Of("expm1")(d),
    tee(e),
    get(e),
    f64(2),
    op.f64x2Add,
    op.f64x2Div,
  ];
}

/**
 * log (or log2, log10 by `base`) of float32 arguments (widened: float32
 * subnormals are normal doubles): x = 2**k m with m in [sqrt(1 / 2),
 * sqrt(2)) on the bits, k ln2 + 2s + s**3 q(s**2) with s = (m - 1) / (m +
 * 1), for other bases k log_b(2) + (2s + s**3 q(s**2)) log_b(e); with
 * `full`, ±0, negative numbers, +inf and NaN chosen as float64's log does.
 */
function log32Of(
  x: number,
  full: boolean,
  base: "e" | "2" | "10" = "e",
): Code {
  const [k, m, f, s, z, q] = [...Array(6).keys()].map((i) => W + i);
  return [
    get(x),
    i64(F32.sqrtHalf),
    op.i64x2Sub,
    i32(52),
    op.i64x2ShrS,
    tee(k),
    // m = x / 2**k on the exponent bits, f = m - 1, s = f / (m + 1)
    i32(52),
    op.i64x2Shl,
    set(m),
    get(x),
    get(m),
    op.i64x2Sub,
    tee(m),
    f64(1),
    op.f64x2Sub,
    set(f),
    get(f),
    get(m),
    f64(1),
    op.f64x2Add,
    op.f64x2Div,
    tee(s),
    get(s),
    op.f64x2Mul,
    set(z),
    // k as a double (by the shifter) times ln2, plus 2s + s z q(z)
    get(k),
    i64(new BigInt64Array(Float64Array.of(F32.shifter).buffer)[0]),
    op.i64x2Add,
    f64(F32.shifter),
    op.f64x2Sub,
    f64(F32.log2[base]),
    get(s),
    get(z),
    op.f64x2Mul,
    ...hornerFused(z, F32.logQ),
    get(s),
    get(s),
    op.f64x2Add,
    op.f64x2RelaxedMadd,
    ...base === "e" ? [] : [f64(F32.loge[base]), op.f64x2Mul],
    op.f64x2RelaxedMadd,
    ...full ? logSpecials(x, q) : [],
  ];
}

/** Lanes of `x` that {@linkcode log32Of} computes without its special cases. */
function log32Plain(x: number): Code {
  return [
    get(x),
    f64(0),
    op.f64x2Gt,
    get(x),
    f64(Infinity),
    op.f64x2Lt,
    op.v128And,
  ];
}

/**
 * log1p of float32 arguments: log of u = 1 + x, exact in double precision
 * for |x| >= 2**-29 (and rounded to x past 2**53, where log1p(x) and
 * log(x) agree in float32); below 2**-29 the float32 result is x itself.
 */
function log1p32Of(x: number, full: boolean): Code {
  const [u, r] = [W + 6, W + 7];
  return [
    get(x),
    f64(1),
    op.f64x2Add,
    set(u),
    ...log32Of(u, full),
    set(r),
    ...choose([get(x)], [get(r)], [
      get(x),
      op.f64x2Abs,
      f64(2 ** -29),
      op.f64x2Lt,
    ]),
  ];
}

/** Lanes of `x` that {@linkcode log1p32Of} computes without its special cases (x > -1). */
function log1p32Plain(x: number): Code {
  return [
    get(x),
    f64(-1),
    op.f64x2Gt,
    get(x),
    f64(Infinity),
    op.f64x2Lt,
    op.v128And,
  ];
}

/**
 * y = ((x - m p1) - m p2) - m p3 into local `y` (pi / 2 in fdlibm's three
 * parts; each product exact, or far below float32's precision) and y * y
 * into local `z`, for the multiple of pi / 2 in local `m`.
 */
function reduceByHalfPi(x: number, m: number, y: number, z: number): Code {
  return [
    get(x),
    ...F32.pio2.flatMap((p) => [
      set(y),
      get(m),
      f64(-p),
      get(y),
      op.f64x2RelaxedMadd,
    ]),
    tee(y),
    get(y),
    op.f64x2Mul,
    set(z),
  ];
}

/** `y + y z q(z)` of locals `y` and `z` = y * y, `q` by its coefficients (sin's form). */
function oddPolynomial(y: number, z: number, q: number[]): Code {
  return [
    get(y),
    get(z),
    op.f64x2Mul,
    ...hornerFused(z, q),
    get(y),
    op.f64x2RelaxedMadd,
  ];
}

/** The result on the stack, but `x` itself where it is ±0 (the zero's sign kept); `r` a spare local. */
function zeroKept(x: number, r: number): Code {
  return [set(r), ...choose([get(x)], [get(r)], [get(x), f64(0), op.f64x2Eq])];
}

/**
 * sin (`shift` 0) or cos (`shift` 1) of float32 arguments (|x| up to
 * 2**19; the runner computes larger ones, infinities and NaN with the
 * scalar function). One polynomial for both: x = m pi / 2 + y with m = 2q
 * (sin; q = round(x / pi)) or 2q - 1 (cos; q = round(x / pi + 1 / 2)),
 * |y| <= pi / 2, pi / 2 in fdlibm's three parts; the result is sin(y),
 * negated for odd q (sin(x) = (-1)**q sin(y); cos(x) = sin(x + pi / 2)).
 * sin(±0) is ±0.
 */
function trig32Of(shift: 0 | 1): (x: number) => Code {
  return (x) => {
    const [t, m, y, z] = [W, W + 1, W + 2, W + 3];
    return [
      get(x),
      f64(F32.invpi),
      ...shift
        ? [op.f64x2Mul, f64(0.5), op.f64x2Add, f64(F32.shifter), op.f64x2Add]
        : [f64(F32.shifter), op.f64x2RelaxedMadd],
      tee(t),
      f64(F32.shifter),
      op.f64x2Sub,
      f64(2),
      f64(-shift),
      op.f64x2RelaxedMadd,
      set(m),
      ...reduceByHalfPi(x, m, y, z),
      // y + y z q(z), its sign flipped by q's lowest bit
      ...oddPolynomial(y, z, F32.sinQ),
      get(t),
      i32(63),
      op.i64x2Shl,
      op.v128Xor,
      ...shift ? [] : zeroKept(x, y),
    ];
  };
}

/**
 * round(x * factor) of the vector in local `x` by the shifter (float64
 * lanes, or four float32 lanes with `four`), left on the stack as a float;
 * the sum with the shifter, whose low bits hold the integer, into local `t`.
 */
function nearest(x: number, factor: number, t: number, four = false): Code {
  const [c, madd, sub, shifter] = four
    ? [f32, op.f32x4RelaxedMadd, op.f32x4Sub, L32.shifter]
    : [f64, op.f64x2RelaxedMadd, op.f64x2Sub, F32.shifter];
  return [get(x), c(factor), c(shifter), madd, tee(t), c(shifter), sub];
}

/**
 * tan of float32 arguments (|x| up to 2**19, as {@linkcode trig32Of}): x =
 * q pi / 2 + y, |y| <= pi / 4, sin(y) / cos(y) for even q and -cos(y) /
 * sin(y) for odd q, each of sin and cos one short polynomial; tan(±0) is ±0.
 */
function tan32Of(x: number): Code {
  const [t, q, y, z, s, c, odd] = [...Array(7).keys()].map((i) => W + i);
  return [
    ...nearest(x, 2 / Math.PI, t),
    set(q),
    ...reduceByHalfPi(x, q, y, z),
    ...oddPolynomial(y, z, F32.tanSinQ),
    set(s),
    get(z),
    ...hornerFused(z, F32.tanCosQ),
    f64(1),
    op.f64x2RelaxedMadd,
    set(c),
    // odd q: -cos / sin
    get(t),
    i64(1n),
    op.v128And,
    i64(1n),
    op.i64x2Eq,
    set(odd),
    ...choose([get(c), f64(-0), op.v128Xor], [get(s)], [get(odd)]),
    ...choose([get(s)], [get(c)], [get(odd)]),
    op.f64x2Div,
    ...zeroKept(x, y),
  ];
}

/** Lanes of `x` that {@linkcode trig32Of} and {@linkcode tan32Of} compute (others are the runner's). */
function trig32Plain(x: number): Code {
  return [get(x), op.f64x2Abs, f64(F32.trigLimit), op.f64x2Le];
}

/**
 * The constants of the kernels that compute float32 in float32 lanes
 * (four a vector). Polynomials fitted for this library (weighted
 * least squares iterated to the minimax error, coefficients rounded to
 * float32; relative error of the approximation itself, coefficients
 * rounded, in brackets); the argument reductions' constants split so that
 * every product with the reduction's integer is exact (fused or not).
 */
const L32 = {
  /** 1.5 * 2**23: `t + SHIFTER - SHIFTER` rounds `t` to an integer, left in the low bits of the sum. */
  shifter: 1.5 * 2 ** 23,
  /** exp's arguments are clamped to these (results 0 and infinity in float32). */
  expLow: -104,
  expHigh: 89,
  /** x above which every float32 exp is normal or +inf (e**-87 > 2**-126). */
  expPlain: -87,
  /** Where {@linkcode exp32x4Of}'s short way clamps x: k = round(x / ln2) stays at most 128. */
  expCap: 88.8,
  /** ln 2 in two parts: the first with 15 bits, so k ln2HI is exact for |k| < 2**9. */
  ln2HI: 0.693145751953125,
  ln2LO: 1.428606765330187e-06,
  /** exp(r) = 1 + r + r**2 q(r), |r| <= ln2 / 2 (2**-27.9). */
  expQ: [
    0.4999999403953552,
    0.1666652113199234,
    0.04166838899254799,
    0.008368710055947304,
    0.0013814610429108143,
  ],
  /** The bits of sqrt(1 / 2) in float32: log reduces x to 2**k m, m in [sqrt(1 / 2), sqrt(2)). */
  sqrtHalf: 0x3f3504f3,
  /** log(1 + f) = f - f**2 / 2 + s (f**2 / 2 + z q(z)), s = f / (2 + f), z = s**2 (2**-30.1). */
  logQ: [0.6666677594184875, 0.3997754156589508, 0.29871731996536255],
  /** pi / 2 in four parts, three of 14 bits: m * part is exact for |m| < 2**10. */
  pio2: [
    1.57080078125,
    -4.454515874385834e-06,
    6.077272018956137e-11,
    -1.7151245100058819e-15,
  ],
  /** |x| up to which sin and cos reduce in float32 lanes (|m| < 2**10). */
  trigLimit: 1600,
  /** sin(y) = y + y**3 q(y**2), |y| <= pi / 4 (2**-27.4). */
  sinQ: [
    -0.16666655242443085,
    0.008332177996635437,
    -0.00019517297914717346,
  ],
  /** cos(y) = 1 - y**2 / 2 + y**4 q(y**2), |y| <= pi / 4 (2**-32.4). */
  cosQ: [
    0.04166664555668831,
    -0.0013887316454201937,
    2.4433154976577498e-05,
  ],
};

/**
 * exp of four float32 lanes in local `x`, every lane (no special case):
 * the argument clamped to [-104, 89] (where float32 results are 0 and
 * infinity; NaN stays NaN), k = round(x / ln2) by the shifter, r = x - k
 * ln2 (ln2 in two parts, the first product exact and the difference too),
 * e**r - 1 = r + r**2 q(r), and (1 + (e**r - 1)) 2**k as
 * ((1 + (e**r - 1)) 2**(k >> 1)) 2**(k - (k >> 1)): two normal powers
 * of two for every k in [-150, 128], the first product exact, so the
 * result is rounded once (subnormal results too). Without `full` (every
 * lane's x above {@linkcode L32.expPlain}, {@linkcode exp32x4Plain}),
 * every result is normal or +inf: x capped at {@linkcode L32.expCap}, and
 * 2**k added to the exponent bits of 1 + (e**r - 1) (the sum's low bits
 * shifted there; bits past the largest finite value made +inf's), the
 * same bits: 2**k times 1 + (e**r - 1) rounded.
 */
function exp32x4Of(x: number, full: boolean): Code {
  const [c, t, k, r, q, half] = [...Array(6).keys()].map((i) => W + i);
  const clamped: Code = full
    ? [
      get(x),
      f32(L32.expLow),
      op.f32x4Pmax,
      f32(L32.expHigh),
      op.f32x4Pmin,
      set(c),
    ]
    // The short way: x capped so that k <= 128 (past it, +inf).
    : [get(x), f32(L32.expCap), op.f32x4Pmin, set(c)];
  const scaled: Code = full
    ? [
      // k as an integer: the sum's low bits
      get(t),
      i32x4(bitsOf32(L32.shifter)),
      op.i32x4Sub,
      tee(k),
      i32(1),
      op.i32x4ShrS,
      tee(half),
      i32x4(127),
      op.i32x4Add,
      i32(23),
      op.i32x4Shl,
      tee(t),
      // (q 2**half + 2**half) 2**(k - half)
      get(q),
      op.f32x4Mul,
      get(t),
      op.f32x4Add,
      get(k),
      get(half),
      op.i32x4Sub,
      i32x4(127),
      op.i32x4Add,
      i32(23),
      op.i32x4Shl,
      op.f32x4Mul,
    ]
    : [
      // 1 + q, its exponent raised by k (the sum's low 9 bits, shifted
      // past the fraction: the shifter's own bits there are zero); an
      // exponent past 254 (k = 128, 1 + q >= 1) is +inf's bits
      get(q),
      f32(1),
      op.f32x4Add,
      get(t),
      i32(23),
      op.i32x4Shl,
      op.i32x4Add,
      i32x4(0x7f800000),
      op.i32x4MinS,
    ];
  return [
    ...clamped,
    ...nearest(c, Math.LOG2E, t, true),
    tee(k),
    // r = c - k ln2HI - k ln2LO
    f32(L32.ln2HI),
    get(c),
    op.f32x4RelaxedNmadd,
    set(r),
    get(k),
    f32(L32.ln2LO),
    get(r),
    op.f32x4RelaxedNmadd,
    tee(r),
    // q = r + r**2 q(r)
    get(r),
    op.f32x4Mul,
    ...horner32(r, L32.expQ),
    get(r),
    op.f32x4RelaxedMadd,
    set(q),
    ...scaled,
  ];
}

/**
 * The lanes {@linkcode exp32x4Of} computes without `full`: x above
 * {@linkcode L32.expPlain} (every result normal or, past 88.72, +inf; NaN
 * fails).
 */
function exp32x4Plain(x: number): Code {
  return [get(x), f32(L32.expPlain), op.f32x4Gt];
}

/**
 * log of four float32 lanes in local `x`: x = 2**k m on the bits, m in
 * [sqrt(1 / 2), sqrt(2)), f = m - 1 (exact), s = f / (2 + f), z = s**2,
 * and k ln2HI + (f - (f**2 / 2 - (s (f**2 / 2 + z q(z)) + k ln2LO))):
 * the polynomial's part is small against f, so rounding it costs little,
 * and k ln2HI is exact. With `full`, subnormal lanes are scaled by 2**23
 * first and ±0, negative numbers, +inf and NaN chosen as IEEE's log.
 */
function log32x4Of(x: number, full: boolean): Code {
  const [a, k, m, f, s, z, hfsq, r] = [...Array(8).keys()].map((i) => W + i);
  const sub: Code = [get(x), f32(2 ** -126), op.f32x4Lt];
  return [
    ...full
      ? choose([get(x), f32(2 ** 23), op.f32x4Mul], [get(x)], sub)
      : [get(x)],
    tee(a),
    i32x4(L32.sqrtHalf),
    op.i32x4Sub,
    i32(23),
    op.i32x4ShrS,
    tee(k),
    i32(23),
    op.i32x4Shl,
    set(m),
    get(a),
    get(m),
    op.i32x4Sub,
    tee(m),
    f32(1),
    op.f32x4Sub,
    tee(f),
    get(m),
    f32(1),
    op.f32x4Add,
    op.f32x4Div,
    tee(s),
    get(s),
    op.f32x4Mul,
    set(z),
    get(k),
    ...full ? [...sub, i32x4(-23), op.v128And, op.i32x4Add] : [],
    op.f32x4ConvertI32x4S,
    set(k),
    f32(0.5),
    get(f),
    op.f32x4Mul,
    get(f),
    op.f32x4Mul,
    set(hfsq),
    // hfsq - (s (hfsq + z q(z)) + k ln2LO)
    get(hfsq),
    get(s),
    get(z),
    ...horner32(z, L32.logQ),
    get(hfsq),
    op.f32x4RelaxedMadd,
    get(k),
    f32(L32.ln2LO),
    op.f32x4Mul,
    op.f32x4RelaxedMadd,
    op.f32x4Sub,
    set(r),
    get(k),
    f32(L32.ln2HI),
    op.f32x4Mul,
    get(f),
    get(r),
    op.f32x4Sub,
    op.f32x4Add,
    ...full ? logSpecials(x, r, F32X4) : [],
  ];
}

/** Lanes of `x` that {@linkcode log32x4Of} computes without its special cases: normal, positive and finite (on the bits). */
function log32x4Plain(x: number): Code {
  return [
    get(x),
    i32x4(0x00800000),
    op.i32x4Sub,
    i32x4(0x7f000000),
    op.i32x4LtU,
  ];
}

/**
 * sin (`shift` 0) or cos (`shift` 1) of four float32 lanes (|x| up to
 * 1600; the kernel widens steps with larger arguments, infinities or NaN
 * to {@linkcode trig32Of}): x = j pi / 2 + y + tail, j = round(x 2 / pi),
 * |y| <= pi / 4: y1 = x - j p1 (exact), y = y1 - j p2 rounded, and tail
 * its rounding error (Fast2Sum) less j p3 and j p4 (pi / 2's parts, the
 * products but the last exact, fused or not); sin(y + tail) = y + (y**3
 * q(y**2) + tail) and cos(y + tail) = w + (y**4 p(y**2) + ((1 - w) - y**2
 * / 2 - y tail)), w = 1 - y**2 / 2 rounded; of j + shift: sin, cos, -sin,
 * -cos by its last two bits. sin(±0) is ±0.
 */
function trig32x4Of(shift: 0 | 1): (x: number) => Code {
  return (x) => {
    const [t, j, y, z, s, hz, w, b, tail] = [...Array(9).keys()].map((i) =>
      W + i
    );
    const [p1, p2, p3, p4] = L32.pio2;
    return [
      ...nearest(x, 2 / Math.PI, t, true),
      tee(j),
      // y1 = x - j p1 (exact); y = y1 - j p2 and its rounding error (Fast2Sum)
      f32(p1),
      get(x),
      op.f32x4RelaxedNmadd,
      tee(s),
      get(j),
      f32(p2),
      op.f32x4Mul,
      tee(b),
      op.f32x4Sub,
      tee(y),
      // tail = ((y1 - y) - j p2) - j p3 - j p4
      get(j),
      f32(p3),
      get(s),
      get(y),
      op.f32x4Sub,
      get(b),
      op.f32x4Sub,
      op.f32x4RelaxedNmadd,
      set(tail),
      get(j),
      f32(p4),
      get(tail),
      op.f32x4RelaxedNmadd,
      set(tail),
      get(y),
      op.f32x4Mul,
      set(z),
      // sin(y + tail) = y + (y z q(z) + tail)
      get(y),
      get(y),
      get(z),
      op.f32x4Mul,
      ...horner32(z, L32.sinQ),
      get(tail),
      op.f32x4RelaxedMadd,
      op.f32x4Add,
      set(s),
      // cos(y + tail) = w + (z**2 p(z) + (((1 - w) - hz) - y tail)), w = 1 - hz, hz = z / 2
      get(z),
      f32(0.5),
      op.f32x4Mul,
      set(hz),
      f32(1),
      get(hz),
      op.f32x4Sub,
      tee(w),
      get(z),
      get(z),
      op.f32x4Mul,
      ...horner32(z, L32.cosQ),
      get(y),
      get(tail),
      f32(1),
      get(w),
      op.f32x4Sub,
      get(hz),
      op.f32x4Sub,
      op.f32x4RelaxedNmadd,
      op.f32x4RelaxedMadd,
      op.f32x4Add,
      // j + shift: odd takes cos(y), bit 1 flips the sign
      get(s),
      get(t),
      ...shift ? [i32x4(1), op.i32x4Add] : [],
      tee(t),
      i32x4(1),
      op.v128And,
      i32x4(1),
      op.i32x4Eq,
      op.v128Bitselect,
      get(t),
      i32(30),
      op.i32x4Shl,
      i32x4(-0x80000000),
      op.v128And,
      op.v128Xor,
      ...shift ? [] : [
        set(s),
        ...choose([get(x)], [get(s)], [get(x), f32(0), op.f32x4Eq]),
      ],
    ];
  };
}

/** Lanes of `x` that {@linkcode trig32x4Of} computes (|x| <= 1600; not NaN). */
function trig32x4Plain(x: number): Code {
  return [get(x), op.f32x4Abs, f32(L32.trigLimit), op.f32x4Le];
}

/**
 * A function's body for one element type: local `x` in (float32 widened),
 * the result on the stack (rounded to float32 by the kernel); `full` for
 * every lane, else for the lanes its `plain` test passes.
 */
interface Body {
  of: (x: number, full: boolean) => Code;
  /** Lanes `of(x, false)` computes; without it, `of` computes every lane. */
  plain?: (x: number) => Code;
  /** The scalar function, where lanes that fail `plain` are left to the runner. */
  partial?: (x: number) => number;
  /**
   * Float32 bodies of four float32 lanes (`x` the loaded vector, not
   * widened); steps whose lanes fail `plain` are computed by `of(x, true)`,
   * or widened and computed by `wide` where it is given.
   */
  lanes?: 4;
  wide?: Body;
  /** Constants kept in locals across the loop, the most used first ({@linkcode hoisted}). */
  hoist?: number;
}

/** IEEE's square root of two float64 lanes. */
const SQRT: Body = { of: (x) => [get(x), op.f64x2Sqrt] };

/**
 * IEEE's square root of four float32 lanes: the correctly rounded float32
 * result, the same bits as the float64 root rounded once (53 bits are more
 * than twice float32's 24 and 2 more, so that rounding never lands
 * elsewhere), at four lanes an instruction instead of two widened vectors.
 */
const SQRT32: Body = { of: (x) => [get(x), op.f32x4Sqrt], lanes: 4 };

const BODIES: Record<MathKernel, Partial<Record<MathType, Body>>> = {
  exp: {
    float64: { of: expOf(EXP_ROWS.exp), plain: expPlain(EXP_ROWS.exp) },
    float32: {
      of: exp32x4Of,
      plain: exp32x4Plain,
      lanes: 4,
      // Measured: 12 of its constants in locals save a sixth of its time;
      // log, sin and cos, exp2, tanh and float64 exp gain nothing or lose.
      hoist: 12,
    },
  },
  exp2: {
    float64: { of: expOf(EXP_ROWS.exp2), plain: expPlain(EXP_ROWS.exp2) },
    float32: { of: exp32Of("exp2") },
  },
  expm1: {
    float64: { of: expm1Of, plain: expPlain(EXPM1_ROW) },
    float32: { of: exp32Of("expm1") },
  },
  log: {
    float64: { of: logOf, plain: logPlain },
    float32: { of: log32x4Of, plain: log32x4Plain, lanes: 4 },
  },
  log2: {
    float64: { of: (x, full) => logOf(x, full, "2"), plain: logPlain },
    float32: { of: (x, full) => log32Of(x, full, "2"), plain: log32Plain },
  },
  log10: {
    float64: { of: (x, full) => logOf(x, full, "10"), plain: logPlain },
    float32: { of: (x, full) => log32Of(x, full, "10"), plain: log32Plain },
  },
  log1p: { float32: { of: log1p32Of, plain: log1p32Plain } },
  sin: {
    float32: {
      of: trig32x4Of(0),
      plain: trig32x4Plain,
      lanes: 4,
      wide: {
        of: trig32Of(0),
        plain: trig32Plain,
        partial: (x) => nanOf(x, Math.sin(x)),
      },
    },
  },
  cos: {
    float32: {
      of: trig32x4Of(1),
      plain: trig32x4Plain,
      lanes: 4,
      wide: {
        of: trig32Of(1),
        plain: trig32Plain,
        partial: (x) => nanOf(x, Math.cos(x)),
      },
    },
  },
  tan: {
    float32: {
      of: tan32Of,
      plain: trig32Plain,
      partial: (x) => nanOf(x, Math.tan(x)),
    },
  },
  tanh: { float32: { of: tanh32Of } },
  sqrt: { float64: SQRT, float32: SQRT32 },
};

/** Vector locals a kernel uses, at most (two `x` and results, then a body's own). */
const VECTORS = 22;

/** Two vector locals past every body's, for {@linkcode unfused}. */
const SPARE = V + VECTORS - 2;

/**
 * `code` with every `relaxed_madd` (`relaxed_nmadd`) a product and a sum
 * (difference), rounded twice: what machines without fused multiply-adds
 * compute, for the tests of the error bounds.
 */
function unfused(code: Code): Code {
  const [c, p] = [SPARE, SPARE + 1];
  const swap: [number[], Code][] = [
    [op.f32x4RelaxedMadd, [set(c), op.f32x4Mul, get(c), op.f32x4Add]],
    [op.f64x2RelaxedMadd, [set(c), op.f64x2Mul, get(c), op.f64x2Add]],
    [op.f32x4RelaxedNmadd, [
      set(c),
      op.f32x4Mul,
      set(p),
      get(c),
      get(p),
      op.f32x4Sub,
    ]],
  ];
  return code.flatMap((step) => swap.find(([o]) => o === step)?.[1] ?? [step]);
}

/** `i8x16.shuffle` lanes: the high eight bytes of the first vector, twice. */
const HIGH_HALF = [...Array(16).keys()].map((i) => 8 + i % 8);

/** `i8x16.shuffle` lanes: the low eight bytes of each of two vectors. */
const LOW_HALVES = [...Array(16).keys()].map((i) => i < 8 ? i : i + 8);

/** Bytes a kernel takes per step: two float64 or four float32 elements. */
const STEP = 16;

/** The module's memories: its own (constants, the chunk), the arguments', the results'. */
const IN = 1, OUT = 2;

/**
 * A step's computing by a body of two float64 lanes: the results of the
 * vectors in locals `V` and (float32, widened) `V + 2` into `V + 1` and
 * `V + 3`, steps without special lanes the short way where the body has
 * a `plain` test; `left` set where a partial body's full way ran.
 */
function computed(body: Body, f32: boolean): Code {
  // [x, result] of each vector of a step
  const halves = f32 ? [[V, V + 1], [V + 2, V + 3]] : [[V, V + 1]];
  const compute = (full: boolean): Code =>
    halves.flatMap(([x, r]) => [...body.of(x, full), set(r)]);
  const plain = body.plain;
  return plain === undefined ? compute(true) : [
    ...plain(V),
    ...f32 ? [...plain(V + 2), op.v128And] : [],
    op.i64x2AllTrue,
    op.if,
    ...compute(false),
    op.else,
    ...compute(true),
    ...body.partial ? [i32(1), set(LEFT)] : [],
    op.end,
  ];
}

/**
 * The four float32 lanes in local `X4` widened into `V` and `V + 2`, the
 * body of two float64 lanes, and its results rounded back into one vector,
 * left on the stack.
 */
function widened(body: Body): Code {
  return [
    get(X4),
    op.f64x2PromoteLowF32x4,
    set(V),
    get(X4),
    get(X4),
    op.i8x16Shuffle(HIGH_HALF),
    op.f64x2PromoteLowF32x4,
    set(V + 2),
    ...computed(body, true),
    get(V + 1),
    op.f32x4DemoteF64x2Zero,
    get(V + 3),
    op.f32x4DemoteF64x2Zero,
    op.i8x16Shuffle(LOW_HALVES),
  ];
}

/**
 * A step of a float32 body of four lanes on the vector in local `X4`, its
 * result on the stack: computed as loaded where its lanes pass the body's
 * `plain` test (or always, without one), else by the body in full or,
 * given a `wide` body, {@linkcode widened}.
 */
function computed4(body: Body): Code {
  if (body.plain === undefined) return body.of(X4, true);
  return [
    ...body.plain(X4),
    op.i32x4AllTrue,
    op.if,
    ...body.of(X4, false),
    set(V + 1),
    op.else,
    ...body.wide === undefined ? body.of(X4, true) : widened(body.wide),
    set(V + 1),
    op.end,
    get(V + 1),
  ];
}

/**
 * `name_type(p, bytes, o) -> left`: the function of the elements in `[p,
 * p + bytes)` of the arguments' memory into the results' memory from `o`
 * (`bytes` a multiple of {@linkcode STEP}; `o` may be `p`, in place), a
 * step of 16 bytes at a time: float64 in two lanes, float32 in four (a
 * body of `lanes` 4) or widened into two vectors of two; `left` is 1 when
 * a partial kernel left lanes to the runner.
 */
function kernel(name: MathKernel, type: MathType, body: Body): FunctionSpec {
  const step: Code = type === "float64"
    ? [
      get(P),
      op.v128Load(0, IN),
      set(V),
      ...computed(body, false),
      get(O),
      get(V + 1),
      op.v128Store(0, OUT),
    ]
    : [
      get(O),
      get(P),
      op.v128Load(0, IN),
      set(X4),
      ...body.lanes === 4 ? computed4(body) : widened(body),
      op.v128Store(0, OUT),
    ];
  const kept = hoisted(step, body.hoist ?? 0, V + VECTORS);
  return {
    name: `${name}_${type}`,
    params: 3,
    results: 1,
    locals: [[2, I32], [VECTORS + (body.hoist ?? 0), V128]],
    body: [
      get(P),
      get(BYTES),
      op.i32Add,
      set(END),
      get(P),
      get(END),
      op.i32LtU,
      op.if,
      ...kept.before,
      op.loop,
      ...kept.code,
      get(O),
      i32(STEP),
      op.i32Add,
      set(O),
      get(P),
      i32(STEP),
      op.i32Add,
      tee(P),
      get(END),
      op.i32LtU,
      op.brIf(0),
      op.end,
      op.end,
      get(LEFT),
    ],
  };
}

/**
 * Each kernel's error bound, by element type: the largest distance of a
 * finite result from the exact value, in units in the last place of the
 * type at the exact value (float32's ulp at 2**-126 for smaller values;
 * an infinite result counts as 2**128), measured over tens of millions of
 * arguments (`tests/memmap/math_kernels_test.ts`, with multiply-adds fused
 * as on this machine and as a product and a sum, {@linkcode unfused}; ±0,
 * ±inf and NaN arguments give IEEE's results exactly). Float32 in float32 lanes (`exp`,
 * `log`, `sin`, `cos`): about 1 ulp (NumPy's own float32 loops, measured
 * the same way on this library's test machine, an x86-64 with AVX2: `exp`
 * 2.44, `log` 3.77, `sin` and `cos` 1.49); float32 widened to float64: the
 * double result rounded once (0.5 ulp and 2**-13 more); float64: `exp`
 * 0.502 ulp, `exp2` 0.506, `expm1` 0.515, `log` 0.515, `log2` and
 * `log10` 0.504 (against mpmath:
 * `tests/memmap/float64_exp_accuracy_test.ts` and
 * `float64_math_accuracy_test.ts`; listed here as 1, the distance that
 * test allows from `Math`'s results), `sqrt` IEEE's (correctly rounded).
 */
export const MATH_ULPS: Readonly<
  Record<MathKernel, Readonly<Partial<Record<MathType, number>>>>
> = {
  exp: { float32: 1.1, float64: 1 },
  exp2: { float32: 0.501, float64: 1 },
  expm1: { float32: 0.501, float64: 1 },
  log: { float32: 1, float64: 1 },
  log2: { float32: 0.501, float64: 1 },
  log10: { float32: 0.501, float64: 1 },
  log1p: { float32: 0.501 },
  sin: { float32: 1.2 },
  cos: { float32: 1.2 },
  tan: { float32: 0.501 },
  tanh: { float32: 0.501 },
  sqrt: { float32: 0.5, float64: 0.5 },
};

/** The kernel functions' names, in module order. */
export const MATH_KERNELS: readonly MathKernel[] = [
  "exp",
  "exp2",
  "expm1",
  "log",
  "log2",
  "log10",
  "log1p",
  "sin",
  "cos",
  "tan",
  "tanh",
  "sqrt",
];

/** The module's bytes; with `fused` false, without relaxed multiply-adds ({@linkcode unfused}). */
export function mathKernelsModule(
  fused = true,
): Uint8Array<ArrayBuffer> {
  const functions = MATH_KERNELS.flatMap((name) =>
    (["float32", "float64"] as const).flatMap((t) => {
      const body = BODIES[name][t];
      if (body === undefined) return [];
      const spec = kernel(name, t, body);
      return [fused ? spec : { ...spec, body: unfused(spec.body) }];
    })
  );
  if (TABLE_AT + 16 * table.length > LOG_TABLE_AT) {
    throw new Error("math kernels: constants overlap the tables");
  }
  return encodeModule(functions, 3) as Uint8Array<ArrayBuffer>;
}

/** A kernel function: `(p, bytes, o) -> left`. */
type Kernel = (p: number, bytes: number, o: number) => number;

/** The compiled module, its own memory and the instances by arguments' and results' memory. */
interface Kernels {
  module: WebAssembly.Module;
  own: WebAssembly.Memory;
  f64: Float64Array;
  f32: Float32Array;
  instances: WeakMap<
    WebAssembly.Memory,
    WeakMap<WebAssembly.Memory, Record<string, Kernel>>
  >;
}

/** The kernels, fused and unfused, once made (null: not available here). */
const compiled = new Map<boolean, Kernels | null>();

/** Settings tests change to reach every path. */
export const mathSettings = {
  /** Compute with the scalar functions only. */
  off: false,
  /** Copy every run through the kernels' own memory (no work in array memories). */
  copy: false,
  /** Use kernels whose multiply-adds are a product and a sum, as on machines that do not fuse them. */
  unfused: false,
};

/** The module and its memory, made on first use, or null without WebAssembly SIMD, relaxed SIMD and multi-memory. */
function mathKernels(): Kernels | null {
  const fused = !mathSettings.unfused;
  let kernels = compiled.get(fused);
  if (kernels !== undefined) return kernels;
  try {
    const own = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const module = new WebAssembly.Module(mathKernelsModule(fused));
    new BigInt64Array(own.buffer, TABLE_AT).set(
      table.flatMap((bits) => [bits, bits]),
    );
    new BigInt64Array(own.buffer, EXP_TABLE_AT).set(expTable());
    new Float64Array(own.buffer, LOG_TABLE_AT).set(logTable());
    kernels = {
      module,
      own,
      f64: new Float64Array(own.buffer, 0, CHUNK),
      f32: new Float32Array(own.buffer, 0, CHUNK),
      instances: new WeakMap(),
    };
    functionsOf(kernels, own, own);
  } catch {
    kernels = null; // No WebAssembly SIMD, relaxed SIMD or multi-memory here.
  }
  compiled.set(fused, kernels);
  return kernels;
}

/** The kernel functions reading `from` and writing `to`. */
function functionsOf(
  k: Kernels,
  from: WebAssembly.Memory,
  to: WebAssembly.Memory,
): Record<string, Kernel> {
  let byTo = k.instances.get(from);
  if (byTo === undefined) k.instances.set(from, byTo = new WeakMap());
  let fns = byTo.get(to);
  if (fns === undefined) {
    const env = { memory: k.own, memory1: from, memory2: to };
    fns = new WebAssembly.Instance(k.module, { env }).exports as Record<
      string,
      Kernel
    >;
    byTo.set(to, fns);
  }
  return fns;
}

/** The WebAssembly memory holding all of `a`, if it is array data. */
function memoryOf(
  a: Float64Array | Float32Array,
): WebAssembly.Memory | undefined {
  return mathSettings.copy
    ? undefined
    : dataMemory(a.buffer, a.byteOffset + a.byteLength);
}

/**
 * Computes `name` of every element of `src` into `dst` (same length and
 * type; they may be the same array) with the kernels: in place in their
 * memories where both are array data (large arrays the library
 * allocated), arguments copied in a chunk at a time and results written
 * straight out where only `dst` is, else both copied through the
 * kernels' own memory.
 *
 * @param name The function.
 * @param src The arguments.
 * @param dst Where the results go.
 * @returns false (and nothing written) when the kernels are not available.
 */
export function mathRun(
  name: MathKernel,
  src: Float64Array | Float32Array,
  dst: Float64Array | Float32Array,
): boolean {
  if (mathSettings.off) return false;
  const k = mathKernels();
  if (k === null) return false;
  const type = src instanceof Float32Array ? "float32" : "float64";
  const body = BODIES[name][type];
  if (body === undefined) return false;
  const partial = body.partial ?? body.wide?.partial;
  const key = `${name}_${type}`;
  const size = src.BYTES_PER_ELEMENT;
  const n = src.length;
  // Elements in whole steps: the kernels write no further in array memories.
  const whole = n - n % (STEP / size);
  const same = src.buffer === dst.buffer && src.byteOffset === dst.byteOffset;
  const apart = src.buffer !== dst.buffer ||
    src.byteOffset + src.byteLength <= dst.byteOffset ||
    dst.byteOffset + dst.byteLength <= src.byteOffset;
  const buf = type === "float32" ? k.f32 : k.f64;
  const to = memoryOf(dst);
  let from = 0, left = 0;
  if (to !== undefined && (apart || (same && !partial))) {
    // Arguments in a memory map's memory are read there in place too.
    const inside = mathSettings.copy
      ? undefined
      : readableMemory(src.buffer, src.byteOffset + src.byteLength);
    if (inside !== undefined) {
      const fn = functionsOf(k, inside, to)[key];
      left = fn(src.byteOffset, whole * size, dst.byteOffset);
      from = whole;
    } else if (apart) {
      const fn = functionsOf(k, k.own, to)[key];
      for (let at = 0; at < whole; at += CHUNK) {
        const count = Math.min(CHUNK, whole - at);
        buf.set(src.subarray(at, at + count));
        left |= fn(0, count * size, dst.byteOffset + at * size);
      }
      from = whole;
    }
    // Lanes left: their arguments are still in `src` (apart from `dst`).
    if (left !== 0) leftLanes(partial!, src.subarray(0, from), dst);
  }
  const fn = functionsOf(k, k.own, k.own)[key];
  for (; from < n; from += CHUNK) {
    const count = Math.min(CHUNK, n - from);
    buf.set(src.subarray(from, from + count));
    // Whole steps: the last lanes past the run compute what the chunk held before.
    if (fn(0, Math.ceil(count * size / STEP) * STEP, 0) !== 0) {
      leftLanes(partial!, src.subarray(from, from + count), buf);
    }
    dst.set(buf.subarray(0, count), from);
  }
  return true;
}

/** The lanes a partial kernel left (|x| past its limit, NaN), by the scalar function. */
function leftLanes(
  f: (x: number) => number,
  src: Float64Array | Float32Array,
  buf: Float64Array | Float32Array,
): void {
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    if (!(Math.abs(x) <= F32.trigLimit)) buf[i] = f(x);
  }
}
