/**
 * The public names of the API contract (../shared/design/API.md), checked
 * for presence and kind, so that a rename or a lost export fails CI.
 */
import assert from "node:assert/strict";
import * as lib from "../mod.ts";
import type {
  Access,
  Complex,
  DType,
  DTypeLike,
  Index,
  Memmap,
  MemmapMode,
  MmapOptions,
  NDArray,
  NpzFile,
} from "../mod.ts";

Deno.test("mod.ts exports every name of the API contract", () => {
  const functions = [
    "dtype",
    "memmap",
    "load",
    "save",
    "openMemmap",
    "savez",
    "savezCompressed",
    "array",
    "norm",
  ];
  for (const name of functions) {
    assert.equal(
      typeof (lib as Record<string, unknown>)[name],
      "function",
      name,
    );
  }
  const classes = ["Mmap", "NDArray", "Memmap", "NpzFile", "SharedMemory"];
  for (const name of classes) {
    assert.equal(
      typeof (lib as Record<string, unknown>)[name],
      "function",
      name,
    );
  }
  const numbers = [
    "PAGESIZE",
    "ALLOCATIONGRANULARITY",
    "MAP_SHARED",
    "MAP_PRIVATE",
    "MAP_ANONYMOUS",
    "PROT_READ",
    "PROT_WRITE",
    "PROT_EXEC",
    "MADV_NORMAL",
    "MADV_RANDOM",
    "MADV_SEQUENTIAL",
    "MADV_WILLNEED",
    "MADV_DONTNEED",
  ];
  for (const name of numbers) {
    assert.equal(typeof (lib as Record<string, unknown>)[name], "number", name);
  }
  assert.equal(lib.ACCESS_READ, "read");
  assert.equal(lib.ACCESS_WRITE, "write");
  assert.equal(lib.ACCESS_COPY, "copy");
  assert.equal(lib.ACCESS_DEFAULT, "default");
});

Deno.test("Mmap has every member of the API contract", () => {
  for (const name of ["open", "anonymous", "fromFd"]) {
    assert.equal(
      typeof (lib.Mmap as unknown as Record<string, unknown>)[name],
      "function",
      name,
    );
  }
  const methods = [
    "close",
    "read",
    "readByte",
    "readline",
    "lines",
    "write",
    "writeByte",
    "seek",
    "tell",
    "seekable",
    "size",
    "find",
    "rfind",
    "get",
    "set",
    "slice",
    "flush",
    "madvise",
    "move",
    "resize",
  ];
  using m = lib.Mmap.anonymous(8);
  for (const name of methods) {
    assert.equal(
      typeof (m as unknown as Record<string, unknown>)[name],
      "function",
      name,
    );
  }
  assert.equal(typeof m[Symbol.dispose], "function");
  assert.equal(typeof m[Symbol.iterator], "function");
  const access: Access = m.access;
  assert.deepEqual([m.length, m.closed, access, m.offset, m.bytes.length], [
    8,
    false,
    "default",
    0,
    8,
  ]);
  const options: MmapOptions = { length: 0, offset: 0, access: "read" };
  assert.ok(options);
});

Deno.test("arrays have every member of the API contract", () => {
  const a: NDArray = lib.array([1, 2, 3, 4], { dtype: "int32", shape: [2, 2] });
  const d: DType = a.dtype;
  assert.deepEqual([d.name, d.str, d.itemsize, d.kind, d.byteorder], [
    "int32",
    "<i4",
    4,
    "i",
    "=",
  ]);
  assert.deepEqual([a.shape, a.strides, a.ndim, a.size, a.nbytes, a.itemsize], [
    [2, 2],
    [8, 4],
    2,
    4,
    16,
    4,
  ]);
  const index: Index[] = ["1:", null];
  for (
    const name of [
      "get",
      "set",
      "slice",
      "assign",
      "fill",
      "reshape",
      "transpose",
      "copy",
      "toArray",
      "toTypedArray",
      "sum",
      "mean",
      "min",
      "max",
      "add",
      "sub",
      "mul",
      "div",
    ]
  ) {
    assert.equal(
      typeof (a as unknown as Record<string, unknown>)[name],
      "function",
      name,
    );
  }
  assert.deepEqual(a.slice(...index).toArray(), [[3, 4]]);
  assert.deepEqual(a.T.shape, [2, 2]);
  const like: DTypeLike = "complex64";
  const c: Complex = lib.array([1, 2], { dtype: like }).get(1) as Complex;
  assert.deepEqual(c, { re: 2, im: 0 });
  const modes: MemmapMode[] = [
    "r",
    "r+",
    "w+",
    "c",
    "readonly",
    "readwrite",
    "write",
    "copyonwrite",
  ];
  assert.equal(modes.length, 8);
  const memmapMembers: (keyof Memmap)[] = [
    "filename",
    "offset",
    "mode",
    "flush",
    "close",
  ];
  const npzMembers: (keyof NpzFile)[] = ["files", "get", "close"];
  assert.equal(memmapMembers.length + npzMembers.length, 8);
});

/**
 * `JSON.stringify` of every public class, open and closed: the objects that
 * own memory refuse it with the library's TypeError (as Python's
 * `json.dumps` refuses an ndarray, memmap, mmap or SharedMemory), so no
 * storage, bytes or map is walked; the value objects give their public
 * fields only. [class, make (and the closer), JSON when not refused].
 */
Deno.test("JSON.stringify of every public class: a library TypeError for memory, public fields for values, never internals", () => {
  const dir = Deno.makeTempDirSync({ prefix: "mmap-json-" });
  try {
    Deno.writeFileSync(`${dir}/a.bin`, new Uint8Array(16));
    lib.savez(`${dir}/z.npz`, { a: lib.array([1, 2]) });
    const refused = (what: string) =>
      new RegExp(`^Cannot convert ${what} to JSON: .*\\S`);
    const cases: [string, () => unknown, RegExp | string][] = [
      ["NDArray", () => lib.array([[1, 2], [3, 4]]), refused("an NDArray")],
      [
        "NDArray view",
        () => lib.arange(6).reshape(2, 3).slice(":", "::-1"),
        refused("an NDArray"),
      ],
      [
        "NDArray int64",
        () => lib.array([1n, 2n], { dtype: "int64" }),
        refused("an NDArray"),
      ],
      [
        "NDArray complex",
        () => lib.zeros([2], { dtype: "complex128" }),
        refused("an NDArray"),
      ],
      [
        "NDArray records",
        () => lib.zeros([2], { dtype: [["a", "i4"], ["b", "f8"]] }),
        refused("an NDArray"),
      ],
      [
        "Memmap",
        () => lib.memmap(`${dir}/a.bin`, { mode: "r", dtype: "int32" }),
        refused("a Memmap"),
      ],
      [
        "Memmap view",
        () =>
          lib.memmap(`${dir}/a.bin`, { mode: "r", dtype: "int32" }).slice("1:"),
        refused("a Memmap"),
      ],
      [
        "Mmap",
        () => lib.Mmap.open(`${dir}/a.bin`, { access: "read" }),
        refused("an Mmap"),
      ],
      ["Mmap anonymous", () => lib.Mmap.anonymous(8), refused("an Mmap")],
      [
        "SharedMemory",
        () => new lib.SharedMemory({ create: true, size: 16 }),
        refused("a SharedMemory"),
      ],
      [
        "NpzFile",
        () => new lib.NpzFile(`${dir}/z.npz`),
        // The filename as NpzFile reports it (absolute, in the platform's
        // own separators on Windows), then mmapMode.
        '{"files":["a"],"filename":',
      ],
      ["DType", () => lib.dtype("int32"), '"name":"int32"'],
    ];
    for (const [what, make, expected] of cases) {
      const value = make();
      for (const state of ["open", "closed"]) {
        const where = `${what} (${state})`;
        const closable = value instanceof lib.Memmap ||
          value instanceof lib.Mmap || value instanceof lib.SharedMemory;
        if (expected instanceof RegExp && state === "closed" && closable) {
          // A closed object is BadResource, as for every other method.
          assert.throws(() => JSON.stringify(value), Deno.errors.BadResource);
        } else if (expected instanceof RegExp) {
          assert.throws(() => JSON.stringify(value), (e: Error) => {
            assert.equal(e.constructor, TypeError, `${where}: ${e.message}`);
            assert.match(e.message, expected, where);
            return true;
          });
          // Inside another value too.
          assert.throws(() => JSON.stringify({ value }), TypeError, where);
        } else {
          const json = JSON.stringify(value);
          assert.ok(json.includes(expected), `${where}: ${json}`);
          assert.doesNotMatch(json, /storage|notCloneable|bytes|#/, where);
          if (value instanceof lib.NpzFile) {
            assert.deepEqual(JSON.parse(json), {
              files: ["a"],
              filename: value.filename,
              mmapMode: null,
            }, where);
            assert.match(value.filename, /z\.npz$/, where);
          }
        }
        if (state === "open") {
          if (value instanceof lib.SharedMemory) {
            value.close();
            value.unlink();
          } else if (
            value instanceof lib.Memmap || value instanceof lib.Mmap ||
            value instanceof lib.NpzFile
          ) {
            (value as { close(): void }).close();
          }
        }
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
