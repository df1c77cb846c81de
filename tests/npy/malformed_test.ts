// The malformed-input corpus: every prefix of valid files, and seeded random
// byte flips in .npy headers and zip directories. Each case must either load
// exactly as the original did (or as its changed but valid header says), or
// throw the documented error: Deno.errors.InvalidData, or TypeError for a
// dtype this library does not hold. Anything else (another error class, a
// crash, a hang) fails the test.

import assert from "node:assert/strict";
import {
  array,
  load,
  Memmap,
  type NDArray,
  NpzFile,
  savez,
  savezCompressed,
} from "../../mod.ts";
import { bytesSource } from "../../src/npy/byte_source.ts";
import { type NpyHeader, readNpyHeader } from "../../src/npy/header.ts";
import { ZipReader } from "../../src/npy/zip_reader.ts";
import { FIXTURES, flat, rng, sameValues, tempDir } from "./_helpers.ts";

type Snapshot = {
  files?: string[];
  arrays: { str: string; shape: readonly number[]; values: unknown[] }[];
};

function snapshotOf(a: NDArray): Snapshot["arrays"][number] {
  return { str: a.dtype.str, shape: a.shape, values: flat(a.toArray()) };
}

/** Loads a file fully (every member of an archive), closing what it opens. */
function exercise(path: string, mmapMode: "r" | null): Snapshot {
  const result = load(path, { mmapMode });
  if (result instanceof NpzFile) {
    using npz = result;
    const arrays = npz.files.map((name) => {
      const a = npz.get(name);
      try {
        return snapshotOf(a);
      } finally {
        if (a instanceof Memmap) a.close();
      }
    });
    return { files: npz.files, arrays };
  }
  try {
    return { arrays: [snapshotOf(result)] };
  } finally {
    if (result instanceof Memmap) result.close();
  }
}

function same(a: Snapshot, b: Snapshot): boolean {
  return JSON.stringify(a.files) === JSON.stringify(b.files) &&
    a.arrays.length === b.arrays.length &&
    a.arrays.every((x, i) => {
      const y = b.arrays[i];
      return x.str === y.str && String(x.shape) === String(y.shape) &&
        sameValues(x.values, y.values);
    });
}

/** Whether an error is one the API documents for malformed content. */
function documented(e: unknown): boolean {
  if (e instanceof Deno.errors.InvalidData) return true;
  return e instanceof TypeError &&
    /pickles are never read|Cannot load dtype|structured dtype/.test(e.message);
}

function headerOf(bytes: Uint8Array): NpyHeader | null {
  try {
    return readNpyHeader(bytesSource(bytes), 0, "x");
  } catch {
    return null;
  }
}

function sameHeader(a: NpyHeader | null, b: NpyHeader | null): boolean {
  return a !== null && b !== null && a.descr.str === b.descr.str &&
    a.fortranOrder === b.fortranOrder &&
    String(a.shape) === String(b.shape) && a.headerLength === b.headerLength;
}

interface Counts {
  loaded: number;
  refused: number;
}

/** The file every case is written to, kept open so rewriting it is cheap. */
class CaseFile implements Disposable {
  readonly #file: Deno.FsFile;
  constructor(readonly path: string) {
    this.#file = Deno.openSync(path, { read: true, write: true, create: true });
  }
  write(bytes: Uint8Array): void {
    this.#file.seekSync(0, Deno.SeekMode.Start);
    let done = 0;
    while (done < bytes.length) {
      done += this.#file.writeSync(bytes.subarray(done));
    }
    this.#file.truncateSync(bytes.length);
  }
  [Symbol.dispose](): void {
    this.#file.close();
  }
}

/** Runs one mutated file in both modes and checks the outcome. */
function runCase(
  file: CaseFile,
  bytes: Uint8Array,
  original: Uint8Array,
  expected: Record<"r" | "memory", Snapshot>,
  counts: Counts,
  label: string,
): void {
  file.write(bytes);
  for (const mode of ["memory", "r"] as const) {
    let got: Snapshot;
    try {
      got = exercise(file.path, mode === "r" ? "r" : null);
    } catch (e) {
      if (!documented(e)) {
        throw new Error(
          `${label} (${mode}): undocumented ${(e as Error).name}: ${
            (e as Error).message
          }`,
          {
            cause: e,
          },
        );
      }
      counts.refused++;
      continue;
    }
    counts.loaded++;
    if (same(got, expected[mode])) continue;
    // A different result is only allowed when a .npy header now says something else.
    const changed = original[0] === 0x93 &&
      !sameHeader(headerOf(bytes), headerOf(original));
    assert.ok(
      changed,
      `${label} (${mode}): loaded something different without a header change`,
    );
  }
}

function corpusFiles(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (
    const name of [
      "dtype_le_f8.npy",
      "fortran_be_i2.npy",
      "version_3_0.npy",
      "scalar_f8.npy",
      "empty_3x0x2.npy",
    ]
  ) {
    files.set(name, Deno.readFileSync(FIXTURES + name));
  }
  for (const name of ["stored.npz", "deflated.npz"]) {
    files.set(name, Deno.readFileSync(FIXTURES + name));
  }
  const arrays = {
    a: array([1, 2, 3], { dtype: "int8" }),
    b: array([[1.5, -2], [3, 4]], { dtype: ">f4" }).T,
  };
  savez(`${dir}/deno_stored.npz`, arrays);
  savezCompressed(`${dir}/deno_deflated.npz`, arrays);
  files.set("deno_stored.npz", Deno.readFileSync(`${dir}/deno_stored.npz`));
  files.set("deno_deflated.npz", Deno.readFileSync(`${dir}/deno_deflated.npz`));
  return files;
}

function expectations(
  file: CaseFile,
  bytes: Uint8Array,
): Record<"r" | "memory", Snapshot> {
  file.write(bytes);
  return { memory: exercise(file.path, null), r: exercise(file.path, "r") };
}

Deno.test("every prefix of a valid .npy or .npz file is refused with InvalidData", () => {
  using dir = tempDir();
  using file = new CaseFile(`${dir.path}/case`);
  let cases = 0;
  for (const [name, bytes] of corpusFiles(dir.path)) {
    for (let n = 0; n < bytes.length; n++) {
      file.write(bytes.subarray(0, n));
      for (const mmapMode of [null, "r"] as const) {
        assert.throws(
          () => exercise(file.path, mmapMode),
          (e: unknown) => e instanceof Deno.errors.InvalidData,
          `${name} cut to ${n} bytes (${mmapMode})`,
        );
        cases++;
      }
    }
  }
  assert.ok(cases > 8000, `${cases} cases`);
});

/** The byte ranges of a zip that are directory data: local headers, central directory, end records. */
function zipDirectoryRanges(bytes: Uint8Array): [number, number][] {
  const zip = new ZipReader(bytesSource(bytes), "x");
  const ranges: [number, number][] = [[zip.directoryOffset, bytes.length]];
  for (const e of zip.entries) ranges.push([e.headerOffset, zip.dataOffset(e)]);
  return ranges;
}

Deno.test("seeded random byte flips in headers and zip directories load identically or throw the documented error", () => {
  using dir = tempDir();
  using file = new CaseFile(`${dir.path}/case`);
  const next = rng(20240229);
  const counts: Counts = { loaded: 0, refused: 0 };
  let cases = 0;
  for (const [name, original] of corpusFiles(dir.path)) {
    const expected = expectations(file, original);
    const isZip = name.endsWith(".npz");
    const ranges = isZip
      ? zipDirectoryRanges(original)
      : [[0, headerOf(original)!.headerLength] as [number, number]];
    const total = ranges.reduce((s, [a, b]) => s + b - a, 0);
    const n = isZip ? 450 : 250;
    for (let k = 0; k < n; k++) {
      const bytes = original.slice();
      const flips = 1 + Math.floor(next() * 3);
      for (let f = 0; f < flips; f++) {
        let at = Math.floor(next() * total);
        for (const [a, b] of ranges) {
          if (at < b - a) {
            at += a;
            break;
          }
          at -= b - a;
        }
        // Half bit flips, half random bytes.
        bytes[at] = next() < 0.5
          ? bytes[at] ^ (1 << Math.floor(next() * 8))
          : Math.floor(next() * 256);
      }
      runCase(file, bytes, original, expected, counts, `${name} flip #${k}`);
      cases++;
    }
  }
  // Flips in compressed data must be caught by inflate or the CRC-32.
  for (const name of ["deflated.npz", "deno_deflated.npz"]) {
    const original = Deno.readFileSync(
      name === "deflated.npz" ? FIXTURES + name : `${dir.path}/${name}`,
    );
    const expected = expectations(file, original);
    const zip = new ZipReader(bytesSource(original), "x");
    for (let k = 0; k < 150; k++) {
      const e = zip.entries[k % zip.entries.length];
      const start = zip.dataOffset(e);
      const bytes = original.slice();
      const at = start + Math.floor(next() * e.compressedSize);
      bytes[at] ^= 1 << Math.floor(next() * 8);
      runCase(
        file,
        bytes,
        original,
        expected,
        counts,
        `${name} data flip #${k}`,
      );
      cases++;
    }
  }
  assert.ok(cases >= 3000, `${cases} cases`);
  // Both outcomes happen: the corpus is neither all-harmless nor all-fatal.
  assert.ok(
    counts.loaded > 500 && counts.refused > 1000,
    JSON.stringify(counts),
  );
});
