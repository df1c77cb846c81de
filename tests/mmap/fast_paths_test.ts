/**
 * Every fast path of find/rfind/lines (WebAssembly chunks, C memchr for
 * large ranges, the linear fallback) against the simple definition.
 */
import assert from "node:assert/strict";
import { Mmap } from "../../mod.ts";
import { CHUNK, WINDOW } from "../../src/mmap/scan.ts";
import { SEARCH_IN_WASM_BELOW } from "../../src/mmap/search.ts";
import {
  CAN_SPAWN_DENO,
  denoRunWithin,
  tempDir,
  writeFile,
} from "../test_util.ts";

const encoder = new TextEncoder();

/** Python's index clamping. */
function clamp(i: number | undefined, length: number, fallback: number) {
  if (i === undefined) i = fallback;
  else if (i < 0) i += length;
  return Math.max(0, Math.min(length, i));
}

function at(hay: Uint8Array, needle: Uint8Array, i: number): boolean {
  for (let j = 0; j < needle.length; j++) {
    if (hay[i + j] !== needle[j]) return false;
  }
  return true;
}

function simpleFind(
  hay: Uint8Array,
  needle: Uint8Array,
  start?: number,
  end?: number,
  pos = 0,
): number {
  // A start past the end finds nothing, not even "" (CPython 3.15).
  if (start !== undefined && start > hay.length) return -1;
  const from = clamp(start, hay.length, pos);
  const to = clamp(end, hay.length, hay.length);
  if (to < from) return -1;
  for (let i = from; i + needle.length <= to; i++) {
    if (at(hay, needle, i)) return i;
  }
  return -1;
}

function simpleRfind(
  hay: Uint8Array,
  needle: Uint8Array,
  start?: number,
  end?: number,
  pos = 0,
): number {
  // A start past the end finds nothing, not even "" (CPython 3.15).
  if (start !== undefined && start > hay.length) return -1;
  const from = clamp(start, hay.length, pos);
  const to = clamp(end, hay.length, hay.length);
  if (to < from) return -1;
  for (let i = to - needle.length; i >= from; i--) {
    if (at(hay, needle, i)) return i;
  }
  return -1;
}

function simpleLines(bytes: Uint8Array, pos = 0): number[][] {
  const spans = simpleSpans(bytes, pos);
  const out: number[][] = [];
  for (let i = 0; i < spans.length; i += 2) {
    out.push([...bytes.subarray(spans[i], spans[i] + spans[i + 1])]);
  }
  return out;
}

/** An anonymous map holding `bytes`. */
function mapOf(bytes: Uint8Array): Mmap {
  const m = Mmap.anonymous(bytes.length);
  if (bytes.length > 0) m.set(0, bytes);
  return m;
}

/** Pseudo-random lowercase text of `length` bytes, newlines every ~40. */
function text(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const r = seed >>> 12;
    out[i] = r % 41 === 0 ? 10 : 97 + (r % 26);
  }
  return out;
}

Deno.test("Mmap.find()/rfind() agree with the simple search for needles at every alignment around chunk ends", () => {
  const hay = text(3 * CHUNK + 100);
  using m = mapOf(hay);
  const places = [0, 1, 15, 16, 17, 63, 64, 65];
  // a rare first byte, a rare byte inside, no rare byte (first + last filter)
  for (const word of ["NEEDLE!", "abc!def", "qxjzqv"]) {
    const needle = encoder.encode(word);
    for (const base of [0, CHUNK, 2 * CHUNK, 3 * CHUNK]) {
      for (const d of [-70, -17, -16, -8, -7, -6, -1, 0, ...places]) {
        const i = base + d;
        if (i < 0 || i + needle.length > hay.length) continue;
        const copy = hay.slice();
        copy.set(needle, i);
        m.set(0, copy);
        const expected = simpleFind(copy, needle);
        assert.equal(m.find(needle, 0), expected, `${word} at ${i}`);
        assert.equal(m.rfind(needle, 0), simpleRfind(copy, needle));
        assert.equal(m.find(word, 0), expected, `find text at ${i}`);
        // a range that ends inside the needle does not find it there
        assert.equal(
          m.find(needle, i - 1 < 0 ? 0 : i, i + needle.length - 1),
          simpleFind(copy, needle, i - 1 < 0 ? 0 : i, i + needle.length - 1),
        );
        assert.equal(m.rfind(needle, i + 1), simpleRfind(copy, needle, i + 1));
      }
    }
  }
});

Deno.test("Mmap.find()/rfind() agree with the simple search for short and long needles, start and end clamped as Python", () => {
  const hay = text(2 * CHUNK + 333, 7);
  using m = mapOf(hay);
  const needles = [
    hay.slice(5, 6),
    hay.slice(70000, 70002),
    hay.slice(CHUNK - 3, CHUNK + 5),
    hay.slice(100, 100 + 5000), // longer than the filter's gap
    hay.slice(hay.length - 20),
    encoder.encode("zz"),
    encoder.encode("\n"),
    new Uint8Array(0),
    hay.slice(0), // the whole map
    new Uint8Array(hay.length + 1), // longer than the map
  ];
  const bounds = [
    undefined,
    0,
    1,
    -1,
    -5000,
    CHUNK,
    hay.length,
    hay.length + 10,
    -hay.length - 10,
  ];
  for (const needle of needles) {
    for (const start of bounds) {
      for (const end of bounds) {
        const what = `needle ${needle.length}, [${start}, ${end})`;
        assert.equal(
          m.find(needle, start, end),
          simpleFind(hay, needle, start, end),
          `find ${what}`,
        );
        assert.equal(
          m.rfind(needle, start, end),
          simpleRfind(hay, needle, start, end),
          `rfind ${what}`,
        );
      }
    }
  }
});

Deno.test("Mmap.find()/rfind() with C memchr over large ranges agree with the simple search", () => {
  const length = SEARCH_IN_WASM_BELOW + 3 * CHUNK;
  const hay = text(length, 3);
  using m = mapOf(hay);
  const needle = encoder.encode("the-Rare-needle");
  for (
    const i of [0, 9, CHUNK - 4, SEARCH_IN_WASM_BELOW - 8, length - 15]
  ) {
    const copy = hay.slice();
    copy.set(needle, i);
    m.set(0, copy);
    assert.equal(m.find(needle, 0), i);
    assert.equal(m.rfind(needle, 0), i);
    assert.equal(m.find(needle, i + 1), -1);
    assert.equal(m.rfind(needle, 0, i + needle.length - 1), -1);
  }
  // common needles: many candidates, compared one by one or handed to memmem
  m.set(0, hay);
  for (const word of ["ab", "qq\n", "e"]) {
    const w = encoder.encode(word);
    assert.equal(m.find(w, 0), simpleFind(hay, w));
    assert.equal(m.rfind(w, 0), simpleRfind(hay, w));
  }
});

Deno.test("Mmap.find()/rfind() stay linear when nearly every place is a candidate", () => {
  for (const length of [200_000, SEARCH_IN_WASM_BELOW + 200_000]) {
    // "abab...": the needle "abab...baab...ab" matches the filter and the
    // rare byte everywhere but never occurs, until it is written at an end
    const hay = new Uint8Array(length);
    for (let i = 0; i < length; i++) hay[i] = i % 2 === 0 ? 97 : 98;
    using m = mapOf(hay);
    const needle = hay.slice(0, 3000);
    needle[1500] = 98;
    needle[1501] = 97;
    assert.equal(m.find(needle, 0), -1);
    assert.equal(m.rfind(needle, 0), -1);
    m.set(length - 3000, needle);
    assert.equal(m.find(needle, 0), length - 3000);
    m.set(0, needle);
    assert.equal(m.rfind(needle, 0, length - 1), 0);
    assert.equal(m.find(needle, 1), length - 3000);
  }
});

Deno.test("Mmap.find() remembers a string needle's bytes only while it is the same string", () => {
  using m = mapOf(encoder.encode("abc abd abe αβγ"));
  assert.equal(m.find("abd", 0), 4);
  assert.equal(m.find("abe", 0), 8);
  assert.equal(m.find(encoder.encode("abc"), 0), 0);
  assert.equal(m.find("abd", 0), 4);
  assert.equal(m.find("αβγ", 0), 12);
  assert.equal(m.rfind("ab", 0), 8);
  const long = "x".repeat(1000);
  assert.equal(m.find(long, 0), -1);
  assert.equal(m.find("abd", 0), 4);
  // a needle that views part of a larger buffer
  const big = encoder.encode("zzzabezzz");
  assert.equal(m.find(big.subarray(3, 6), 0), 8);
});

Deno.test("Mmap.find()/rfind() on maps of 0 and 1 bytes, and after resize and close", () => {
  using empty = Mmap.anonymous(0);
  assert.equal(empty.find("a"), -1);
  assert.equal(empty.find(""), 0);
  assert.equal(empty.rfind(""), 0);
  using one = mapOf(encoder.encode("a"));
  assert.equal(one.find("a"), 0);
  assert.equal(one.rfind("a"), 0);
  assert.equal(one.find("ab"), -1);
  assert.equal(one.find("a", 1), -1);
  assert.equal(one.find("", 1), 1);
  const m = mapOf(text(CHUNK + 10));
  m.resize(10);
  m.set(5, encoder.encode("Q"));
  assert.equal(m.find("Q", 0), 5);
  m.resize(2 * CHUNK);
  m.set(2 * CHUNK - 1, 81);
  assert.equal(m.rfind("Q", 0), 2 * CHUNK - 1);
  m.close();
  assert.throws(() => m.find("Q"), Deno.errors.BadResource);
  assert.throws(() => m.rfind("Q"), Deno.errors.BadResource);
});

const LINE_TEXTS: Record<string, string> = {
  "empty": "",
  "one byte": "x",
  "one newline": "\n",
  "no final newline": "a\nbb\nccc",
  "final newline": "a\nbb\nccc\n",
  "CRLF": "a\r\nbb\r\n\r\nccc",
  "empty lines": "\n\n\nx\n\n",
  "a line longer than a chunk": `${"y".repeat(CHUNK * 2 + 7)}\nshort\n`,
};

Deno.test("Mmap.lines() yields the lines of the simple split, for every kind of text", () => {
  for (const [name, value] of Object.entries(LINE_TEXTS)) {
    const bytes = encoder.encode(value);
    using m = mapOf(bytes);
    const got = [...m.lines()].map((l) => [...l]);
    assert.deepEqual(got, simpleLines(bytes), name);
    assert.equal(m.tell(), bytes.length, name);
  }
});

Deno.test("Mmap.lines() finds line ends at every offset around chunk ends", () => {
  const bytes = new Uint8Array(2 * CHUNK + 200).fill(97);
  for (let d = -40; d <= 40; d += 3) bytes[CHUNK + d] = 10;
  for (let d = -20; d <= 20; d++) bytes[2 * CHUNK + d] = 10;
  bytes[bytes.length - 1] = 10;
  using m = mapOf(bytes);
  assert.deepEqual([...m.lines()].map((l) => [...l]), simpleLines(bytes));
  // a file-backed map, read-only, starting at every position near a chunk end
  using dir = tempDir();
  using f = Mmap.open(writeFile(dir.path, "lines.txt", bytes), {
    access: "read",
  });
  for (let pos = CHUNK - 33; pos <= CHUNK + 33; pos++) {
    f.seek(pos);
    assert.deepEqual(
      [...f.lines()].map((l) => [...l]),
      simpleLines(bytes, pos),
      `from ${pos}`,
    );
  }
});

/** Where each line of `lines()` starts and how long it is, in the map's bytes. */
function lineSpans(m: Mmap): number[] {
  const base = m.bytes.byteOffset;
  const out: number[] = [];
  for (const l of m.lines()) out.push(l.byteOffset - base, l.length);
  return out;
}

/** The same from the simple split of `bytes` from `pos`: start, length, ... */
function simpleSpans(bytes: Uint8Array, pos = 0): number[] {
  const out: number[] = [];
  while (pos < bytes.length) {
    const nl = bytes.indexOf(10, pos);
    const end = nl < 0 ? bytes.length : nl + 1;
    out.push(pos, end - pos);
    pos = end;
  }
  return out;
}

/** Asserts two span lists are equal, naming the first line that differs. */
function assertSpans(got: number[], want: number[], what: string): void {
  for (let i = 0; i < Math.max(got.length, want.length); i += 2) {
    if (got[i] !== want[i] || got[i + 1] !== want[i + 1]) {
      assert.fail(
        `${what}: line ${i / 2} is [${got[i]}, +${got[i + 1]}], expected [${
          want[i]
        }, +${want[i + 1]}]`,
      );
    }
  }
}

Deno.test("Mmap.lines() over a file's map, indexed a window at a time in place, agrees with the simple split for every kind of map and start", () => {
  // Lines of every length: ~500 bytes, one longer than a window, newlines
  // on each side of window ends, and a stretch of newlines alone (more ends
  // than a window holds: the rest is indexed by chunk copies).
  const size = 3 * WINDOW + 5000;
  const bytes = new Uint8Array(size);
  let seed = 3;
  for (let i = 0; i < size; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    bytes[i] = (seed >>> 12) % 500 === 0 ? 10 : 97 + ((seed >>> 12) % 26);
  }
  bytes.fill(98, WINDOW / 4, WINDOW / 4 + WINDOW + 10); // no newline for > a window
  for (let d = -3; d <= 3; d++) bytes[WINDOW + d * 2] = 10;
  bytes.fill(10, 2 * WINDOW + 100, 2 * WINDOW + 100 + 200_000);
  using dir = tempDir();
  const path = writeFile(dir.path, "lines.txt", bytes);
  const OFFSET = 65536; // a multiple of every platform's granularity
  const maps: [string, () => Mmap, Uint8Array][] = [
    ["read", () => Mmap.open(path, { access: "read" }), bytes],
    ["write", () => Mmap.open(path), bytes],
    ["copy", () => Mmap.open(path, { access: "copy" }), bytes],
    [
      "at an offset",
      () => Mmap.open(path, { access: "read", offset: OFFSET }),
      bytes.subarray(OFFSET),
    ],
    [
      "shorter than the file",
      () => Mmap.open(path, { access: "read", length: 2 * WINDOW + 777 }),
      bytes.subarray(0, 2 * WINDOW + 777),
    ],
  ];
  for (const [what, open, expected] of maps) {
    using m = open();
    for (const pos of [0, 1, WINDOW - 3, WINDOW + 1, 2 * WINDOW - 1]) {
      m.seek(pos);
      assertSpans(
        lineSpans(m),
        simpleSpans(expected, pos),
        `${what} from ${pos}`,
      );
      assert.equal(m.tell(), expected.length, `${what} from ${pos}`);
    }
  }
});

Deno.test("Mmap.lines() of several maps stepped in turn (a zip of files) gives each map its own lines, for every pattern of steps", () => {
  // Three texts: long lines over windows, short lines (more ends than a
  // window holds), and a small anonymous map (indexed by chunk copies).
  const text = (size: number, every: number, seed: number) => {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      out[i] = (seed >>> 12) % every === 0 ? 10 : 97 + ((seed >>> 12) % 26);
    }
    return out;
  };
  const long = text(2 * WINDOW + 999, 500, 5);
  const short = text(WINDOW + 4321, 4, 7);
  const small = text(3 * CHUNK + 17, 60, 11);
  using dir = tempDir();
  const longPath = writeFile(dir.path, "long.txt", long);
  const shortPath = writeFile(dir.path, "short.txt", short);
  for (const steps of [[1, 1, 1], [1, 3, 2], [7, 1, 1], [1, 1, 500]]) {
    using a = Mmap.open(longPath, { access: "read" });
    using b = Mmap.open(shortPath);
    using c = Mmap.anonymous(small.length);
    c.write(small);
    c.seek(0);
    const maps = [a, b, c];
    const want = [long, short, small].map((bytes) => simpleSpans(bytes));
    const got: number[][] = [[], [], []];
    const its = maps.map((m) => m.lines());
    let going = true;
    while (going) {
      going = false;
      for (let k = 0; k < 3; k++) {
        for (let s = 0; s < steps[k]; s++) {
          const r = its[k].next();
          if (r.done) break;
          going = true;
          got[k].push(
            r.value.byteOffset - maps[k].bytes.byteOffset,
            r.value.length,
          );
        }
      }
    }
    for (let k = 0; k < 3; k++) {
      assertSpans(got[k], want[k], `map ${k} stepped ${steps.join(":")}`);
    }
  }
});

// In a subprocess: the fault being guarded against kills the process.
Deno.test({
  name:
    "Mmap.lines() over a file cut short by another program throws EFAULT instead of faulting, before or during the walk, for short and long lines",
  ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const path = `${dir.path}/cut.txt`;
    // Lines of 5 and 16 bytes overflow a window's ends (so windows shrink);
    // cut before the first line, or after 1000 lines were read.
    const cases = [[5, 0], [5, 1000], [16, 1000], [100, 1000]];
    const run = await denoRunWithin(
      ["-A"],
      `
      import { Mmap } from "MOD";
      const path = ${JSON.stringify(path)};
      const rows = [];
      for (const [length, before] of ${JSON.stringify(cases)}) {
        const line = "x".repeat(length - 1) + "\\n";
        Deno.writeTextFileSync(path, line.repeat(Math.ceil(${
        3 * WINDOW
      } / length)));
        const m = Mmap.open(path, { access: "read" });
        let lines = 0;
        const it = m.lines();
        for (; lines < before; lines++) it.next();
        Deno.truncateSync(path, 4096);
        try {
          for (const _ of it) lines++;
          rows.push(["returned", lines]);
        } catch (e) {
          rows.push([e.code, lines]);
        }
        m.close();
      }
      console.log(JSON.stringify(rows));
      `,
    );
    assert.equal(run.signal, null, run.stderr);
    assert.equal(run.code, 0, run.stderr);
    const rows = JSON.parse(run.stdout) as [string, number][];
    assert.equal(rows.length, cases.length);
    for (const [i, [code, lines]] of rows.entries()) {
      assert.equal(code, "EFAULT", `${cases[i]}`);
      if (cases[i][1] === 0) assert.equal(lines, 0);
      else assert.ok(lines >= 1000, `${cases[i]}: ${lines}`);
    }
  },
});

Deno.test("Mmap.lines() over a file's map sees writes through the map's methods and a resize between lines", () => {
  const line = "x".repeat(499) + "\n";
  const body = line.repeat((2 * WINDOW) / 500);
  using dir = tempDir();
  using m = Mmap.open(writeFile(dir.path, "lines.txt", body));
  const it = m.lines();
  assert.equal(it.next().value!.length, 500);
  m.set(600, 10); // ends the next line early
  assert.equal(it.next().value!.length, 101);
  assert.equal(it.next().value!.length, 399);
  const start = 500 * (Math.ceil(WINDOW / 500) + 100); // a line in the next window
  m.seek(start);
  m.write("ab\n");
  m.seek(start);
  assert.deepEqual([...it.next().value!], [97, 98, 10]);
  assert.equal(it.next().value!.length, 497);
  m.resize(start + 500 + 10);
  assert.equal(it.next().value!.length, 10);
  assert.equal(it.next().done, true);
});

Deno.test("Mmap.lines() sees writes through the map, seeks, other iterators and searches between lines", () => {
  const bytes = encoder.encode("aa\nbb\ncc\ndd\nee\n");
  using m = mapOf(bytes);
  const it = m.lines();
  assert.deepEqual([...it.next().value!], [...encoder.encode("aa\n")]);
  m.set(4, 10); // "b\n" now ends the next line early
  assert.deepEqual([...it.next().value!], [98, 10]);
  m.seek(0);
  assert.deepEqual([...it.next().value!], [...encoder.encode("aa\n")]);
  const other = m.lines();
  m.seek(9);
  assert.deepEqual([...other.next().value!], [...encoder.encode("dd\n")]);
  assert.equal(m.find("ee", 0), 12);
  assert.deepEqual([...it.next().value!], [...encoder.encode("ee\n")]);
  assert.equal(it.next().done, true);
  m.seek(0);
  m.write("xx\nyy");
  m.seek(3);
  assert.deepEqual([...it.next().value!], [...encoder.encode("yy\n")]);
  m.seek(0);
  m.resize(4);
  assert.deepEqual([...it.next().value!], [...encoder.encode("xx\n")]);
  assert.deepEqual([...it.next().value!], [121]);
  assert.equal(it.next().done, true);
});

Deno.test("Mmap.lines() throws BadResource once the map is closed mid-iteration", () => {
  const m = mapOf(encoder.encode("a\nb\n"));
  const it = m.lines();
  it.next();
  m.close();
  assert.throws(() => it.next(), Deno.errors.BadResource);
});
