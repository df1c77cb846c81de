/**
 * WebAssembly SIMD kernels of the element-wise math functions, two float64
 * lanes at a time: `exp`, `log` and `sqrt` of float32 and float64, `sin`
 * and `cos` of float32; and the runner that hands them contiguous runs
 * (`sqrt` is IEEE's, exact in both types).
 *
 * `exp` and `log` compute fdlibm's algorithms, every branch of the scalar
 * code made a lane-wise choice: the same IEEE operations in the same order
 * (bit for bit a scalar fdlibm), so float64 results are within 1 ulp of
 * the exact value, as fdlibm's error analysis bounds them. V8's own
 * `Math.exp`/`Math.log` are correctly rounded: about one float64 result in
 * ten differs from theirs by 1 ulp. Float32 elements are widened, computed
 * in double precision and rounded once, as the scalar loops do, and give
 * the scalar loops' bits (tested over millions of inputs). `sin` and `cos`
 * of float32 reduce by fdlibm's three parts of pi / 2 (|x| up to 2**19;
 * larger arguments, infinities and NaN go to the scalar function) and use
 * fdlibm's polynomials. Where a machine fuses `a * b + c` in its C library
 * (arm64 builds of V8 may), the kernels stay unfused.
 *
 * The kernels run in a small memory of their own: a run is copied in a
 * chunk at a time (the chunk stays in the first-level cache), computed in
 * place and copied out. The scalar function costs 9-30 ns an element here
 * (a call into C from the loop); the kernels 4-7 ns, the copies well under
 * one.
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

const { localGet: get, localSet: set, localTee: tee, i32Const: i32 } = op;

type Code = (readonly number[] | CallRef)[];

/** The functions the kernels compute. */
export type MathKernel = "exp" | "log" | "sin" | "cos" | "sqrt";

/** The element types they take. */
export type MathType = "float32" | "float64";

/** Elements per chunk copied into the kernels' memory (32 KiB of float64). */
const CHUNK = 4096;

/**
 * The constants, 16 bytes each, after the chunk in the kernels' memory
 * (written when the instance is made): a load from a fixed address costs
 * less than V8's materialising of a `v128.const` in the loop.
 */
const TABLE_AT = CHUNK * 8;
const table: bigint[] = [];

/** A load of the vector whose two 64-bit lanes hold `bits`. */
function constant(bits: bigint): number[] {
  let at = table.indexOf(bits);
  if (at < 0) at = table.push(bits) - 1;
  return [...i32(0), ...op.v128Load(TABLE_AT + 16 * at)];
}

/** Both lanes of a float64 constant. */
function f64(c: number): number[] {
  return constant(new BigInt64Array(Float64Array.of(c).buffer)[0]);
}

/** Both lanes of a 64-bit integer constant. */
function i64(c: bigint): number[] {
  return constant(BigInt.asIntN(64, c));
}

/** The float64 whose bits are `hi` (high word) and zero. */
function fromHigh(hi: number): number {
  const words = new Uint32Array([0, hi]);
  return new Float64Array(words.buffer)[0];
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

/** The locals of a kernel function: two i32 parameters, three i32 locals, then vectors. */
const P = 0, BYTES = 1, Q = 2, END = 3, LEFT = 4;
const V = 5; // the first vector local

/** fdlibm's exp constants. */
const EXP = {
  invln2: 1.44269504088896338700e+00,
  ln2HI: 6.93147180369123816490e-01,
  ln2LO: 1.90821492927058770002e-10,
  P: [
    1.66666666666666019037e-01,
    -2.77777777770155933842e-03,
    6.61375632143793436117e-05,
    -1.65339022054652515390e-06,
    4.13813679705723846039e-08,
  ],
  overflow: 7.09782712893383973096e+02,
  underflow: -7.45133219101941108420e+02,
  /** |x| from which x is reduced: high word above 0x3fd62e42 (about ln2 / 2). */
  reduced: fromHigh(0x3fd62e43),
  /** |x| below 2**-28: exp(x) is 1 + x. */
  tiny: fromHigh(0x3e300000),
};

/**
 * exp of the vector in local `x`, left on the stack. fdlibm's branches,
 * lane by lane: k = 0 without reduction (|x| up to about ln2 / 2), else
 * k = trunc(x / ln2 + ±0.5) and x - k ln2 in two parts (for
 * 0.5 ln2 < |x| < 1.5 ln2 this is fdlibm's k = ±1 branch, the same
 * operations); the result scaled by 2**k in one multiplication (two for
 * k = 1024 or k < -1021, exact first, as fdlibm); NaN, overflow,
 * underflow, exp(1) = e and |x| < 2**-28 chosen at the end.
 */
function expOf(x: number, full: boolean): Code {
  const [ax, t, hi, lo, r, tt, c, y, k, low, top] = [...Array(11).keys()].map(
    (i) => V + 2 + i,
  );
  return [
    get(x),
    op.f64x2Abs,
    set(ax),
    // t = k as a double: trunc(invln2 * x + copysign(0.5, x)), 0 unreduced.
    f64(EXP.invln2),
    get(x),
    op.f64x2Mul,
    get(x),
    i64(-(1n << 63n)),
    op.v128And,
    f64(0.5),
    op.v128Or,
    op.f64x2Add,
    op.f64x2Trunc,
    get(ax),
    f64(EXP.reduced),
    op.f64x2Ge,
    op.v128And,
    tee(t),
    // hi = x - t * ln2HI; lo = t * ln2LO; r = hi - lo
    f64(EXP.ln2HI),
    op.f64x2Mul,
    set(hi),
    get(x),
    get(hi),
    op.f64x2Sub,
    set(hi),
    get(t),
    f64(EXP.ln2LO),
    op.f64x2Mul,
    set(lo),
    get(hi),
    get(lo),
    op.f64x2Sub,
    tee(r),
    get(r),
    op.f64x2Mul,
    set(tt),
    // c = r - tt * (P1 + tt * (...))
    get(r),
    get(tt),
    ...horner(tt, EXP.P),
    op.f64x2Mul,
    op.f64x2Sub,
    set(c),
    // y = 1 - ((lo - (r * c) / (2 - c)) - hi)
    f64(1),
    get(lo),
    get(r),
    get(c),
    op.f64x2Mul,
    f64(2),
    get(c),
    op.f64x2Sub,
    op.f64x2Div,
    op.f64x2Sub,
    get(hi),
    op.f64x2Sub,
    op.f64x2Sub,
    set(y),
    // k as 64-bit lanes
    get(t),
    op.i32x4TruncSatF64x2SZero,
    op.i64x2ExtendLowI32x4S,
    set(k),
    ...full ? expSpecials(x, ax, y, k, low, top) : [
      // y * 2**k (|x| < 708: -1021 <= k <= 1021)
      get(y),
      get(k),
      i64(1023n),
      op.i64x2Add,
      i32(52),
      op.i64x2Shl,
      op.f64x2Mul,
    ],
  ];
}

/** Lanes of `x` that {@linkcode expOf} computes without its special cases. */
function expPlain(x: number): Code {
  return [
    get(x),
    op.f64x2Abs,
    f64(EXP.tiny),
    op.f64x2Ge,
    get(x),
    op.f64x2Abs,
    f64(708),
    op.f64x2Lt,
    op.v128And,
    get(x),
    f64(1),
    op.f64x2Ne,
    op.v128And,
  ];
}

/** exp's scaling for every k and its special lanes (see {@linkcode expOf}). */
function expSpecials(
  x: number,
  ax: number,
  y: number,
  k: number,
  low: number,
  top: number,
): Code {
  return [
    // low: k < -1021, top: k = 1024.
    get(k),
    i64(-1021n),
    op.i64x2LtS,
    set(low),
    get(k),
    i64(1024n),
    op.i64x2Eq,
    set(top),
    // y * 2**(k + 1000 low - 1 top) * (2**-1000 low, 2 top, else 1)
    get(y),
    get(k),
    get(low),
    i64(1000n),
    op.v128And,
    op.i64x2Add,
    get(top),
    i64(1n),
    op.v128And,
    op.i64x2Sub,
    i64(1023n),
    op.i64x2Add,
    i32(52),
    op.i64x2Shl,
    op.f64x2Mul,
    ...choose([f64(2 ** -1000)], choose([f64(2)], [f64(1)], [get(top)]), [
      get(low),
    ]),
    op.f64x2Mul,
    // The special lanes, in fdlibm's order of precedence (last wins).
    set(y),
    ...choose([f64(Math.E)], [get(y)], [get(x), f64(1), op.f64x2Eq]),
    set(y),
    ...choose([f64(1), get(x), op.f64x2Add], [get(y)], [
      get(ax),
      f64(EXP.tiny),
      op.f64x2Lt,
    ]),
    set(y),
    ...choose([f64(Infinity)], [get(y)], [
      get(x),
      f64(EXP.overflow),
      op.f64x2Gt,
    ]),
    set(y),
    ...choose([f64(0)], [get(y)], [get(x), f64(EXP.underflow), op.f64x2Lt]),
    set(y),
    ...choose([get(x), get(x), op.f64x2Add], [get(y)], [
      get(x),
      get(x),
      op.f64x2Ne,
    ]),
  ];
}

/** fdlibm's log constants. */
const LOG = {
  ln2HI: 6.93147180369123816490e-01,
  ln2LO: 1.90821492927058770002e-10,
  two54: 1.80143985094819840000e+16,
  even: [
    3.999999999940941908e-01,
    2.222219843214978396e-01,
    1.531383769920937332e-01,
  ],
  odd: [
    6.666666666666735130e-01,
    2.857142874366239149e-01,
    1.818357216161805012e-01,
    1.479819860511658591e-01,
  ],
};

/**
 * log of the vector in local `x`, left on the stack. fdlibm's reduction
 * x = 2**k (1 + f) on the high words (64-bit lanes), subnormals scaled by
 * 2**54 first; its three formulas (|f| < 2**-20, and the two sides of its
 * `i > 0` test) as lane-wise choices of the term subtracted, written
 * `k ln2hi - (q - f)`, which for k = 0 is fdlibm's `f - q` (rounding is
 * symmetric, and every zero comes out as fdlibm's); then ±0, negative
 * numbers, +inf and NaN.
 */
function logOf(x: number, full: boolean): Code {
  const [bits, hx, k, hm, i, f, s, dk, z, w, rr, hfsq, dklo, q, mask] = [
    ...Array(15).keys(),
  ].map((n) => V + 2 + n);
  const sub: Code = [
    get(x),
    f64(2 ** -1022),
    op.f64x2Lt,
    get(x),
    f64(0),
    op.f64x2Gt,
    op.v128And,
  ];
  return [
    // Subnormals times 2**54, k = -54.
    ...full
      ? choose([get(x), f64(LOG.two54), op.f64x2Mul], [get(x)], sub)
      : [get(x)],
    tee(bits),
    i32(32),
    op.i64x2ShrS,
    tee(hx),
    i32(20),
    op.i64x2ShrS,
    i64(1023n),
    op.i64x2Sub,
    ...full ? [...sub, i64(-54n), op.v128And, op.i64x2Add] : [],
    set(k),
    get(hx),
    i64(0xfffffn),
    op.v128And,
    tee(hm),
    i64(0x95f64n),
    op.i64x2Add,
    i64(0x100000n),
    op.v128And,
    set(i),
    // k += i >> 20; x = high word hm | (i ^ 0x3ff00000), low word kept.
    get(k),
    get(i),
    i32(20),
    op.i64x2ShrS,
    op.i64x2Add,
    set(k),
    get(hm),
    get(i),
    i64(0x3ff00000n),
    op.v128Xor,
    op.v128Or,
    i32(32),
    op.i64x2Shl,
    get(bits),
    i64(0xffffffffn),
    op.v128And,
    op.v128Or,
    f64(1),
    op.f64x2Sub,
    set(f),
    // s = f / (2 + f); dk = k; z = s * s; w = z * z
    get(f),
    f64(2),
    get(f),
    op.f64x2Add,
    op.f64x2Div,
    set(s),
    get(k),
    get(k),
    op.i8x16Shuffle([0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11]),
    op.f64x2ConvertLowI32x4S,
    tee(dk),
    f64(LOG.ln2LO),
    op.f64x2Mul,
    set(dklo),
    get(s),
    get(s),
    op.f64x2Mul,
    tee(z),
    get(z),
    op.f64x2Mul,
    set(w),
    // R = z * (Lg1 + w * (Lg3 + ...)) + w * (Lg2 + w * (Lg4 + w * Lg6))
    get(z),
    ...horner(w, LOG.odd),
    op.f64x2Mul,
    get(w),
    ...horner(w, LOG.even),
    op.f64x2Mul,
    op.f64x2Add,
    set(rr),
    // hfsq = 0.5 * f * f
    f64(0.5),
    get(f),
    op.f64x2Mul,
    get(f),
    op.f64x2Mul,
    set(hfsq),
    // q: fdlibm's `else` formula s * (f - R) - dk * ln2LO, then its other
    // two where lanes need them (rare: i > 0, |f| < 2**-20).
    get(s),
    get(f),
    get(rr),
    op.f64x2Sub,
    op.f64x2Mul,
    get(dklo),
    op.f64x2Sub,
    set(q),
    get(hm),
    i64(0x6147an),
    op.i64x2Sub,
    i64(0x6b851n),
    get(hm),
    op.i64x2Sub,
    op.v128Or,
    i64(0n),
    op.i64x2GtS,
    tee(mask),
    op.v128AnyTrue,
    op.if,
    // i > 0: hfsq - (s * (hfsq + R) + dk * ln2LO)
    ...choose(
      [
        get(hfsq),
        get(s),
        get(hfsq),
        get(rr),
        op.f64x2Add,
        op.f64x2Mul,
        get(dklo),
        op.f64x2Add,
        op.f64x2Sub,
      ],
      [get(q)],
      [get(mask)],
    ),
    set(q),
    op.end,
    i64(3n),
    get(hm),
    i64(2n),
    op.i64x2Add,
    i64(0xfffffn),
    op.v128And,
    op.i64x2GtS,
    tee(mask),
    op.v128AnyTrue,
    op.if,
    // |f| < 2**-20: f * f * (0.5 - f / 3) - dk * ln2LO
    ...choose(
      [
        get(f),
        get(f),
        op.f64x2Mul,
        f64(0.5),
        f64(0.33333333333333333),
        get(f),
        op.f64x2Mul,
        op.f64x2Sub,
        op.f64x2Mul,
        get(dklo),
        op.f64x2Sub,
      ],
      [get(q)],
      [get(mask)],
    ),
    set(q),
    op.end,
    get(dk),
    f64(LOG.ln2HI),
    op.f64x2Mul,
    get(q),
    get(f),
    op.f64x2Sub,
    op.f64x2Sub,
    ...full ? logSpecials(x, q) : [],
  ];
}

/** Lanes of `x` that {@linkcode logOf} computes without its special cases. */
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

/** log's special lanes: ±0, negative numbers, +inf and NaN. */
function logSpecials(x: number, q: number): Code {
  return [
    set(q),
    ...choose([f64(-Infinity)], [get(q)], [get(x), f64(0), op.f64x2Eq]),
    set(q),
    ...choose([f64(NaN)], [get(q)], [get(x), f64(0), op.f64x2Lt]),
    set(q),
    ...choose([get(x), get(x), op.f64x2Add], [get(q)], [
      get(x),
      get(x),
      op.f64x2Ne,
      get(x),
      f64(Infinity),
      op.f64x2Eq,
      op.v128Or,
    ]),
  ];
}

/** fdlibm's sine and cosine polynomials and its three parts of pi / 2. */
const TRIG = {
  invpio2: 6.36619772367581382433e-01,
  pio2: [
    1.57079632673412561417e+00,
    6.07710050630396597660e-11,
    2.02226624871116645580e-21,
  ],
  S: [
    -1.66666666666666324348e-01,
    8.33333333332248946124e-03,
    -1.98412698298579493134e-04,
    2.75573137070700676789e-06,
    -2.50507602534068634195e-08,
    1.58969099521155010221e-10,
  ],
  C: [
    4.16666666666666019037e-02,
    -1.38888888888741095749e-03,
    2.48015872894767294178e-05,
    -2.75573143513906633035e-07,
    2.08757232129817482790e-09,
    -1.13596475577881948265e-11,
  ],
  /** |x| up to which the reduction is exact enough (n * pio2[0] exact). */
  limit: 2 ** 19,
};

/**
 * sin (`shift` 0) or cos (`shift` 1) of the vector in local `x`, for
 * float32 arguments (|x| up to 2**19; the runner computes larger ones with
 * the scalar function): x = n pi/2 + y with pi/2 in fdlibm's three parts
 * (each product exact or far below float32's precision), fdlibm's
 * polynomials for sin y and cos y, the one of quadrant n + shift with its
 * sign; sin(±0) is ±0. The double result is within a few double ulps,
 * so its float32 rounding is the scalar loop's (the one of the correctly
 * rounded double) but where it lies that close to a float32 tie.
 */
function trigOf(shift: 0 | 1): (x: number) => Code {
  return (x) => {
    const [n, y, z, sy, cy] = [...Array(5).keys()].map((i) => V + 2 + i);
    return [
      get(x),
      f64(TRIG.invpio2),
      op.f64x2Mul,
      op.f64x2Nearest,
      set(n),
      // y = ((x - n p1) - n p2) - n p3
      get(x),
      ...TRIG.pio2.flatMap((p) => [
        get(n),
        f64(p),
        op.f64x2Mul,
        op.f64x2Sub,
      ]),
      tee(y),
      get(y),
      op.f64x2Mul,
      set(z),
      // sin y = y + z y (S1 + z (S2 + ...))
      get(y),
      get(z),
      get(y),
      op.f64x2Mul,
      ...horner(z, TRIG.S),
      op.f64x2Mul,
      op.f64x2Add,
      set(sy),
      // cos y = 1 - (z / 2 - z z (C1 + z (C2 + ...)))
      f64(1),
      f64(0.5),
      get(z),
      op.f64x2Mul,
      get(z),
      get(z),
      op.f64x2Mul,
      ...horner(z, TRIG.C),
      op.f64x2Mul,
      op.f64x2Sub,
      op.f64x2Sub,
      set(cy),
      // Quadrant q = n + shift: cos y for odd q, negated for q & 2.
      get(n),
      op.i32x4TruncSatF64x2SZero,
      op.i64x2ExtendLowI32x4S,
      ...shift ? [i64(1n), op.i64x2Add] : [],
      set(n),
      ...choose([get(cy)], [get(sy)], [
        get(n),
        i64(1n),
        op.v128And,
        i64(1n),
        op.i64x2Eq,
      ]),
      get(n),
      i64(2n),
      op.v128And,
      i32(62),
      op.i64x2Shl,
      op.v128Xor,
      ...shift ? [] : [
        set(y),
        ...choose([get(x)], [get(y)], [
          get(x),
          f64(0),
          op.f64x2Eq,
        ]),
      ],
    ];
  };
}

/** Lanes of `x` that {@linkcode trigOf} computes (others are the runner's). */
function trigPlain(x: number): Code {
  return [get(x), op.f64x2Abs, f64(TRIG.limit), op.f64x2Le];
}

/**
 * Each function's body (local `x` in, the result on the stack; `full`
 * for every lane, else for the lanes its `plain` test passes), by name.
 */
interface Body {
  of: (x: number, full: boolean) => Code;
  plain: (x: number) => Code;
  /** The element types it takes. */
  types: readonly MathType[];
  /** Whether lanes that fail `plain` are left to the runner (the scalar function). */
  partial?: boolean;
}

const BOTH: readonly MathType[] = ["float32", "float64"];

const BODIES: Record<MathKernel, Body> = {
  exp: { of: expOf, plain: expPlain, types: BOTH },
  log: { of: logOf, plain: logPlain, types: BOTH },
  sin: { of: trigOf(0), plain: trigPlain, types: ["float32"], partial: true },
  cos: { of: trigOf(1), plain: trigPlain, types: ["float32"], partial: true },
  // IEEE's square root: float32's is the double one rounded once.
  sqrt: {
    of: (x) => [get(x), op.f64x2Sqrt],
    plain: (
      x,
    ) => [get(x), get(x), op.f64x2Eq, get(x), get(x), op.f64x2Ne, op.v128Or],
    types: BOTH,
  },
};

/** The scalar functions, for lanes a partial kernel leaves. */
const SCALAR: Record<MathKernel, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  sqrt: Math.sqrt,
};

/** Vector locals a body uses, at most (`x`, a spare, then its own). */
const VECTORS = 20;

/**
 * `name_type(p, bytes) -> left`: the function over the elements in `[p, p +
 * bytes)` in place (`bytes` a multiple of 16 for float64, 8 for float32);
 * `left` is 1 when a partial kernel left lanes to the runner.
 */
function kernel(name: MathKernel, type: MathType): FunctionSpec {
  const x = V, r = V + 1;
  const body = BODIES[name];
  const f32 = type === "float32";
  const load: Code = f32
    ? [get(Q), op.v128Load64Zero(), op.f64x2PromoteLowF32x4]
    : [get(Q), op.v128Load()];
  const store: Code = f32
    ? [get(Q), get(r), op.f32x4DemoteF64x2Zero, op.v128Store64Lane(0)]
    : [get(Q), get(r), op.v128Store()];
  return {
    name: `${name}_${type}`,
    params: 2,
    results: 1,
    locals: [[3, I32], [VECTORS, V128]],
    body: [
      get(P),
      set(Q),
      get(P),
      get(BYTES),
      op.i32Add,
      set(END),
      get(Q),
      get(END),
      op.i32LtU,
      op.if,
      op.loop,
      ...load,
      set(x),
      // Vectors without special lanes take the short way.
      ...body.plain(x),
      op.i64x2AllTrue,
      op.if,
      ...body.of(x, false),
      set(r),
      op.else,
      ...body.of(x, true),
      set(r),
      ...body.partial ? [i32(1), set(LEFT)] : [],
      op.end,
      ...store,
      get(Q),
      i32(f32 ? 8 : 16),
      op.i32Add,
      tee(Q),
      get(END),
      op.i32LtU,
      op.brIf(0),
      op.end,
      op.end,
      get(LEFT),
    ],
  };
}

/** The kernel functions' names, in module order. */
export const MATH_KERNELS: readonly MathKernel[] = [
  "exp",
  "log",
  "sin",
  "cos",
  "sqrt",
];

/** The module's bytes. */
export function mathKernelsModule(): Uint8Array<ArrayBuffer> {
  const functions = MATH_KERNELS.flatMap((name) =>
    BODIES[name].types.map((t) => kernel(name, t))
  );
  return encodeModule(functions) as Uint8Array<ArrayBuffer>;
}

interface Instance {
  fns: Record<string, (p: number, bytes: number) => number>;
  f64: Float64Array;
  f32: Float32Array;
}

let instance: Instance | null | undefined;

/** Settings tests change to reach every path. */
export const mathSettings = {
  /** Compute with the scalar functions only. */
  off: false,
};

/** The instance, made on first use, or null without WebAssembly SIMD. */
function mathInstance(): Instance | null {
  if (instance !== undefined) return instance;
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const module = new WebAssembly.Module(mathKernelsModule());
    new BigInt64Array(memory.buffer, TABLE_AT).set(
      table.flatMap((bits) => [bits, bits]),
    );
    const exports = new WebAssembly.Instance(
      module,
      { env: { memory } },
    ).exports as Record<string, (p: number, bytes: number) => number>;
    instance = {
      fns: exports,
      f64: new Float64Array(memory.buffer, 0, CHUNK),
      f32: new Float32Array(memory.buffer, 0, CHUNK),
    };
  } catch {
    instance = null; // No WebAssembly SIMD here.
  }
  return instance;
}

/**
 * Computes `name` of every element of `src` into `dst` (same length and
 * type; they may be the same array) with the kernels.
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
  const m = mathInstance();
  if (m === null) return false;
  const f32 = src instanceof Float32Array;
  const fn = m.fns[`${name}_${f32 ? "float32" : "float64"}`];
  if (fn === undefined) return false;
  const buf = f32 ? m.f32 : m.f64;
  const size = f32 ? 4 : 8;
  const n = src.length;
  for (let from = 0; from < n; from += CHUNK) {
    const count = Math.min(CHUNK, n - from);
    buf.set(src.subarray(from, from + count));
    // Whole vectors: a last odd lane computes what the chunk held before.
    if (fn(0, (count + (count & 1)) * size) !== 0) {
      leftLanes(name, src.subarray(from, from + count), buf);
    }
    dst.set(buf.subarray(0, count), from);
  }
  return true;
}

/** The lanes a partial kernel left (|x| past its limit, NaN), by the scalar function. */
function leftLanes(
  name: MathKernel,
  src: Float64Array | Float32Array,
  buf: Float64Array | Float32Array,
): void {
  const f = SCALAR[name];
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    if (!(Math.abs(x) <= TRIG.limit)) buf[i] = f(x);
  }
}
