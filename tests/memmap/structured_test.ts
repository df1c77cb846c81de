import assert from "node:assert/strict";
import { DType, dtype, type DTypeLike } from "../../src/memmap/dtype.ts";
import { pyDescr } from "../../src/memmap/structured.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";
import { pySpec } from "./_pyspec.ts";

/** Specs built by both NumPy and `dtype()`; `align` as NumPy's `align=True`. */
const CASES: { spec: DTypeLike; align?: boolean }[] = [
  { spec: "S5" },
  { spec: "|S5" },
  { spec: "S1" },
  { spec: "S" },
  { spec: "a7" },
  { spec: "c" },
  { spec: "U10" },
  { spec: ">U10" },
  { spec: "<U1" },
  { spec: "|U3" },
  { spec: "U" },
  { spec: "V8" },
  { spec: "V" },
  { spec: "bytes" },
  { spec: "str" },
  { spec: "void" },
  { spec: "M8[ns]" },
  { spec: ">M8[ns]" },
  { spec: "datetime64[D]" },
  { spec: "m8[ms]" },
  { spec: "timedelta64[s]" },
  { spec: "M8" },
  { spec: "m8" },
  { spec: "M" },
  { spec: "datetime64" },
  { spec: "M8[generic]" },
  { spec: "M8[2D]" },
  { spec: "m8[15m]" },
  { spec: "M8[1D]" },
  { spec: "M8[Y]" },
  { spec: "M8[M]" },
  { spec: "M8[W]" },
  { spec: "M8[h]" },
  { spec: "M8[m]" },
  { spec: "M8[s]" },
  { spec: "M8[us]" },
  { spec: "M8[μs]" },
  { spec: "M8[ps]" },
  { spec: "M8[fs]" },
  { spec: "M8[as]" },
  { spec: [["id", "<u4"], ["x", "<f4"], ["y", "<f4"]] },
  { spec: [["id", "<u4"], ["x", "<f4"], ["pos", "<f8", [3]]] },
  { spec: [["id", "<u4"], ["x", "<f4"], ["pos", "<f8", [3]]], align: true },
  { spec: [["a", "u1"], ["b", "<f8"]], align: true },
  { spec: [["a", "u1"], ["b", "<f8"]] },
  { spec: [["a", "u1"], ["b", ">f8", 2]], align: true },
  {
    spec: [["a", "u1"], ["b", "S3"], ["c", "<U2"], ["d", "M8[s]"], ["e", "c8"]],
    align: true,
  },
  { spec: [["a", [["b", "<i2"], ["c", ">f8"]]], ["d", "S3", [2, 2]]] },
  {
    spec: [["a", [["b", "<i2"], ["c", ">f8"]]], ["d", "S3", [2, 2]]],
    align: true,
  },
  { spec: [["a", "u1"], ["b", [["x", "u1"], ["y", "<i2"]]]], align: true },
  { spec: [] },
  { spec: [["", "<i4"], ["", "<f4"]] },
  { spec: [["x", "<i4", []]] },
  { spec: [["x", "<i4", [0]]] },
  { spec: [["x", "<i4", 1]] },
  { spec: [[["The id", "id"], "<u4"], ["x", "<f4"]] },
  { spec: [["données", "<f8"], ["数据", "<f8"], ["данные", "<f8"]] },
  { spec: [["it's", "<i2"], ['say "hi"', "<i2"], ["tab\there", "<i2"]] },
  { spec: [["a", "f8", [2]], ["b", ["i4", [3]]]] },
  { spec: ["<f8", [2, 3]] },
  {
    spec: {
      names: ["id", "x"],
      formats: ["<u4", "<f4"],
      offsets: [0, 8],
      itemsize: 16,
    },
  },
  { spec: { names: ["id", "x"], formats: ["<u4", "<f4"], offsets: [8, 0] } },
  {
    spec: {
      names: ["id", "x"],
      formats: ["<u4", "<f4"],
      titles: ["The id", null],
    },
  },
  {
    spec: { names: ["a", "b"], formats: ["u1", "<f8"], offsets: [0, 8] },
    align: true,
  },
  { spec: { names: ["a", "b"], formats: ["u1", "<f8"] }, align: true },
  { spec: { names: ["a", "b"], formats: ["u1", "<f8"], aligned: true } },
  { spec: { names: ["a", "b"], formats: ["u1", "<f8"], itemsize: 20 } },
  { spec: { names: ["a", "b"], formats: ["u1", "<f8"], offsets: [0, 0] } },
  { spec: { names: ["a", ""], formats: ["u1", "<f8"] } },
  {
    spec: { names: ["a", "b"], formats: ["u1", "<f8"], offsets: [8, 0] },
    align: true,
  },
  {
    spec: [["a", "<i4"], ["b", {
      names: ["x"],
      formats: ["<f2"],
      offsets: [2],
      itemsize: 6,
    }]],
  },
];

/** Specs NumPy refuses; `dtype()` must throw a TypeError for each. */
const BAD: { spec: DTypeLike; align?: boolean }[] = [
  { spec: "S-1" },
  { spec: "M8[2]" },
  { spec: "M8[]" },
  { spec: "M8[xs]" },
  { spec: "M4" },
  { spec: "U5x" },
  {
    spec: { names: ["a", "b"], formats: ["u1", "<f8"], offsets: [0, 4] },
    align: true,
  },
  {
    spec: {
      names: ["a", "b"],
      formats: ["u1", "<f8"],
      offsets: [0, 8],
      itemsize: 17,
    },
    align: true,
  },
  {
    spec: {
      names: ["a", "b"],
      formats: ["u1", "<f8"],
      offsets: [0, 8],
      itemsize: 12,
    },
  },
  {
    spec: { names: ["a", "b"], formats: ["u1", "<f8"], itemsize: 20 },
    align: true,
  },
  { spec: { names: ["a", "a"], formats: ["u1", "<f8"] } },
  { spec: [["a", "u1"], ["a", "<f8"]] },
  { spec: { names: ["a", "b"], formats: ["u1"] } },
  { spec: { names: ["a", "b"], formats: ["u1", "<f8"], titles: ["b", null] } },
  { spec: { names: ["a", "b"], formats: ["u1", "<f8"], titles: ["t", "t"] } },
  { spec: { names: ["a", "b"], formats: ["u1", "<f8"], offsets: [-1, 0] } },
  { spec: [["a", "u1", -1]] },
  { spec: [["a", "u1", [2, -1]]] },
  { spec: [["a"]] as unknown as DTypeLike },
  { spec: [[1, "u1"]] as unknown as DTypeLike },
];

interface Props {
  name: string;
  str: string;
  kind: string;
  char: string;
  byteorder: string;
  itemsize: number;
  alignment: number;
  isalignedstruct: boolean;
  names: string[] | null;
  fields: [string, string, number, string | null][] | null;
  subdtype: [string, number[]] | null;
  unit: string | null;
  descr: string;
  repr: string;
}

const PY_PROPS = `
import sys
def descr(d):
    from numpy.lib.format import dtype_to_descr
    try:
        return repr(dtype_to_descr(d))
    except ValueError:
        return "ERROR"
def props(d):
    return dict(
        name=d.name, str=d.str, kind=d.kind, char=d.char, byteorder=d.byteorder,
        itemsize=d.itemsize, alignment=d.alignment,
        isalignedstruct=d.isalignedstruct,
        names=list(d.names) if d.names is not None else None,
        fields=[[k, v[0].str, v[1], v[2] if len(v) > 2 else None]
                for k, v in d.fields.items()] if d.fields is not None else None,
        subdtype=[d.subdtype[0].str, list(d.subdtype[1])] if d.subdtype else None,
        unit=(np.datetime_data(d)[0] if np.datetime_data(d)[1] == 1 else
              f"{np.datetime_data(d)[1]}{np.datetime_data(d)[0]}")
             if d.kind in "Mm" else None,
        descr=descr(d), repr=repr(d))
`;

function props(t: DType): Props {
  let descr: string;
  try {
    descr = pyDescr(t.descr);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    descr = "ERROR";
  }
  return {
    name: t.name,
    str: t.str,
    kind: t.kind,
    char: t.char,
    byteorder: t.byteorder,
    itemsize: t.itemsize,
    alignment: t.alignment,
    isalignedstruct: t.isAlignedStruct,
    names: t.names === null ? null : [...t.names],
    fields: t.fields === null ? null : Object.entries(t.fields).map((
      [k, f],
    ) => [k, f.dtype.str, f.offset, f.title ?? null]),
    subdtype: t.subdtype === null
      ? null
      : [t.subdtype.base.str, [...t.subdtype.shape]],
    unit: t.unit === null ? null : t.unit === "" ? "generic" : t.unit,
    descr,
    repr: t.toString(),
  };
}

Deno.test({
  name: "dtype() builds S, U, V, datetime and structured types as NumPy does",
  ignore: NO_NUMPY,
  fn() {
    const code = PY_PROPS + `
out = []
for spec, align in [${
      CASES.map((c) => `(${pySpec(c.spec)}, ${c.align ? "True" : "False"})`)
        .join(",\n")
    }]:
    out.append(props(np.dtype(spec, align=align)))
print(json.dumps(out))`;
    const expected = numpy<Props[]>(code);
    const got = CASES.map((c) => props(dtype(c.spec, { align: c.align })));
    assert.deepEqual(got, expected);
  },
});

Deno.test({
  name: "dtype() refuses with TypeError the structured specs NumPy refuses",
  ignore: NO_NUMPY,
  fn() {
    const code = `
out = []
for spec, align in [${
      BAD.map((c) => `(${pySpec(c.spec)}, ${c.align ? "True" : "False"})`)
        .join(",\n")
    }]:
    try:
        np.dtype(spec, align=align)
        out.append(False)
    except (TypeError, ValueError):
        out.append(True)
print(json.dumps(out))`;
    const refused = numpy<boolean[]>(code);
    BAD.forEach((c, i) => {
      assert.equal(refused[i], true, `NumPy accepts ${JSON.stringify(c.spec)}`);
      assert.throws(
        () => dtype(c.spec, { align: c.align }),
        TypeError,
        JSON.stringify(c.spec),
      );
    });
  },
});

Deno.test("dtype() refuses object types, which NumPy has and this library never holds", () => {
  for (const spec of ["O", "|O", "O8", "object"]) {
    assert.throws(() => dtype(spec), TypeError);
  }
});

Deno.test("DType.equals() compares records field by field", () => {
  const a = dtype([["id", "<u4"], ["x", "<f4"]]);
  assert.ok(a.equals([["id", "<u4"], ["x", "<f4"]]));
  assert.ok(!a.equals([["id", "<u4"], ["y", "<f4"]]));
  assert.ok(!a.equals([["id", "<u4"], ["x", ">f4"]]));
  assert.ok(!a.equals("V8"));
  assert.ok(dtype("M8[ns]").equals("datetime64[ns]"));
  assert.ok(!dtype("M8[ns]").equals("M8[us]"));
  assert.ok(!dtype("M8[ns]").equals("m8[ns]"));
  assert.ok(!dtype("U3").equals(">U3"));
});

Deno.test("DType.toNative() swaps every field of a record", () => {
  const t = dtype([["a", ">i4"], ["b", [["c", ">f8"]]], ["d", ">u2", [2]]]);
  const n = t.toNative();
  assert.equal(n.fields!.a.dtype.str, "<i4");
  assert.equal(n.fields!.b.dtype.fields!.c.dtype.str, "<f8");
  assert.equal(n.fields!.d.dtype.subdtype!.base.str, "<u2");
  assert.equal(n.itemsize, t.itemsize);
  assert.equal(n.toNative(), n);
  assert.equal(dtype(">U2").toNative().str, "<U2");
});

Deno.test("new DType(name) takes the names NumPy prints", () => {
  assert.equal(new DType("bytes40", true).str, "|S5");
  assert.equal(new DType("str320", false).str, ">U10");
  assert.equal(new DType("void64", true).str, "|V8");
  assert.equal(new DType("datetime64[ns]", true).str, "<M8[ns]");
  assert.equal(new DType("timedelta64", true).str, "<m8");
  assert.throws(() => new DType("str33" as "str", true), TypeError);
  assert.throws(
    () => new DType("datetime64[]" as "datetime64", true),
    TypeError,
  );
});
