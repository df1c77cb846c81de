/**
 * The NaN bits of every unary math function, float32 and float64, as
 * NumPy's (attack13 C4), wherever the element lies: a few elements
 * (JavaScript loops), thousands (the WebAssembly kernels and their scalar
 * lanes), reversed, and a memmap. NumPy's `abs`/`negative`/`sign` are bit
 * operations (a signaling NaN stays signaling; float32 used to be quieted
 * on its way through a JavaScript number, float16 lost its payload: float16
 * has a test of its own for these three); its other functions quiet a NaN
 * argument keeping its sign and payload (JavaScript's `Math` functions
 * return it unchanged, so the bits depended on the element's position),
 * and a NaN made from numbers is x86's default NaN, sign bit set (the
 * library gave an unsigned one). Every other result must not be NaN where
 * NumPy's is not.
 *
 * Where NumPy's own vector loops give other bits for a NaN argument (they
 * depend on its build and the processor: float32 exp/log/sin/cos/tanh give
 * 0x7fc00000 for every NaN, float64 tanh 0x7ff8000000000000, expm1 keeps a
 * signaling NaN, arccos flips the sign) the library keeps the one rule
 * (the argument quieted): {@linkcode OWN_RULE}.
 */
import assert from "node:assert/strict";
import { frombuffer, type NDArray, openMemmap, save } from "../../../mod.ts";
import { numpy, numpyFixtureTests, tempDir } from "../_numpy.ts";

const FUNCTIONS = [
  "sqrt",
  "cbrt",
  "exp",
  "exp2",
  "expm1",
  "log",
  "log2",
  "log10",
  "log1p",
  "sin",
  "cos",
  "tan",
  "arcsin",
  "arccos",
  "arctan",
  "sinh",
  "cosh",
  "tanh",
  "floor",
  "ceil",
  "trunc",
  "rint",
  "abs",
  "neg",
  "sign",
  "square",
] as const;
type Fn = typeof FUNCTIONS[number];

/** NumPy's name of a method. */
const NUMPY_NAME: Partial<Record<Fn, string>> = {
  abs: "absolute",
  neg: "negative",
};

const NANS64 = [
  "7ff4000000000000",
  "fff0000000012345",
  "7ff8000000000000",
  "fff8000000000000",
  "7ff8000000000123",
  "fffc000000054321",
];
const NANS32 = [
  "7fa00000",
  "ff812345",
  "7fc00000",
  "ffc00000",
  "7fc00123",
  "ffe54321",
];
/** Numbers out of some function's domain, and a few inside. */
const NUMBERS = [-1, -2.5, -Infinity, 2, Infinity, 0.5, -0, 0, 1.5];

type Dtype = "float32" | "float64";
const DTYPES: Dtype[] = ["float32", "float64"];

/** [function, dtype] rows whose NaN arguments keep the library's own rule. */
const OWN_RULE = new Set([
  "exp float32",
  "log float32",
  "sin float32",
  "cos float32",
  "tanh float32",
  "tanh float64",
  "expm1 float64",
  "arccos float64",
]);

/** The inputs' bits, as hex: the NaNs, then the numbers. */
function inputBits(dtype: Dtype): string[] {
  const numbers = dtype === "float64"
    ? new BigUint64Array(Float64Array.from(NUMBERS).buffer)
    : new Uint32Array(Float32Array.from(NUMBERS).buffer);
  return [
    ...(dtype === "float64" ? NANS64 : NANS32),
    ...Array.from(numbers as ArrayLike<number | bigint>, (b) => b.toString(16)),
  ];
}

/** An array of the inputs, `copies` times over. */
function inputs(dtype: Dtype, copies: number): NDArray {
  const hex = inputBits(dtype);
  if (dtype === "float64") {
    const w = new BigUint64Array(hex.length * copies);
    w.forEach((_, i) => w[i] = BigInt("0x" + hex[i % hex.length]));
    return frombuffer(w.buffer, { dtype });
  }
  const w = new Uint32Array(hex.length * copies);
  w.forEach((_, i) => w[i] = parseInt(hex[i % hex.length], 16));
  return frombuffer(w.buffer, { dtype });
}

/** The bits of `a`'s elements, as hex. */
function bitsOf(a: NDArray): string[] {
  const t = a.copy().toTypedArray() as Float64Array | Float32Array;
  const w = t instanceof Float64Array
    ? new BigUint64Array(t.buffer, t.byteOffset, t.length)
    : new Uint32Array(t.buffer, t.byteOffset, t.length);
  return Array.from(w as ArrayLike<number | bigint>, (b) => b.toString(16));
}

const isNaNBits = (hex: string, dtype: Dtype) =>
  dtype === "float64"
    ? (BigInt("0x" + hex) & 0x7fffffffffffffffn) > 0x7ff0000000000000n
    : (parseInt(hex, 16) & 0x7fffffff) > 0x7f800000;

/** The argument `hex` quieted (sign and payload kept). */
const quieted = (hex: string, dtype: Dtype) =>
  dtype === "float64"
    ? (BigInt("0x" + hex) | 0x0008000000000000n).toString(16)
    : ((parseInt(hex, 16) | 0x400000) >>> 0).toString(16);

type Expected = Record<string, string[]>;

function fromNumpy(): Expected {
  return numpy<Expected>(`
import warnings
warnings.filterwarnings("ignore")
out = {}
for f, name in ${JSON.stringify(FUNCTIONS.map((f) => [f, NUMPY_NAME[f] ?? f]))}:
  for dt, ut, hexes in [("float64", np.uint64, ${
    JSON.stringify(inputBits("float64"))
  }), ("float32", np.uint32, ${JSON.stringify(inputBits("float32"))})]:
    x = np.array([int(h, 16) for h in hexes], dtype=ut).view(dt)
    out[f + " " + dt] = [format(int(b), "x") for b in getattr(np, name)(x).view(ut)]
print(json.dumps(out))
`);
}

function check(expected: Expected): void {
  using tmp = tempDir();
  for (const dtype of DTYPES) {
    const hex = inputBits(dtype);
    const big = inputs(dtype, 300);
    const path = `${tmp.dir}/${dtype}.npy`;
    save(path, big);
    // `using`: closed before the file is removed (Windows refuses that
    // while a map is open).
    using mapped = openMemmap(path, { mode: "r" });
    const layouts: [string, NDArray, (i: number) => number][] = [
      ["a few elements", inputs(dtype, 1), (i) => i],
      ["thousands", big, (i) => i % hex.length],
      [
        "thousands reversed",
        big.slice("::-1"),
        (i) => (big.size - 1 - i) % hex.length,
      ],
      [
        "every other of thousands",
        big.slice("1::2"),
        (i) => (1 + 2 * i) % hex.length,
      ],
      ["a memmap", mapped, (i) => i % hex.length],
    ];
    for (const fn of FUNCTIONS) {
      const row = `${fn} ${dtype}`;
      const numpyBits = expected[row];
      for (const [layout, a, input] of layouts) {
        const got = bitsOf((a as unknown as Record<Fn, () => NDArray>)[fn]());
        for (let i = 0; i < got.length; i++) {
          const k = input(i);
          const want = numpyBits[k];
          const what = `${row}, ${layout}, element ${i} (argument ${hex[k]})`;
          if (!isNaNBits(want, dtype)) {
            assert.ok(!isNaNBits(got[i], dtype), `${what}: NaN ${got[i]}`);
          } else if (OWN_RULE.has(row) && isNaNBits(hex[k], dtype)) {
            assert.equal(got[i], quieted(hex[k], dtype), what);
          } else {
            assert.equal(got[i], want, what);
          }
        }
      }
    }
  }
}

numpyFixtureTests(
  "every unary math function gives NumPy's NaN bits, float32 and float64, in every layout",
  new URL("./nan_bits_numpy.json", import.meta.url),
  fromNumpy,
  check,
  import.meta.main,
);

/** float16 arguments and NumPy 2.4's `absolute`/`negative`/`sign` of them. */
const HALF = [
  "7d01",
  "fe23",
  "7e00",
  "fc00",
  "bc00",
  "8000",
  "0",
  "3c00",
  "7c01",
];
const HALF_NUMPY: Record<string, string[]> = {
  abs: ["7d01", "7e23", "7e00", "7c00", "3c00", "0", "0", "3c00", "7c01"],
  neg: ["fd01", "7e23", "fe00", "7c00", "3c00", "0", "8000", "bc00", "fc01"],
  sign: ["7d01", "fe23", "7e00", "bc00", "bc00", "0", "0", "3c00", "7c01"],
};

Deno.test("float16 abs, neg and sign keep NaN bits as NumPy's sign-bit operations, in every layout", () => {
  using tmp = tempDir();
  const words = new Uint16Array(HALF.length * 300);
  words.forEach((_, i) => words[i] = parseInt(HALF[i % HALF.length], 16));
  const big = frombuffer(words.buffer, { dtype: "float16" });
  const path = `${tmp.dir}/float16.npy`;
  save(path, big);
  using mapped = openMemmap(path, { mode: "r" });
  const layouts: [string, NDArray, (i: number) => number][] = [
    ["a few elements", big.slice(`:${HALF.length}`), (i) => i],
    ["thousands", big, (i) => i % HALF.length],
    [
      "thousands reversed",
      big.slice("::-1"),
      (i) => (big.size - 1 - i) % HALF.length,
    ],
    ["a memmap", mapped, (i) => i % HALF.length],
  ];
  for (const [fn, want] of Object.entries(HALF_NUMPY)) {
    for (const [layout, a, input] of layouts) {
      const r = (a as unknown as Record<string, () => NDArray>)[fn]().copy();
      const t = r.toTypedArray() as Float16Array;
      const got = new Uint16Array(t.buffer, t.byteOffset, t.length);
      for (let i = 0; i < got.length; i++) {
        assert.equal(
          got[i].toString(16),
          want[input(i)],
          `${fn}, ${layout}, element ${i} (argument ${HALF[input(i)]})`,
        );
      }
    }
  }
});
