import assert from "node:assert/strict";
import { Mmap } from "../../mod.ts";
import { tempDir, writeFile } from "../test_util.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function mapOf(text: string): Mmap {
  const bytes = encoder.encode(text);
  const m = Mmap.anonymous(bytes.length);
  if (bytes.length > 0) m.set(0, bytes);
  return m;
}

Deno.test("Mmap.readInto() copies from the position and advances it, as Python's readinto", () => {
  using m = mapOf("0123456789");
  const buffer = new Uint8Array(4);
  assert.equal(m.readInto(buffer), 4);
  assert.equal(decoder.decode(buffer), "0123");
  assert.equal(m.tell(), 4);
  assert.equal(m.readInto(buffer), 4);
  assert.equal(m.readInto(buffer), 2);
  assert.equal(decoder.decode(buffer.subarray(0, 2)), "89");
  assert.equal(m.tell(), 10);
  assert.equal(m.readInto(buffer), 0);
  assert.equal(m.readInto(new Uint8Array(0)), 0);
});

Deno.test("Mmap.readInto() with a position reads there and leaves the position alone", () => {
  using m = mapOf("x".repeat(100) + "y".repeat(100));
  m.seek(7);
  const big = new Uint8Array(150);
  assert.equal(m.readInto(big, 60), 140);
  assert.equal(
    decoder.decode(big.subarray(0, 140)),
    "x".repeat(40) + "y".repeat(100),
  );
  assert.equal(m.tell(), 7);
  assert.equal(m.readInto(big, 200), 0);
  assert.equal(m.readInto(big, 10_000), 0);
  // into a view of part of a larger buffer
  const outer = new Uint8Array(10).fill(33);
  assert.equal(m.readInto(outer.subarray(2, 5), 99), 3);
  assert.deepEqual([...outer], [33, 33, 120, 121, 121, 33, 33, 33, 33, 33]);
});

Deno.test("Mmap.readInto() into a view of the same map that overlaps the source copies as memmove", () => {
  // attack8 F10: the short-copy byte loop ran front to back over its own
  // source when the target was a later, overlapping view of the map.
  using m = Mmap.anonymous(256);
  for (const n of [1, 2, 10, 31, 32, 33, 40, 100]) {
    for (const shift of [-7, -1, 1, 5, 31]) {
      for (const byPosition of [false, true]) {
        const from = 64;
        for (let i = 0; i < 256; i++) m.bytes[i] = i;
        const expected = m.bytes.slice(from, from + n);
        const target = m.bytes.subarray(from + shift, from + shift + n);
        if (!byPosition) m.seek(from);
        const got = byPosition ? m.readInto(target, from) : m.readInto(target);
        assert.equal(got, n);
        assert.deepEqual(
          m.bytes.slice(from + shift, from + shift + n),
          expected,
          `n=${n} shift=${shift} position=${byPosition}`,
        );
      }
    }
  }
});

Deno.test("Mmap.readInto() checks its arguments before the map's state", () => {
  const m = mapOf("abc");
  m.close();
  // @ts-expect-error: not a Uint8Array
  assert.throws(() => m.readInto([0, 0]), TypeError);
  assert.throws(() => m.readInto(new Uint8Array(2), 1.5), TypeError);
  assert.throws(() => m.readInto(new Uint8Array(2), -1), RangeError);
  assert.throws(() => m.readInto(new Uint8Array(2)), Deno.errors.BadResource);
  assert.throws(
    () => m.readInto(new Uint8Array(2), 0),
    Deno.errors.BadResource,
  );
});

async function chunksOf(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of stream) out.push(decoder.decode(chunk));
  return out;
}

Deno.test("Mmap.readable() streams [start, end) in chunks of chunkSize, views or copies", async () => {
  using m = mapOf("abcdefghij");
  assert.deepEqual(await chunksOf(m.readable({ chunkSize: 4 })), [
    "abcd",
    "efgh",
    "ij",
  ]);
  assert.deepEqual(
    await chunksOf(m.readable({ start: 2, end: -2, chunkSize: 3 })),
    ["cde", "fgh"],
  );
  assert.deepEqual(await chunksOf(m.readable({ start: 20 })), []);
  assert.deepEqual(await chunksOf(m.readable({ start: 5, end: 2 })), []);
  assert.deepEqual(await chunksOf(m.readable()), ["abcdefghij"]);
  // views alias the map; copies do not
  const view = (await m.readable({ end: 3 }).getReader().read()).value!;
  const copy = (await m.readable({ end: 3, copy: true }).getReader().read())
    .value!;
  m.set(0, 65);
  assert.equal(decoder.decode(view), "Abc");
  assert.equal(decoder.decode(copy), "abc");
  assert.equal(m.tell(), 0);
});

Deno.test("Mmap.readable() feeds Response, CompressionStream and TextDecoderStream", async () => {
  using dir = tempDir();
  const text = "the cat sat on the mat\n".repeat(10_000) + "αβγ";
  using m = Mmap.open(writeFile(dir.path, "t.txt", text), { access: "read" });
  assert.equal(
    await new Response(m.readable({ chunkSize: 1000 })).text(),
    text,
  );
  const gz = await new Response(
    m.readable().pipeThrough(new CompressionStream("gzip")),
  ).bytes();
  const back = await new Response(
    new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip")),
  ).text();
  assert.equal(back, text);
  // chunk ends inside a multi-byte character
  const parts = await chunksOfStrings(
    m.readable({ start: -7, chunkSize: 3 }).pipeThrough(
      new TextDecoderStream(),
    ),
  );
  assert.equal(parts.join(""), "\nαβγ");
  assert.equal(m.bytes.length, m.length, "the map's memory is still attached");
});

async function chunksOfStrings(
  stream: ReadableStream<string>,
): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

Deno.test("Mmap.readable() errors with BadResource when the map closes while streaming", async () => {
  const m = mapOf("abcdefghij");
  const reader = m.readable({ chunkSize: 2 }).getReader();
  assert.equal(decoder.decode((await reader.read()).value), "ab");
  m.close();
  await assert.rejects(() => reader.read(), Deno.errors.BadResource);
  assert.throws(() => m.readable(), Deno.errors.BadResource);
});

Deno.test("Mmap.readable() ends at the new end after a shrinking resize", async () => {
  using m = mapOf("abcdefghij");
  const reader = m.readable({ chunkSize: 4 }).getReader();
  assert.equal(decoder.decode((await reader.read()).value), "abcd");
  m.resize(6);
  assert.equal(decoder.decode((await reader.read()).value), "ef");
  assert.equal((await reader.read()).done, true);
});

Deno.test("Mmap.readable() checks its options before the map's state", () => {
  const m = mapOf("abc");
  m.close();
  assert.throws(() => m.readable({ chunkSize: 0 }), RangeError);
  assert.throws(() => m.readable({ chunkSize: 1.5 }), TypeError);
  assert.throws(() => m.readable({ start: 0.5 }), TypeError);
  assert.throws(() => m.readable({}), Deno.errors.BadResource);
});
