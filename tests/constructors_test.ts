import assert from "node:assert/strict";
import * as mod from "../mod.ts";

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

Deno.test("a Memmap is not made over a closed Mmap: BadResource", () => {
  const m = mod.Mmap.anonymous(64);
  m.close();
  assert.throws(
    () =>
      new mod.Memmap(
        m,
        {
          dtype: "float64",
          shape: [8],
          mode: "r+",
          offset: 0,
          filename: "x",
          start: 0,
        } as ConstructorParameters<typeof mod.Memmap>[1],
      ),
    Deno.errors.BadResource,
  );
});
