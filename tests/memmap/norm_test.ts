import assert from "node:assert/strict";
import {
  array,
  frombuffer,
  memmap,
  type NDArray,
  norm,
  save,
} from "../../mod.ts";
import { settings } from "../../src/memmap/kernels/runtime.ts";
import { HAS_NUMPY } from "../test_util.ts";
import { numpy, tempDir } from "./_numpy.ts";

// norm is np.linalg.norm: NumPy's formulas in NumPy's types. The 2-norm
// along one axis of float32/float64 is squared and summed by the reduction
// kernels without the squares' temporary: bit for bit what
// `x.mul(x).sum(axis).sqrt()` gives (and NumPy's `sqrt(add.reduce(x*x))`).

type Ord = number | "fro" | "nuc" | null;
type AxisArg = number | [number, number] | null;

/** Values of every magnitude, with NaN, infinities and -0 when `special`. */
function values(count: number, seed: number, special = false): number[] {
  const data: number[] = [];
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data.push((seed / 2147483648 - 0.3) * 10 ** ((i % 7) - 2));
  }
  if (special && count > 5) {
    data[1] = -0;
    data[count - 1] = Infinity;
    if (count > 12) data[count - 3] = NaN;
    if (count > 20) data[7] = -Infinity;
  }
  return data;
}

const DTYPES = [
  "bool",
  "int8",
  "uint16",
  "int32",
  "int64",
  "uint64",
  "<f2",
  ">f2",
  "<f4",
  ">f4",
  "<f8",
  ">f8",
  "<c8",
  ">c16",
];

const SHAPES: number[][] = [
  [],
  [0],
  [7],
  [300],
  [3, 0],
  [0, 3],
  [4, 9],
  [20, 150],
  [3, 4, 5],
  [2, 3, 2, 3],
];

/** Views of a base array: in TypeScript and as Python over `x`. */
const VIEWS: [string, (a: NDArray) => NDArray, string][] = [
  ["base", (a) => a, "x"],
  ["T", (a) => a.transpose(), "x.T"],
  [
    "rev",
    (a) => a.ndim === 0 ? a : a.slice("::-1"),
    "x if x.ndim == 0 else x[::-1]",
  ],
  [
    "strided",
    (a) => a.ndim === 0 ? a : a.slice("...", "::2"),
    "x if x.ndim == 0 else x[..., ::2]",
  ],
];

const VECTOR_ORDS: Ord[] = [
  null,
  2,
  1,
  Infinity,
  -Infinity,
  0,
  3,
  0.5,
  -1,
  -2.5,
  "fro",
  "nuc",
];
const MATRIX_ORDS: Ord[] = [
  null,
  "fro",
  1,
  -1,
  Infinity,
  -Infinity,
  2,
  -2,
  "nuc",
  3,
];

function axesOf(ndim: number): AxisArg[] {
  const out: AxisArg[] = [null];
  for (let k = -1; k < ndim; k++) out.push(k);
  out.push(ndim); // out of range
  if (ndim >= 2) out.push([0, 1], [1, 0], [-1, 0], [0, 0]);
  return out;
}

interface Case {
  base: number;
  view: number;
  ord: Ord;
  axis: AxisArg;
  keepdims: boolean;
}

interface Expected {
  e?: string;
  m?: string;
  d?: string;
  s?: number[];
  v?: number[];
}

function baseArray(dt: string, shape: number[], seed: number): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const special = seed % 2 === 0;
  let v: unknown[] = values(n, seed, special);
  if (dt === "bool") v = v.map((x) => (x as number) > 0);
  else if (/int/.test(dt)) {
    v = v.map((x) =>
      Number.isFinite(x) ? Math.trunc((x as number) * 3) % 100 : 7
    ).map((x) => dt.startsWith("u") ? Math.abs(x) : x);
    if (dt.endsWith("64")) v = v.map((x) => BigInt(x as number));
  } else if (dt.includes("c")) {
    v = v.map((x, i) => ({
      re: x,
      im: i % 3 === 0 ? -(x as number) / 3 : 0.5,
    }));
  }
  return array(v as never, { dtype: dt }).reshape(...shape);
}

const PY = `
import sys
x_files = json.load(open(sys.argv[1]))
cases = json.load(open(sys.argv[2]))
views = json.load(open(sys.argv[3]))
bases = [np.load(f) for f in x_files]
def ordof(o):
    if o == "inf": return np.inf
    if o == "-inf": return -np.inf
    return o
out = []
with np.errstate(all="ignore"):
    for c in cases:
        x = bases[c["base"]]
        x = eval(views[c["view"]])
        ax = c["axis"]
        if isinstance(ax, list): ax = tuple(ax)
        try:
            r = np.asarray(np.linalg.norm(x, ord=ordof(c["ord"]), axis=ax, keepdims=c["keepdims"]))
            out.append({"d": r.dtype.name, "s": list(r.shape), "v": r.ravel().astype(float).tolist()})
        except Exception as e:
            out.append({"e": type(e).__name__, "m": str(e)})
print(json.dumps(out))
`;

function jsonOrd(o: Ord): unknown {
  return o === Infinity ? "inf" : o === -Infinity ? "-inf" : o;
}

/** Ulps of `type` between a and b (NaN equals NaN), or 0 when equal. */
function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function close(a: number, b: number, rel: number): boolean {
  if (sameBits(a, b)) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}

const EPS: Record<string, number> = {
  float16: 2 ** -10,
  float32: 2 ** -23,
  float64: 2 ** -52,
};

Deno.test({
  name:
    "norm equals live NumPy's np.linalg.norm over dtypes, shapes, views, every ord and axis, keepdims (errors in the contract's classes)",
  ignore: !HAS_NUMPY,
  fn() {
    using tmp = tempDir();
    const bases: NDArray[] = [];
    const files: string[] = [];
    DTYPES.forEach((dt, i) =>
      SHAPES.forEach((shape, j) => {
        const a = baseArray(dt, shape, 11 + 2 * i + j);
        const f = `${tmp.dir}/b${bases.length}.npy`;
        save(f, a);
        bases.push(a);
        files.push(f);
      })
    );
    const cases: Case[] = [];
    bases.forEach((a, base) =>
      VIEWS.forEach((_, view) =>
        axesOf(a.ndim).forEach((axis) =>
          (Array.isArray(axis)
            ? MATRIX_ORDS
            : [...new Set([...VECTOR_ORDS, ...MATRIX_ORDS])])
            .forEach((ord) =>
              [false, true].forEach((keepdims) =>
                cases.push({ base, view, ord, axis, keepdims })
              )
            )
        )
      )
    );
    const write = (name: string, v: unknown) => {
      Deno.writeTextFileSync(`${tmp.dir}/${name}`, JSON.stringify(v));
      return `${tmp.dir}/${name}`;
    };
    const py = new Deno.Command("python3", {
      args: [
        "-c",
        `import json, numpy as np\n${PY}`,
        write("files.json", files),
        write("cases.json", cases.map((c) => ({ ...c, ord: jsonOrd(c.ord) }))),
        write("views.json", VIEWS.map((v) => v[2])),
      ],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    const text = new TextDecoder().decode(py.stdout).trim();
    assert.ok(py.success, new TextDecoder().decode(py.stderr));
    const expected = JSON.parse(
      text.replace(/-?Infinity|NaN/g, (m) => `"${m}"`),
      (_k, v) =>
        v === "NaN" || v === "Infinity" || v === "-Infinity" ? Number(v) : v,
    ) as Expected[];
    let checked = 0;
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const want = expected[i];
      const x = VIEWS[c.view][1](bases[c.base]);
      const what = `${x.dtype.name}${x.dtype.littleEndian ? "<" : ">"} ${
        JSON.stringify(x.shape)
      } ${VIEWS[c.view][0]} ord=${c.ord} axis=${
        JSON.stringify(c.axis)
      } keepdims=${c.keepdims}`;
      let got: NDArray | number;
      try {
        got = norm(x, { ord: c.ord, axis: c.axis, keepdims: c.keepdims });
      } catch (e) {
        const svd = Array.isArray(c.axis) || (c.axis === null && x.ndim === 2)
          ? [2, -2, "nuc"].includes(c.ord as never)
          : false;
        const cls = (e as Error).constructor.name;
        const message = (e as Error).message;
        if (!message.startsWith("Cannot norm")) {
          failures.push(`${what}: message ${message}`);
        } else if (want.e === undefined && !(svd && cls === "TypeError")) {
          failures.push(`${what}: threw ${cls} ${message}, NumPy gave a value`);
        } else if (want.e !== undefined && !(svd && cls === "TypeError")) {
          const ordError = /Invalid norm order/i.test(want.m!);
          const wantClass = ordError || want.e === "TypeError"
            ? "TypeError"
            : "RangeError";
          if (cls !== wantClass) {
            failures.push(
              `${what}: ${cls} ${message} for NumPy's ${want.e} ${want.m}`,
            );
          }
        }
        checked++;
        return;
      }
      if (want.e !== undefined) {
        failures.push(`${what}: gave a value, NumPy threw ${want.e} ${want.m}`);
        return;
      }
      const values = typeof got === "number"
        ? [got]
        : (got.flatten().toArray() as number[]);
      const shape = typeof got === "number" ? [] : got.shape;
      const name = typeof got === "number" ? want.d! : got.dtype.name;
      if (name !== want.d) failures.push(`${what}: dtype ${name} vs ${want.d}`);
      if (JSON.stringify(shape) !== JSON.stringify(want.s)) {
        failures.push(`${what}: shape ${shape} vs ${want.s}`);
      }
      // A number for no axis without keepdims (as sum()); arrays otherwise.
      const scalar = c.axis === null && !c.keepdims;
      if (scalar !== (typeof got === "number")) {
        failures.push(`${what}: ${typeof got}`);
      }
      // NumPy's whole-array 2-norm is BLAS's dot; powers go through libm's pow.
      const dotPath = c.axis === null &&
        (c.ord === null || (c.ord === "fro" && x.ndim === 2) ||
          (c.ord === 2 && x.ndim === 1));
      const power = typeof c.ord === "number" &&
        ![0, 1, 2, Infinity, -Infinity].includes(c.ord) &&
        !Array.isArray(c.axis);
      // Complex: NumPy's complex multiply and abs loops (SIMD, FMA, hypot)
      // round differently; within a few ulps.
      const complex = x.dtype.kind === "c";
      const rel = dotPath || power || complex ? 8 * EPS[want.d!] : 0;
      want.v!.forEach((w, k) => {
        if (!close(values[k], w, rel)) {
          failures.push(`${what}: [${k}] ${values[k]} vs NumPy ${w}`);
        }
      });
      checked++;
    });
    assert.deepEqual(failures.slice(0, 30), []);
    assert.ok(checked > 10000, `${checked} cases`);
  },
});

/** Bits of a float array's values (NaN as one value). */
function valuesOf(r: NDArray): number[] {
  return (r.flatten().toArray() as number[]).map((v) =>
    Number.isNaN(v) ? NaN : v
  );
}

function sameValues(a: NDArray, b: NDArray, what: string): void {
  assert.equal(a.dtype.name, b.dtype.name, what);
  assert.deepEqual(a.shape, b.shape, what);
  const x = valuesOf(a), y = valuesOf(b);
  for (let i = 0; i < x.length; i++) {
    if (!sameBits(x[i], y[i])) {
      assert.fail(`${what}: [${i}] ${x[i]} vs ${y[i]}`);
    }
  }
}

/** Layouts of a float array the fused path reads (and some it does not). */
function layouts(a: NDArray): [string, NDArray][] {
  const out: [string, NDArray][] = [["C", a]];
  if (a.ndim >= 2) {
    out.push(["T", a.transpose()]);
    out.push(["rows strided", a.slice("::3")]);
    out.push(["columns strided", a.slice("...", "::2")]);
    out.push(["reversed", a.slice("::-1", "::-1")]);
    out.push(["columns cut", a.slice(":", "1:-2")]);
  } else out.push(["reversed", a.slice("::-1")]);
  return out;
}

/**
 * `x.mul(x).sum(axis).sqrt()`, for a transposed `x` through its base (whose
 * squares have NumPy's K-order layout, as NumPy's `x * x` does).
 */
function squaresRoot(
  x: NDArray,
  axis: number,
  keepdims: boolean,
  base?: NDArray,
): NDArray {
  if (base === undefined) {
    return (x.mul(x).sum(axis, { keepdims }) as NDArray).sqrt() as NDArray;
  }
  const k = x.ndim - 1 - (axis < 0 ? axis + x.ndim : axis);
  return squaresRoot(base, k, keepdims).transpose();
}

function checkFused(x: NDArray, what: string, base?: NDArray): void {
  for (let axis = -x.ndim; axis < x.ndim; axis++) {
    for (const keepdims of [false, true]) {
      const got = norm(x, { axis, keepdims }) as NDArray;
      const want = squaresRoot(x, axis, keepdims, base);
      sameValues(got, want as NDArray, `${what} axis ${axis} ${keepdims}`);
    }
  }
  const whole = norm(x);
  const sum = x.mul(x).sum() as number;
  const round = x.dtype.name === "float32" ? Math.fround : (v: number) => v;
  assert.ok(sameBits(whole as number, round(Math.sqrt(sum))), what);
}

Deno.test("norm along one axis has the bits of x.mul(x).sum(axis).sqrt() on every layout, NaN, infinities and -0 included, with and without kernels", () => {
  const shapes = [[1000, 37], [64, 129], [3, 4, 300], [5000], [9, 1], [1, 9]];
  for (const off of [false, true]) {
    settings.off = off;
    try {
      for (const dt of ["float32", "float64"]) {
        shapes.forEach((shape, i) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const a = array(values(n, 5 + i, i % 2 === 0), { dtype: dt })
            .reshape(...shape);
          for (const [name, x] of layouts(a)) {
            const base = name === "T" ? a : undefined;
            checkFused(x, `${dt} ${shape} ${name} off=${off}`, base);
          }
        });
      }
    } finally {
      settings.off = false;
    }
  }
});

Deno.test("norm of a caller's buffer and of memmaps past the 16 MiB windows reads them in place with the same bits", () => {
  using tmp = tempDir();
  for (const dt of ["float32", "float64"] as const) {
    const size = dt === "float32" ? 4 : 8;
    const rows = Math.ceil((20 * 2 ** 20) / (128 * size));
    const data = dt === "float32"
      ? Float32Array.from(values(rows * 128, 3, true))
      : Float64Array.from(values(rows * 128, 3, true));
    const path = `${tmp.dir}/${dt}.bin`;
    Deno.writeFileSync(path, new Uint8Array(data.buffer));
    const fb = frombuffer(data.buffer, { dtype: dt }).reshape(rows, 128);
    using m = memmap(path, { dtype: dt, mode: "r", shape: [rows, 128] });
    for (const [name, x] of [["frombuffer", fb], ["memmap", m]] as const) {
      for (
        const [lname, v] of [["C", x], ["T", x.transpose()], [
          "offset",
          x.slice("1:"),
        ]] as const
      ) {
        for (const axis of [0, 1]) {
          const got = norm(v, { axis }) as NDArray;
          const want = squaresRoot(
            v,
            axis,
            false,
            lname === "T" ? x : undefined,
          );
          sameValues(got, want, `${dt} ${name} ${lname} axis ${axis}`);
        }
        const sum = v.mul(v).sum() as number;
        const round = dt === "float32" ? Math.fround : (s: number) => s;
        assert.ok(sameBits(norm(v) as number, round(Math.sqrt(sum))));
      }
    }
  }
});

Deno.test({
  name:
    "norm along rows and columns of (100000, 128), (1000, 1000), strided and transposed float32/float64 matrices equals live NumPy bit for bit",
  ignore: !HAS_NUMPY,
  fn() {
    using tmp = tempDir();
    for (const dt of ["float32", "float64"] as const) {
      for (const shape of [[100000, 128], [1000, 1000]]) {
        const n = shape[0] * shape[1];
        const a = array(values(n, 9, true), { dtype: dt }).reshape(...shape);
        const f = `${tmp.dir}/a.npy`;
        save(f, a);
        const views: [string, NDArray][] = [
          ["x", a],
          ["x[::3, 1:]", a.slice("::3", "1:")],
          ["x.T", a.transpose()],
          ["x[::-1]", a.slice("::-1")],
        ];
        const want = numpy<number[][][]>(`
x = np.load(${JSON.stringify(f)})
out = []
for v in [x, x[::3, 1:], x.T, x[::-1]]:
    out.append([np.linalg.norm(v, axis=k).astype(float).tolist() for k in (0, 1)])
print(json.dumps(out))`);
        views.forEach(([name, v], i) => {
          for (const axis of [0, 1]) {
            const got = valuesOf(norm(v, { axis }) as NDArray);
            const w = want[i][axis];
            assert.equal(got.length, w.length);
            for (let k = 0; k < w.length; k++) {
              if (!sameBits(got[k], w[k])) {
                assert.fail(
                  `${dt} ${shape} ${name} axis ${axis} [${k}]: ${got[k]} vs ${
                    w[k]
                  }`,
                );
              }
            }
          }
        });
      }
    }
  },
});

Deno.test("norm checks its arguments before the array, with the library's messages", () => {
  const a = array([[1, 2], [3, 4]], { dtype: "float32" });
  const cases: [unknown, new (...a: never[]) => Error, RegExp][] = [
    [
      { ord: "x" },
      TypeError,
      /^Cannot norm with ord "x": ord must be a number/,
    ],
    [{ ord: {} }, TypeError, /ord must be a number/],
    [{ ord: 2 }, TypeError, /singular value decomposition/],
    [{ ord: -2 }, TypeError, /singular value decomposition/],
    [{ ord: "nuc" }, TypeError, /singular value decomposition/],
    [{ ord: 3 }, TypeError, /invalid norm order for matrices/],
    [{ ord: "fro", axis: 0 }, TypeError, /invalid norm order for vectors/],
    [
      { axis: 2 },
      RangeError,
      /^Cannot norm along axis 2: axis must be within -2..1/,
    ],
    [{ axis: [0, 0] }, RangeError, /appears more than once/],
    [{ axis: [0, 1, 0] }, RangeError, /improper number of dimensions/],
    [{ axis: 0.5 }, TypeError, /axis must be an integer/],
    [{ keepdims: 1 }, TypeError, /keepdims must be a boolean/],
    [5, TypeError, /options must be an object/],
  ];
  for (const [options, cls, message] of cases) {
    assert.throws(() => norm(a, options as never), (e: Error) => {
      assert.ok(e instanceof cls, `${JSON.stringify(options)}: ${e}`);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.throws(
    () => norm(array([1, 2, 3]).reshape(1, 1, 3), { ord: 1 }),
    RangeError,
  );
  assert.throws(() => norm(array([]), { ord: -Infinity }), RangeError);
  assert.throws(() => norm(array(["a"])), TypeError);
  assert.equal(norm(array([], { dtype: "float32" }), { ord: Infinity }), 0);
});

Deno.test("norm: a getter or valueOf closing the map while the options are read leaves it closed: BadResource, nothing read", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/m.bin`;
  Deno.writeFileSync(path, new Uint8Array(64));
  for (const key of ["ord", "axis", "keepdims"]) {
    const m = memmap(path, { dtype: "float32", mode: "r", shape: [4, 4] });
    const closer = {
      valueOf() {
        m.close();
        return 1;
      },
    };
    const options = {
      get [key]() {
        m.close();
        return key === "keepdims" ? false : 1;
      },
    };
    assert.throws(() => norm(m, options), Deno.errors.BadResource);
    const m2 = memmap(path, { dtype: "float32", mode: "r", shape: [4, 4] });
    assert.throws(() => norm(m2, { [key]: closer } as never), TypeError);
    m2.close();
    void closer;
  }
});
