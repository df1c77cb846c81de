import assert from "node:assert/strict";
import { memmap, type MemmapDescription } from "../../mod.ts";
import { firstReply, tempDir } from "../test_util.ts";

const WORKER = new URL("./_describe_worker.ts", import.meta.url);

interface Reply {
  values: unknown;
  offset: number;
  strides: number[];
}

/** Posts `d` to a fresh worker and waits for its reply. */
async function inWorker(d: MemmapDescription): Promise<Reply> {
  const worker = new Worker(WORKER, { type: "module" });
  try {
    const reply = firstReply<Reply>(worker);
    worker.postMessage(d);
    return await reply;
  } finally {
    worker.terminate();
  }
}

Deno.test("Memmap.describe() reopens the same view in this thread: rows, columns, reversed and transposed", () => {
  using dir = tempDir();
  using fp = memmap(`${dir.path}/a.bin`, {
    dtype: ">i2",
    mode: "w+",
    shape: [4, 6],
    offset: 5,
  });
  fp.reshape(24).assign(Array.from({ length: 24 }, (_, i) => i - 12));
  const views = [
    fp,
    fp.slice("1:3"),
    fp.slice(":", 4),
    fp.slice("::-1", "::-2"),
    fp.T,
    fp.slice("2:", "1:2").T,
    fp.slice("0:0"),
  ];
  for (const view of views) {
    const d = view.describe();
    assert.deepEqual(structuredClone(d), d, "a description clones as is");
    assert.equal(JSON.parse(JSON.stringify(d)).offset, d.offset);
    using again = memmap(d.filename, d);
    assert.deepEqual(again.toArray(), view.toArray());
    assert.equal(again.offset, view.offset);
    assert.deepEqual(again.strides, view.strides);
    assert.equal(again.dtype.str, ">i2");
    assert.equal(d.mode, "r+", 'a "w+" memmap is described as "r+"');
  }
});

Deno.test("Memmap.describe() hands views of one file to Workers, which see and write the same pages", async () => {
  using dir = tempDir();
  using fp = memmap(`${dir.path}/a.bin`, {
    dtype: "float64",
    mode: "w+",
    shape: [3, 4],
  });
  fp.reshape(12).assign(Array.from({ length: 12 }, (_, i) => i));
  fp.flush();
  const rows = await inWorker(fp.slice("1:").describe());
  assert.deepEqual(rows.values, [[4, 5, 6, 7], [8, 9, 10, 11]]);
  assert.equal(rows.offset, 32);
  // The second worker sees what the first wrote.
  const column = await inWorker(fp.slice("::-1", 0).describe());
  assert.deepEqual(column.values, [16, 8, 0]);
  assert.deepEqual(column.strides, [-32]);
  // Each worker doubled its view in place: rows 1-2 once, then column 0.
  assert.deepEqual(fp.toArray(), [
    [0, 1, 2, 3],
    [16, 10, 12, 14],
    [32, 18, 20, 22],
  ]);
});

Deno.test("memmap() strides: checked against the shape, the mode and the start of the file", () => {
  using dir = tempDir();
  const path = `${dir.path}/a.bin`;
  Deno.writeFileSync(path, new Uint8Array(64));
  const cases: [Record<string, unknown>, ErrorConstructor][] = [
    [{ strides: [8] }, TypeError], // no shape
    [{ shape: [2], strides: [8, 8] }, TypeError], // one per axis
    [{ shape: [2], strides: [1.5] }, TypeError],
    [{ shape: [2], strides: "8" }, TypeError],
    [{ shape: [2], strides: [8], mode: "w+" }, TypeError],
    [{ shape: [3], strides: [-8], offset: 8 }, RangeError], // before byte 0
    [{ shape: [2], strides: [2 ** 60] }, RangeError],
    [{ shape: [3], strides: [64], mode: "r" }, RangeError], // past the end
  ];
  for (const [options, error] of cases) {
    assert.throws(
      () => memmap(path, { dtype: "float64", mode: "r+", ...options }),
      error,
      JSON.stringify(options),
    );
  }
  assert.equal(Deno.statSync(path).size, 64, "failed calls leave the file");
  using back = memmap(path, {
    dtype: "float64",
    mode: "r",
    shape: [3],
    strides: [-8],
    offset: 16,
  });
  assert.deepEqual(back.shape, [3]);
  assert.equal(back.offset, 16);
});
