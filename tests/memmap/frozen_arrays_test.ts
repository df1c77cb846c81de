/**
 * Arrays cannot be changed once made: every public field of an `NDArray`
 * and a `Memmap` (where the elements are, how many, of what type, which
 * file) is read-only at run time, so no walk can be sent outside its
 * storage by a changed field.
 */
import assert from "node:assert/strict";
import { arange, dtype, Memmap, memmap, NDArray, zeros } from "../../mod.ts";

const FIELDS: [string, unknown][] = [
  ["byteOffset", 2 ** 30],
  ["dtype", dtype("complex128")],
  ["size", 2 ** 40],
  ["nbytes", 2 ** 40],
  ["itemsize", 64],
  ["ndim", 5],
  ["shape", [1e9]],
  ["strides", [1e9]],
  ["storage", { bytes: new Uint8Array(8), readOnly: false }],
  ["filename", "/etc/passwd"],
  ["offset", 2 ** 30],
  ["mode", "r+"],
];

Deno.test("every public field of an NDArray or Memmap is read-only: assignments throw and change nothing", () => {
  const dir = Deno.makeTempDirSync({ prefix: "mmap-frozen-" });
  try {
    Deno.writeFileSync(`${dir}/a.bin`, new Uint8Array(64));
    const m = memmap(`${dir}/a.bin`, { mode: "r", dtype: "float64" });
    const kinds: [string, Record<string, unknown>][] = [
      ["NDArray", arange(8, { dtype: "float64" }) as never],
      ["NDArray view", arange(8, { dtype: "float64" }).slice("1::2") as never],
      ["NDArray of bytes", zeros([2], { dtype: "S3" }) as never],
      ["Memmap", m as never],
      ["Memmap view", m.slice("2:") as never],
    ];
    for (const [what, a] of kinds) {
      assert.ok(Object.isFrozen(a), what);
      for (const [field, value] of FIELDS) {
        if (!(field in a)) continue;
        const before = a[field];
        assert.throws(
          () => {
            a[field] = value;
          },
          TypeError,
          `${what}.${field}`,
        );
        assert.equal(a[field], before, `${what}.${field}`);
      }
    }
    m.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("NDArray cannot be subclassed and its and Memmap's methods cannot be replaced", () => {
  class Mine extends NDArray {}
  assert.throws(
    () => new Mine({ bytes: new Uint8Array(8), readOnly: false }, "f8", [1]),
    (e: Error) =>
      e.constructor === TypeError &&
      /^Cannot construct a subclass of NDArray/.test(e.message),
  );
  for (const proto of [NDArray.prototype, Memmap.prototype]) {
    assert.ok(Object.isFrozen(proto));
    for (const name of ["storage", "fill", "sum", "assign", "close"]) {
      if (!(name in proto)) continue;
      assert.throws(
        () => Object.defineProperty(proto, name, { get: () => null }),
        TypeError,
      );
    }
  }
  // The library's own arrays and memmaps are still made.
  assert.equal(
    new NDArray({ bytes: new Uint8Array(8), readOnly: false }, "f8", [1])
      .size,
    1,
  );
});
