import assert from "node:assert/strict";
import { frombuffer, Mmap, SharedMemory } from "../../mod.ts";
import { isContractError } from "../_hostile.ts";
import { tempDir, writeFile } from "../test_util.ts";

Deno.test("frombuffer() views an Mmap's bytes without copying, as np.frombuffer", () => {
  using dir = tempDir();
  const ints = Int32Array.from({ length: 1_000_000 }, (_, i) => i);
  const path = writeFile(
    dir.path,
    "my_numpy_array.dat",
    new Uint8Array(ints.buffer),
  );
  using mm = Mmap.open(path);
  const mapped = frombuffer(mm.bytes, { dtype: "int32" }).reshape(1000, 1000);
  assert.deepEqual(mapped.shape, [1000, 1000]);
  assert.equal(mapped.get(0, 0), 0);
  assert.equal(mapped.get(999, 999), 999_999);
  mapped.set(0, 0, 42);
  mm.flush();
  assert.equal(new Int32Array(Deno.readFileSync(path).buffer, 0, 1)[0], 42);
});

Deno.test("frombuffer() takes dtype, count and offset", () => {
  const bytes = new Uint8Array(Float64Array.of(1.5, 2.5, 3.5).buffer);
  assert.deepEqual(frombuffer(bytes).toArray(), [1.5, 2.5, 3.5]);
  assert.deepEqual(
    frombuffer(bytes.buffer, { offset: 8, count: 1 }).toArray(),
    [2.5],
  );
  assert.deepEqual(
    frombuffer(bytes, { dtype: ">u2", offset: 1, count: 2 }).toArray(),
    [0, 0],
  );
  assert.deepEqual(frombuffer(bytes, { dtype: "u1", offset: 24 }).shape, [0]);
});

Deno.test("frombuffer() refuses sizes that do not fit", () => {
  const bytes = new Uint8Array(10);
  assert.throws(() => frombuffer(bytes), RangeError); // 10 bytes are not whole float64s
  assert.throws(() => frombuffer(bytes, { dtype: "u2", count: 6 }), RangeError);
  assert.throws(() => frombuffer(bytes, { offset: 11 }), RangeError);
  assert.throws(() => frombuffer(bytes, { offset: -1 }), RangeError);
  assert.throws(() => frombuffer(bytes, { dtype: "nope" }), TypeError);
  assert.throws(() => frombuffer([1, 2] as unknown as Uint8Array), TypeError);
});

Deno.test("frombuffer() arrays over a closed Mmap throw BadResource", () => {
  const mm = Mmap.anonymous(16);
  const a = frombuffer(mm.bytes, { dtype: "float32" });
  const view = a.slice("1:3");
  mm.close();
  assert.throws(() => a.get(0), Deno.errors.BadResource);
  assert.throws(() => view.sum(), Deno.errors.BadResource);
});

Deno.test("frombuffer() views the bytes of any typed array", () => {
  const floats = Float32Array.of(1, 2, 3, 4);
  const a = frombuffer(floats.subarray(1), { dtype: "float32" });
  assert.deepEqual(a.toArray(), [2, 3, 4]);
  a.set(0, 20);
  assert.equal(floats[1], 20);
  assert.deepEqual(
    frombuffer(new DataView(floats.buffer, 12), { dtype: "f4" }).toArray(),
    [4],
  );
});

Deno.test("frombuffer() and SharedMemory.ndarray() read every option before they check the buffer: a getter closing its owner gives BadResource", () => {
  const values: Record<string, unknown> = {
    dtype: "uint8",
    count: 8,
    offset: 0,
    shape: [8],
    order: "C",
  };
  const cases: [
    string,
    string[],
    () => { close(): void; view: (o: object) => unknown },
  ][] = [
    ["frombuffer(Mmap bytes)", ["dtype", "count", "offset"], () => {
      const m = Mmap.anonymous(64);
      return { close: () => m.close(), view: (o) => frombuffer(m.bytes, o) };
    }],
    [
      "SharedMemory.ndarray",
      ["dtype", "shape", "offset", "order"],
      () => {
        const s = new SharedMemory({ create: true, size: 64 });
        s.unlink();
        return { close: () => s.close(), view: (o) => s.ndarray(o) };
      },
    ],
  ];
  for (const [what, keys, make] of cases) {
    for (const key of keys) {
      const owner = make();
      const options = {
        get [key]() {
          owner.close();
          return values[key];
        },
      };
      assert.throws(
        () => owner.view(options),
        (e: Error) =>
          e instanceof Deno.errors.BadResource && isContractError(e),
        `${what} { ${key} }`,
      );
      owner.close();
    }
  }
});
