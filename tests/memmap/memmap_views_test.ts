import assert from "node:assert/strict";
import { array, load, Memmap, memmap, NDArray, save } from "../../mod.ts";
import { tempDir } from "../test_util.ts";

/** The int32 stored at byte `offset` of `path`. */
function int32At(path: string, offset: number): number {
  const bytes = Deno.readFileSync(path);
  return new DataView(bytes.buffer).getInt32(offset, true);
}

Deno.test("views of a Memmap are Memmaps of the same file, each with the offset of its first element", () => {
  using dir = tempDir();
  const path = `${dir.path}/a.bin`;
  using fp = memmap(path, {
    dtype: "<i4",
    mode: "w+",
    shape: [4, 5],
    offset: 12,
  });
  fp.reshape(20).assign(Array.from({ length: 20 }, (_, i) => i * 10));
  fp.flush();
  const views: [string, Memmap][] = [
    ["row", fp.slice(2)],
    ["column", fp.slice(":", 3)],
    ["reversed", fp.slice("::-1", "::-2")],
    ["reshaped", fp.reshape(5, 4) as Memmap],
    ["transposed", fp.T],
    ["view of a view", fp.slice("1:").slice(-1, "2:")],
  ];
  for (const [what, view] of views) {
    assert.ok(view instanceof Memmap, what);
    assert.equal(view.filename, fp.filename, what);
    assert.equal(view.mode, "w+", what);
    // The first element of the view is stored at view.offset in the file.
    const first = view.ndim === 0
      ? view.get()
      : view.get(...view.shape.map(() => 0));
    assert.equal(int32At(path, view.offset), first, what);
  }
  assert.equal(fp.slice(2).offset, 12 + 2 * 5 * 4);
  const rows = [...fp];
  assert.ok(rows.every((r) => r instanceof Memmap));
  assert.ok(!(fp.copy() instanceof Memmap));
  assert.ok(fp.copy() instanceof NDArray);
});

Deno.test("a Memmap view writes through, flushes and closes with its memmap", () => {
  using dir = tempDir();
  const path = `${dir.path}/a.bin`;
  const fp = memmap(path, { dtype: "uint8", mode: "w+", shape: [3, 4] });
  const row = fp.slice(1);
  row.fill(7);
  row.flush();
  assert.deepEqual([...Deno.readFileSync(path)], [
    ...[0, 0, 0, 0],
    ...[7, 7, 7, 7],
    ...[0, 0, 0, 0],
  ]);
  assert.equal(row.closed, false);
  fp.close();
  assert.equal(row.closed, true);
  assert.equal(fp.closed, true);
  assert.throws(() => row.get(0), Deno.errors.BadResource);
  assert.throws(() => row.flush(), Deno.errors.BadResource);
});

Deno.test("views of a .npy memmap have the offset of their data in the file", () => {
  using dir = tempDir();
  const path = `${dir.path}/a.npy` as const;
  save(path, array([[1, 2, 3], [4, 5, 6]], { dtype: "<i4" }));
  using m = load(path, { mmapMode: "r" });
  const row = m.slice(1);
  assert.ok(row instanceof Memmap);
  assert.equal(row.mode, "r");
  assert.equal(row.offset, m.offset + 12);
  assert.equal(int32At(path, row.offset), 4);
});

Deno.test("in-memory arrays are never closed", () => {
  const a = array([1, 2, 3]);
  assert.equal(a.closed, false);
  assert.equal(a.slice("1:").closed, false);
});
