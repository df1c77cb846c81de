import assert from "node:assert/strict";
import { frombuffer, load, type NDArray, save } from "../../mod.ts";
import { arrayShower, settings } from "../../src/memmap/kernels/runtime.ts";
import { SIZE } from "../../src/memmap/kernels/reduce_run.ts";
import { tempDir } from "../test_util.ts";
import { lcgBytes } from "./_reduce_cases.ts";

const MiB = 1024 * 1024;
/** Bytes of data: above the array-memory threshold, not a whole number of 64 KiB pages. */
const BYTES = 4 * MiB + 8 * 1000;

/** Every value of a result, bigints and -0/NaN kept apart. */
function flat(x: unknown): string {
  const all = typeof x === "object" && x !== null && "toArray" in x
    ? [(x as NDArray).toArray()].flat(Infinity)
    : [x];
  return all.map((v) => Object.is(v, -0) ? "-0" : String(v)).join(",");
}

Deno.test("arrays the library allocates from 4 MiB live in a memory of their own; small ones and a caller's buffer do not", () => {
  const bytes = lcgBytes(BYTES, 1);
  const big = frombuffer(bytes).copy();
  assert.notEqual(arrayShower(big.storage.bytes), null);
  assert.equal(big.storage.bytes.byteOffset, 0);
  assert.equal(big.nbytes, BYTES);
  assert.deepEqual(big.storage.bytes, bytes);
  assert.equal(arrayShower(frombuffer(bytes).storage.bytes), null);
  assert.equal(
    arrayShower(frombuffer(bytes.subarray(0, MiB)).copy().storage.bytes),
    null,
  );
  // Fresh memory is zero.
  const zeros = frombuffer(new Float64Array(BYTES / 8)).mul(0);
  assert.notEqual(arrayShower(zeros.storage.bytes), null);
  assert.equal(zeros.storage.bytes.findIndex((b) => b !== 0), -1);
});

Deno.test("reductions of an array memory equal the copy path's for every kernel type, view and axis", () => {
  const bytes = lcgBytes(BYTES, 7);
  const views: [string, (a: NDArray) => NDArray][] = [
    ["whole", (a) => a],
    ["reversed", (a) => a.slice("::-1")],
    ["every 3rd", (a) => a.slice("1::3")],
    ["matrix", (a) => a.reshape(8, -1)],
    ["transposed", (a) => a.reshape(8, -1).T],
  ];
  for (const dtype of Object.keys(SIZE)) {
    const copied = frombuffer(bytes, { dtype });
    const own = copied.copy();
    assert.notEqual(arrayShower(own.storage.bytes), null, dtype);
    for (const [label, view] of views) {
      const a = view(own), b = view(copied);
      const calls: [string, (x: NDArray) => unknown][] = [
        ["sum()", (x) => x.sum()],
        ["mean()", (x) => x.mean()],
        ["min()", (x) => x.min()],
        ["max()", (x) => x.max()],
        ["any()", (x) => x.any()],
        ["all()", (x) => x.all()],
      ];
      if (dtype !== "bool") {
        calls.push(["argmin()", (x) => x.argmin()], [
          "argmax()",
          (x) => x.argmax(),
        ]);
      }
      if (a.ndim === 2) {
        calls.push(["sum(0)", (x) => x.sum(0)], ["sum(1)", (x) => x.sum(1)]);
        calls.push(["max(0)", (x) => x.max(0)], ["min(1)", (x) => x.min(1)]);
      }
      for (const [name, call] of calls) {
        assert.equal(
          flat(call(a)),
          flat(call(b)),
          `${dtype} ${label} ${name}`,
        );
      }
    }
  }
});

Deno.test("a view of an array memory's whole buffer (data and scratch) is not reduced in place and keeps its bytes", () => {
  const big = frombuffer(lcgBytes(BYTES, 3), { dtype: "float64" }).copy();
  big.sum(); // the scratch after the data now holds something
  const whole = frombuffer(big.storage.bytes.buffer, { dtype: "float64" });
  assert.equal(arrayShower(whole.storage.bytes), null);
  const before = whole.storage.bytes.slice();
  const sum = whole.sum();
  assert.deepEqual(whole.storage.bytes, before);
  const was = settings.off;
  settings.off = true;
  try {
    assert.ok(Object.is(whole.sum(), sum));
  } finally {
    settings.off = was;
  }
});

Deno.test("toTypedArray() of an array in an array memory is a plain buffer of its own, which can be transferred", () => {
  const big = frombuffer(lcgBytes(BYTES, 5), { dtype: "int32" }).copy();
  const t = big.toTypedArray();
  assert.equal(t.buffer.byteLength, BYTES);
  assert.equal(t.byteOffset, 0);
  const moved = structuredClone(t.buffer, { transfer: [t.buffer] });
  assert.equal(moved.byteLength, BYTES);
  const text = frombuffer(lcgBytes(BYTES, 6), { dtype: "S8" }).copy();
  assert.notEqual(arrayShower(text.storage.bytes), null);
  const raw = text.toTypedArray();
  assert.equal(raw.buffer.byteLength, BYTES);
  assert.deepEqual(raw, text.storage.bytes);
});

Deno.test("load() reads a large .npy into an array memory, reduced in place", () => {
  using dir = tempDir();
  const a = frombuffer(lcgBytes(BYTES, 9), { dtype: "float64" });
  save(`${dir.path}/a.npy`, a);
  const loaded = load(`${dir.path}/a.npy`) as NDArray;
  assert.notEqual(arrayShower(loaded.storage.bytes), null);
  assert.ok(Object.is(loaded.sum(), a.sum()));
  assert.equal(
    flat(loaded.reshape(8, -1).sum(0)),
    flat(a.reshape(8, -1).sum(0)),
  );
});
