// What a damaged .npz member does on each way of reading it. Members read
// into memory (NpzFile.get without mmapMode, load().get, and every deflate
// member) are checked as Python's zipfile checks them when NumPy reads them
// to the end: a CRC-32 or size that does not match is
// Deno.errors.InvalidData, as NumPy refuses it. Stored members mapped in
// place (mmapMode) are not read, so their CRC-32 is not checked: the map
// shows the bytes as they are (documented on NpzFile).

import assert from "node:assert/strict";
import {
  array,
  load,
  type NDArray,
  NpzFile,
  savez,
  savezCompressed,
} from "../../mod.ts";
import { streamingInflate } from "../../src/npy/zip_reader.ts";
import { HAS_NUMPY, python, rng, tempDir } from "./_helpers.ts";

const SIG_CENTRAL = 0x02014b50;

type Kind = "stored" | "deflated";
type Damage =
  | "none"
  | "crc"
  | "data byte"
  | "size + 1"
  | "size - 1"
  | "truncated stream";

interface Row {
  kind: Kind;
  damage: Damage;
  /** What reading into memory gives. */
  copied: "values" | RegExp;
  /** What a mapped read gives (stored members only map). */
  mapped: "values" | "changed values" | RegExp;
  /**
   * NumPy reads it anyway: zipfile reads no further than the declared size
   * and checks the CRC-32 at the stream's end, so a declared size larger
   * than the data goes unnoticed; the library refuses any size mismatch.
   */
  numpyReads?: true;
}

const ROWS: Row[] = [
  { kind: "stored", damage: "none", copied: "values", mapped: "values" },
  { kind: "stored", damage: "crc", copied: /Bad CRC-32/, mapped: "values" },
  {
    kind: "stored",
    damage: "data byte",
    copied: /Bad CRC-32/,
    mapped: "changed values",
  },
  { kind: "deflated", damage: "none", copied: "values", mapped: "values" },
  {
    kind: "deflated",
    damage: "crc",
    copied: /Bad CRC-32/,
    mapped: /Bad CRC-32/,
  },
  {
    kind: "deflated",
    damage: "data byte",
    copied: /Bad CRC-32|Cannot decompress/,
    mapped: /Bad CRC-32|Cannot decompress/,
  },
  {
    kind: "deflated",
    damage: "size + 1",
    copied: /decompresses to \d+ bytes, its declared size is \d+/,
    mapped: /decompresses to \d+ bytes, its declared size is \d+/,
    numpyReads: true,
  },
  {
    kind: "deflated",
    damage: "size - 1",
    copied: /decompresses to more than its declared size/,
    mapped: /decompresses to more than its declared size/,
  },
  {
    kind: "deflated",
    damage: "truncated stream",
    copied: /Cannot decompress member "x\.npy": unexpected end of file/,
    mapped: /Cannot decompress member "x\.npy": unexpected end of file/,
  },
];

/** 3 MiB of random bytes (deflate cannot shrink them: several input chunks). */
function member(): NDArray {
  const next = rng(7);
  const data = new Uint8Array(3 << 20);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(next() * 256);
  return array(data, { dtype: "uint8" });
}

const X = member();
const VALUES = X.toTypedArray() as Uint8Array;

function damage(bytes: Uint8Array, what: Damage): void {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let c = bytes.length - 22;
  while (v.getUint32(c, true) !== SIG_CENTRAL) c--;
  const local = v.getUint32(c + 42, true);
  const dataAt = local + 30 + v.getUint16(local + 26, true) +
    v.getUint16(local + 28, true);
  const edit = (central: number, field: number, f: (n: number) => number) => {
    v.setUint32(c + central, f(v.getUint32(c + central, true)), true);
    v.setUint32(local + field, f(v.getUint32(local + field, true)), true);
  };
  switch (what) {
    case "crc":
      return edit(16, 14, (n) => (n ^ 1) >>> 0);
    case "data byte":
      bytes[dataAt + 2000] ^= 0x40;
      return;
    case "size + 1":
      return edit(24, 22, (n) => n + 1);
    case "size - 1":
      return edit(24, 22, (n) => n - 1);
    case "truncated stream":
      return edit(20, 18, (n) => n - 64);
  }
}

function write(dir: string, row: Row): string {
  const path = `${dir}/${row.kind}-${row.damage.replaceAll(" ", "_")}.npz`;
  (row.kind === "stored" ? savez : savezCompressed)(path, { x: X });
  const bytes = Deno.readFileSync(path);
  if (row.damage !== "none") damage(bytes, row.damage);
  Deno.writeFileSync(path, bytes);
  return path;
}

function expectOutcome(
  read: () => NDArray,
  want: "values" | "changed values" | RegExp,
  what: string,
): void {
  if (want instanceof RegExp) {
    assert.throws(
      read,
      (e) =>
        e instanceof Deno.errors.InvalidData && want.test(e.message) &&
        / at byte \d+$/.test(e.message),
      what,
    );
    return;
  }
  const a = read();
  try {
    const got = a.toTypedArray() as Uint8Array;
    const same = got.length === VALUES.length &&
      got.every((b, i) => b === VALUES[i]);
    assert.equal(same, want === "values", what);
  } finally {
    (a as { close?(): void }).close?.();
  }
}

for (const row of ROWS) {
  Deno.test(`a ${row.kind} .npz member with ${row.damage === "none" ? "no damage" : `a wrong ${row.damage}`} reads as NumPy reads it, mapped as documented`, () => {
    using tmp = tempDir();
    const path = write(tmp.path, row);
    expectOutcome(
      () => {
        using z = new NpzFile(path);
        return z.get("x");
      },
      row.copied,
      "NpzFile.get",
    );
    expectOutcome(
      () => {
        using z = load(path) as NpzFile;
        return z.get("x");
      },
      row.copied,
      "load().get",
    );
    expectOutcome(
      () => {
        using z = new NpzFile(path, { mmapMode: "r" });
        return z.get("x");
      },
      row.mapped,
      "NpzFile(mmapMode r).get",
    );
  });
}

Deno.test("deflate members inflate straight into their buffer on this runtime", () => {
  assert.equal(streamingInflate(), true);
});

Deno.test({
  name:
    "damaged .npz members: NumPy refuses every row the library refuses when copying",
  ignore: !HAS_NUMPY,
  fn() {
    using tmp = tempDir();
    const paths = ROWS.map((row) => write(tmp.path, row));
    const script = `
import json, sys, numpy as np
out = []
for p in sys.argv[1:]:
    try:
        with np.load(p) as z:
            z["x"]
        out.append("values")
    except Exception:
        out.append("refused")
print(json.dumps(out))
`;
    const got = JSON.parse(python(script, ...paths)) as string[];
    ROWS.forEach((row, i) => {
      assert.equal(
        got[i],
        row.copied === "values" || row.numpyReads ? "values" : "refused",
        `${row.kind} ${row.damage}`,
      );
    });
  },
});
