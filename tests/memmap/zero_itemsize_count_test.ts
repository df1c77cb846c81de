/**
 * Items of no bytes (`S0`, `U0`, `V0`) bound no shape by their bytes, so
 * the element count is checked on its own (attack14 D6): every maker of a
 * shape refuses more than 2**53 - 1 elements at creation, with the
 * library's "Cannot ..." RangeError (a `.npy` header: InvalidData), so that
 * `size`, a `ravel()`'s dimension and every index stay exact integers. The
 * library made `zeros([2**53 - 1, 2**53 - 1], { dtype: "S0" })` (size
 * 8.1e31, `ravel().shape` [8.1e31]) and `(2**31, 2**31, 4)` (2**64
 * elements, past NumPy's own "array is too big"); `flatten()`, `take()`
 * and `argsort()` of them failed on a reshape the caller never asked for.
 */
import assert from "node:assert/strict";
import {
  concatenate,
  empty,
  full,
  load,
  memmap,
  NDArray,
  ones,
  openMemmap,
  SharedMemory,
  stack,
  zeros,
} from "../../mod.ts";
import { headerOnlyNpy } from "../test_util.ts";
import { tempDir } from "./_numpy.ts";

const BIG = [2 ** 27, 2 ** 27]; // 2**54 elements
/** A line of 2**52 + 1 elements: two of them pass 2**53 - 1. */
const HALF = 2 ** 52 + 1;
const COUNT = /it has (\d+) elements, more than 2\*\*53 - 1/;

Deno.test("every maker of a shape refuses zero-byte items past 2**53 - 1 elements", () => {
  using tmp = tempDir();
  const raw = `${tmp.dir}/raw`;
  Deno.writeFileSync(raw, new Uint8Array(16));
  const header = (descr: string) => {
    const path = `${tmp.dir}/${descr.replace(/\W/g, "")}.npy`;
    Deno.writeFileSync(
      path,
      headerOnlyNpy(`'${descr}'`, `(${BIG.join(", ")})`),
    );
    return path;
  };
  const half = zeros([HALF], { dtype: "S0" });
  // [maker, make, error class, message (call and reason)]
  const rows: [
    string,
    () => unknown,
    new (...args: never[]) => Error,
    RegExp,
  ][] = [
    [
      "zeros (2**53 - 1)**2",
      () => zeros([2 ** 53 - 1, 2 ** 53 - 1], { dtype: "S0" }),
      RangeError,
      /^Cannot create zeros with shape \(9007199254740991, 9007199254740991\) of 0-byte items: it has 81129638414606663681390495662081 elements/,
    ],
    [
      "zeros 2**64 elements",
      () => zeros([2 ** 31, 2 ** 31, 4], { dtype: "S0" }),
      RangeError,
      /^Cannot create zeros .*it has 18446744073709551616 elements/,
    ],
    [
      "zeros U0",
      () => zeros(BIG, { dtype: "U0" }),
      RangeError,
      /^Cannot create zeros /,
    ],
    [
      "empty V0",
      () => empty(BIG, { dtype: "V0" }),
      RangeError,
      /^Cannot create an empty array /,
    ],
    [
      "ones S0",
      () => ones(BIG, { dtype: "S0" }),
      RangeError,
      /^Cannot create ones /,
    ],
    // (full checks the shape before its value makes the type: as 1-byte items)
    [
      "full U0",
      () => full(BIG, 0, { dtype: "U0" }),
      RangeError,
      /^Cannot create a full array .*spans more than 2\*\*53 - 1 bytes/,
    ],
    [
      "new NDArray",
      () => new NDArray(zeros([1], { dtype: "V0" }).storage, "V0", BIG),
      RangeError,
      /^Cannot create an array /,
    ],
    [
      "memmap",
      () => memmap(raw, { dtype: "S0", shape: BIG, mode: "r" }),
      RangeError,
      /^Cannot map an array /,
    ],
    [
      "SharedMemory.ndarray",
      () => {
        const shm = new SharedMemory({ create: true, size: 4096 });
        try {
          return shm.ndarray({ dtype: "U0", shape: BIG });
        } finally {
          shm.close();
          shm.unlink();
        }
      },
      RangeError,
      /^Cannot view shared memory /,
    ],
    [
      "stack",
      () => stack([half, half]),
      RangeError,
      /^Cannot create an array /,
    ],
    [
      "openMemmap |S0",
      () => openMemmap(header("|S0"), { mode: "r" }),
      Deno.errors.InvalidData,
      /^Header shape /,
    ],
    [
      "load <U0",
      () => load(header("<U0")),
      Deno.errors.InvalidData,
      /^Header shape /,
    ],
    [
      "load |V0 mapped",
      () => load(header("|V0"), { mmapMode: "r" }),
      Deno.errors.InvalidData,
      /^Header shape /,
    ],
  ];
  for (const [maker, make, type, message] of rows) {
    assert.throws(
      make,
      (e: Error) =>
        e instanceof type && message.test(e.message) &&
        (maker.startsWith("full") || COUNT.test(e.message)),
      maker,
    );
  }
  // A concatenation's length passes a dimension's bound first.
  assert.throws(
    () => concatenate([half, half]),
    (e: Error) => e instanceof RangeError && /^Cannot /.test(e.message),
    "concatenate",
  );
});

Deno.test("zero-byte items up to 2**53 - 1 elements: every view's dimensions and size stay exact", () => {
  const a = zeros([2 ** 26, 2 ** 26], { dtype: "S0" }); // 2**52 elements
  const views: [string, NDArray][] = [
    ["as made", a],
    ["ravel", a.ravel()],
    ["reshape(-1)", a.reshape(-1)],
    ["flatten", a.flatten()],
    ["T.ravel", a.T.ravel()],
    ["expandDims", a.expandDims(1)],
    ["reshape", a.reshape(2 ** 13, -1, 2 ** 13)],
    ["zeros 2**53 - 1", zeros([2 ** 53 - 1], { dtype: "V0" })],
    [
      "stack",
      stack([
        zeros([2 ** 51], { dtype: "U0" }),
        zeros([2 ** 51], { dtype: "U0" }),
      ]),
    ],
  ];
  for (const [what, v] of views) {
    assert.ok(Number.isSafeInteger(v.size), what);
    assert.equal(v.size, v.shape.reduce((p, n) => p * n, 1), what);
    assert.ok(v.shape.every(Number.isSafeInteger), what);
  }
  assert.deepEqual(a.take([0, 2 ** 52 - 1]).shape, [2]);
  // An array of no elements: only NumPy's limit on the other dimensions.
  assert.deepEqual(zeros([0, 2 ** 53 - 1, 2 ** 10], { dtype: "S0" }).shape, [
    0,
    2 ** 53 - 1,
    2 ** 10,
  ]);
  assert.throws(
    () => zeros([0, 2 ** 53 - 1, 2 ** 11], { dtype: "S0" }),
    (e: Error) =>
      e instanceof RangeError &&
      /non-zero dimensions hold more than 2\*\*63 - 1 elements/.test(e.message),
  );
});
