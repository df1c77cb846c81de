import assert from "node:assert/strict";
import {
  array,
  frombuffer,
  load,
  type Memmap,
  memmap,
  Mmap,
  NpzFile,
  openMemmap,
  PROT_READ,
  save,
  savez,
} from "../../mod.ts";

// The memory of a read-access map (access "read", prot without PROT_WRITE,
// memmap mode "r") is read-only wherever it goes, as NumPy's frombuffer() of
// a read-only mmap gives a read-only array: a write through it would land
// in a private page and never reach the file (POSIX), or fault (Windows).
// Each row of WRITERS is a call that writes into memory it is given; each
// row of SOURCES is a way to reach a read-access map's bytes.
const WRITERS: Record<string, (bytes: Uint8Array) => void> = {
  "frombuffer().fill()": (bytes) =>
    frombuffer(bytes, { dtype: "uint8" }).fill(1),
  "frombuffer().assign()": (bytes) =>
    frombuffer(bytes, { dtype: "uint8" }).assign(2),
  "frombuffer().set()": (bytes) =>
    frombuffer(bytes, { dtype: "uint8" }).set(0, 3),
  "out= of a ufunc": (bytes) => {
    array([1, 2, 3, 4], { dtype: "uint8" }).add(1, {
      out: frombuffer(bytes.subarray(0, 4), { dtype: "uint8" }),
    });
  },
  "Mmap.readInto()": (bytes) => {
    using source = Mmap.anonymous(4096);
    source.write("xyz");
    source.readInto(bytes, 0);
  },
};

type Source = (dir: string) => { bytes: Uint8Array; path: string } & Disposable;

function opened(path: string, m: { close(): void }, bytes: Uint8Array) {
  return { bytes, path, [Symbol.dispose]: () => m.close() };
}

const SOURCES: Record<string, Source> = {
  'Mmap.open(access: "read")': (dir) => {
    const path = `${dir}/raw.bin`;
    Deno.writeFileSync(path, new Uint8Array(64));
    const m = Mmap.open(path, { access: "read" });
    return opened(path, m, m.bytes);
  },
  "Mmap.open(prot: PROT_READ)": (dir) => {
    const path = `${dir}/raw.bin`;
    Deno.writeFileSync(path, new Uint8Array(64));
    const m = Mmap.open(path, { prot: PROT_READ });
    return opened(path, m, m.bytes);
  },
  'memmap(mode: "r")': (dir) => {
    const path = `${dir}/raw.bin`;
    Deno.writeFileSync(path, new Uint8Array(64));
    const m = memmap(path, { mode: "r" });
    return opened(path, m, m.storage.bytes);
  },
  'load(mmapMode: "r")': (dir) => {
    const path = `${dir}/a.npy`;
    save(path, array(new Uint8Array(64)));
    const m = load(path, { mmapMode: "r" }) as Memmap;
    return opened(path, m, m.storage.bytes);
  },
  'openMemmap(mode: "r")': (dir) => {
    const path = `${dir}/a.npy`;
    save(path, array(new Uint8Array(64)));
    const m = openMemmap(path, { mode: "r" });
    return opened(path, m, m.storage.bytes);
  },
  'NpzFile(mmapMode: "r")': (dir) => {
    const path = `${dir}/a.npz`;
    savez(path, { a: array(new Uint8Array(64)) });
    using npz = new NpzFile(path, { mmapMode: "r" });
    const m = npz.get("a") as Memmap;
    return opened(path, m, m.storage.bytes);
  },
};

Deno.test("library calls refuse to write into the memory of a read-access map", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const [source, open] of Object.entries(SOURCES)) {
      for (const [name, write] of Object.entries(WRITERS)) {
        using m = open(dir);
        const file = Deno.readFileSync(m.path);
        const before = m.bytes.slice();
        assert.throws(
          () => write(m.bytes),
          (e: Error) =>
            e instanceof TypeError &&
            /^Cannot (write to the array|read into a buffer): .*read-only/
              .test(e.message),
          `${source} ${name}`,
        );
        // Nothing was written, and reading through an array is fine.
        assert.deepEqual(m.bytes, before, `${source} ${name}`);
        assert.deepEqual(Deno.readFileSync(m.path), file, `${source} ${name}`);
        assert.deepEqual(
          frombuffer(m.bytes, { dtype: "uint8" }).toTypedArray(),
          before,
          `${source} ${name}`,
        );
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("arrays over a writable or copy-on-write map's memory stay writable", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/raw.bin`;
    for (const access of ["write", "copy", "default"] as const) {
      Deno.writeFileSync(path, new Uint8Array(8));
      using m = Mmap.open(path, { access });
      frombuffer(m.bytes, { dtype: "uint8" }).fill(7);
      assert.equal(m.get(0), 7, access);
      m.flush();
      assert.equal(Deno.readFileSync(path)[0], access === "copy" ? 0 : 7);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
