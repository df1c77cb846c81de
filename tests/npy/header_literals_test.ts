// .npy header texts, each written by hand into a file, against what NumPy
// 2.4 makes of it (tests/testdata/npy_headers/headers.json, made by
// make_fixture.py there). NumPy reads the header with ast.literal_eval (and,
// for versions 1.0/2.0, drops Python 2 `L` suffixes): every header it
// reads is read here to the same shape, dtype and order, through load(),
// load(mmapMode) and openMemmap(); every header it refuses is refused with
// Deno.errors.InvalidData. Rows with a note are the library's documented
// differences (see make_fixture.py).

import assert from "node:assert/strict";
import { load, type NDArray, openMemmap } from "../../mod.ts";
import { bytesSource } from "../../src/npy/byte_source.ts";
import { readNpyHeader } from "../../src/npy/header.ts";
import { HAS_NUMPY, tempDir } from "../test_util.ts";

type Outcome = "refused" | ["ok", number[], unknown, boolean];
type Note =
  | null
  | "unsupported"
  | "object"
  | "subarray-descr";
type Row = [1 | 2 | 3, string, Note, Outcome, Outcome];

const FIXTURE = new URL(
  "../testdata/npy_headers/headers.json",
  import.meta.url,
);
const MAKER = new URL(
  "../testdata/npy_headers/make_fixture.py",
  import.meta.url,
);
const ROWS = JSON.parse(Deno.readTextFileSync(FIXTURE)) as Row[];

function npy(major: number, text: string): Uint8Array {
  const raw = major === 3
    ? new TextEncoder().encode(text)
    : Uint8Array.from(text, (c) => c.charCodeAt(0));
  const lengthSize = major === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthSize + raw.length + 4096);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, raw.length, true);
  else view.setUint32(8, raw.length, true);
  out.set(raw, 8 + lengthSize);
  return out;
}

/** NumPy's `dtype.descr` of an array's type (a plain type's descr is a string here). */
function descrOf(a: NDArray): unknown {
  const d = a.dtype.descr;
  return typeof d === "string" ? [["", d]] : d;
}

const READS: [string, (path: string) => NDArray & { close?(): void }][] = [
  ["load()", (p) => load(p) as NDArray],
  ["load(mmapMode r)", (p) => load(p, { mmapMode: "r" }) as NDArray],
  ["openMemmap(r)", (p) => openMemmap(p, { mode: "r" })],
];

function libraryError(e: unknown, cls: new (...a: never[]) => Error): boolean {
  return e instanceof cls && /^Cannot |(?:^| )at byte \d+|in "/.test(
    (e as Error).message,
  ) && !/undefined|\[object /.test((e as Error).message);
}

function check(row: Row, index: number, path: string): void {
  const [, text, note, viaLoad, viaMap] = row;
  const label = `row ${index} ${JSON.stringify(text).slice(0, 80)}`;
  READS.forEach(([how, read], i) => {
    let want: Outcome = i === 0 ? viaLoad : viaMap;
    if (note === "subarray-descr") want = viaMap;
    const what = `${label} via ${how}`;
    if (note === "unsupported" || note === "object") {
      assert.throws(() => read(path), (e) => libraryError(e, TypeError), what);
      return;
    }
    if (want === "refused") {
      assert.throws(
        () => read(path),
        (e) => libraryError(e, Deno.errors.InvalidData),
        what,
      );
      return;
    }
    const a = read(path);
    try {
      assert.deepEqual([...a.shape], want[1], what);
      assert.deepEqual(descrOf(a), want[2], what);
    } finally {
      a.close?.();
    }
    const header = readNpyHeader(bytesSource(Deno.readFileSync(path)), 0, "x");
    assert.equal(header.fortranOrder, want[3], what);
  });
}

Deno.test("every .npy header NumPy reads loads to its shape, dtype and order; every header it refuses is InvalidData", () => {
  using tmp = tempDir();
  ROWS.forEach((row, i) => {
    const path = `${tmp.path}/${i}.npy`;
    Deno.writeFileSync(path, npy(row[0], row[1]));
    check(row, i, path);
  });
});

Deno.test("header literal table: the kinds NumPy reads are all there", () => {
  const texts = ROWS.map((r) => r[1]).join("\n");
  for (
    const kind of [
      '"descr"', // double quotes
      "# ", // comments
      "\\\n", // continuations
      "'<i' '2'", // implicit concatenation
      "0x3", // other bases
      "3L", // Python 2 longs
      "'shape': (3,), 'shape'", // repeated keys
      "[['a', '<i2']", // fields as lists
      "set()",
    ]
  ) {
    assert.ok(texts.includes(kind), kind);
  }
  assert.ok(ROWS.length > 300);
});

Deno.test({
  name: "header literal table: NumPy still gives each row's outcome",
  ignore: !HAS_NUMPY,
  fn() {
    const out = new Deno.Command("python3", {
      args: [MAKER.pathname, "-"],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const now = JSON.parse(new TextDecoder().decode(out.stdout)) as Row[];
    assert.equal(now.length, ROWS.length);
    now.forEach((row, i) => assert.deepEqual(row, ROWS[i], `row ${i}`));
  },
});
