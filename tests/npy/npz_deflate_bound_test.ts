import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import {
  array,
  load,
  NpzFile,
  save,
  savezCompressed,
  zeros,
} from "../../mod.ts";
import { outputFile } from "../../src/npy/_files.ts";
import { DEFLATE_MAX_RATIO, DEFLATE_SLACK } from "../../src/npy/zip_reader.ts";
import { ZipWriter } from "../../src/npy/zip_writer.ts";

// A deflate member cannot expand more than 1032:1: one that declares more
// (a zip64 size of 2**40 bytes for a few dozen compressed bytes) is
// malformed, refused as InvalidData before its declared size is allocated
// (it was a RangeError "Cannot allocate 1099511627776 bytes"), by every
// reader of members.

/**
 * An archive of one deflated member `a.npy` whose declared uncompressed
 * size (zip64 fields, local header and directory) is `declared`.
 */
function archive(dir: string, declared: number): string {
  const npy = `${dir}/a.npy`;
  save(npy, array([1, 2, 3]));
  const member = Deno.readFileSync(npy);
  const path = `${dir}/declared_${declared}.npz`;
  {
    using file = Deno.openSync(path, { write: true, createNew: true });
    const w = new ZipWriter(outputFile(file, path), 0);
    w.add("a.npy", [member], { compress: true });
    w.finish();
  }
  const zip = Deno.readFileSync(path);
  const v = new DataView(zip.buffer);
  let patched = 0;
  for (let p = 0; p + 12 <= zip.length; p++) {
    // A zip64 extra field (id 1) whose first field is the member's size.
    if (
      v.getUint16(p, true) === 1 && v.getUint16(p + 2, true) >= 16 &&
      v.getBigUint64(p + 4, true) === BigInt(member.length)
    ) {
      v.setBigUint64(p + 4, BigInt(declared), true);
      patched++;
    }
  }
  assert.equal(patched, 2, "local header and directory entry");
  Deno.writeFileSync(path, zip);
  return path;
}

const READERS: Record<string, (path: string) => unknown> = {
  load: (path) => {
    using npz = load(path) as NpzFile;
    return npz.get("a");
  },
  'load(mmapMode: "r")': (path) => {
    using npz = load(path, { mmapMode: "r" }) as NpzFile;
    return npz.get("a");
  },
  NpzFile: (path) => {
    using npz = new NpzFile(path);
    return npz.get("a");
  },
  "NpzFile has() then get()": (path) => {
    using npz = new NpzFile(path, { mmapMode: "r" });
    assert.ok(npz.has("a"));
    return npz.get("a");
  },
};

Deno.test("every .npz reader refuses a deflate member declaring more than deflate can expand to", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const declared of [2 ** 40, 2 ** 32, 2 ** 31 + 5, 2 ** 24]) {
      const path = archive(dir, declared);
      for (const [name, read] of Object.entries(READERS)) {
        assert.throws(
          () => read(path),
          (e: Error) =>
            e instanceof Deno.errors.InvalidData &&
            e.message.startsWith(
              `Deflate member "a.npy" declares ${declared} bytes from `,
            ) && e.message.includes(`${DEFLATE_MAX_RATIO}:1`),
          `${name} ${declared}`,
        );
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a deflate member within the bound but of the wrong size is still InvalidData after inflating", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = archive(dir, 1000);
    for (const [name, read] of Object.entries(READERS)) {
      assert.throws(
        () => read(path),
        (e: Error) =>
          e instanceof Deno.errors.InvalidData &&
          /decompresses to \d+ bytes, its declared size is 1000/.test(
            e.message,
          ),
        name,
      );
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the most compressible members still load: the bound is above zlib's best ratio", () => {
  const dir = Deno.makeTempDirSync();
  try {
    // 64 MiB of zeros, whole and as one zlib stream: zlib's best ratio
    // (about 1030:1) stays under 1032:1.
    const path = `${dir}/zeros.npz`;
    savezCompressed(path, { z: zeros([2 ** 26], { dtype: "uint8" }) });
    using npz = new NpzFile(path);
    assert.equal(npz.get("z").sum(), 0n);
    const npy = `${dir}/z.npy`;
    save(npy, zeros([2 ** 26], { dtype: "uint8" }));
    const member = Deno.readFileSync(npy);
    const deflated = zlib.deflateRawSync(member, { level: 9 });
    assert.ok(
      member.length <= deflated.length * DEFLATE_MAX_RATIO + DEFLATE_SLACK,
    );
    assert.ok(member.length > deflated.length * (DEFLATE_MAX_RATIO - 10));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
