import assert from "node:assert/strict";
import { dtype } from "../../src/memmap/dtype.ts";
import {
  DescrError,
  NATIVE_BYTEORDER,
  parseDescr,
} from "../../src/npy/descr.ts";
import { parsePythonLiteral } from "../../src/npy/python_literal.ts";

/** The dtype of a descr written as Python source, as a header holds it. */
function descr(source: string) {
  return parseDescr(parsePythonLiteral(source));
}

Deno.test("parseDescr() reads dtype strings NumPy writes, in both byte orders", () => {
  for (
    const [d, str] of [
      ["<f8", "<f8"],
      [">i4", ">i4"],
      ["|b1", "|b1"],
      ["<c16", "<c16"],
      [">f2", ">f2"],
      ["|u1", "|u1"],
      ["|S5", "|S5"],
      [">U3", ">U3"],
      ["|V8", "|V8"],
      ["<M8[ns]", "<M8[ns]"],
      [">m8[2D]", ">m8[2D]"],
    ]
  ) {
    const t = parseDescr(d);
    assert.equal(t.str, str, d);
    assert.equal(t.itemsize, dtype(d).itemsize, d);
  }
});

Deno.test("parseDescr() normalises other spellings as numpy.dtype(descr).str does", () => {
  // Checked against NumPy 2.4: np.dtype(x).str for each x.
  const cases: [string, string][] = [
    ["<b1", "|b1"],
    [">u1", "|u1"],
    ["?", "|b1"],
    ["d", `${NATIVE_BYTEORDER}f8`],
    ["=i4", `${NATIVE_BYTEORDER}i4`],
    ["|f8", `${NATIVE_BYTEORDER}f8`],
    [">q", ">i8"],
    ["l", `${NATIVE_BYTEORDER}i8`],
    ["float64", `${NATIVE_BYTEORDER}f8`],
    ["complex", `${NATIVE_BYTEORDER}c16`],
    ["uint", `${NATIVE_BYTEORDER}u8`],
    ["e", `${NATIVE_BYTEORDER}f2`],
    ["F", `${NATIVE_BYTEORDER}c8`],
  ];
  for (const [d, str] of cases) {
    assert.equal(parseDescr(d).str, str, d);
  }
});

Deno.test("parseDescr() reads record lists as NumPy's descr_to_dtype: padding dropped, offsets kept, titles, nesting, subarrays", () => {
  const t = descr(
    "[(('The id', 'id'), '<u4'), ('', '|V4'), ('x', '>f8', (2, 3)), ('n', [('a', '|u1'), ('', '|V1'), ('b', '<i2')]), ('', '|V2')]",
  );
  assert.deepEqual(t.names, ["id", "x", "n"]);
  assert.equal(t.fields!.id.title, "The id");
  assert.equal(t.fields!.x.offset, 8);
  assert.deepEqual(t.fields!.x.dtype.subdtype!.shape, [2, 3]);
  assert.equal(t.fields!.n.offset, 56);
  assert.equal(t.fields!.n.dtype.fields!.b.offset, 2);
  assert.equal(t.itemsize, 62);
  assert.equal(descr("('<f4', (3,))").subdtype!.base.str, "<f4");
  assert.deepEqual(descr("[('', '<i4')]").names, [""]);
});

Deno.test("parseDescr() refuses object dtypes as pickles, also inside records", () => {
  for (const d of ["|O", "O", "<O8", "object"]) {
    assert.throws(
      () => parseDescr(d),
      (e: unknown) => e instanceof DescrError && e.reason === "object",
    );
  }
  assert.throws(
    () => descr("[('a', '<f8'), ('b', [('c', '|O')])]"),
    (e: unknown) => e instanceof DescrError && e.reason === "object",
  );
});

Deno.test("parseDescr() tells unsupported NumPy dtypes from invalid descriptors", () => {
  for (const d of ["T", "<T"]) {
    assert.throws(
      () => parseDescr(d),
      (e: unknown) => e instanceof DescrError && e.reason === "unsupported",
      d,
    );
  }
  for (
    const d of ["<f9", "f1", "i16", "!i2", "<float64", "<f8 ", "", "x", "<"]
  ) {
    assert.throws(
      () => parseDescr(d),
      (e: unknown) => e instanceof DescrError && e.reason === "invalid",
      d,
    );
  }
  for (
    const d of [
      "[('a',)]",
      "[('a', '<f8', (-1,))]",
      "[('a', '<f8'), ('a', '<i4')]",
      "[(1, '<f8')]",
      "[('a', 5)]",
      "('<f8',)",
      "5",
      "None",
      "{'a': '<f8'}",
    ]
  ) {
    assert.throws(
      () => descr(d),
      (e: unknown) => e instanceof DescrError && e.reason === "invalid",
      d,
    );
  }
});
