import assert from "node:assert/strict";
import {
  DescrError,
  NATIVE_BYTEORDER,
  parseDescr,
} from "../../src/npy/descr.ts";

Deno.test("parseDescr() reads dtype strings NumPy writes, in both byte orders", () => {
  assert.deepEqual(parseDescr("<f8"), {
    str: "<f8",
    kind: "f",
    itemsize: 8,
    byteorder: "<",
  });
  assert.deepEqual(parseDescr(">i4"), {
    str: ">i4",
    kind: "i",
    itemsize: 4,
    byteorder: ">",
  });
  assert.deepEqual(parseDescr("|b1"), {
    str: "|b1",
    kind: "b",
    itemsize: 1,
    byteorder: "|",
  });
  assert.deepEqual(parseDescr("<c16"), {
    str: "<c16",
    kind: "c",
    itemsize: 16,
    byteorder: "<",
  });
  assert.deepEqual(parseDescr(">f2"), {
    str: ">f2",
    kind: "f",
    itemsize: 2,
    byteorder: ">",
  });
  assert.equal(parseDescr("|u1").str, "|u1");
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
  for (const [descr, str] of cases) {
    assert.equal(parseDescr(descr).str, str, descr);
  }
});

Deno.test("parseDescr() refuses object dtypes as pickles", () => {
  for (const d of ["|O", "O", "<O8", "object"]) {
    assert.throws(
      () => parseDescr(d),
      (e: unknown) =>
        e instanceof DescrError && e.reason === "object" &&
        /pickles are never read/.test(e.message),
    );
  }
});

Deno.test("parseDescr() tells unsupported NumPy dtypes from invalid descriptors", () => {
  for (
    const d of [
      "<M8[ns]",
      "<m8",
      "|S5",
      "<U3",
      "|V8",
      "<f16",
      "g",
      "<c32",
      "datetime64[s]",
    ]
  ) {
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
});
