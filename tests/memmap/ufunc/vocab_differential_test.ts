/**
 * The differential test of issue 14: random shapes (0-d to 4-D, empty axes,
 * broadcasting), every numeric dtype in both byte orders, strided, reversed
 * and transposed views, edge values, `out=` of every type, run in NumPy
 * (`_vocab_numpy.py`) and here; dtypes, shapes, error classes and values
 * must match, values bit for bit or within the bound of `ULP_TABLE`.
 *
 * Without NumPy the committed fixture (the script's output for seed 1)
 * still runs.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { HAS_NUMPY } from "../../test_util.ts";
import { type Case, check, liveCases, type Results } from "./_vocab.ts";

const FIXTURE = new URL(
  "../../testdata/ufunc/vocab_results.json.gz",
  import.meta.url,
);

type Bound = Partial<Record<string, number>>;

/**
 * How far our float results may be from NumPy's (ulps of the result type,
 * counted in the loop's own precision; for complex results per part or
 * norm-wise in epsilons of |NumPy's result|). Everything else is compared
 * bit for bit (NaN payloads aside): integers, bools, comparisons,
 * `floor_divide` and `remainder` (NumPy's npy_divmod replicated), `sqrt`,
 * `floor`/`ceil`/`trunc`/`rint`, `round`, `maximum`/`minimum`/`clip`,
 * `where`, `sign`, `square`, `negative`/`absolute` of reals, and the
 * arithmetic of the engine.
 *
 * Why not 0 elsewhere: NumPy's transcendental loops on x86-64 are not
 * correctly rounded (SVML and its own SIMD code: up to 1 ulp in float64,
 * 2 in float32, measured against mpmath, see the README's accuracy table),
 * while ours are (V8's `Math` functions for float64, correctly rounded in
 * our measurements but for sinh/cosh/tanh/pow/exp2 at 1-2 ulps, and exp/log,
 * whose SIMD kernels compute fdlibm's algorithm: within 1 ulp; float32
 * computed in double precision and rounded once, but exp, log, sin and cos
 * in float32 lanes, within about 1 ulp). The bound is the
 * sum of both errors against the correctly rounded result. float16 goes
 * through NumPy's float32 result and is rounded to half again, so it may
 * land one half-ulp away. Complex functions follow glibc's algorithms
 * (which NumPy calls) and differ in the last bits.
 */
const ULP_TABLE: Record<string, Bound> = {};
const TRANSCENDENTAL = [
  "cbrt",
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
  "arcsin",
  "arccos",
  "arctan",
  "sinh",
  "cosh",
  "tanh",
  "arctan2",
  "hypot",
  "power",
];
for (const op of TRANSCENDENTAL) {
  ULP_TABLE[op] = {
    float16: 1,
    float32: 2,
    float64: 1,
    complex64: 4,
    complex128: 4,
  };
}
// V8's sinh, cosh, pow (and exp2 through pow) are within 1 ulp, tanh 2;
// NumPy's within 1: up to their sum apart.
for (const op of ["sinh", "cosh", "exp2", "power"]) ULP_TABLE[op].float64 = 2;
ULP_TABLE.tanh.float64 = 3;
// Float32 exp, log, sin and cos are computed in float32 lanes, within
// about 1 ulp (`MATH_ULPS` in `src/memmap/kernels/math_kernels.ts`);
// NumPy's AVX2 loops up to 2.44 (exp), 3.77 (log), 1.49 (sin, cos).
ULP_TABLE.exp.float32 = 4;
ULP_TABLE.log.float32 = 5;
ULP_TABLE.sin.float32 = 3;
ULP_TABLE.cos.float32 = 3;
// NumPy's float64 cbrt is glibc's: up to 3.03 ulps from the exact root over
// 150,000 random arguments (int64 range, normal, 1e-300..1e300, 2026-12-01);
// V8's Math.cbrt was correctly rounded on all of them.
ULP_TABLE.cbrt.float64 = 4;
// Complex powers: C's cpow is exp(b·log a), whose error grows with |b·log a|
// (the test keeps bases and exponents moderate).
ULP_TABLE.power.complex64 = 16;
ULP_TABLE.power.complex128 = 16;
// |z| of complex numbers: NumPy's SIMD hypot against our correctly rounded one.
ULP_TABLE.absolute = { float32: 2, float64: 1 };
// sign of complex numbers divides by |z|.
ULP_TABLE.sign = { complex64: 2, complex128: 2 };
// NumPy's complex sqrt is glibc's csqrt (hypot inside).
ULP_TABLE.sqrt = { complex64: 2, complex128: 2 };

/**
 * log1p of complex numbers is log(hypot(1 + x, y)) in NumPy: near |1 + z| = 1
 * its error is absolute (a few epsilons), not relative to the result.
 */
const ABSOLUTE = new Set(["log1p"]);

function run(results: Results): void {
  const failures: string[] = [];
  for (const c of results.cases) {
    const outcome = check(c, ULP_TABLE, ABSOLUTE);
    if (outcome.failure !== null) failures.push(describe(c, outcome.failure));
  }
  assert.deepEqual(failures, []);
}

function describe(c: Case, failure: string): string {
  const args = c.args.map((a) =>
    a.kind === "array"
      ? `${a.dtype}${JSON.stringify(a.base)}`
      : a.kind === "null"
      ? "null"
      : JSON.stringify(a.value)
  ).join(", ");
  return `${c.op}(${args}${c.out ? `, out=${c.out.dtype}` : ""}): ${failure}`;
}

Deno.test("element-wise functions match NumPy on random shapes, dtypes, views and edge values (committed fixture)", () => {
  const text = new TextDecoder().decode(gunzipSync(Deno.readFileSync(FIXTURE)));
  run(JSON.parse(text));
});

for (const seed of [2, 3, 4, 5]) {
  Deno.test(
    `element-wise functions match NumPy on random shapes, dtypes, views and edge values (live NumPy, seed ${seed})`,
    { ignore: !HAS_NUMPY },
    () => run(liveCases(seed, 1500)),
  );
}

Deno.test("the ulp table only loosens float results of the listed functions", () => {
  for (const [op, bound] of Object.entries(ULP_TABLE)) {
    for (const [type, ulps] of Object.entries(bound)) {
      assert.ok(/^(float|complex)/.test(type), `${op} ${type}`);
      assert.ok(ulps! >= 1 && ulps! <= 16, `${op} ${type}: ${ulps}`);
    }
  }
  for (const exact of ["sqrt", "floor", "rint", "maximum", "remainder"]) {
    assert.equal(ULP_TABLE[exact]?.float64 ?? 0, 0, exact);
  }
});
