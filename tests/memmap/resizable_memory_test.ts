import assert from "node:assert/strict";
import { dtype, frombuffer, NDArray } from "../../mod.ts";

/** Memory whose length can change under an array, in every form it can take. */
function resizableMemory(): [
  string,
  ArrayBuffer | SharedArrayBuffer | ArrayBufferView,
][] {
  const ab = () => new ArrayBuffer(64, { maxByteLength: 128 });
  const sab = () => new SharedArrayBuffer(64, { maxByteLength: 128 });
  return [
    ["resizable ArrayBuffer", ab()],
    ["view of a resizable ArrayBuffer", new Float64Array(ab())],
    ["length-tracking DataView", new DataView(ab())],
    ["growable SharedArrayBuffer", sab()],
    ["view of a growable SharedArrayBuffer", new Uint8Array(sab())],
  ];
}

Deno.test("arrays refuse memory whose length can change: frombuffer() and the NDArray constructor", () => {
  for (const [what, memory] of resizableMemory()) {
    assert.throws(() => frombuffer(memory), TypeError, what);
    const bytes = ArrayBuffer.isView(memory)
      ? new Uint8Array(memory.buffer)
      : new Uint8Array(memory);
    assert.throws(
      () => new NDArray({ bytes, readOnly: false }, dtype("f8"), [8]),
      TypeError,
      what,
    );
  }
  // Fixed-length memory, shared or not, is taken as before.
  assert.equal(frombuffer(new ArrayBuffer(16)).size, 2);
  assert.equal(frombuffer(new SharedArrayBuffer(16)).size, 2);
  const fixed = new ArrayBuffer(16, { maxByteLength: 32 })
    .transferToFixedLength();
  assert.equal(frombuffer(fixed).size, 2);
});
