import assert from "node:assert/strict";
import { frombuffer, memmap, Mmap, NDArray, SharedMemory } from "../../mod.ts";

// The messages for a closed or read-only array name what its memory is: a
// memmap's file, a map's bytes given to frombuffer(), a shared-memory
// block's, a caller's plain ArrayBuffer transferred away (no map at all), or
// storage given as read-only.
type Row = {
  make: (dir: string) => { array: NDArray; close: () => void };
  closed: RegExp;
};

const CLOSED: Record<string, Row> = {
  memmap: {
    make: (dir) => {
      const m = memmap(`${dir}/a.bin`, { mode: "w+", shape: [4] });
      return { array: m, close: () => m.close() };
    },
    closed: /^Cannot use the array: the memory map of ".*a\.bin" is closed$/,
  },
  "frombuffer of an Mmap's bytes": {
    make: () => {
      const m = Mmap.anonymous(16);
      return { array: frombuffer(m.bytes), close: () => m.close() };
    },
    closed: /^Cannot use the array: the memory map is closed$/,
  },
  "frombuffer of a SharedMemory's buf": {
    make: () => {
      const s = new SharedMemory({ create: true, size: 16 });
      return {
        array: frombuffer(s.buf),
        close: () => {
          s.close();
          s.unlink();
        },
      };
    },
    closed: /^Cannot use the array: the memory map is closed$/,
  },
  "frombuffer of a plain ArrayBuffer transferred away": {
    make: () => {
      const buffer = new ArrayBuffer(16);
      return { array: frombuffer(buffer), close: () => buffer.transfer() };
    },
    closed:
      /^Cannot use the array: its ArrayBuffer was detached \(transferred away\)$/,
  },
};

Deno.test("a closed array's message names what its memory was", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const [kind, { make, closed }] of Object.entries(CLOSED)) {
      const { array, close } = make(dir);
      close();
      for (
        const [name, use] of Object.entries({
          get: () => array.get(0),
          sum: () => array.sum(),
          fill: () => array.fill(1),
          toArray: () => array.toArray(),
        })
      ) {
        assert.throws(
          use,
          (e: Error) =>
            e instanceof Deno.errors.BadResource && closed.test(e.message),
          `${kind} ${name}`,
        );
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a read-only array's message names what its memory is", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/a.bin`;
    Deno.writeFileSync(path, new Uint8Array(16));
    using ro = Mmap.open(path, { access: "read" });
    using m = memmap(path, { mode: "r", dtype: "uint8" });
    using rw = Mmap.open(path, { access: "write" });
    using anon = Mmap.anonymous(16);
    using shm = new SharedMemory({ create: true, size: 16 });
    const rows: [string, NDArray, RegExp][] = [
      [
        "memmap mode r",
        m,
        /the memory map ".*a\.bin" is read-only \(mode "r"\)$/,
      ],
      [
        "frombuffer of a read-access map",
        frombuffer(ro.bytes),
        /its memory is a read-only map's \(access "read" or made without PROT_WRITE\)$/,
      ],
      [
        "storage given as read-only",
        new NDArray(
          { bytes: new Uint8Array(4), readOnly: true },
          "uint8",
          [4],
        ),
        /its storage was given as read-only \(readOnly: true\)$/,
      ],
      [
        "storage given as read-only, labelled",
        new NDArray(
          { bytes: new Uint8Array(4), readOnly: true, label: "mine" },
          "uint8",
          [4],
        ),
        /its storage "mine" was given as read-only \(readOnly: true\)$/,
      ],
      [
        "a writable map's bytes given as read-only storage",
        new NDArray({ bytes: rw.bytes, readOnly: true }, "uint8", [16]),
        /its storage was given as read-only \(readOnly: true\)$/,
      ],
      [
        "a writable map's bytes given as read-only storage, labelled",
        new NDArray(
          { bytes: rw.bytes, readOnly: true, label: path },
          "uint8",
          [16],
        ),
        /its storage ".*a\.bin" was given as read-only \(readOnly: true\)$/,
      ],
      [
        "an anonymous map's bytes given as read-only storage",
        new NDArray({ bytes: anon.bytes, readOnly: true }, "uint8", [16]),
        /its storage was given as read-only \(readOnly: true\)$/,
      ],
      [
        "a SharedMemory's buf given as read-only storage",
        new NDArray({ bytes: shm.buf, readOnly: true }, "uint8", [16]),
        /its storage was given as read-only \(readOnly: true\)$/,
      ],
      [
        "a read-access map's bytes given as writable storage",
        new NDArray({ bytes: ro.bytes, readOnly: false }, "uint8", [16]),
        /its memory is a read-only map's \(access "read" or made without PROT_WRITE\)$/,
      ],
      [
        "a read-access map's bytes given as read-only storage",
        new NDArray({ bytes: ro.bytes, readOnly: true }, "uint8", [16]),
        /its memory is a read-only map's \(access "read" or made without PROT_WRITE\)$/,
      ],
      [
        "a memmap mode r's storage given again",
        new NDArray(m.storage, "uint8", [16]),
        /the memory map ".*a\.bin" is read-only \(mode "r"\)$/,
      ],
      [
        "a view of a memmap mode r",
        m.slice(1) as NDArray,
        /the memory map ".*a\.bin" is read-only \(mode "r"\)$/,
      ],
    ];
    for (const [kind, array, message] of rows) {
      assert.throws(
        () => array.fill(1),
        (e: Error) =>
          e instanceof TypeError &&
          e.message.startsWith("Cannot write to the array: ") &&
          message.test(e.message),
        kind,
      );
    }
    shm.unlink();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
