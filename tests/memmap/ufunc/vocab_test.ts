/**
 * The element-wise vocabulary's contract, table-driven over every method:
 * closed maps, read-only maps, `out=` checks, in-place work on memmaps,
 * failed calls that change nothing, and the kinds NumPy refuses.
 * (Values against NumPy: vocab_differential_test.ts.)
 */
import assert from "node:assert/strict";
import { array, memmap, type NDArray, where } from "../../../mod.ts";
import { tempDir } from "../../test_util.ts";

type Call = (a: NDArray, options?: { out: NDArray }) => NDArray;

/** Every new element-wise method, called with a valid second operand. */
const METHODS: Record<string, Call> = {
  floorDiv: (a, o) => a.floorDiv(2, o as never),
  mod: (a, o) => a.mod(2, o as never),
  pow: (a, o) => a.pow(2, o as never),
  maximum: (a, o) => a.maximum(1, o as never),
  minimum: (a, o) => a.minimum(1, o as never),
  arctan2: (a, o) => a.arctan2(1, o as never),
  hypot: (a, o) => a.hypot(1, o as never),
  logicalAnd: (a, o) => a.logicalAnd(1, o as never),
  logicalOr: (a, o) => a.logicalOr(0, o as never),
  logicalXor: (a, o) => a.logicalXor(1, o as never),
  eq: (a, o) => a.eq(1, o as never),
  ne: (a, o) => a.ne(1, o as never),
  lt: (a, o) => a.lt(1, o as never),
  le: (a, o) => a.le(1, o as never),
  gt: (a, o) => a.gt(1, o as never),
  ge: (a, o) => a.ge(1, o as never),
  neg: (a, o) => a.neg(o as never),
  abs: (a, o) => a.abs(o as never),
  sign: (a, o) => a.sign(o as never),
  sqrt: (a, o) => a.sqrt(o as never),
  square: (a, o) => a.square(o as never),
  cbrt: (a, o) => a.cbrt(o as never),
  exp: (a, o) => a.exp(o as never),
  exp2: (a, o) => a.exp2(o as never),
  expm1: (a, o) => a.expm1(o as never),
  log: (a, o) => a.log(o as never),
  log2: (a, o) => a.log2(o as never),
  log10: (a, o) => a.log10(o as never),
  log1p: (a, o) => a.log1p(o as never),
  sin: (a, o) => a.sin(o as never),
  cos: (a, o) => a.cos(o as never),
  tan: (a, o) => a.tan(o as never),
  arcsin: (a, o) => a.arcsin(o as never),
  arccos: (a, o) => a.arccos(o as never),
  arctan: (a, o) => a.arctan(o as never),
  sinh: (a, o) => a.sinh(o as never),
  cosh: (a, o) => a.cosh(o as never),
  tanh: (a, o) => a.tanh(o as never),
  floor: (a, o) => a.floor(o as never),
  ceil: (a, o) => a.ceil(o as never),
  trunc: (a, o) => a.trunc(o as never),
  rint: (a, o) => a.rint(o as never),
  round: (a, o) => a.round(1, o as never),
  clip: (a, o) => a.clip(0, 1, o as never),
  isnan: (a, o) => a.isnan(o as never),
  isinf: (a, o) => a.isinf(o as never),
  isfinite: (a, o) => a.isfinite(o as never),
  logicalNot: (a, o) => a.logicalNot(o as never),
};

/** Integer-only methods. */
const INTEGER_METHODS: Record<string, Call> = {
  bitwiseAnd: (a, o) => a.bitwiseAnd(1, o as never),
  bitwiseOr: (a, o) => a.bitwiseOr(1, o as never),
  bitwiseXor: (a, o) => a.bitwiseXor(1, o as never),
  leftShift: (a, o) => a.leftShift(1, o as never),
  rightShift: (a, o) => a.rightShift(1, o as never),
  invert: (a, o) => a.invert(o as never),
};

function mapped(dir: string, dtype: string, mode: "r" | "r+" = "r+") {
  const path = `${dir}/${dtype}.bin`;
  const values = array([0.25, 0.5, 1, 2], { dtype });
  Deno.writeFileSync(path, new Uint8Array(values.toTypedArray().buffer));
  return memmap(path, { dtype, mode, shape: [4] });
}

Deno.test("every element-wise method of a closed memmap throws BadResource", () => {
  using dir = tempDir();
  for (
    const [name, call] of Object.entries({ ...METHODS, ...INTEGER_METHODS })
  ) {
    const m = mapped(dir.path, name in METHODS ? "float64" : "int32");
    m.close();
    assert.throws(() => call(m), Deno.errors.BadResource, name);
  }
});

Deno.test("every element-wise method computes in place on a memmap with out=", () => {
  using dir = tempDir();
  for (
    const [name, call] of Object.entries({ ...METHODS, ...INTEGER_METHODS })
  ) {
    const dtype = name in METHODS ? "float64" : "int32";
    using m = mapped(dir.path, dtype);
    const expected = call(array(m.toArray() as number[], { dtype }));
    const out = expected.dtype.name === dtype ? m : undefined;
    if (out === undefined) continue; // comparisons give bools: no in-place
    const r = call(m, { out: m });
    assert.equal(r, m, name);
    assert.deepEqual(m.toArray(), expected.toArray(), name);
    m.flush();
    const again = memmap(m.filename, { dtype, mode: "r", shape: [4] });
    assert.deepEqual(again.toArray(), expected.toArray(), name);
    again.close();
  }
});

Deno.test("every element-wise method refuses a read-only out and changes nothing", () => {
  using dir = tempDir();
  for (
    const [name, call] of Object.entries({ ...METHODS, ...INTEGER_METHODS })
  ) {
    const dtype = name in METHODS ? "float64" : "int32";
    using ro = mapped(dir.path, dtype, "r");
    const before = ro.toArray();
    const src = array([1, 2, 3, 4], { dtype });
    assert.throws(
      () => call(src, { out: ro }),
      TypeError,
      name,
    );
    assert.deepEqual(ro.toArray(), before, name);
  }
});

Deno.test("every element-wise method refuses an out of the wrong shape with RangeError", () => {
  for (
    const [name, call] of Object.entries({ ...METHODS, ...INTEGER_METHODS })
  ) {
    const dtype = name in METHODS ? "float64" : "int32";
    const out = array([0, 0, 0], { dtype: "float64" });
    assert.throws(
      () => call(array([1, 2], { dtype }), { out }),
      RangeError,
      name,
    );
    assert.deepEqual(out.toArray(), [0, 0, 0], name);
  }
});

Deno.test("bitwise methods refuse floats with TypeError, as NumPy", () => {
  for (const [name, call] of Object.entries(INTEGER_METHODS)) {
    assert.throws(() => call(array([1.5, 2])), TypeError, name);
    assert.throws(
      () => call(array([1, 2], { dtype: "complex64" })),
      TypeError,
      name,
    );
  }
});

Deno.test("pow() of integers to a negative power is a RangeError that leaves out unchanged", () => {
  const out = array([7, 7, 7], { dtype: "int32" });
  const a = array([2, 3, 4], { dtype: "int32" });
  assert.throws(() => a.pow([1, -1, 2], { out }), RangeError);
  assert.deepEqual(out.toArray(), [7, 7, 7]);
  assert.throws(() => a.pow(-2), RangeError);
  // Floats and empty results are fine.
  assert.deepEqual(a.pow(-1.0 - 0.5).dtype.name, "float64");
  assert.deepEqual(a.slice("0:0").pow([-1]).toArray(), []);
});

Deno.test("integer division by zero and overflow give NumPy 2's values without exceptions", () => {
  const a = array([7, -7, -128, 0], { dtype: "int8" });
  assert.deepEqual(a.floorDiv(0).toArray(), [0, 0, 0, 0]);
  assert.deepEqual(a.mod(0).toArray(), [0, 0, 0, 0]);
  assert.deepEqual(a.floorDiv(-1).toArray(), [-7, 7, -128, 0]);
  assert.deepEqual(a.mod(-1).toArray(), [0, 0, 0, 0]);
  const f = array([1, -1, 0]);
  assert.deepEqual(f.floorDiv(0).toArray(), [Infinity, -Infinity, NaN]);
  assert.deepEqual(f.mod(0).toArray(), [NaN, NaN, NaN]);
  const big = array([-(2n ** 63n)], { dtype: "int64" });
  assert.deepEqual(big.floorDiv(-1).toArray(), [-(2n ** 63n)]);
  assert.deepEqual(big.abs().toArray(), [-(2n ** 63n)]);
  assert.deepEqual(big.neg().toArray(), [-(2n ** 63n)]);
});

Deno.test("comparisons with integers outside an integer type compare by value, as NumPy 2", () => {
  const u = array([0, 255], { dtype: "uint8" });
  assert.deepEqual(u.lt(-1).toArray(), [false, false]);
  assert.deepEqual(u.gt(-1).toArray(), [true, true]);
  assert.deepEqual(u.eq(1000).toArray(), [false, false]);
  assert.deepEqual(u.ne(1000).toArray(), [true, true]);
  assert.deepEqual(u.le(2n ** 70n).toArray(), [true, true]);
  // Arithmetic refuses them (NumPy's OverflowError).
  assert.throws(() => u.maximum(-1), RangeError);
  assert.throws(() => u.add(1000), RangeError);
  // Bool arrays compare as int64: 2**64 - 1 does not fit.
  assert.throws(() => array([true]).eq(2n ** 64n - 1n), RangeError);
});

Deno.test("maximum/minimum propagate NaN and pick zeros' signs as NumPy's loops", () => {
  const a = array([NaN, 1, -0, 0]);
  const b = array([1, NaN, 0, -0]);
  const max = a.maximum(b).toArray() as number[];
  assert.ok(Number.isNaN(max[0]) && Number.isNaN(max[1]));
  // x86's maxsd gives the second operand on a tie.
  assert.ok(Object.is(max[2], 0) && Object.is(max[3], -0));
  const h = array([-0, 0], { dtype: "float16" }).maximum(array([0, -0], {
    dtype: "float16",
  }));
  // NumPy's half loop gives the first.
  assert.ok(Object.is(h.get(0), -0) && Object.is(h.get(1), 0));
});

Deno.test("rint() and round() round half to even", () => {
  assert.deepEqual(
    array([0.5, 1.5, 2.5, -0.5, -1.5, 4503599627370497]).rint().toArray(),
    [0, 2, 2, -0, -2, 4503599627370497],
  );
  assert.deepEqual(array([2.5, 3.5], { dtype: "float32" }).round().toArray(), [
    2,
    4,
  ]);
  assert.deepEqual(
    array([125, 135, -125], { dtype: "int16" }).round(-1).toArray(),
    [120, 140, -120],
  );
  assert.throws(() => array([1.5]).round(0.5), TypeError);
});

Deno.test("where() takes the common type of x and y, scalars weak as NEP 50", () => {
  const i8 = array([1, 2], { dtype: "int8" });
  assert.equal(where([true, false], i8, 3).dtype.name, "int8");
  assert.deepEqual(where([true, false], i8, 300).toArray(), [1, 44]);
  assert.equal(where([true, false], i8, 2.5).dtype.name, "float64");
  assert.equal(where(true, 1, 2.5).dtype.name, "float64");
  assert.deepEqual(where([[1], [0]], [1, 2], [3, 4]).toArray(), [[1, 2], [
    3,
    4,
  ]]);
  assert.deepEqual(where(NaN, 1, 2).toArray(), 1n); // NaN is true; int64
  assert.throws(() => where([true, false, true], [1, 2], 0), RangeError);
});

Deno.test("clip() drops integer bounds past the type and refuses bool arrays without bounds", () => {
  const a = array([1, 100], { dtype: "int8" });
  assert.deepEqual(a.clip(-400, 500).toArray(), [1, 100]);
  assert.equal(a.clip(-400, 50).dtype.name, "int8");
  assert.throws(() => a.clip(400, 500), RangeError);
  assert.throws(() => array([true]).clip(null, null), TypeError);
  assert.deepEqual(array([1, NaN, 5]).clip(2, 4).toArray(), [2, NaN, 4]);
});

Deno.test("shapes that do not broadcast are a RangeError", () => {
  assert.throws(() => array([1, 2]).hypot([1, 2, 3]), RangeError);
  assert.throws(() => array([1, 2]).eq([1, 2, 3]), RangeError);
  assert.throws(() => array([1, 2]).clip([0, 0, 0], 1), RangeError);
});
