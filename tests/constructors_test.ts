import assert from "node:assert/strict";
import * as mod from "../mod.ts";
import { wrapMmap } from "../src/memmap/memmap.ts";
import { tempDir } from "./test_util.ts";

/**
 * Every class mod.ts exports, constructed with hostile or missing arguments:
 * either a working object or the library's own error ("Cannot ..."), never
 * an engine message and never a forged object the C calls would trust.
 */
const CLASSES = Object.entries(mod).filter(([, value]) =>
  typeof value === "function" &&
  /^class\b/.test(Function.prototype.toString.call(value))
) as [string, new (...args: unknown[]) => unknown][];

const fakeMapping = {
  released: false,
  moved: false,
  release: () => true,
  address: 16n,
  length: 4096,
  buffer: new ArrayBuffer(4096),
  request: {},
};

const ARGUMENTS: [string, unknown[]][] = [
  ["nothing", []],
  ["null", [null]],
  ["undefined, undefined", [undefined, undefined]],
  ["a Symbol", [Symbol("x")]],
  ["a forged mapping", [null, fakeMapping, "default", 0]],
  ["two empty objects", [{}, {}]],
  ["five numbers", [1, 2, 3, 4, 5]],
  ["a throwing Proxy", [
    new Proxy({}, {
      get: () => {
        throw new Error("trap");
      },
    }),
  ]],
];

Deno.test("every exported class refuses hostile constructor arguments with the library's own error", () => {
  assert.ok(CLASSES.length >= 5, CLASSES.map(([n]) => n).join());
  for (const [name, Class] of CLASSES) {
    for (const [label, args] of ARGUMENTS) {
      let made: unknown;
      try {
        made = new Class(...args);
      } catch (error) {
        const message = (error as Error).message;
        assert.ok(
          error instanceof Error &&
            (/^Cannot /.test(message) || message === "trap"),
          `new ${name}(${label}): ${message}`,
        );
        continue;
      }
      (made as { close?: () => void }).close?.();
    }
  }
});

/** Options a caller could forge for the `Memmap` constructor. */
const FORGED_MEMMAP_OPTIONS: [string, unknown][] = [
  ["a writable mode over a read-only map", {
    filename: "forged.bin",
    mode: "r+",
    offset: 0,
    start: 0,
    dtype: "uint8",
    shape: [4096],
  }],
  ["no file name", { dtype: "uint8", shape: [4096] }],
  ["copy-on-write mode", {
    filename: "forged.bin",
    mode: "c",
    offset: 0,
    start: 0,
    dtype: "float64",
    shape: [512],
  }],
  ["nothing", undefined],
];

Deno.test("new Memmap() is refused with the library's TypeError whatever the options, over a real Mmap (open, closed or through a subclass), and the map is left as it was", () => {
  using dir = tempDir();
  const path = `${dir.path}/forged.bin`;
  Deno.writeFileSync(path, new Uint8Array(4096).fill(1));
  class Sub extends mod.Memmap {}
  const makers: [string, (m: mod.Mmap, o: unknown) => unknown][] = [
    ["new Memmap", (m, o) => new mod.Memmap(m, o as mod.WrapOptions)],
    ["a subclass", (m, o) => new Sub(m, o as mod.WrapOptions)],
  ];
  for (const closed of [false, true]) {
    for (const [how, make] of makers) {
      for (const [label, options] of FORGED_MEMMAP_OPTIONS) {
        const m = mod.Mmap.open(path, { access: "read" });
        if (closed) m.close();
        assert.throws(
          () => make(m, options),
          (e: unknown) =>
            e instanceof TypeError &&
            /^Cannot construct a Memmap directly/.test(e.message),
          `${how}, ${label}${closed ? ", closed map" : ""}`,
        );
        if (!closed) {
          assert.equal(m.closed, false);
          assert.equal(m.get(0), 1);
          m.close();
        }
      }
    }
  }
  assert.deepEqual(Deno.readFileSync(path), new Uint8Array(4096).fill(1));
});

Deno.test("a Memmap is not made over a closed Mmap, even by the library: BadResource", () => {
  const m = mod.Mmap.anonymous(64);
  m.close();
  assert.throws(
    () =>
      wrapMmap(m, {
        dtype: "float64",
        shape: [8],
        mode: "r+",
        offset: 0,
        filename: "x",
        start: 0,
      }),
    Deno.errors.BadResource,
  );
});
