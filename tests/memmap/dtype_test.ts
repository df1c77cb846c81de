import assert from "node:assert/strict";
import { DType, dtype } from "../../src/memmap/dtype.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";

const SPECS = [
  "bool",
  "?",
  "b1",
  "|b1",
  "int8",
  "i1",
  "b",
  "uint8",
  "u1",
  "B",
  "|u1",
  "int16",
  "<i2",
  ">i2",
  "h",
  "uint16",
  ">u2",
  "H",
  "int32",
  "<i4",
  ">i4",
  "i",
  "I",
  ">I",
  "int64",
  "i8",
  ">i8",
  "l",
  "q",
  "uint64",
  ">u8",
  "L",
  "Q",
  "float16",
  "e",
  "<f2",
  ">f2",
  "half",
  "float32",
  "f",
  ">f4",
  "single",
  "float64",
  "f8",
  "<f8",
  ">f8",
  "d",
  ">d",
  "=f8",
  "double",
  "float",
  "int",
  "complex64",
  "c8",
  ">c8",
  "F",
  "complex128",
  "c16",
  ">c16",
  "D",
  "complex",
];

Deno.test(
  "dtype() parses NumPy names, codes and prefixes as NumPy prints them",
  {
    ignore: NO_NUMPY,
  },
  () => {
    const expected = numpy<string[][]>(`
out = []
for s in ${JSON.stringify(SPECS)}:
    d = np.dtype(s)
    out.append([d.name, d.str, str(d.itemsize), d.kind, d.byteorder])
print(json.dumps(out))`);
    SPECS.forEach((spec, i) => {
      const d = dtype(spec);
      assert.deepEqual(
        [d.name, d.str, String(d.itemsize), d.kind, d.byteorder],
        expected[i],
        spec,
      );
    });
  },
);

Deno.test("dtype() gives NumPy's values without NumPy at hand", () => {
  const d = dtype(">i4");
  assert.equal(d.name, "int32");
  assert.equal(d.str, ">i4");
  assert.equal(d.byteorder, ">");
  assert.equal(d.isNative, false);
  assert.equal(dtype("d").str, "<f8");
  assert.equal(dtype("d").byteorder, "=");
  assert.equal(dtype("?").str, "|b1");
  assert.equal(dtype("e").name, "float16");
  assert.equal(dtype("B").kind, "u");
  assert.equal(dtype("c16").itemsize, 16);
  assert.equal(String(dtype(">f8")), "dtype('>f8')");
  assert.equal(String(dtype("<f8")), "dtype('float64')");
});

Deno.test("dtype() returns a DType unchanged and compares spellings", () => {
  const d = dtype("float32");
  assert.equal(dtype(d), d);
  assert.ok(d instanceof DType);
  assert.ok(dtype("f").equals("<f4"));
  assert.ok(!dtype(">f4").equals("<f4"));
  assert.equal(dtype(">u2").toNative().str, "<u2");
});

Deno.test("dtype() rejects unknown and unsupported types with TypeError", () => {
  for (
    const bad of [
      "O",
      ">float64",
      "",
      "int7",
      "x",
    ]
  ) {
    assert.throws(() => dtype(bad), TypeError, bad);
  }
  assert.throws(() => dtype(5 as unknown as string), TypeError);
});
