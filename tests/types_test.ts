/**
 * The public types, checked by `deno check` (this file is type-checked with
 * the rest): common paths need no cast, and what must not compile does not
 * (`@ts-expect-error` fails the check when the line below it compiles).
 * The test at the end runs the same calls, so the types are also checked
 * against what the calls return.
 */
import assert from "node:assert/strict";
import {
  arange,
  array,
  type Complex,
  concatenate,
  type DType,
  dtype,
  frombuffer,
  full,
  linspace,
  load,
  type Memmap,
  memmap,
  Mmap,
  type NDArray,
  type NpzFile,
  ones,
  save,
  savez,
  stack,
  zeros,
} from "../mod.ts";
import { tempDir } from "./test_util.ts";

/** `true` exactly when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

/** Compiles only when `T` is `true`. */
function expect<T extends true>(_proof?: T): void {}

function typeOf<T>(_value: T): T {
  return _value;
}

// Each function below is only type-checked: the test further down calls it.
function memmapTypes(path: string): void {
  using f32 = memmap(path, { dtype: "float32", mode: "r" });
  expect<Equal<typeof f32, Memmap<"float32">>>();
  expect<Equal<ReturnType<typeof f32.get>, number>>();
  expect<Equal<typeof f32.data, Float32Array<ArrayBuffer>>>();
  expect<
    Equal<ReturnType<typeof f32.toTypedArray>, Float32Array<ArrayBuffer>>
  >();
  expect<Equal<ReturnType<typeof f32.slice>, Memmap<"float32">>>();
  expect<Equal<typeof f32.T, Memmap<"float32">>>();
  const total: number = f32.sum();
  const mean: number = f32.mean();
  const smallest: number = f32.min();
  const columns: NDArray<"float32"> = f32.reshape(2, -1).sum(0);
  typeOf([total, mean, smallest, columns]);

  using i64 = memmap(path, { dtype: "<i8", mode: "r" });
  const big: bigint = i64.get(0);
  const data: BigInt64Array = i64.data;
  const sum: bigint = i64.sum();
  typeOf([big, data, sum]);

  using u8 = memmap(path, { mode: "r" }); // dtype defaults to uint8
  expect<Equal<typeof u8, Memmap<"uint8">>>();
  const intSum: bigint = u8.sum();
  const byteSums: NDArray<"uint64"> = u8.reshape(4, -1).sum(1);
  typeOf([intSum, byteSums]);

  using c = memmap(path, { dtype: "complex64", mode: "r" });
  const z: Complex = c.get(0);
  typeOf(z);

  // A dtype only known at run time gives every element type.
  const name: string = Deno.args[0] ?? "f8";
  using any = memmap(path, { dtype: name, mode: "r" });
  expect<
    Equal<
      ReturnType<typeof any.get>,
      | number
      | bigint
      | boolean
      | Complex
      | string
      | Uint8Array<ArrayBuffer>
      | Record<string, unknown>
    >
  >();

  // Arrays of a known type are arrays of every type (covariance).
  const some: Memmap = f32;
  const views: NDArray[] = [f32, i64.slice(0), c.T];
  typeOf([some, views]);

  // @ts-expect-error: a float32 element is a number, not a bigint
  const wrong: bigint = f32.get(0);
  typeOf(wrong);
}

function arrayTypes(): void {
  const a = array([1, 2, 3], { dtype: "float64" });
  let b = a.mul(2); // NEP 50: a float array times a number keeps its type
  b = b.add(a).sub(1).div(b);
  expect<Equal<typeof b, NDArray<"float64">>>();
  const ints = array([1, 2, 3], { dtype: "int32" });
  expect<Equal<ReturnType<typeof ints.div<number>>, NDArray<"float64">>>();
  expect<Equal<ReturnType<typeof ints.add<typeof ints>>, NDArray<"int32">>>();
  const cast = a.astype(">i2");
  expect<Equal<typeof cast, NDArray<"int16">>>();
  expect<Equal<typeof dtype, typeof dtype>>();
  const t: DType<"float16"> = dtype("e");
  const bools = array([true, false], { dtype: "?" });
  const boolSum: number = bools.sum();
  const fromBytes = frombuffer(new Uint8Array(8)); // float64, as NumPy
  const one: number = fromBytes.get(0);
  typeOf([t, boolSum, one]);
  // @ts-expect-error: the sum of an int32 array along an axis is an array
  const notScalar: number = ints.sum(0);
  typeOf(notScalar);
}

function reductionTypes(): void {
  const f = array([[1, 2], [3, 4]], { dtype: "float32" });
  const i = array([[1, 2], [3, 4]], { dtype: "int16" });
  const u = array([1, 2], { dtype: "uint8" });
  const b = array([true, false], { dtype: "bool" });
  const c = array([{ re: 1, im: 2 }], { dtype: "complex64" });
  // No axis and no keepdims: a scalar of NumPy's result type.
  const whole: [number, bigint, bigint, number, Complex] = [
    f.sum(),
    i.sum(),
    u.prod(),
    b.sum(),
    c.mean(),
  ];
  const extremes: [number, number, boolean, boolean] = [
    f.min(),
    i.max(null),
    b.any(),
    f.all(),
  ];
  // An axis, a list of axes or keepdims: an array of NumPy's result type.
  const along = f.sum(0);
  expect<Equal<typeof along, NDArray<"float32">>>();
  const axisOrNot = undefined as number | undefined;
  const maybe = i.sum(axisOrNot);
  expect<Equal<typeof maybe, bigint | NDArray<"int64">>>();
  const lists: [
    NDArray<"int64">,
    NDArray<"uint64">,
    NDArray<"float64">,
    NDArray<"float32">,
    NDArray<"int16">,
    NDArray<"bool">,
    NDArray<"bool">,
  ] = [
    i.sum([0, 1]),
    u.prod(0),
    i.mean([-1]),
    f.mean(null, { keepdims: true }),
    i.min(undefined, { keepdims: true }),
    f.any([0], { keepdims: false }),
    b.all(0),
  ];
  const keep = true as boolean;
  const either: number | NDArray<"float32"> = f.max(null, { keepdims: keep });
  // @ts-expect-error: with keepdims the result is an array
  const notScalar: number = f.sum(undefined, { keepdims: true });
  // @ts-expect-error: axes are numbers
  const wrong = () => f.sum("0");
  // argmin/argmax: a number, or an int64 array along an axis or with keepdims.
  const index: number = f.argmax();
  const indices: [NDArray<"int64">, NDArray<"int64">] = [
    i.argmin(0),
    c.argmax(null, { keepdims: true }),
  ];
  const argEither: number | NDArray<"int64"> = u.argmin(axisOrNot);
  // @ts-expect-error: argmax takes one axis, not a list
  const argList = () => f.argmax([0, 1]);
  typeOf([whole, extremes, lists, either, notScalar, along, maybe, wrong]);
  typeOf([index, indices, argEither, argList]);
  // var/std: a number, or an array of the real float type; cumsum/cumprod: arrays of the sum type.
  const spread: number = c.std(null, { ddof: 1 });
  const spreads: [
    NDArray<"float32">,
    NDArray<"float64">,
    NDArray<"float32">,
    NDArray<"int64">,
    NDArray<"uint64">,
    NDArray<"float32">,
  ] = [
    c.var(0),
    i.std([0, 1], { keepdims: true }),
    f.var(undefined, { keepdims: true, ddof: 1 }),
    b.cumsum(),
    u.cumprod(0),
    f.cumsum(null),
  ];
  // @ts-expect-error: cumsum takes one axis, not a list
  const cumList = () => f.cumsum([0]);
  typeOf([spread, spreads, cumList]);
}

function vocabularyTypes(path: string): void {
  // Creation: the dtype option, or the value's type, or NumPy's default.
  expect<Equal<ReturnType<typeof zeros<"<i2">>, NDArray<"int16">>>();
  const z = zeros([2, 3]);
  expect<Equal<typeof z, NDArray<"float64">>>();
  const o = ones(3, { dtype: "uint8" });
  expect<Equal<typeof o, NDArray<"uint8">>>();
  const f = full(2, 7n);
  expect<Equal<typeof f, NDArray<"int64">>>();
  const flags = full([2, 2], true);
  expect<Equal<typeof flags, NDArray<"bool">>>();
  const r = arange(5n);
  expect<Equal<typeof r, NDArray<"int64">>>();
  const either = arange(0, 1, 0.25);
  expect<Equal<typeof either, NDArray<"int64" | "float64">>>();
  const f32 = arange(4, { dtype: "f4" });
  expect<Equal<typeof f32, NDArray<"float32">>>();
  const l = linspace(0, 1, 5);
  expect<Equal<typeof l, NDArray<"float64">>>();
  const same = concatenate([z, z]);
  expect<Equal<typeof same, NDArray<"float64">>>();
  const mixed = stack([z, ones([2, 3], { dtype: "uint8" })]);
  expect<Equal<typeof mixed, NDArray>>();
  // Indexing and sorting keep the type; indices are int64.
  const picked = o.take([0, 2]);
  expect<Equal<typeof picked, NDArray<"uint8">>>();
  const kept = z.compress([true, false]);
  expect<Equal<typeof kept, NDArray<"float64">>>();
  const nz = o.nonzero();
  expect<Equal<typeof nz, NDArray<"int64">[]>>();
  const sorted = o.sort();
  expect<Equal<typeof sorted, NDArray<"uint8">>>();
  const order = z.argsort();
  expect<Equal<typeof order, NDArray<"int64">>>();
  o.put([0], 1);
  o.putmask([true, false, true], [1, 2]);
  // Products: one type keeps it; dot of vectors may be an element.
  const product = z.matmul(z.T);
  expect<Equal<typeof product, NDArray<"float64">>>();
  const promoted = z.matmul(o);
  expect<Equal<typeof promoted, NDArray>>();
  const inner = o.dot(o);
  expect<Equal<typeof inner, NDArray<"uint8"> | number>>();
  const flagsDot = flags.dot(flags);
  expect<Equal<typeof flagsDot, NDArray<"bool"> | boolean>>();
  // @ts-expect-error: a product of float64 arrays is not float32
  const wrongProduct: NDArray<"float32"> = z.matmul(z.T);
  typeOf(wrongProduct);
  // Views of a memmap are memmaps; flatten() is an in-memory copy.
  using m = memmap(path, { dtype: "float32", mode: "r", shape: [2, 4] });
  expect<Equal<ReturnType<typeof m.squeeze>, Memmap<"float32">>>();
  expect<Equal<ReturnType<typeof m.expandDims>, Memmap<"float32">>>();
  expect<Equal<ReturnType<typeof m.swapaxes>, Memmap<"float32">>>();
  expect<Equal<ReturnType<typeof m.ravel>, NDArray<"float32">>>();
  expect<Equal<ReturnType<typeof m.flatten>, NDArray<"float32">>>();
  expect<Equal<ReturnType<typeof m.sort>, Memmap<"float32">>>();
  // @ts-expect-error: argsort gives int64 indices, not the array's type
  const wrongOrder: NDArray<"float32"> = m.argsort();
  typeOf(wrongOrder);
}

function loadTypes(dir: string): void {
  const inMemory: NDArray = load(`${dir}/a.npy`);
  using mapped = load(`${dir}/a.npy`, { mmapMode: "r" });
  expect<Equal<typeof mapped, Memmap>>();
  using archive = load(`${dir}/b.npz`);
  expect<Equal<typeof archive, NpzFile>>();
  typeOf([inMemory, archive.get("x")]);
  // @ts-expect-error: an archive is not an array
  const notArray: NDArray = load(`${dir}/b.npz`);
  typeOf(notArray);
}

function recordTypes(path: string): void {
  // Records, bytes, text and datetimes keep exact types too.
  const t = dtype([["id", "<u4"], ["x", "<f4"], ["pos", "<f8", [3]]]);
  using recs = memmap(path, { dtype: t, mode: "r", shape: [1] });
  const rec = recs.get(0);
  expect<Equal<typeof rec, { id: number; x: number; pos: number[] }>>();
  const x: Memmap<"float32"> = recs.field("x");
  const pos: Memmap<"float64"> = recs.field("pos");
  const data: Uint8Array = recs.data;
  typeOf([x, pos, data]);
  using inline = memmap(path, {
    dtype: [["n", "<i8"], ["when", "M8[ns]"]],
    mode: "r",
    shape: [1],
  });
  // Text, bytes and datetimes compare with their own elements.
  const byName = array(["a", "b"]).lt("b");
  expect<Equal<typeof byName, NDArray<"bool">>>();
  const after = inline.field("when").ge(new Date(0));
  expect<Equal<typeof after, NDArray<"bool">>>();
  // @ts-expect-error: a Date is no element of a number array
  typeOf(() => recs.field("x").eq(new Date(0)));
  const n: bigint = inline.get(0).n;
  const when: bigint = inline.get(0).when;
  typeOf([n, when]);
  // @ts-expect-error: there is no field "y"
  typeOf(inline.get(0).y);
  // Record arrays are arrays of every type (a checker crash once).
  const fourFields = dtype([["id", "<u4"], ["x", "<f4"], ["y", "<f8"], [
    "z",
    "<f4",
  ]]);
  const takesAny = (a: NDArray) => a.size;
  takesAny(array([], { dtype: fourFields }));
  takesAny(recs);
  const dict = dtype({ names: ["a", "b"], formats: ["<i2", "S3"] });
  const ab = array([{ a: 1, b: "xyz" }], { dtype: dict }).get(0);
  expect<Equal<typeof ab, { a: number; b: Uint8Array<ArrayBuffer> }>>();
  const s = array(["ab"], { dtype: "S2" });
  expect<Equal<ReturnType<typeof s.get>, Uint8Array<ArrayBuffer>>>();
  s.set(0, "cd");
  const u = array(["ab"], { dtype: "U2" });
  const text: string = u.get(0);
  const points: Uint32Array = u.data;
  typeOf([text, points]);
  const d = array([0n], { dtype: "M8[ms]" });
  expect<Equal<typeof d, NDArray<"datetime64[ms]">>>();
  d.set(0, new Date(0));
  d.set(0, "2000-01-01");
  const first: bigint = d.min();
  const td = array([1n], { dtype: "timedelta64[s]" });
  const total: bigint = td.sum();
  typeOf([first, total]);
  assert.throws(
    // @ts-expect-error: text takes strings, not numbers
    () => u.set(0, 5),
    TypeError,
  );
  const copy = recs.copy();
  assert.throws(
    // @ts-expect-error: a record's field holds a number
    () => copy.fill({ id: "1", x: 0, pos: [0, 0, 0] }),
    TypeError,
  );
}

async function byteTypes(path: string): Promise<void> {
  using m = Mmap.open(path, { access: "read" });
  // Copies and views are Uint8Array<ArrayBuffer>: Web APIs take them as is.
  await crypto.subtle.digest("SHA-256", m.slice());
  await crypto.subtle.digest("SHA-256", m.read(4));
  new Blob([m.readline(), m.bytes]);
  for (const line of m.lines()) new Blob([line]);
}

Deno.test("the typed calls return what their types say", async () => {
  using dir = tempDir();
  const path = `${dir.path}/data.bin`;
  Deno.writeFileSync(path, new Uint8Array(32).fill(1));
  memmapTypes(path);
  arrayTypes();
  reductionTypes();
  vocabularyTypes(path);
  save(`${dir.path}/a.npy`, array([1, 2], { dtype: "float32" }));
  savez(`${dir.path}/b.npz`, { x: array([1, 2]) });
  loadTypes(dir.path);
  await byteTypes(path);
  recordTypes(path);
  using f32 = memmap(path, { dtype: "float32", mode: "r" });
  assert.ok(f32.data instanceof Float32Array);
  assert.equal(typeof f32.get(0), "number");
  using i64 = memmap(path, { dtype: "<i8", mode: "r" });
  assert.equal(typeof i64.get(0), "bigint");
  assert.ok(i64.data instanceof BigInt64Array);
  const a = array([1, 2, 3], { dtype: "float64" });
  assert.equal(a.mul(2).dtype.name, "float64");
  assert.equal(array([1, 2], { dtype: "int32" }).div(2).dtype.name, "float64");
  assert.equal(a.astype(">i2").dtype.name, "int16");
});
