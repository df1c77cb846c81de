/**
 * No array may view the bytes that a buffer holds besides an array's own:
 * the kernels' scratch after a large in-memory array's data, and the bytes
 * around a memmap's file in the `WebAssembly.Memory` that shows a large
 * memmap (a skew before it, the kernels' scratch after it), which any
 * reduction overwrites (attack11 A8: `frombuffer(a.data.buffer)` of a
 * 32 MiB memmap was accepted, and its bytes changed under `a.sum()`).
 * Every way to make an array over given bytes (`frombuffer`, with and
 * without an offset; `new NDArray` over a storage) is refused with the
 * library's `RangeError` there, and accepted over the data itself.
 */
import assert from "node:assert/strict";
import { frombuffer, memmap, NDArray, openMemmap, zeros } from "../../mod.ts";
import { tempDir } from "../test_util.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const u8 = (t: ArrayBufferView, start = 0, end = t.byteLength) =>
  new Uint8Array(t.buffer, t.byteOffset + start, end - start);

Deno.test("frombuffer and new NDArray refuse the library's bytes around an array's or a memmap's data, and accept the data", () => {
  using dir = tempDir();
  const file = `${dir.path}/f.bin`;
  Deno.writeFileSync(file, new Uint8Array(32 << 20).fill(1));
  const sources: [string, () => { a: Any; close(): void }][] = [
    ["an in-memory array of 8 MiB", () => ({
      a: zeros([1 << 20]),
      close() {},
    })],
    ['a memmap of 32 MiB, mode "r"', () => {
      const a = memmap(file, { dtype: "u1", mode: "r" });
      return { a, close: () => a.close() };
    }],
    ['a memmap of 32 MiB, mode "r+"', () => {
      const a = memmap(file, { dtype: "u1", mode: "r+" });
      return { a, close: () => a.close() };
    }],
    ["a .npy memmap of 32 MiB (openMemmap w+)", () => {
      const a = openMemmap(`${dir.path}/a.npy`, {
        mode: "w+",
        dtype: "float64",
        shape: [4 << 20],
      });
      return { a, close: () => a.close() };
    }],
  ];
  let refused = 0;
  for (const [what, make] of sources) {
    const { a, close } = make();
    try {
      const data: ArrayBufferView = a.data;
      const buffer = data.buffer;
      const whole = new Uint8Array(buffer);
      const start = data.byteOffset, end = start + data.byteLength;
      if (whole.length === data.byteLength) continue; // Not in a memory of its own.
      const outside: [string, () => unknown][] = [
        ["frombuffer(data.buffer)", () => frombuffer(buffer, { dtype: "u1" })],
        [
          "new NDArray over data.buffer",
          () =>
            new NDArray(
              { bytes: whole, readOnly: true },
              "u1",
              [whole.length],
            ),
        ],
        [
          "new NDArray over the bytes past the data",
          () =>
            new NDArray(
              { bytes: whole.subarray(end), readOnly: false },
              "u1",
              [whole.length - end],
            ),
        ],
      ];
      if (start > 0) {
        outside.push([
          "frombuffer(the bytes up to the data's end)",
          () => frombuffer(whole.subarray(0, end), { dtype: "u1" }),
        ], [
          "frombuffer(the bytes before the data)",
          () => frombuffer(whole.subarray(0, start), { dtype: "u1" }),
        ], [
          "new NDArray over one byte before the data and the data",
          () =>
            new NDArray(
              { bytes: whole.subarray(start - 1, end), readOnly: true },
              "u1",
              [end - start + 1],
            ),
        ]);
      }
      for (const [how, call] of outside) {
        assert.throws(
          call,
          (e: Error) =>
            e instanceof RangeError &&
            /^Cannot view bytes \d+\.\.\d+ of an? (array|memmap)'s memory: /
              .test(e.message),
          `${what}: ${how}`,
        );
        refused++;
      }
      // The data itself, and a part of it, are the array's to view, also
      // named by an offset and a count into the whole buffer (attack12 B3:
      // refused, the message naming bytes from 0). Bytes reaching out of
      // the data by an offset are refused naming the bytes asked for.
      assert.equal(frombuffer(data, { dtype: "u1" }).size, data.byteLength);
      for (const [offset, count] of [[start, end - start], [start + 8, 10]]) {
        const view = frombuffer(buffer, { dtype: "u1", offset, count });
        assert.equal(view.size, count, `${what}: offset ${offset}`);
        assert.equal(view.get(0), whole[offset], `${what}: offset ${offset}`);
        assert.equal(view.data.byteOffset, offset, `${what}: offset ${offset}`);
      }
      assert.throws(
        () => frombuffer(buffer, { dtype: "u1", offset: end - 4, count: 8 }),
        (e: Error) =>
          e instanceof RangeError &&
          e.message.startsWith(`Cannot view bytes ${end - 4}..${end + 4} of`),
        `${what}: offset and count past the data`,
      );
      assert.equal(
        new NDArray({ bytes: u8(data, 8, 24), readOnly: true }, "u1", [16])
          .size,
        16,
      );
    } finally {
      close();
    }
  }
  if (Deno.build.os === "linux") assert.ok(refused >= 3 + 3 * 3, `${refused}`);
});
