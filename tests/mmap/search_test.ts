import assert from "node:assert/strict";
import {
  indexOfLinear,
  lastIndexOfLinear,
  lineEnd,
} from "../../src/mmap/search.ts";

Deno.test("lineEnd() finds every line end, at every alignment and length", () => {
  let seed = 5;
  for (let trial = 0; trial < 300; trial++) {
    const length = trial % 40;
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      bytes[i] = seed % 5 === 0 ? 10 : [0x0b, 0x8a, 97 + (seed % 26)][seed % 3];
    }
    const words = new Uint32Array(bytes.buffer, 0, length >>> 2);
    for (let pos = 0; pos <= length; pos++) {
      const found = bytes.indexOf(10, pos);
      const expected = found === -1 ? length : found + 1;
      assert.equal(
        lineEnd(bytes, words, pos),
        expected,
        `length ${length}, pos ${pos}`,
      );
    }
  }
});

Deno.test("lineEnd() sees newlines next to bytes that look like them", () => {
  // 0x0b and 0x8a differ from "\n" by one bit: no false positives.
  const bytes = new Uint8Array([
    0x0b,
    0x8a,
    0x0b,
    0x8a,
    0x0b,
    0x0a,
    0x8a,
    0x0b,
    0x09,
  ]);
  const words = new Uint32Array(bytes.buffer, 0, 2);
  assert.equal(lineEnd(bytes, words, 0), 6);
  assert.equal(lineEnd(bytes, words, 6), 9);
});

Deno.test("lastIndexOfLinear() agrees with the simple search on two-letter texts", () => {
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) >>> 16;
  for (let trial = 0; trial < 2000; trial++) {
    const hay = Uint8Array.from({ length: next() % 40 }, () => 97 + next() % 2);
    const needle = Uint8Array.from(
      { length: 1 + next() % 5 },
      () => 97 + next() % 2,
    );
    const from = next() % (hay.length + 1);
    const to = from + next() % (hay.length + 1 - from);
    let expected = -1;
    for (let i = to - needle.length; i >= from && expected < 0; i--) {
      if (needle.every((b, j) => hay[i + j] === b)) expected = i;
    }
    assert.equal(
      lastIndexOfLinear(hay, needle, from, to),
      expected,
      `${hay} / ${needle} in [${from}, ${to})`,
    );
  }
});

Deno.test("indexOfLinear() agrees with the simple search on two-letter texts", () => {
  let seed = 13;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) >>> 16;
  for (let trial = 0; trial < 2000; trial++) {
    const hay = Uint8Array.from({ length: next() % 40 }, () => 97 + next() % 2);
    const needle = Uint8Array.from(
      { length: 1 + next() % 5 },
      () => 97 + next() % 2,
    );
    const from = next() % (hay.length + 1);
    const to = from + next() % (hay.length + 1 - from);
    let expected = -1;
    for (let i = from; i + needle.length <= to && expected < 0; i++) {
      if (needle.every((b, j) => hay[i + j] === b)) expected = i;
    }
    assert.equal(
      indexOfLinear(hay, needle, from, to),
      expected,
      `${hay} / ${needle} in [${from}, ${to})`,
    );
  }
});
