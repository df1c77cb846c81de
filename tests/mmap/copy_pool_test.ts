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
