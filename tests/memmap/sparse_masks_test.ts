/**
 * nonzero, compress and putmask read their mask a block at a time, count
 * first and allocate the positions' exact size: a large, mostly false mask
 * costs no memory per element, a non-contiguous one is not copied whole,
 * and positions that cannot be had are the library's RangeError.
 */
import assert from "node:assert/strict";
import { arange, array, memmap, NDArray, zeros } from "../../mod.ts";
import { tempDir, WINDOWS } from "../test_util.ts";

/** Flat positions of the non-zero elements, the plain way. */
function reference(a: NDArray): number[] {
  const out: number[] = [];
  const flat = a.flatten().toTypedArray() as Float64Array;
  const per = a.dtype.kind === "c" ? 2 : 1;
  for (let i = 0; i < a.size; i++) {
    let t = false;
    for (let p = 0; p < per; p++) t ||= flat[i * per + p] != 0;
    if (t) out.push(i);
  }
  return out;
}

/** Trues around the 2**20-element block edges of a 3 Mi + 5 element mask. */
const N = 3 * 2 ** 20 + 5;
const TRUE_AT = [
  0,
  1,
  2 ** 20 - 1,
  2 ** 20,
  2 ** 20 + 1,
  2 ** 21,
  N - 2,
  N - 1,
];

function mask(dtype: string): NDArray {
  const a = zeros([N], { dtype });
  for (const i of TRUE_AT) a.set(i, dtype === "bool" ? true : 1);
  a.set(12345, dtype.startsWith("float") ? NaN : 1);
  if (dtype.startsWith("float")) a.set(777, -0);
  return a;
}

// Layouts: each gives a view of the mask (its elements in C order differ).
const LAYOUTS: Record<string, (a: NDArray) => NDArray> = {
  contiguous: (a) => a,
  reversed: (a) => a.slice("::-1"),
  strided: (a) => a.slice("::3"),
  "2-D transposed": (a) =>
    a.slice(`0:${N - 5}`).reshape(3 * 2 ** 10, 2 ** 10).T,
  "2-D rows of a block and more": (a) =>
    a.slice(`0:${N - 5}`).reshape(3, 2 ** 20).slice(":", "::-1"),
  "byte-swapped": (a) => a.astype(SWAPPED[a.dtype.name] ?? a.dtype.name),
};

const SWAPPED: Record<string, string> = {
  int64: ">i8",
  float64: ">f8",
  float32: ">f4",
  complex128: ">c16",
};

const DTYPES = ["bool", "uint8", "int64", "float64", "float32", "complex128"];

Deno.test("nonzero, compress and putmask find every true element of large masks in every layout", () => {
  for (const dtype of DTYPES) {
    const base = mask(dtype);
    for (const [layout, view] of Object.entries(LAYOUTS)) {
      const m = view(base);
      const want = reference(m);
      const label = `${dtype} ${layout}`;
      const flat = m.ndim === 1 ? m.nonzero()[0] : null;
      if (flat) assert.deepEqual(flat.toArray().map(Number), want, label);
      else {
        const [r, c] = m.nonzero();
        const cols = m.shape[1];
        assert.deepEqual(
          (r.toArray() as bigint[]).map((x, i) =>
            Number(x) * cols + Number(c.get(i))
          ),
          want,
          label,
        );
      }
      const picked = arange(m.size, { dtype: "float64" }).compress(
        m.reshape(m.size),
      );
      assert.deepEqual(picked.toArray(), want, label);
      const target = zeros(m.shape, { dtype: "int32" });
      target.putmask(m, 7);
      assert.deepEqual(reference(target), want, `putmask ${label}`);
    }
  }
});

Deno.test("nonzero of a broadcast view counts each broadcast axis once", () => {
  const no = new NDArray(array([false]).storage, "bool", [2 ** 40], [0]);
  assert.deepEqual(no.nonzero()[0].size, 0);
  const some = array([[0, 1, 0]], { dtype: "uint8" });
  const wide = new NDArray(some.storage, "uint8", [2 ** 20, 3], [0, 1]);
  const [rows, cols] = wide.nonzero();
  assert.equal(rows.size, 2 ** 20);
  assert.equal(rows.get(2 ** 20 - 1), BigInt(2 ** 20 - 1));
  assert.equal(cols.max(), 1n);
  assert.equal(cols.min(), 1n);
});

// A mask whose positions cannot be allocated: the library's error, never
// the engine's "Array buffer allocation failed".
const TOO_MANY: Record<string, (yes: NDArray) => unknown> = {
  "find the non-zero elements": (yes) => yes.nonzero(),
  compress: (yes) =>
    new NDArray(array([1.5]).storage, "float64", [2 ** 40], [0]).compress(yes),
  putmask: (yes) =>
    new NDArray(zeros([1]).storage, "float64", [2 ** 40], [0]).putmask(yes, 1),
};

Deno.test(
  "nonzero, compress and putmask of more true elements than memory holds throw the library's RangeError",
  { ignore: WINDOWS }, // Wine commits such an allocation instead of refusing it
  () => {
    const yes = new NDArray(array([true]).storage, "bool", [2 ** 40], [0]);
    for (const [call, f] of Object.entries(TOO_MANY)) {
      assert.throws(
        () => f(yes),
        (e: Error) =>
          e instanceof RangeError &&
          e.message ===
            `Cannot ${call}: cannot allocate ${8 * 2 ** 40} bytes of memory`,
        call,
      );
    }
  },
);

/** A sparse file of `size` bytes with a 1 at each of `at`; null where the file system cannot make it sparse. */
function sparseFile(path: string, size: number, at: number[]): boolean {
  const f = Deno.openSync(path, { create: true, write: true });
  try {
    f.truncateSync(size);
    for (const q of at) {
      f.seekSync(q, Deno.SeekMode.Start);
      f.writeSync(Uint8Array.of(1));
    }
  } finally {
    f.close();
  }
  const blocks = Deno.statSync(path).blocks;
  return blocks !== null && blocks * 512 < 2 ** 24;
}

Deno.test("nonzero, compress and putmask of a 5 GiB sparse bool memmap give the positions past 2**32", () => {
  using tmp = tempDir();
  const size = 5 * 2 ** 30;
  const at = [0, 12345, 2 ** 32 + 7, size - 1];
  if (!sparseFile(`${tmp.path}/mask.bin`, size, at)) return; // no sparse files here
  using m = memmap(`${tmp.path}/mask.bin`, { dtype: "bool", mode: "r" });
  assert.deepEqual(m.nonzero()[0].toArray(), at.map(BigInt));
  assert.deepEqual(m.compress(m).size, at.length);
  sparseFile(`${tmp.path}/target.bin`, size, []);
  using t = memmap(`${tmp.path}/target.bin`, { dtype: "uint8", mode: "r+" });
  t.putmask(m, 9);
  for (const q of at) assert.equal(t.get(q), 9);
  assert.equal(t.get(1), 0);
});
