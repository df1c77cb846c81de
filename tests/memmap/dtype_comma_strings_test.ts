// NumPy's comma strings (numpy/_core/_internal.py `_commastring`, taken when
// a dtype string starts with a digit or "()" or has a comma outside
// brackets): "2i4" and "(2,3)f8" are subarrays, "f8, i4" a record with
// fields f0, f1, ... Each row is what NumPy 2.4 gives; refusals are the
// library's TypeError.

import assert from "node:assert/strict";
import { type DType, dtype } from "../../mod.ts";
import { HAS_NUMPY, python } from "../test_util.ts";

interface Row {
  like: string;
  numpy:
    | "refused"
    | { itemsize: number; descr: unknown; shape?: number[] };
}

const ROWS: Row[] = [
  { like: "(2,)i2", numpy: { itemsize: 4, descr: "<i2", shape: [2] } },
  { like: "(2,3)f8", numpy: { itemsize: 48, descr: "<f8", shape: [2, 3] } },
  { like: "(2)i4", numpy: "refused" },
  { like: "2i4", numpy: { itemsize: 8, descr: "<i4", shape: [2] } },
  { like: "3u1", numpy: { itemsize: 3, descr: "|u1", shape: [3] } },
  { like: "(2, 3)>f8", numpy: { itemsize: 48, descr: ">f8", shape: [2, 3] } },
  { like: "( 2 , )i2", numpy: { itemsize: 4, descr: "<i2", shape: [2] } },
  { like: "()i4", numpy: { itemsize: 4, descr: "<i4" } },
  { like: "(0,)i4", numpy: { itemsize: 0, descr: "<i4", shape: [0] } },
  { like: "0i4", numpy: { itemsize: 0, descr: "<i4", shape: [0] } },
  { like: "1i4", numpy: { itemsize: 4, descr: "<i4", shape: [1] } },
  { like: "(1,)i4", numpy: { itemsize: 4, descr: "<i4", shape: [1] } },
  {
    like: "f8, i4",
    numpy: { itemsize: 12, descr: [["f0", "<f8"], ["f1", "<i4"]] },
  },
  {
    like: "f8,i4",
    numpy: { itemsize: 12, descr: [["f0", "<f8"], ["f1", "<i4"]] },
  },
  { like: "i4,", numpy: { itemsize: 4, descr: [["f0", "<i4"]] } },
  { like: "i4, ", numpy: { itemsize: 4, descr: [["f0", "<i4"]] } },
  {
    like: "f8, (2,)i4",
    numpy: { itemsize: 16, descr: [["f0", "<f8"], ["f1", "<i4", [2]]] },
  },
  {
    like: "f8,2i4",
    numpy: { itemsize: 16, descr: [["f0", "<f8"], ["f1", "<i4", [2]]] },
  },
  { like: " f8, i4", numpy: "refused" },
  {
    like: "f8 ,i4",
    numpy: { itemsize: 12, descr: [["f0", "<f8"], ["f1", "<i4"]] },
  },
  {
    like: "f8, i4, U3",
    numpy: {
      itemsize: 24,
      descr: [["f0", "<f8"], ["f1", "<i4"], ["f2", "<U3"]],
    },
  },
  { like: "f8,,i4", numpy: "refused" },
  { like: "(2,)(3,)i4", numpy: "refused" },
  { like: "2 i4", numpy: { itemsize: 8, descr: "<i4", shape: [2] } },
  { like: "i4 ", numpy: "refused" },
  { like: "(2,)S3", numpy: { itemsize: 6, descr: "|S3", shape: [2] } },
  { like: "(-1,)i4", numpy: "refused" },
  { like: "(2147483648,)u1", numpy: "refused" },
  { like: "(2,)", numpy: "refused" },
  {
    like: "f8,(2,3)f4,S5",
    numpy: {
      itemsize: 37,
      descr: [["f0", "<f8"], ["f1", "<f4", [2, 3]], ["f2", "|S5"]],
    },
  },
  {
    like: "(2,)i2, (3,)f4",
    numpy: { itemsize: 16, descr: [["f0", "<i2", [2]], ["f1", "<f4", [3]]] },
  },
  { like: "<(2,)>i4", numpy: "refused" },
  { like: ">(2,)>i4", numpy: { itemsize: 8, descr: ">i4", shape: [2] } },
  { like: "=(2,)<i4", numpy: { itemsize: 8, descr: "<i4", shape: [2] } },
  { like: "2,3i4", numpy: { itemsize: 24, descr: "<i4", shape: [2, 3] } },
  { like: "02i4", numpy: "refused" },
  {
    like: "M8[ns], i4",
    numpy: { itemsize: 12, descr: [["f0", "<M8[ns]"], ["f1", "<i4"]] },
  },
  {
    like: "(2)i4, f8",
    numpy: { itemsize: 16, descr: [["f0", "<i4", [2]], ["f1", "<f8"]] },
  },
  { like: "3", numpy: "refused" },
  { like: ",i4", numpy: "refused" },
  { like: "i4,,", numpy: "refused" },
  { like: "f8,  ", numpy: { itemsize: 8, descr: [["f0", "<f8"]] } },
];

/** What the table holds for a type: the record's descr, or a subarray's base and shape, or the type string. */
function summary(
  t: DType,
): { itemsize: number; descr: unknown; shape?: number[] } {
  if (t.subdtype !== null) {
    return {
      itemsize: t.itemsize,
      descr: t.subdtype.base.str,
      shape: [...t.subdtype.shape],
    };
  }
  return { itemsize: t.itemsize, descr: t.names !== null ? t.descr : t.str };
}

for (const row of ROWS) {
  if (row.numpy === "refused") {
    Deno.test(`dtype(${JSON.stringify(row.like)}) is refused, as NumPy refuses it`, () => {
      assert.throws(
        () => dtype(row.like),
        (e: unknown) => e instanceof TypeError && /^Cannot /.test(e.message),
      );
    });
  } else {
    const want = row.numpy;
    Deno.test(`dtype(${JSON.stringify(row.like)}) reads as NumPy's comma string`, () => {
      assert.deepEqual(summary(dtype(row.like)), want);
    });
  }
}

Deno.test({
  name: "dtype() comma string table: NumPy gives each row's outcome",
  ignore: !HAS_NUMPY,
  fn() {
    const script = `
import json, sys, warnings, numpy as np
warnings.simplefilter("ignore")
out = []
for s in json.loads(sys.argv[1]):
    try:
        d = np.dtype(s)
    except Exception:
        out.append("refused")
        continue
    if d.names:
        out.append({"itemsize": d.itemsize, "descr": d.descr})
    elif d.subdtype:
        out.append({"itemsize": d.itemsize, "descr": d.subdtype[0].str, "shape": list(d.subdtype[1])})
    else:
        out.append({"itemsize": d.itemsize, "descr": d.str})
print(json.dumps(out))
`;
    const got = JSON.parse(
      python(script, JSON.stringify(ROWS.map((r) => r.like))),
    ) as unknown[];
    ROWS.forEach((row, i) => assert.deepEqual(got[i], row.numpy, row.like));
  },
});
