/**
 * NumPy's rules, checked against NumPy itself: how a JavaScript value is
 * stored into each dtype by every way of writing one (set, fill, assign,
 * array), min/max along empty axes, the types of whole sums, the dtype
 * names accepted, and the error classes of the contract where NumPy raises
 * (OverflowError and ValueError become RangeError, TypeError stays).
 */
import assert from "node:assert/strict";
import { array, dtype, type DTypeName, type NDArray } from "../../mod.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";
import { NUMERIC_NAMES } from "../test_util.ts";

const NAMES: readonly DTypeName[] = NUMERIC_NAMES;

/** Values as JavaScript gives them, and how Python spells each. */
const VALUES: [string, unknown][] = [
  ["200.5", 200.5],
  ["-1.5", -1.5],
  ["0.5", 0.5],
  ["300", 300],
  ["-1", -1],
  ["65535", 65535],
  ["2**31", 2 ** 31],
  ["2**63", 2 ** 63],
  ["1e20", 1e20],
  ["-1e20", -1e20],
  ["float('nan')", NaN],
  ["float('inf')", Infinity],
  ["True", true],
  ["2**63 - 1", 2n ** 63n - 1n],
  ["2**64 - 1", 2n ** 64n - 1n],
  ["2**64", 2n ** 64n],
  ["-(2**63)", -(2n ** 63n)],
  ["complex(1, 2)", { re: 1, im: 2 }],
];

type Outcome = string; // the stored value as text, or "RangeError"/"TypeError"

const PYTHON = `
import warnings
warnings.simplefilter("ignore")
names = ${JSON.stringify(NAMES)}
values = [${VALUES.map(([py]) => py).join(", ")}]
def outcome(f):
    try:
        v = f()
        if isinstance(v, complex) or np.iscomplexobj(v):
            v = complex(v); return f"{v.real!r},{v.imag!r}"
        if isinstance(v, (bool, np.bool_)): return "true" if v else "false"
        if isinstance(v, (int, np.integer)): return str(int(v))
        return repr(float(v))
    except (OverflowError, ValueError):
        return "RangeError"
    except TypeError:
        return "TypeError"
def setter(n, v):
    a = np.zeros(2, n); a[1] = v; return a[1].item()
def filler(n, v):
    a = np.zeros(2, n); a.fill(v); return a[0].item()
def assigner(n, v):
    a = np.zeros(2, n); a[...] = [v, v]; return a[0].item()
def maker(n, v):
    return np.array([v], n)[0].item()
out = {}
for n in names:
    for i, v in enumerate(values):
        for how, f in [("set", setter), ("fill", filler), ("assign", assigner), ("array", maker)]:
            out[f"{n} {how} {i}"] = outcome(lambda: f(n, v))
print(json.dumps(out))
`;

function show(v: unknown): string {
  if (typeof v === "boolean") return String(v);
  if (typeof v === "bigint") return String(v);
  if (typeof v === "object" && v !== null) {
    const { re, im } = v as { re: number; im: number };
    return `${pyFloat(re)},${pyFloat(im)}`;
  }
  const n = v as number;
  return pyFloat(n);
}

/** A float as Python's repr() writes it. */
function pyFloat(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (Math.abs(n) >= 1e16) return n.toExponential();
  if (Number.isInteger(n)) return `${n}.0`;
  return String(n);
}

function outcome(name: DTypeName, f: () => unknown): Outcome {
  try {
    const v = f();
    const kind = dtype(name).kind;
    if (kind === "i" || kind === "u") return String(v);
    return show(v);
  } catch (error) {
    if (error instanceof RangeError) return "RangeError";
    if (error instanceof TypeError) return "TypeError";
    throw error;
  }
}

Deno.test(
  "set(), fill(), assign() and array() store values into every dtype as NumPy 2 does, or raise as it does",
  {
    ignore: NO_NUMPY,
  },
  () => {
    const expected = numpy<Record<string, Outcome>>(PYTHON);
    const ways: [string, (n: DTypeName, v: unknown) => unknown][] = [
      ["set", (n, v) => {
        const a = array([0, 0], { dtype: n });
        a.set(1, v as number);
        return a.get(1);
      }],
      ["fill", (n, v) => array([0, 0], { dtype: n }).fill(v as number).get(0)],
      [
        "assign",
        (n, v) => array([0, 0], { dtype: n }).assign([v, v] as number[]).get(0),
      ],
      ["array", (n, v) => array([v] as number[], { dtype: n }).get(0)],
    ];
    const failures: string[] = [];
    for (const name of NAMES) {
      for (const [i, [py, value]] of VALUES.entries()) {
        for (const [how, f] of ways) {
          const want = expected[`${name} ${how} ${i}`];
          const got = outcome(name, () => f(name, value));
          // float16/float32 print their own repr in NumPy; compare as numbers.
          const same = got === want ||
            (!Number.isNaN(Number(got)) && Number(got) === Number(want));
          if (!same) {
            failures.push(`${name} ${how} ${py}: ${got}, NumPy ${want}`);
          }
        }
      }
    }
    assert.deepEqual(failures, []);
  },
);

Deno.test(
  "min() and max() along an empty axis throw RangeError as NumPy raises, also when the result is empty",
  {
    ignore: NO_NUMPY,
  },
  () => {
    const cases: [number[], number][] = [
      [[0, 0, 4], 1],
      [[0, 3], 1],
      [[3, 0], 0],
      [[0, 3], 0],
      [[0], 0],
      [[2, 0], 1],
      [[0, 0], 0],
    ];
    const expected = numpy<string[]>(`
out = []
for shape, ax in ${JSON.stringify(cases)}:
    for op in ("min", "max"):
        try: out.append(str(list(getattr(np.zeros(shape), op)(axis=ax).shape)))
        except ValueError: out.append("RangeError")
print(json.dumps(out))`);
    const got: string[] = [];
    for (const [shape, ax] of cases) {
      for (const op of ["min", "max"] as const) {
        try {
          const r = array([]).reshape(shape)[op](ax) as NDArray;
          got.push(JSON.stringify(r.shape).replaceAll(",", ", "));
        } catch (error) {
          assert.ok(error instanceof RangeError, String(error));
          got.push("RangeError");
        }
      }
    }
    assert.deepEqual(got, expected);
  },
);

Deno.test("Whole sums are bigints for integer types (NumPy's int64/uint64) and numbers for bool and floats", () => {
  for (const name of NAMES) {
    const a = array([1, 2, 3], { dtype: name });
    const kind = dtype(name).kind;
    const expected = kind === "i" || kind === "u"
      ? "bigint"
      : kind === "c"
      ? "object"
      : "number";
    assert.equal(typeof a.sum(), expected, name);
    // Along an axis: an array of NumPy's type (0-d here, where NumPy gives a scalar).
    const along = a.sum(0);
    assert.deepEqual(along.shape, [], name);
    assert.equal(
      along.dtype.name,
      kind === "b" || kind === "i" ? "int64" : kind === "u" ? "uint64" : name,
      name,
    );
  }
  assert.equal(array([true, true]).sum(0).get(), 2n);
  assert.equal(array([true, true]).sum(0).dtype.name, "int64");
  assert.equal(array([true, true]).sum(), 2);
  assert.equal(array([200, 100], { dtype: "uint8" }).sum(), 300n);
});

Deno.test(
  "dtype() accepts exactly the spellings NumPy 2 accepts for the supported types",
  {
    ignore: NO_NUMPY,
  },
  () => {
    const candidates = new Set<string>([
      ...NAMES,
      "bool_",
      "byte",
      "ubyte",
      "short",
      "ushort",
      "intc",
      "uintc",
      "int",
      "int_",
      "intp",
      "long",
      "longlong",
      "uint",
      "uintp",
      "ulong",
      "ulonglong",
      "half",
      "single",
      "double",
      "float",
      "float_",
      "csingle",
      "cdouble",
      "complex",
      "complex_",
      "longdouble",
      "float128",
      "object",
      "str",
      "bool8",
      "int0",
      "uint0",
      "string_",
      "unicode_",
      "Float64",
      "Int32",
      "<float64",
      "f8 ",
      "",
      "<",
    ]);
    for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ?") {
      candidates.add(c);
    }
    for (const k of "biufcdlqhegpnBIUFCDLQHEGPN?") {
      for (let size = 0; size <= 17; size++) candidates.add(`${k}${size}`);
    }
    for (const base of [...candidates]) {
      if (base.length <= 3) {
        for (const p of "<>=|!") candidates.add(p + base);
      }
    }
    const list = [...candidates].sort();
    const expected = numpy<([string, string] | null)[]>(`
import warnings
warnings.simplefilter("ignore")
out = []
for s in ${JSON.stringify(list)}:
    try:
        d = np.dtype(s); out.append([d.name, d.str])
    except Exception: out.append(None)
print(json.dumps(out))`);
    const differences: string[] = [];
    for (const [i, s] of list.entries()) {
      let ours: [string, string] | null;
      try {
        const d = dtype(s);
        ours = [d.name, d.str];
      } catch (error) {
        assert.ok(error instanceof TypeError, `${s}: ${error}`);
        ours = null;
      }
      const theirs = expected[i];
      // Every type NumPy has but objects and NumPy 2's variable-width
      // StringDType.
      const supported = theirs !== null &&
        !["object", "StringDType128"].includes(theirs[0]);
      if (JSON.stringify(ours) !== JSON.stringify(supported ? theirs : null)) {
        differences.push(`${JSON.stringify(s)}: ours ${ours}, NumPy ${theirs}`);
      }
    }
    assert.deepEqual(differences, []);
  },
);

Deno.test("Contract error classes where NumPy raises: shapes that do not broadcast, a bad axis, a bad step", () => {
  assert.throws(() => array([1, 2, 3]).add(array([1, 2])), RangeError);
  assert.throws(() => array([[1, 2, 3]]).assign([1, 2]), RangeError);
  const a = array([1, 2]);
  assert.throws(() => a.sum("0" as unknown as number), TypeError);
  assert.throws(() => a.sum(1.5), TypeError);
  assert.throws(() => a.min(true as unknown as number), TypeError);
  assert.throws(() => a.sum(1), RangeError);
  assert.throws(() => a.sum(2 ** 64), RangeError);
  assert.equal(a.sum(null as unknown as number), 3);
  assert.throws(() => a.slice("::0"), RangeError);
  assert.throws(() => a.transpose(1.5), TypeError);
  assert.throws(() => a.transpose(3), RangeError);
});
