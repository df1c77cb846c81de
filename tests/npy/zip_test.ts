import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import {
  type ByteSource,
  bytesSource,
  openFileSource,
} from "../../src/npy/byte_source.ts";
import { crc32 } from "../../src/npy/crc32.ts";
import { readNpyHeader } from "../../src/npy/header.ts";
import {
  ZIP_DEFLATED,
  ZIP_STORED,
  ZipReader,
} from "../../src/npy/zip_reader.ts";
import { ZipWriter } from "../../src/npy/zip_writer.ts";
import { type OutputFile, outputFile } from "../../src/npy/_files.ts";
import {
  EXPECTED,
  FIXTURES,
  HAS_NUMPY,
  invalid,
  python,
  rng,
  tempDir,
} from "./_helpers.ts";

const NAMES = ["odd", "f8", "be_c8", "fortran", "empty", "scalar"];

/** Writes an archive with ZipWriter into memory (through a temp file). */
function writeZip(
  members: [string, Uint8Array[], boolean][],
  zip64Limit?: number,
): Uint8Array {
  using dir = tempDir();
  const path = `${dir.path}/a.zip`;
  using file = Deno.openSync(path, {
    read: true,
    write: true,
    createNew: true,
  });
  const w = new ZipWriter(outputFile(file, path), zip64Limit);
  for (const [name, chunks, compress] of members) {
    w.add(name, chunks, { compress });
  }
  w.finish();
  return Deno.readFileSync(path);
}

function randomBytes(n: number, seed: number): Uint8Array {
  const next = rng(seed);
  // Compressible but not trivial: a small alphabet.
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 6) * 40;
  return out;
}

/** Offset of central directory entry `i`, found by walking from the end record. */
function cdEntry(zip: Uint8Array, i: number): number {
  const v = new DataView(zip.buffer, zip.byteOffset);
  let p = v.getUint32(zip.length - 22 + 16, true);
  for (let k = 0; k < i; k++) {
    p += 46 + v.getUint16(p + 28, true) + v.getUint16(p + 30, true) +
      v.getUint16(p + 32, true);
  }
  return p;
}

Deno.test("ZipReader lists and extracts archives written by np.savez and np.savez_compressed", () => {
  for (
    const [file, method] of [["stored.npz", ZIP_STORED], [
      "deflated.npz",
      ZIP_DEFLATED,
    ]] as const
  ) {
    const zip = new ZipReader(
      bytesSource(Deno.readFileSync(FIXTURES + file)),
      file,
    );
    assert.deepEqual(
      zip.entries.map((e) => e.name),
      NAMES.map((n) => `${n}.npy`),
    );
    for (const entry of zip.entries) {
      assert.equal(entry.method, method);
      const data = zip.read(entry);
      assert.equal(data.length, entry.size);
      const header = readNpyHeader(bytesSource(data), 0, entry.name);
      const exp = EXPECTED[`npz:${entry.name.slice(0, -4)}`];
      assert.equal(header.descr.str, exp.descr);
      assert.deepEqual(header.shape, exp.shape);
      assert.equal(header.fortranOrder, exp.fortran_order);
      assert.equal(header.headerLength + header.nbytes, data.length);
    }
  }
});

Deno.test("ZipReader.dataOffset() finds unaligned member data in an np.savez archive", () => {
  const bytes = Deno.readFileSync(FIXTURES + "stored.npz");
  const zip = new ZipReader(bytesSource(bytes), "stored.npz");
  const offsets = zip.entries.map((e) => zip.dataOffset(e));
  // The 3-byte int8 member shifts the float64 member's data off 8-byte alignment.
  assert.equal(zip.entries[1].name, "f8.npy");
  assert.equal((offsets[1] + 128) % 8, 4);
  for (const [i, entry] of zip.entries.entries()) {
    assert.deepEqual(
      bytes.subarray(offsets[i], offsets[i] + 6),
      new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]),
    );
    assert.equal(
      crc32(bytes.subarray(offsets[i], offsets[i] + entry.size)),
      entry.crc32,
    );
  }
});

Deno.test("ZipWriter writes stored and deflate members that read back, stored data 64-byte aligned", () => {
  const a = randomBytes(100_000, 1);
  const b = randomBytes(3, 2);
  const c = randomBytes(9 << 20, 3); // two deflate blocks
  const zip = writeZip([
    ["a.npy", [a.subarray(0, 10), a.subarray(10)], false],
    ["b.npy", [b], false],
    [
      "c.npy",
      [c.subarray(0, 5), c.subarray(5, 9 << 20), c.subarray(9 << 20)],
      true,
    ],
    ["nothing", [], true],
    ["\u00e9t\u00e9.npy", [b], false],
  ]);
  const reader = new ZipReader(bytesSource(zip), "a.zip");
  assert.deepEqual(reader.entries.map((e) => e.name), [
    "a.npy",
    "b.npy",
    "c.npy",
    "nothing",
    "\u00e9t\u00e9.npy",
  ]);
  assert.deepEqual(reader.entries.map((e) => e.method), [0, 0, 8, 8, 0]);
  assert.deepEqual(reader.read(reader.entries[0]), a);
  assert.deepEqual(reader.read(reader.entries[1]), b);
  assert.deepEqual(reader.read(reader.entries[2]), c);
  assert.deepEqual(reader.read(reader.entries[3]), new Uint8Array(0));
  assert.deepEqual(reader.read(reader.entries[4]), b);
  assert.ok(reader.entries[2].compressedSize < c.length / 2);
  for (const i of [0, 1, 4]) {
    assert.equal(reader.dataOffset(reader.entries[i]) % 64, 0);
  }
  assert.equal(reader.entries[4].flags & 0x800, 0x800);
  assert.equal(reader.entries[0].flags & 0x800, 0);
});

Deno.test("ZipWriter refuses a duplicate member name", () => {
  assert.throws(
    () => writeZip([["x", [], false], ["x", [], false]]),
    TypeError,
  );
});

Deno.test("ZipWriter writes zip64 directory fields and end records past the limit", () => {
  const a = randomBytes(300, 4);
  const b = randomBytes(500, 5);
  const zip = writeZip([["a", [a], false], ["b", [b], true]], 100);
  const v = new DataView(zip.buffer);
  // zip64 end record and locator precede the end record.
  assert.equal(v.getUint32(zip.length - 22 - 20, true), 0x07064b50);
  assert.equal(v.getUint32(zip.length - 22 - 20 - 56, true), 0x06064b50);
  const cdOffset = Number(v.getBigUint64(zip.length - 22 - 20 - 56 + 48, true));
  assert.equal(v.getUint32(zip.length - 22 + 16, true), cdOffset); // as zipfile: min(offset, 0xffffffff)
  assert.equal(v.getUint32(cdEntry(zip, 1) + 42, true), 0xffffffff);
  const reader = new ZipReader(bytesSource(zip), "zip64");
  assert.deepEqual(reader.read(reader.entries[0]), a);
  assert.deepEqual(reader.read(reader.entries[1]), b);
  assert.equal(reader.entries[1].headerOffset > 100, true);
});

Deno.test({
  name: "ZipWriter's zip64 archives read in Python's zipfile",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    const a = randomBytes(300, 6);
    const zip = writeZip([["a.npy", [a], false], ["b b", [a, a], true], [
      "\u00fc",
      [],
      false,
    ]], 100);
    Deno.writeFileSync(`${dir.path}/z.zip`, zip);
    const out = python(
      `import sys, zipfile, zlib
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(z.namelist(), [zlib.crc32(z.read(n)) for n in z.namelist()])`,
      `${dir.path}/z.zip`,
    );
    assert.equal(
      out.trim(),
      `['a.npy', 'b b', '\u00fc'] [${crc32(a)}, ${crc32(a, crc32(a))}, 0]`,
    );
  },
});

/** A ByteSource over a sparse image: zeros except for the written segments. */
class SparseImage implements ByteSource {
  segments: [number, Uint8Array][] = [];
  size = 0;
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (const [at, bytes] of this.segments) {
      const from = Math.max(at, offset);
      const to = Math.min(at + bytes.length, offset + length);
      if (from < to) out.set(bytes.subarray(from - at, to - at), from - offset);
    }
    return out;
  }
}

/** An output file that records writes, keeping the shared zero chunk as a hole. */
class SparseFile implements OutputFile {
  pos = 0;
  constructor(readonly image: SparseImage, readonly zero: Uint8Array) {}
  write(p: Uint8Array): void {
    if (p.buffer !== this.zero.buffer) {
      this.image.segments.push([this.pos, p.slice()]);
    }
    this.pos += p.length;
    this.image.size = Math.max(this.image.size, this.pos);
  }
  seek(offset: number): void {
    this.pos = offset;
  }
}

Deno.test("ZipWriter and ZipReader handle a member and an archive over 4 GiB", () => {
  const zero = new Uint8Array(64 << 20);
  const image = new SparseImage();
  const w = new ZipWriter(
    new SparseFile(image, zero),
  );
  const big = 4 * 2 ** 30 + (64 << 20); // 4.0625 GiB of zeros
  const chunks = Array.from({ length: big / zero.length }, () => zero);
  w.add("big.npy", chunks);
  const tail = randomBytes(1000, 8);
  w.add("tail.npy", [tail]);
  w.add("tail2.npy", [tail], { compress: true });
  w.finish();
  assert.ok(image.size > big);
  const reader = new ZipReader(image, "sparse");
  const [e0, e1, e2] = reader.entries;
  assert.equal(e0.size, big);
  assert.equal(e0.compressedSize, big);
  assert.ok(e1.headerOffset > 2 ** 32);
  assert.ok(reader.dataOffset(e2) > 2 ** 32);
  assert.deepEqual(reader.read(e1), tail);
  assert.deepEqual(reader.read(e2), tail);
  // The CRC of 4.0625 GiB of zeros, computed with Python's zlib.crc32.
  assert.equal(e0.crc32, 0x0c0b9a78);
});

Deno.test("ZipReader reads a zip64 archive whose fields all sit in extra fields", () => {
  // Hand-made like Info-ZIP's zip -fz: every size and offset in the zip64 extra field.
  const data = new TextEncoder().encode("hello zip64");
  const name = new TextEncoder().encode("h.txt");
  const local = new Uint8Array(30 + name.length + 20);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 45, true);
  lv.setUint32(14, crc32(data), true);
  lv.setUint32(18, 0xffffffff, true);
  lv.setUint32(22, 0xffffffff, true);
  lv.setUint16(26, name.length, true);
  lv.setUint16(28, 20, true);
  local.set(name, 30);
  lv.setUint16(30 + name.length, 1, true);
  lv.setUint16(32 + name.length, 16, true);
  lv.setBigUint64(34 + name.length, BigInt(data.length), true);
  lv.setBigUint64(42 + name.length, BigInt(data.length), true);
  const cd = new Uint8Array(46 + name.length + 28);
  const cv = new DataView(cd.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(6, 45, true);
  cv.setUint32(16, crc32(data), true);
  cv.setUint32(20, 0xffffffff, true);
  cv.setUint32(24, 0xffffffff, true);
  cv.setUint16(28, name.length, true);
  cv.setUint16(30, 28, true);
  cv.setUint32(42, 0xffffffff, true);
  cd.set(name, 46);
  cv.setUint16(46 + name.length, 1, true);
  cv.setUint16(48 + name.length, 24, true);
  cv.setBigUint64(50 + name.length, BigInt(data.length), true);
  cv.setBigUint64(58 + name.length, BigInt(data.length), true);
  cv.setBigUint64(66 + name.length, 0n, true);
  const cdOffset = local.length + data.length;
  const end = new Uint8Array(56 + 20 + 22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06064b50, true);
  ev.setBigUint64(4, 44n, true);
  ev.setBigUint64(24, 1n, true);
  ev.setBigUint64(32, 1n, true);
  ev.setBigUint64(40, BigInt(cd.length), true);
  ev.setBigUint64(48, BigInt(cdOffset), true);
  ev.setUint32(56, 0x07064b50, true);
  ev.setBigUint64(64, BigInt(cdOffset + cd.length), true);
  ev.setUint32(72, 1, true);
  ev.setUint32(76, 0x06054b50, true);
  ev.setUint16(76 + 8, 0xffff, true);
  ev.setUint16(76 + 10, 0xffff, true);
  ev.setUint32(76 + 12, 0xffffffff, true);
  ev.setUint32(76 + 16, 0xffffffff, true);
  const zip = new Uint8Array([...local, ...data, ...cd, ...end]);
  const reader = new ZipReader(bytesSource(zip), "fz");
  assert.equal(reader.entries.length, 1);
  assert.equal(reader.entries[0].size, data.length);
  assert.deepEqual(reader.read(reader.entries[0]), data);
});

Deno.test("ZipReader refuses what is not a zip archive", () => {
  assert.throws(
    () => new ZipReader(bytesSource(new Uint8Array(10)), '"x"'),
    invalid(/fewer than the 22 of an end record in "x" at byte 10$/),
  );
  assert.throws(
    () => new ZipReader(bytesSource(new Uint8Array(1000)), '"x"'),
    invalid(/no end of central directory record/),
  );
});

Deno.test("ZipReader refuses a CRC mismatch in a deflate member and in a stored one", () => {
  for (const compress of [true, false]) {
    const data = randomBytes(5000, 9);
    const zip = writeZip([["m.npy", [data], compress]]);
    const reader = new ZipReader(bytesSource(zip), '"m.zip"');
    const start = reader.dataOffset(reader.entries[0]);
    const p = cdEntry(zip, 0);
    const v = new DataView(zip.buffer);
    v.setUint32(p + 16, v.getUint32(p + 16, true) ^ 1, true);
    const bad = new ZipReader(bytesSource(zip), '"m.zip"');
    assert.throws(
      () => bad.read(bad.entries[0]),
      invalid(
        new RegExp(
          `Bad CRC-32 for "m.npy": computed 0x[0-9a-f]{8}, the directory says 0x[0-9a-f]{8} in "m.zip" at byte ${start}$`,
        ),
      ),
    );
  }
});

Deno.test("ZipReader stops a decompression at the declared size", () => {
  // 64 MiB of zeros deflate to ~64 KiB; the directory claims 1000 bytes.
  const zip = writeZip([["bomb.npy", [new Uint8Array(64 << 20)], true]]);
  const p = cdEntry(zip, 0);
  new DataView(zip.buffer).setUint32(p + 24, 1000, true);
  const reader = new ZipReader(bytesSource(zip), "bomb.zip");
  assert.throws(
    () => reader.read(reader.entries[0]),
    invalid(
      /"bomb\.npy" decompresses to more than its declared size of 1000 bytes/,
    ),
  );
  // Claiming more than there is fails too.
  new DataView(zip.buffer).setUint32(p + 24, (64 << 20) + 1, true);
  const reader2 = new ZipReader(bytesSource(zip), "bomb.zip");
  assert.throws(
    () => reader2.read(reader2.entries[0]),
    invalid(/decompresses to 67108864 bytes, its declared size is 67108865/),
  );
});

Deno.test("ZipReader refuses corrupt deflate data", () => {
  const data = randomBytes(5000, 10);
  const zip = writeZip([["m.npy", [data], true]]);
  const reader = new ZipReader(bytesSource(zip), "m.zip");
  const start = reader.dataOffset(reader.entries[0]);
  zip[start] = 0xff; // invalid block type
  assert.throws(
    () => reader.read(reader.entries[0]),
    invalid(/Cannot decompress member "m\.npy"/),
  );
});

Deno.test("ZipReader refuses entries that point outside the file", () => {
  const data = randomBytes(100, 11);
  const fresh = () => writeZip([["a", [data], false], ["b", [data], false]]);
  let zip = fresh();
  let v = new DataView(zip.buffer);
  v.setUint32(cdEntry(zip, 1) + 42, 0x7fff0000, true);
  assert.throws(
    () => new ZipReader(bytesSource(zip), "z"),
    invalid(/Entry "b" points outside the archive: local header at 2147418112/),
  );
  zip = fresh();
  v = new DataView(zip.buffer);
  v.setUint32(cdEntry(zip, 0) + 20, 0x10000000, true);
  v.setUint32(cdEntry(zip, 0) + 24, 0x10000000, true);
  let reader = new ZipReader(bytesSource(zip), "z");
  assert.throws(
    () => reader.read(reader.entries[0]),
    invalid(
      /Data of "a" \(268435456 bytes\) runs past the end of the member area/,
    ),
  );
  zip = fresh();
  v = new DataView(zip.buffer);
  v.setUint32(zip.length - 22 + 16, 0x7fffffff, true);
  assert.throws(
    () => new ZipReader(bytesSource(zip), "z"),
    invalid(
      /Central directory of \d+ bytes at 2147483647 runs past its end record/,
    ),
  );
  zip = fresh();
  v = new DataView(zip.buffer);
  v.setUint16(zip.length - 22 + 10, 5000, true);
  v.setUint16(zip.length - 22 + 8, 5000, true);
  assert.throws(
    () => new ZipReader(bytesSource(zip), "z"),
    invalid(/cannot hold 5000 entries/),
  );
  zip = fresh();
  v = new DataView(zip.buffer);
  v.setUint16(cdEntry(zip, 0) + 30, 60000, true);
  assert.throws(
    () => new ZipReader(bytesSource(zip), "z"),
    invalid(/entry 0 runs past the directory/),
  );
  zip = fresh();
  reader = new ZipReader(bytesSource(zip), "z");
  zip[reader.entries[1].headerOffset + 30] = 0x78; // local name "x" vs "b"
  assert.throws(
    () => reader.dataOffset(reader.entries[1]),
    invalid(/Local header name differs from the directory's "b"/),
  );
  zip[reader.entries[1].headerOffset] = 0;
  assert.throws(
    () => reader.dataOffset(reader.entries[1]),
    invalid(/Bad local header signature for "b"/),
  );
});

Deno.test("ZipReader refuses unsupported methods, encryption and several disks", () => {
  const data = randomBytes(100, 12);
  let zip = writeZip([["a", [data], false]]);
  new DataView(zip.buffer).setUint16(cdEntry(zip, 0) + 10, 12, true);
  let reader = new ZipReader(bytesSource(zip), "z");
  assert.throws(
    () => reader.read(reader.entries[0]),
    invalid(/uses compression method 12; only stored \(0\) and deflate \(8\)/),
  );
  zip = writeZip([["a", [data], false]]);
  new DataView(zip.buffer).setUint16(cdEntry(zip, 0) + 8, 1, true);
  reader = new ZipReader(bytesSource(zip), "z");
  assert.throws(() => reader.read(reader.entries[0]), invalid(/is encrypted/));
  zip = writeZip([["a", [data], false]]);
  new DataView(zip.buffer).setUint16(zip.length - 22 + 4, 1, true);
  assert.throws(
    () => new ZipReader(bytesSource(zip), "z"),
    invalid(/span several disks/),
  );
});

Deno.test("openFileSource() reads a zip from a file like bytesSource()", () => {
  using file = openFileSource(FIXTURES + "deflated.npz", "deflated.npz");
  const zip = new ZipReader(file, "deflated.npz");
  const mem = new ZipReader(
    bytesSource(Deno.readFileSync(FIXTURES + "deflated.npz")),
    "x",
  );
  for (const [i, e] of zip.entries.entries()) {
    assert.deepEqual(zip.read(e), mem.read(mem.entries[i]));
  }
});

Deno.test("deflate blocks joined by sync flushes inflate as one stream", () => {
  const data = randomBytes(9 << 20, 13); // two 8 MiB blocks
  const zip = writeZip([["c", [data], true]]);
  const reader = new ZipReader(bytesSource(zip), "z");
  const start = reader.dataOffset(reader.entries[0]);
  const raw = zip.subarray(start, start + reader.entries[0].compressedSize);
  assert.deepEqual(new Uint8Array(zlib.inflateRawSync(raw)), data);
});
