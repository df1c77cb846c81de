// Memmaps whose file is mapped a second time inside a WebAssembly memory of
// their own (`mapIntoMemory`, `memorySettings` in memmap.ts), which the
// element-wise kernels then read in place: every operation and type gives
// the in-memory result bit for bit, past the kernels' 16 MiB windows and at
// unaligned offsets; writes reach the file; closing detaches every view.
import assert from "node:assert/strict";
import { memmap, type NDArray } from "../../mod.ts";
import { memorySettings } from "../../src/memmap/memmap.ts";
import { memoryOf } from "../../src/memmap/storage.ts";
import { tempDir } from "../test_util.ts";

const LINUX = Deno.build.os === "linux";

/** Runs `body` with every memmap shown in a memory (threshold 0), then restores it. */
function shownAlways<T>(body: () => T): T {
  const saved = memorySettings.minBytes;
  memorySettings.minBytes = 0;
  try {
    return body();
  } finally {
    memorySettings.minBytes = saved;
  }
}

type Type = "float64" | "float32" | "int32" | "int64" | "uint8";

/** The operations: the element-wise rows, casts and copies. */
const OPS: [string, (a: NDArray, b: NDArray) => NDArray][] = [
  ["mul scalar", (a) => a.mul(3)],
  ["add", (a, b) => a.add(b)],
  ["sub", (a, b) => a.sub(b)],
  ["maximum", (a, b) => a.maximum(b)],
  ["clip", (a) => a.clip(10, 200)],
  ["lt", (a, b) => a.lt(b)],
  ["astype float32", (a) => a.astype("float32")],
  ["astype int64", (a) => a.astype("int64")],
  ["strided copy", (a) => a.slice("::3").copy()],
];

const TYPES: Type[] = ["float64", "float32", "int32", "int64", "uint8"];

const ITEMSIZE: Record<Type, number> = {
  float64: 8,
  float32: 4,
  int32: 4,
  int64: 8,
  uint8: 1,
};

/** `n` bytes of values of `type` in [0, 250) (integers) or scaled (floats), from `seed`. */
function valuesOf(type: Type, n: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(n);
  const count = Math.floor(n / ITEMSIZE[type]);
  const view = new DataView(bytes.buffer);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const v = x % 250;
    const at = i * ITEMSIZE[type];
    switch (type) {
      case "float64":
        view.setFloat64(at, v + (x % 7) / 8, true);
        break;
      case "float32":
        view.setFloat32(at, v + (x % 7) / 8, true);
        break;
      case "int32":
        view.setInt32(at, v - 100, true);
        break;
      case "int64":
        view.setBigInt64(at, BigInt(v - 100), true);
        break;
      case "uint8":
        view.setUint8(at, v);
        break;
    }
  }
  return bytes;
}

function sameBytes(x: NDArray, y: NDArray, what: string): void {
  assert.equal(x.dtype.name, y.dtype.name, what);
  assert.deepEqual(x.shape, y.shape, what);
  const bytesOf = (z: NDArray) => {
    const t = z.toTypedArray() as ArrayBufferView;
    return new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
  };
  const a = bytesOf(x), b = bytesOf(y);
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) assert.fail(`${what}: byte ${i} differs`);
  }
}

Deno.test({
  name:
    "memmaps in a memory of their own: every operation and type as in memory, past 16 MiB, at unaligned offsets",
  ignore: !LINUX,
  fn() {
    using dir = tempDir();
    // 20 MiB files: past the kernels' first 16 MiB window (of the widest
    // operand: 2M elements for 8-byte types), the last one short.
    const size = 20 * 1024 * 1024 + 24;
    for (const type of TYPES) {
      const pa = `${dir.path}/a.${type}`, pb = `${dir.path}/b.${type}`;
      Deno.writeFileSync(pa, valuesOf(type, size, 1));
      Deno.writeFileSync(pb, valuesOf(type, size, 2));
      const item = ITEMSIZE[type];
      // Offsets: none, one item (not a page), and a byte off the items'
      // alignment (the buffered loops).
      const offsets = [0, item, ...item > 1 ? [item + 1] : []];
      for (const offset of offsets) {
        shownAlways(() => {
          const shape = [Math.floor((size - offset - 8) / item)];
          using a = memmap(pa, { dtype: type, mode: "r", offset, shape });
          using b = memmap(pb, { dtype: type, mode: "r", offset, shape });
          assert.notEqual(memoryOf(a.storage), undefined, "shown in a memory");
          const ma = a.copy(), mb = b.copy();
          for (const [name, op] of OPS) {
            sameBytes(op(a, b), op(ma, mb), `${type} offset ${offset} ${name}`);
          }
        });
      }
    }
  },
});

Deno.test({
  name:
    "memmaps in a memory of their own: writes reach the file, closing detaches every view, small maps keep the map's buffer",
  ignore: !LINUX,
  fn() {
    using dir = tempDir();
    const path = `${dir.path}/w.bin`;
    shownAlways(() => {
      const fp = memmap(path, {
        dtype: "float64",
        mode: "w+",
        shape: [3 * 1024 * 1024],
      });
      assert.notEqual(memoryOf(fp.storage), undefined);
      fp.fill(2);
      fp.slice("1::2").assign(fp.slice("::2").mul(3));
      fp.flush();
      const view = fp.slice("10:20");
      fp.close();
      assert.equal(memoryOf(fp.storage), undefined);
      assert.throws(() => view.get(0), Deno.errors.BadResource);
      assert.throws(() => fp.flush(), Deno.errors.BadResource);
      fp.close(); // idempotent
    });
    const back = new Float64Array(Deno.readFileSync(path).buffer);
    assert.equal(back.length, 3 * 1024 * 1024);
    for (let i = 0; i < back.length; i++) {
      if (back[i] !== (i % 2 === 0 ? 2 : 6)) assert.fail(`element ${i}`);
    }
    // Below the threshold: the map's own buffer, as before.
    const saved = memorySettings.minBytes;
    memorySettings.minBytes = Infinity;
    try {
      using small = memmap(path, { dtype: "float64", mode: "r" });
      assert.equal(memoryOf(small.storage), undefined);
      assert.equal(small.get(1), 6);
    } finally {
      memorySettings.minBytes = saved;
    }
  },
});
