/**
 * Flags with bit 31 set are negative numbers in JavaScript; every `u32`/`u64`
 * parameter of both symbol tables gets them unsigned (src/ffi/unsigned.ts).
 *
 * @module
 */

import assert from "node:assert/strict";
import { KERNEL32_SYMBOLS, WIN32 } from "../../src/ffi/kernel32.ts";
import { LIBC_SYMBOLS } from "../../src/ffi/libc.ts";
import { FakeKernel32 } from "./fake_kernel32.ts";
import { MODEL_IGNORE } from "./_model.ts";
import { unsignedBits, unsignedParameters } from "../../src/ffi/unsigned.ts";

Deno.test("unsignedBits() reads a negative 32-bit integer unsigned and passes anything else as is", () => {
  const cases: [unknown, unknown][] = [
    [WIN32.GENERIC_READ | WIN32.GENERIC_WRITE, 0xc0000000],
    [-1, 0xffffffff],
    [-(2 ** 31), 2 ** 31],
    [0, 0],
    [0x80000000, 0x80000000],
    [-(2 ** 31) - 1, -(2 ** 31) - 1],
    [-1.5, -1.5],
    [-1n, -1n],
    [null, null],
  ];
  for (const [value, expected] of cases) {
    assert.equal(unsignedBits(value), expected, String(value));
  }
});

/** Every symbol of both tables, with the positions of its unsigned parameters. */
const TABLES = [
  ["kernel32", KERNEL32_SYMBOLS],
  ["libc", LIBC_SYMBOLS],
] as const;

for (const [library, table] of TABLES) {
  Deno.test(`unsignedParameters() passes every ${library} flag unsigned at u32/u64 positions only`, () => {
    const seen: Record<string, unknown[]> = {};
    const symbols: Record<string, (...args: unknown[]) => unknown> = {};
    for (const name of Object.keys(table)) {
      symbols[name] = (...args: unknown[]) => (seen[name] = args);
    }
    const wrapped = unsignedParameters(symbols, table);
    for (const [name, declaration] of Object.entries(table)) {
      const parameters = declaration.parameters as readonly unknown[];
      const args = parameters.map(() => -1073741824);
      (wrapped[name] as (...a: unknown[]) => unknown)(...args);
      const expected = parameters.map((type) =>
        type === "u32" || type === "u64" ? 0xc0000000 : -1073741824
      );
      assert.deepEqual(seen[name], expected, name);
      if (!parameters.some((type) => type === "u32" || type === "u64")) {
        assert.equal(wrapped[name], symbols[name], `${name} is not wrapped`);
      }
    }
  });
}

Deno.test({
  name:
    "Deno's FFI refuses a negative mask for a u32, and accepts it through unsignedParameters()",
  ignore: Deno.build.os !== "linux",
  fn() {
    // uint32_t htonl(uint32_t): a pure libc function with a u32 parameter.
    const table = {
      htonl: { parameters: ["u32"], result: "u32" },
    } as const satisfies Deno.ForeignLibraryInterface;
    const library = Deno.dlopen("libc.so.6", table);
    try {
      const mask = WIN32.GENERIC_READ | WIN32.GENERIC_WRITE;
      assert.ok(mask < 0);
      assert.throws(() => library.symbols.htonl(mask), TypeError);
      const { htonl } = unsignedParameters(library.symbols, table);
      const bigEndian = new DataView(new ArrayBuffer(4));
      bigEndian.setUint32(0, 0xc0000000);
      assert.equal(htonl(mask), bigEndian.getUint32(0, true));
    } finally {
      library.close();
    }
  },
});

Deno.test({
  name: "the kernel32 model refuses a negative u32 as Deno's FFI does",
  ignore: MODEL_IGNORE,
  fn() {
    const fake = new FakeKernel32();
    try {
      assert.throws(
        () =>
          fake.symbols.OpenFileMappingW(
            WIN32.FILE_MAP_READ | 0x80000000,
            0,
            new Uint16Array([0x78, 0]),
          ),
        /Invalid FFI u32 type, expected unsigned integer/,
      );
    } finally {
      fake.dispose();
    }
  },
});
