import assert from "node:assert/strict";
import { load, type NDArray, NpzFile, openMemmap, zeros } from "../../mod.ts";
import { describe } from "../../src/_args.ts";
import { outputFile } from "../../src/npy/_files.ts";
import { ZipWriter } from "../../src/npy/zip_writer.ts";
import { headerOnlyNpy } from "../test_util.ts";

// Zero-size elements (`<U0`, `|V0`, `|S0`, records whose fields take no
// bytes) bound no shape by their bytes: a header whose dimensions or element
// count pass 2**53 - 1 is malformed content (InvalidData, with the numbers
// printed exactly), not a RangeError from making the array.

const DESCRS = [
  "'<U0'",
  "'|V0'",
  "'|S0'",
  "[('a', '<U0')]",
  "[('a', '<f8', (0,))]",
];

const REFUSED: [string, RegExp][] = [
  ["(1152921504606846976,)", /has dimension 1152921504606846976, more than/],
  ["(9007199254740992,)", /has dimension 9007199254740992, more than/],
  ["(0, 1152921504606846976)", /has dimension 1152921504606846976, more/],
  [
    "(1073741824, 1073741824)",
    /has 1152921504606846976 elements, more than 2\*\*53 - 1/,
  ],
];

Deno.test("every .npy reader refuses zero-size elements in a shape past 2**53 - 1 as InvalidData", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const [i, descr] of DESCRS.entries()) {
      for (const [j, [shape, reason]] of REFUSED.entries()) {
        const bytes = headerOnlyNpy(descr, shape);
        const path = `${dir}/${i}_${j}.npy`;
        Deno.writeFileSync(path, bytes);
        const zpath = `${dir}/${i}_${j}.npz`;
        {
          using file = Deno.openSync(zpath, { write: true, createNew: true });
          const w = new ZipWriter(outputFile(file, zpath));
          w.add("a.npy", [bytes], { compress: false });
          w.add("b.npy", [bytes], { compress: true });
          w.finish();
        }
        const member = (name: string, mmapMode?: "r") => () => {
          using z = new NpzFile(zpath, { mmapMode });
          return z.get(name);
        };
        const readers: Record<string, () => unknown> = {
          load: () => load(path),
          'load(mmapMode: "r")': () => load(path, { mmapMode: "r" }),
          openMemmap: () => openMemmap(path),
          "NpzFile stored": member("a"),
          "NpzFile stored, mapped": member("a", "r"),
          "NpzFile deflated": member("b"),
        };
        for (const [name, read] of Object.entries(readers)) {
          assert.throws(
            read,
            (e: Error) =>
              e instanceof Deno.errors.InvalidData &&
              e.message.startsWith(`Header shape ${shape} `) &&
              reason.test(e.message),
            `${descr} ${shape} ${name}`,
          );
        }
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("zero-size elements in a large shape within 2**53 - 1 still load", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/a.npy`;
    Deno.writeFileSync(path, headerOnlyNpy("'<U0'", "(1099511627776,)"));
    const a = load(path) as NDArray;
    assert.deepEqual(a.shape, [2 ** 40]);
    assert.equal(a.nbytes, 0);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("messages print integers past 2**53 exactly", () => {
  const rows: [number, string][] = [
    [2 ** 60, "1152921504606846976"],
    [-(2 ** 60), "-1152921504606846976"],
    [2 ** 53, "9007199254740992"],
    [2 ** 64, "18446744073709551616"],
    [2 ** 53 - 1, "9007199254740991"],
    [1e21, "1e+21"],
    [1.5, "1.5"],
  ];
  for (const [value, shown] of rows) assert.equal(describe(value), shown);
  assert.throws(
    () => zeros([2 ** 60], { dtype: "V0" }),
    (e: Error) =>
      e instanceof RangeError && e.message.includes("1152921504606846976"),
  );
});

// A subarray field of no elements adds no byte to reach: its view over an
// array of any number of records is accepted, as NumPy's (attack11 A9).
const EMPTY_FIELDS: [string, string, string, number[]][] = [
  ["[('a', '<f8', (0,))]", "(4503599627370496,)", "a", [2 ** 52, 0]],
  ["[('a', '<i4', (0, 3))]", "(1125899906842624,)", "a", [2 ** 50, 0, 3]],
  ["[('a', 'S5', (2, 0))]", "(1125899906842624, 2)", "a", [2 ** 50, 2, 2, 0]],
  ["[('a', '<f8', (0,))]", "(3,)", "a", [3, 0]],
];

Deno.test("the view of a subarray field of no elements is accepted whatever the number of records, through every reader", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const [i, [descr, shape, field, want]] of EMPTY_FIELDS.entries()) {
      const path = `${dir}/f${i}.npy`;
      Deno.writeFileSync(path, headerOnlyNpy(descr, shape));
      const readers: Record<string, () => NDArray> = {
        load: () => load(path) as NDArray,
        'load(mmapMode: "r")': () => load(path, { mmapMode: "r" }) as NDArray,
        openMemmap: () => openMemmap(path),
      };
      for (const [name, read] of Object.entries(readers)) {
        const a = read();
        try {
          const view = a.field(field);
          assert.deepEqual(view.shape, want, `${descr} ${shape} ${name}`);
          assert.equal(view.nbytes, 0, `${descr} ${shape} ${name}`);
        } finally {
          (a as { close?: () => void }).close?.();
        }
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
