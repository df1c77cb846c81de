import assert from "node:assert/strict";
import { Mmap } from "../../mod.ts";
import { tempDir, text, writeFile } from "../test_util.ts";

Deno.test("small copies cannot be moved away: a transfer of one throws and every copy stays intact", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "lines.txt", "one\ntwo\nthree\n");
  using m = Mmap.open(path, { access: "read" });
  const first = m.readline();
  const second = m.readline();
  const sliced = m.slice(0, 3);
  const read = m.read(2);
  const worker = new Worker(
    URL.createObjectURL(new Blob([""], { type: "text/javascript" })),
    { type: "module" },
  );
  try {
    const moves: [string, (b: Uint8Array<ArrayBuffer>) => unknown][] = [
      ["structuredClone", (b) => structuredClone(b, { transfer: [b.buffer] })],
      ["postMessage", (b) => worker.postMessage(b, [b.buffer])],
      ["buffer.transfer()", (b) => b.buffer.transfer()],
      [
        "ArrayBuffer.prototype.transfer",
        (b) => ArrayBuffer.prototype.transfer.call(b.buffer),
      ],
    ];
    for (const [how, move] of moves) {
      for (const copy of [first, second, sliced, read]) {
        assert.throws(() => move(copy), TypeError, how);
      }
    }
  } finally {
    worker.terminate();
  }
  assert.deepEqual(
    [first, second, sliced, read].map(text),
    ["one\n", "two\n", "one", "th"],
  );
  // Later copies work, and .slice() gives a buffer of a copy's own to move.
  m.seek(0);
  const again = m.readline().slice();
  const moved = structuredClone(again, { transfer: [again.buffer] });
  assert.equal(text(moved), "one\n");
  assert.equal(again.length, 0);
});

Deno.test("copies of every size stay intact when another copy is moved away (pooled copies refuse the move, larger ones move alone)", () => {
  using dir = tempDir();
  const content = new Uint8Array(10_000).map((_, i) => i % 251);
  Deno.writeFileSync(`${dir.path}/bytes.bin`, content);
  using m = Mmap.open(`${dir.path}/bytes.bin`, { access: "read" });
  const sizes = [1, 255, 256, 257, 4095, 4096, 4097, 9000];
  for (const size of sizes) {
    const others = sizes.map((n) => m.slice(0, n));
    const copy = m.slice(1, 1 + size);
    let moved: Uint8Array | undefined;
    try {
      moved = new Uint8Array(copy.buffer.transfer());
    } catch (error) {
      assert.ok(error instanceof TypeError, `${size}: ${error}`);
    }
    if (moved !== undefined) {
      // Moved alone: the whole buffer was the copy's own.
      assert.equal(moved.length, size, `${size}`);
      assert.deepEqual(moved, content.subarray(1, 1 + size), `${size}`);
      assert.equal(copy.length, 0, `${size}`);
    } else {
      assert.deepEqual(copy, content.subarray(1, 1 + size), `${size}`);
    }
    for (const [i, other] of others.entries()) {
      assert.deepEqual(other, content.subarray(0, sizes[i]), `${size}`);
    }
  }
});
