import assert from "node:assert/strict";
import {
  concatenate,
  dtype,
  empty,
  full,
  load,
  type Memmap,
  memmap,
  NDArray,
  ones,
  openMemmap,
  save,
  savez,
  SharedMemory,
  stack,
  zeros,
} from "../../mod.ts";

// An array with a 0 dimension spans no bytes, whatever its other
// dimensions (attack12 B6): every way of making one (creation, views,
// copies, element-wise results, files) accepts the shapes NumPy 2.4 accepts
// (`np.zeros((2**52, 0))`, `(0, 2**52)`, `(2**50, 0, 8)`, `.copy()`,
// `.astype()`, `swapaxes`, `np.save`/`np.load`), and its strides stay exact
// integers (all 0 when the other dimensions pass 2**53 - 1 bytes, as
// NumPy's new arrays of no elements). Only a dimension above 2**53 - 1 and
// NumPy's own limit (2**63 - 1 bytes for the other dimensions) refuse.

const SHAPES: number[][] = [
  [2 ** 52, 0],
  [0, 2 ** 52],
  [2 ** 50, 0, 8],
  [0, 3 ** 33], // 8 * 3**33 is no exact double: its strides must not be
  [2 ** 40, 2 ** 12, 0],
];

/** Checks an array has `shape`, no elements and exact strides. */
function check(a: NDArray, shape: readonly number[], what: string): void {
  assert.deepEqual(a.shape, shape, what);
  assert.equal(a.size, 0, what);
  assert.equal(a.nbytes, 0, what);
  for (const s of a.strides) {
    assert.ok(Number.isSafeInteger(s) && !Object.is(s, -0), `${what}: ${s}`);
  }
}

Deno.test("arrays with a 0 dimension are made whatever their other dimensions (every creation)", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const [i, shape] of SHAPES.entries()) {
      const makers: Record<string, () => NDArray> = {
        zeros: () => zeros(shape),
        "zeros F": () => zeros(shape, { order: "F" }),
        ones: () => ones(shape, { dtype: "uint8" }),
        empty: () => empty(shape, { dtype: "complex128" }),
        full: () => full(shape, 7),
        "new NDArray": () =>
          new NDArray(
            { bytes: new Uint8Array(0), readOnly: false },
            dtype("f8"),
            shape,
          ),
        "subarray type": () =>
          new NDArray(
            { bytes: new Uint8Array(0), readOnly: false },
            dtype("(0,3)f4"),
            shape,
          ),
        "memmap w+": () =>
          memmap(`${dir}/${i}.bin`, { mode: "w+", shape, dtype: "f8" }),
        "openMemmap w+": () =>
          openMemmap(`${dir}/${i}.npy`, { mode: "w+", shape, dtype: "f8" }),
        "SharedMemory.ndarray": () => {
          const shm = new SharedMemory({ create: true, size: 8 });
          try {
            return shm.ndarray({ dtype: "f8", shape }).copy();
          } finally {
            shm.close();
            shm.unlink();
          }
        },
      };
      for (const [name, make] of Object.entries(makers)) {
        const a = make();
        const want = name === "subarray type" ? [...shape, 0, 3] : shape;
        check(a, want, `${name} ${shape}`);
        if (a instanceof NDArray && "close" in a) {
          (a as unknown as { close(): void }).close();
        }
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("views, copies, results and files of arrays with a 0 dimension keep their shape", () => {
  const dir = Deno.makeTempDirSync();
  // Maps are closed before the files are saved over or removed (Windows
  // refuses both while a map is open).
  const maps: { close(): void }[] = [];
  try {
    for (const shape of SHAPES) {
      const a = zeros(shape);
      const swapped = [shape[1], shape[0], ...shape.slice(2)];
      const reversed = shape.toReversed();
      const ops: Record<string, [() => NDArray, readonly number[]]> = {
        T: [() => a.T, reversed],
        transpose: [() => a.transpose(), reversed],
        swapaxes: [() => a.swapaxes(0, 1), swapped],
        "swapaxes of T": [() => a.T.swapaxes(0, -1), shape],
        reshape: [() => a.reshape(reversed), reversed],
        "reshape -1": [() => a.reshape(-1), [0]],
        ravel: [() => a.ravel(), [0]],
        flatten: [() => a.flatten(), [0]],
        slice: [() => a.slice("::-3"), [
          Math.ceil(shape[0] / 3),
          ...shape.slice(1),
        ]],
        expandDims: [() => a.expandDims(0), [1, ...shape]],
        squeeze: [() => a.squeeze(), shape],
        copy: [() => a.copy(), shape],
        "T.copy": [() => a.T.copy(), reversed],
        astype: [() => a.astype("float32"), shape],
        "add(1)": [() => a.add(1), shape],
        "swapaxes().add(a.swapaxes())": [
          () => a.swapaxes(0, 1).add(a.swapaxes(0, 1)),
          swapped,
        ],
        "eq": [() => a.eq(a), shape],
        concatenate: [
          () => concatenate([a, a.slice("...", ":1")], -1),
          [...shape.slice(0, -1), shape.at(-1)! + Math.min(shape.at(-1)!, 1)],
        ],
        stack: [() => stack([a, a]), [2, ...shape]],
        "save, load": [() => {
          save(`${dir}/a.npy`, a);
          return load(`${dir}/a.npy`) as NDArray;
        }, shape],
        "save, load mapped": [() => {
          save(`${dir}/a.npy`, a.T);
          const m = load(`${dir}/a.npy`, { mmapMode: "r" }) as Memmap;
          maps.push(m);
          return m;
        }, reversed],
        "savez, load": [() => {
          savez(`${dir}/a.npz`, { a });
          using z = load(`${dir}/a.npz`);
          return z.get("a");
        }, shape],
      };
      for (const [name, [op, want]] of Object.entries(ops)) {
        check(op(), want, `${name} ${shape}`);
        for (const m of maps.splice(0)) m.close();
      }
    }
  } finally {
    for (const m of maps) m.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a 0-byte field view of 2**52 records is copied and swapped as NumPy does", () => {
  const recs = new NDArray(
    { bytes: new Uint8Array(0), readOnly: false },
    dtype({ names: ["a"], formats: [["<f8", [0]]] }),
    [2 ** 52],
  );
  const a = recs.field("a");
  check(a, [2 ** 52, 0], "field");
  check(a.copy(), [2 ** 52, 0], "copy");
  check(a.astype("float32"), [2 ** 52, 0], "astype");
  check(a.add(1), [2 ** 52, 0], "add(1)");
  check(a.swapaxes(0, 1), [0, 2 ** 52], "swapaxes");
  check(a.T, [0, 2 ** 52], "T");
});

Deno.test("arrays with a 0 dimension are refused only past a dimension's bound or NumPy's limit", () => {
  const refused: [number[], RegExp][] = [
    [[0, 2 ** 53], /shape dimension must be within 0\.\.9007199254740991/],
    [
      [0, 2 ** 53 - 1, 2 ** 53 - 1],
      /shape \(0, 9007199254740991, 9007199254740991\) of 8-byte items: its non-zero dimensions span more than 2\*\*63 - 1 bytes/,
    ],
    [[2 ** 31, 2 ** 29, 0], /span more than 2\*\*63 - 1 bytes/],
  ];
  for (const [shape, message] of refused) {
    assert.throws(
      () => zeros(shape),
      (e: Error) => e instanceof RangeError && message.test(e.message),
      String(shape),
    );
  }
  // 2**28 * 2**29 * 8 bytes = 2**60: NumPy makes it (np.zeros((2**28, 2**29, 0))).
  check(zeros([2 ** 28, 2 ** 29, 0]), [2 ** 28, 2 ** 29, 0], "2**60 bytes");
  // Arrays with elements keep the exact bound.
  assert.throws(
    () => zeros([2 ** 52, 2]),
    (e: Error) =>
      e instanceof RangeError &&
      /spans more than 2\*\*53 - 1 bytes/.test(e.message),
  );
});
