import assert from "node:assert/strict";
import { frombuffer, full, load, type NDArray, save } from "../../mod.ts";
import { arrayShower } from "../../src/memmap/kernels/runtime.ts";
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

/** Ways to make an array over bytes of `buffer` from `at` on, without copying. */
const ZERO_COPY_VIEWS: [
  string,
  (buffer: ArrayBuffer, at: number, count: number) => unknown,
][] = [
  [
    "frombuffer(buffer, { offset })",
    (b, at, count) => frombuffer(b, { dtype: "float64", offset: at, count }),
  ],
  [
    "frombuffer(Float64Array)",
    (b, at, count) => frombuffer(new Float64Array(b, at, count)),
  ],
  [
    "frombuffer(DataView)",
    (b, at, count) =>
      frombuffer(new DataView(b, at, count * 8), { dtype: "float64" }),
  ],
  [
    "a Float64Array operand of add()",
    (b, at, count) => full([count], 0).add(new Float64Array(b, at, count)),
  ],
  ["frombuffer(buffer) (all of it)", (b) => frombuffer(b, { dtype: "uint8" })],
];

Deno.test("no array views the kernels' scratch after an in-memory array's data (its data.buffer is larger): every zero-copy way is a RangeError, and the array's reductions stay NumPy's", () => {
  const a = full([1024, 1024], 1, { dtype: "float64" });
  const buffer = a.data.buffer as ArrayBuffer;
  assert.ok(buffer.byteLength > a.nbytes, "the memory holds scratch");
  const base = Math.ceil(a.nbytes / 65536) * 65536;
  // The scratch's regions the kernels write: results, copies, gathers, rows.
  for (const at of [base, base + 65536, base + 384 * 1024, base + MiB]) {
    for (const [label, view] of ZERO_COPY_VIEWS) {
      assert.throws(
        () => view(buffer, at, 1024),
        (e: unknown) =>
          e instanceof RangeError &&
          new RegExp(
            `^Cannot view bytes \\d+\\.\\.\\d+ of an array's memory: only its first ${a.nbytes} bytes`,
          ).test(e.message),
        `${label} at ${at - base} past the data`,
      );
    }
  }
  // Views of the data itself still work, out= over them included.
  for (const [label, view] of ZERO_COPY_VIEWS.slice(0, 3)) {
    const b = full([1024, 1024], 1, { dtype: "float64" });
    const row = view(b.data.buffer as ArrayBuffer, 8 * 1024, 1024) as NDArray;
    b.slice(0).add(1, { out: row });
    assert.equal(row.get(0), 2, label);
    assert.equal(b.get(1, 1023), 2, label);
    assert.equal(b.sum(), 1024 * 1024 + 1024, label);
  }
  assert.equal(a.sum(), 1024 * 1024);
  assert.deepEqual(a.sum(0).toArray(), new Array(1024).fill(1024));
  assert.deepEqual(a.sum(1).toArray(), new Array(1024).fill(1024));
  assert.deepEqual(
    (a.slice("::2", "::3").sum(0).toArray() as number[]).slice(0, 3),
    [512, 512, 512],
  );
});
