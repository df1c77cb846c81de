/**
 * The exact types of the element-wise vocabulary, checked by `deno check`
 * (as tests/types_test.ts): where the types alone decide NumPy's result type
 * the method says it, and the test runs the same calls to check that the
 * types say what the calls return.
 */
import assert from "node:assert/strict";
import { array, type DTypeName, type NDArray, where } from "../../../mod.ts";

/** `true` exactly when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

/** Compiles only when `T` is `true`. */
function expect<T extends true>(_proof?: T): void {}

/** [a result, the dtype its type names] for the run-time half. */
type Claim = [NDArray, string];

function claims(): Claim[] {
  const f32 = array([0.25, 4], { dtype: "float32" });
  const i16 = array([3, -4], { dtype: "int16" });
  const u8 = array([3, 250], { dtype: "uint8" });
  const b = array([true, false], { dtype: "bool" });
  const c64 = array([{ re: 3, im: 4 }], { dtype: "complex64" });

  // Comparisons, logical functions and tests give bools.
  const lt = f32.lt(1);
  expect<Equal<typeof lt, NDArray<"bool">>>();
  const both = i16.logicalAnd(i16);
  expect<Equal<typeof both, NDArray<"bool">>>();
  const nan = f32.isnan();
  expect<Equal<typeof nan, NDArray<"bool">>>();
  const not = u8.logicalNot();
  expect<Equal<typeof not, NDArray<"bool">>>();

  // Float functions: floats keep their type, integers take NumPy's float.
  const root = f32.sqrt();
  expect<Equal<typeof root, NDArray<"float32">>>();
  const e = i16.exp();
  expect<Equal<typeof e, NDArray<"float32">>>();
  const s = u8.sin();
  expect<Equal<typeof s, NDArray<"float16">>>();
  const r = array([1n], { dtype: "int64" }).rint();
  expect<Equal<typeof r, NDArray<"float64">>>();
  const h = f32.hypot(2);
  expect<Equal<typeof h, NDArray<"float32">>>();
  const angle = i16.arctan2(i16);
  expect<Equal<typeof angle, NDArray<"float32">>>();

  // Arithmetic keeps the type of same-type operands; bools compute as int8
  // where NumPy has no bool loop.
  const q = i16.floorDiv(i16);
  expect<Equal<typeof q, NDArray<"int16">>>();
  const m = f32.mod(2);
  expect<Equal<typeof m, NDArray<"float32">>>();
  const p = b.pow(b);
  expect<Equal<typeof p, NDArray<"int8">>>();
  const sq = b.square();
  expect<Equal<typeof sq, NDArray<"int8">>>();
  const mx = u8.maximum(u8);
  expect<Equal<typeof mx, NDArray<"uint8">>>();
  const bits = b.bitwiseOr(b);
  expect<Equal<typeof bits, NDArray<"bool">>>();
  const shifted = b.leftShift(b);
  expect<Equal<typeof shifted, NDArray<"int8">>>();

  // Unary functions that keep the type; abs of complex is its float.
  const neg = i16.neg();
  expect<Equal<typeof neg, NDArray<"int16">>>();
  const fl = u8.floor();
  expect<Equal<typeof fl, NDArray<"uint8">>>();
  const mag = c64.abs();
  expect<Equal<typeof mag, NDArray<"float32">>>();
  const inv = u8.invert();
  expect<Equal<typeof inv, NDArray<"uint8">>>();
  const rounded = f32.round(1);
  expect<Equal<typeof rounded, NDArray<"float32">>>();
  const clipped = f32.clip(0, 1);
  expect<Equal<typeof clipped, NDArray<"float32">>>();
  const open = i16.clip(null, null);
  expect<Equal<typeof open, NDArray<"int16">>>();

  // Where the value decides (int16 times 2 or 2.5), every type.
  const clippedInt = i16.clip(0, 2);
  expect<Equal<typeof clippedInt, NDArray<DTypeName>>>();

  // out= gives out back, of its own type.
  const out = array([0, 0], { dtype: "float64" });
  const into = f32.sqrt({ out });
  expect<Equal<typeof into, NDArray<"float64">>>();

  const picked = where(lt, f32, f32);
  expect<Equal<typeof picked, NDArray<"float32">>>();
  const filled = where(lt, f32, 0);
  expect<Equal<typeof filled, NDArray<"float32">>>();

  return [
    [lt, "bool"],
    [both, "bool"],
    [nan, "bool"],
    [not, "bool"],
    [root, "float32"],
    [e, "float32"],
    [s, "float16"],
    [r, "float64"],
    [h, "float32"],
    [angle, "float32"],
    [q, "int16"],
    [m, "float32"],
    [p, "int8"],
    [sq, "int8"],
    [mx, "uint8"],
    [bits, "bool"],
    [shifted, "int8"],
    [neg, "int16"],
    [fl, "uint8"],
    [mag, "float32"],
    [inv, "uint8"],
    [rounded, "float32"],
    [clipped, "float32"],
    [open, "int16"],
    [into, "float64"],
    [picked, "float32"],
    [filled, "float32"],
  ];
}

Deno.test("the element-wise methods return the dtypes their types name", () => {
  for (const [result, name] of claims()) {
    assert.equal(result.dtype.name, name);
  }
});
