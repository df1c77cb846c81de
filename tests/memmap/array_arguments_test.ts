/**
 * Arguments of the array API (`NDArray`, `memmap`, `array`, `frombuffer`,
 * `openMemmap`, `SharedMemory`), table-driven: integers (indices, axes,
 * dimensions, offsets, counts) are safe integers in range, checked before
 * any state; shapes have at most 64 dimensions and are checked before any
 * memory is allocated; nested data is bounded the same way.
 */
import assert from "node:assert/strict";
import {
  array,
  frombuffer,
  load,
  memmap,
  type NDArray,
  NDArray as NDArrayClass,
  openMemmap,
  save,
  SharedMemory,
} from "../../mod.ts";
import { NOT_INTEGERS, OUT_OF_RANGE } from "../_hostile.ts";
import { describe } from "../../src/_args.ts";
import { tempDir } from "../test_util.ts";

function assertError(fn: () => unknown, cls: typeof Error, label: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(
      error instanceof cls,
      `${label}: ${String(error)} is not a ${cls.name}`,
    );
    assert.match((error as Error).message, /^Cannot /, label);
    return true;
  }, label);
}

type Call = (value: unknown) => unknown;

function checkTable(
  rows: [string, Call, unknown[], unknown[], "lists"?][],
): void {
  for (const [name, call, moreTypes, moreRanges, lists] of rows) {
    // Where lists of axes are valid, a list is checked element by element.
    const types = NOT_INTEGERS.filter((v) => !(lists && Array.isArray(v)));
    for (const value of [...types, ...moreTypes]) {
      assertError(() => call(value), TypeError, `${name} ${describe(value)}`);
    }
    for (const value of [...OUT_OF_RANGE, ...moreRanges]) {
      assertError(() => call(value), RangeError, `${name} ${describe(value)}`);
    }
  }
}

Deno.test("NDArray methods refuse indices, axes and dimensions that are not integers (TypeError) or out of range (RangeError)", () => {
  const a = array([[1, 2, 3], [4, 5, 6]], { dtype: "int32" });
  const before = a.toArray();
  // deno-lint-ignore no-explicit-any
  const any = (v: unknown) => v as any;
  checkTable([
    ["get(i, 0)", (v) => a.get(any(v), 0), [null, undefined], [2, -3]],
    ["get(0, j)", (v) => a.get(0, any(v)), [null, undefined], [3]],
    ["set(i, 0, 1)", (v) => a.set(any(v), 0, 1), [null], [2]],
    ["reshape(d, -1)", (v) => a.reshape(any(v), -1), [null], [-2]],
    ["reshape([d])", (v) => a.reshape([any(v)]), [null], [-2]],
    ["transpose(ax, 0)", (v) => a.transpose(any(v), 0), [null], [2]],
    // Reductions take a list of axes too: [3] is an axis out of range.
    ["sum(axis)", (v) => a.sum(any(v)), [[0.5]], [2, -3, [3], [0, 0]], "lists"],
    ["mean(axis)", (v) => a.mean(any(v)), [], [2, [3]], "lists"],
    ["min(axis)", (v) => a.min(any(v)), [], [2, [3]], "lists"],
    ["max(axis)", (v) => a.max(any(v)), [], [2, [3]], "lists"],
  ]);
  assert.deepEqual(a.toArray(), before);
  // bigints within range are integers too
  assert.equal(a.get(1n as unknown as number, -1n as unknown as number), 6);
  assert.deepEqual((a.sum(1n as unknown as number) as NDArray).toArray(), [
    6n,
    15n,
  ]);
  assert.deepEqual(a.slice(1n as unknown as number).toArray(), [4, 5, 6]);
  assert.throws(() => a.slice("99999999999999999999"), RangeError);
  assert.throws(() => a.slice(2 ** 53), RangeError);
  assert.throws(() => a.slice(2), RangeError);
  for (const bad of [1.5, NaN, true, {}, [0], Symbol("s"), undefined]) {
    assertError(() => a.slice(any(bad)), TypeError, `slice(${describe(bad)})`);
  }
});

Deno.test("memmap(), array(), frombuffer(), openMemmap() and SharedMemory check integer options before touching a file or allocating", () => {
  using dir = tempDir();
  const file = `${dir.path}/f.bin`;
  const bytes = new Uint8Array(64).fill(7);
  Deno.writeFileSync(file, bytes);
  checkTable([
    ["memmap offset", (v) => memmap(file, { offset: v as number }), [null], [
      -1,
    ]],
    ["memmap shape dim", (v) => memmap(file, { shape: [v as number] }), [
      null,
    ], [-1]],
    ["array shape dim", (v) => array([1], { shape: [v as number] }), [null], [
      -1,
    ]],
    ["frombuffer offset", (v) => frombuffer(bytes, { offset: v as number }), [
      null,
    ], [-1]],
    ["frombuffer count", (v) => frombuffer(bytes, { count: v as number }), [
      null,
    ], [-2]],
    [
      "openMemmap shape dim",
      (v) =>
        openMemmap(`${dir.path}/o.npy`, {
          mode: "w+",
          shape: [v as number],
        }),
      [null],
      [-1],
    ],
    [
      "NDArray byteOffset",
      (v) =>
        new NDArrayClass(
          { bytes, readOnly: false },
          "uint8",
          [1],
          undefined,
          v as number,
        ),
      [null],
      [],
    ],
    [
      "NDArray strides",
      (v) =>
        new NDArrayClass({ bytes, readOnly: false }, "uint8", [1], [
          v as number,
        ]),
      [null],
      [],
    ],
    [
      "SharedMemory size",
      (v) => new SharedMemory({ create: true, size: v as number }),
      [null],
      [-1],
    ],
  ]);
  assert.deepEqual(Deno.readFileSync(file), bytes);
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), [
    "f.bin",
  ]);
});

Deno.test("memmap() with an offset of 2**53 or a shape spanning more is a RangeError, and the file is untouched", () => {
  using dir = tempDir();
  const file = `${dir.path}/f.bin`;
  Deno.writeFileSync(file, new Uint8Array(8192).fill(1));
  for (const mode of ["r", "r+", "w+", "c"] as const) {
    assert.throws(() => memmap(file, { mode, offset: 2 ** 53 }), RangeError);
    assert.throws(
      () => memmap(file, { mode, shape: [2 ** 32, 2 ** 32 + 1] }),
      RangeError,
    );
    assert.throws(
      () => memmap(file, { mode, dtype: "f8", shape: [2 ** 50] }),
      RangeError,
    );
    assert.throws(
      () => memmap(file, { mode, offset: 2 ** 52, shape: [2 ** 52] }),
      RangeError,
    );
  }
  assert.deepEqual(Deno.readFileSync(file), new Uint8Array(8192).fill(1));
});

Deno.test("Options must be objects: null, numbers and strings are TypeErrors with the library's message", () => {
  using dir = tempDir();
  const file = `${dir.path}/f.bin`;
  Deno.writeFileSync(file, new Uint8Array(8));
  const calls: [string, (o: unknown) => unknown][] = [
    ["memmap", (o) => memmap(file, o as never)],
    ["array", (o) => array([1], o as never)],
    ["frombuffer", (o) => frombuffer(new Uint8Array(8), o as never)],
    ["load", (o) => load(file, o as never)],
    ["openMemmap", (o) => openMemmap(file, o as never)],
  ];
  for (const [name, call] of calls) {
    for (const o of [null, 3, "r", true]) {
      assertError(() => call(o), TypeError, `${name}(${describe(o)})`);
    }
  }
});

Deno.test("Arrays have at most 64 dimensions: shapes, reshape, nested data and .npy headers", () => {
  using dir = tempDir();
  const ones = (n: number) => new Array<number>(n).fill(1);
  const deep = (n: number): unknown => {
    let a: unknown = 1;
    for (let i = 0; i < n; i++) a = [a];
    return a;
  };
  assert.equal(array(0, { shape: ones(64) }).ndim, 64);
  assert.equal((array(deep(64) as number[]) as NDArray).ndim, 64);
  assert.equal(array([1]).reshape(ones(64)).ndim, 64);
  for (
    const [name, f] of [
      ["array shape", () => array(0, { shape: ones(65) })],
      ["array of nested data", () => array(deep(65) as number[])],
      ["array of deeply nested data", () => array(deep(5000) as number[])],
      ["reshape", () => array([1]).reshape(ones(65))],
      ["reshape args", () => array([1]).reshape(...ones(100))],
      [
        "memmap",
        () => memmap(`${dir.path}/m.bin`, { mode: "w+", shape: ones(65) }),
      ],
      [
        "openMemmap",
        () => openMemmap(`${dir.path}/m.npy`, { mode: "w+", shape: ones(65) }),
      ],
      ["NDArray", () =>
        new NDArrayClass(
          { bytes: new Uint8Array(1), readOnly: false },
          "u1",
          ones(65),
        )],
    ] as const
  ) {
    assertError(f, RangeError, name);
  }
  // A .npy header with 65 dimensions is malformed content.
  save(`${dir.path}/ok.npy`, array(0, { shape: ones(64) }));
  const file = Deno.readFileSync(`${dir.path}/ok.npy`);
  const length = file[8] | (file[9] << 8);
  const header = new TextDecoder().decode(file.subarray(10, 10 + length));
  // One more dimension, in the place of three padding spaces.
  const more = header.replace("(1, ", "(1, 1, ").replace("   \n", "\n");
  assert.equal(more.length, header.length);
  const patched = new Uint8Array(file);
  patched.set(new TextEncoder().encode(more), 10);
  Deno.writeFileSync(`${dir.path}/bad.npy`, patched);
  assert.equal((load(`${dir.path}/ok.npy`) as NDArray).ndim, 64);
  for (const mmapMode of [null, "r"] as const) {
    assert.throws(() => load(`${dir.path}/bad.npy`, { mmapMode }), {
      name: "InvalidData",
      message: /65 dimensions/,
    });
  }
  assert.equal([...Deno.readDirSync(dir.path)].length, 2);
});

Deno.test("Nested data that contains itself, or claims a huge length, fails at once without allocating", () => {
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  assert.throws(() => array(cyclic as number[]), RangeError);
  const pair: unknown[] = [1, 2];
  pair[1] = pair;
  assert.throws(() => array(pair as number[]), TypeError);
  assert.throws(
    () => array({ length: 5e7 } as unknown as number[]),
    TypeError,
  );
  assert.throws(
    () => array({ length: 2 ** 53 } as unknown as number[]),
    TypeError,
  );
  assert.throws(
    () => array({ length: -1 } as unknown as number[]),
    TypeError,
  );
  assert.throws(
    () => memmap("unused", { shape: { length: 2e7 } as unknown as number[] }),
    TypeError,
  );
  // A real array-like is still read, by index.
  assert.deepEqual(
    array({ length: 2, 0: 5, 1: 6 } as unknown as number[]).toArray(),
    [5, 6],
  );
});

Deno.test("toArray() of a 0-d array gives the element itself, as NumPy's tolist()", () => {
  assert.equal(array(5).toArray(), 5);
  assert.equal(array(5, { dtype: "int64" }).toArray(), 5n);
  assert.equal(array(true).toArray(), true);
  assert.deepEqual(array({ re: 1, im: 2 }).toArray(), { re: 1, im: 2 });
  assert.deepEqual(array([5]).toArray(), [5]);
  assert.deepEqual(array([[5]]).slice(0, 0).toArray(), 5);
});

Deno.test("Posting or cloning an NDArray or a Memmap throws a DataCloneError saying what to post instead", () => {
  using dir = tempDir();
  const m = memmap(`${dir.path}/a.bin`, { mode: "w+", shape: [4] });
  const worker = new Worker(
    URL.createObjectURL(new Blob([""], { type: "text/javascript" })),
    { type: "module" },
  );
  try {
    for (const value of [m, m.slice("1:"), array([1, 2])]) {
      for (
        const post of [
          (v: unknown) => structuredClone(v),
          (v: unknown) => worker.postMessage(v),
        ]
      ) {
        assert.throws(() => post(value), (error: unknown) => {
          assert.ok(error instanceof DOMException, String(error));
          assert.equal(error.name, "DataCloneError");
          assert.match(error.message, /Cannot post an NDArray to a Worker/);
          assert.match(error.message, /describe\(\)/);
          assert.doesNotMatch(error.message, /omitted|=>|\{/);
          return true;
        });
      }
    }
  } finally {
    worker.terminate();
    m.close();
  }
});

Deno.test("toArray() of more elements than a JavaScript array holds is a RangeError with the library's message", () => {
  using dir = tempDir();
  const path = `${dir.path}/sparse.bin`;
  using file = Deno.openSync(path, { create: true, write: true });
  file.truncateSync(2 ** 32);
  using m = memmap(path, { mode: "r" });
  assert.throws(() => m.toArray(), {
    name: "RangeError",
    message: /^Cannot convert an array of shape \(4294967296,\)/,
  });
});
