/**
 * The element-wise operations with vector kernels (comparisons, float
 * maximum/minimum, clip, where) against NumPy, bit for bit, in runs long
 * enough for the kernels: every type they handle, edge values (NaN of
 * both signs, a signaling NaN's payload, ±0, ±inf, ties, integer limits),
 * scalars on either side, broadcasting, unaligned, strided, reversed and
 * byte-swapped views, `out=` over an input, memory maps. Replays NumPy's
 * results committed in `kernels_numpy.json` (hashes of the result bytes)
 * and, with NumPy installed, checks them against NumPy now; run this file
 * with `deno run -A` to rewrite the fixture.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  frombuffer,
  Memmap,
  memmap,
  type NDArray,
  where,
} from "../../../mod.ts";
import { settings } from "../../../src/memmap/kernels/runtime.ts";
import { numpyFixtureTests, quietNaNs, tempDir } from "../_numpy.ts";
import { lcgBytes } from "../_reduce_cases.ts";
import { python } from "../../test_util.ts";

/** Elements per operand: past the kernels' minimum run, not a whole number of vectors. */
const N = 2053;

const TYPES = {
  int8: "i1",
  uint8: "u1",
  int16: "i2",
  uint16: "u2",
  int32: "i4",
  uint32: "u4",
  int64: "i8",
  uint64: "u8",
  float32: "f4",
  float64: "f8",
} as const;

type Type = keyof typeof TYPES;

/** The float edge values, as bits (float64, float32). */
const EDGES: [bigint, number][] = [
  [0x7ff8000000000000n, 0x7fc00000], // NaN
  [0xfff8000000000000n, 0xffc00000], // -NaN
  [0x7ff0000000000123n, 0x7f800123], // a signaling NaN with a payload
  [0x0000000000000000n, 0x00000000], // +0
  [0x8000000000000000n, 0x80000000], // -0
  [0x7ff0000000000000n, 0x7f800000], // inf
  [0xfff0000000000000n, 0xff800000], // -inf
];

/**
 * Operand `seed` of `type`: random bytes with edge values every 7th
 * element (and the integer limits), equal to operand 1 every 5th element
 * (ties) from operand 2 on.
 */
function operand(type: Type, seed: number): Uint8Array {
  const size = Number(TYPES[type][1]);
  const bytes = lcgBytes(N * size, seed);
  const view = new DataView(bytes.buffer);
  const first = seed === 1 ? undefined : operand(type, 1);
  for (let i = 0; i < N; i++) {
    if (first !== undefined && i % 5 === 0) {
      bytes.set(first.subarray(i * size, (i + 1) * size), i * size);
    } else if (i % 7 === 3) {
      const k = (i / 7 + seed) % EDGES.length | 0;
      const at = i * size;
      if (type === "float64") view.setBigUint64(at, EDGES[k][0], true);
      else if (type === "float32") view.setUint32(at, EDGES[k][1], true);
      else bytes.fill(k % 2 === 0 ? 0xff : 0, at, at + size); // -1/max, 0
      if (type.startsWith("int") && k === 1) bytes[at + size - 1] = 0x80; // min
    }
  }
  return bytes;
}

const FLOATS = new Set<Type>(["float32", "float64"]);

/** One case: our call on the operands, NumPy's expression on `x`, `y`, `z`. */
interface Case {
  label: string;
  js: (x: NDArray, y: NDArray, z: NDArray) => NDArray;
  py: string;
  floatsOnly?: boolean;
}

const COMPARISONS = {
  eq: "equal",
  ne: "not_equal",
  lt: "less",
  le: "less_equal",
  gt: "greater",
  ge: "greater_equal",
} as const;

type Binary = keyof typeof COMPARISONS | "maximum" | "minimum";

/** `a.op(b, options)`. */
function apply(
  a: NDArray,
  op: Binary,
  b: unknown,
  options?: { out: NDArray },
): NDArray {
  return (a[op] as (b: unknown, o?: unknown) => NDArray).call(a, b, options);
}

/** The layouts of a binary operation `op` (NumPy's `np.f`). */
function binaryCases(op: Binary, f: string): Case[] {
  const cases: Case[] = [
    { label: "x op y", js: (x, y) => apply(x, op, y), py: `${f}(x, y)` },
    {
      label: "x op scalar",
      js: (x, y) => apply(x, op, y.get(7) as number),
      py: `${f}(x, y[7])`,
    },
    {
      label: "scalar op x",
      js: (x, y) => apply(y.slice("7:8").reshape(), op, x),
      py: `${f}(y[7], x)`,
    },
    {
      label: "2-D, broadcast row",
      js: (x, y) =>
        apply(x.slice(":2052").reshape(2, 1026), op, y.slice(":1026")),
      py: `${f}(x[:2052].reshape(2, 1026), y[:1026])`,
    },
    {
      label: "unaligned views",
      js: (x, y) => apply(x.slice("1:-2"), op, y.slice("3:")),
      py: `${f}(x[1:-2], y[3:])`,
    },
    {
      label: "strided views",
      js: (x, y) => apply(x.slice(":2052:2"), op, y.slice("1::2")),
      py: `${f}(x[:2052:2], y[1::2])`,
    },
    {
      label: "reversed",
      js: (x, y) => apply(x.slice("::-1"), op, y),
      py: `${f}(x[::-1], y)`,
    },
    {
      label: "byte-swapped",
      js: (x, y) => apply(x.astype(`>${x.dtype.str.slice(1)}`), op, y),
      py: `${f}(x.astype(x.dtype.newbyteorder(">")), y)`,
    },
  ];
  if (op === "maximum" || op === "minimum") {
    cases.push({
      label: "out= the first input",
      js: (x, y) => {
        const o = x.copy();
        return apply(o, op, y, { out: o });
      },
      py: `${f}(x.copy(), y)`,
    }, {
      label: "out= overlapping the first input, one element on",
      js: (x, y) => {
        const o = x.copy();
        apply(o.slice(":-1"), op, y.slice("1:"), { out: o.slice("1:") });
        return o;
      },
      py: `(lambda o: (${f}(o[:-1], y[1:], out=o[1:]), o)[1])(x.copy())`,
    });
  }
  return cases;
}

const CLIP: Case[] = [
  {
    label: "clip(scalar, scalar)",
    js: (x, y) => x.clip(y.get(5) as number, y.get(8) as number),
    py: "np.clip(x, y[5], y[8])",
  },
  {
    label: "clip(array, array)",
    js: (x, y, z) => x.clip(y, z),
    py: "np.clip(x, y, z)",
  },
  {
    label: "clip(array, scalar)",
    js: (x, y, z) => x.clip(y, z.get(8) as number),
    py: "np.clip(x, y, z[8])",
  },
  {
    label: "clip of a strided view",
    js: (x, y) => x.slice("::3").clip(y.get(5) as number, y.get(8) as number),
    py: "np.clip(x[::3], y[5], y[8])",
  },
  {
    label: "clip, out= the input",
    js: (x, y) => {
      const o = x.copy();
      return o.clip(y.get(5) as number, y.get(8) as number, { out: o });
    },
    py: "np.clip(x, y[5], y[8])",
  },
  {
    label: "clip(NaN, scalar)",
    js: (x, y) => x.clip(NaN, y.get(8) as number),
    py: "np.clip(x, np.nan, y[8])",
    floatsOnly: true,
  },
  {
    label: "clip(scalar, NaN)",
    js: (x, y) => x.clip(y.get(8) as number, NaN),
    py: "np.clip(x, y[8], np.nan)",
    floatsOnly: true,
  },
  {
    label: "clip(-0, 0)",
    js: (x) => x.clip(-0, 0),
    py: "np.clip(x, x.dtype.type(-0.0), x.dtype.type(0.0))",
    floatsOnly: true,
  },
  {
    label: "clip(0, -0)",
    js: (x) => x.clip(0, -0),
    py: "np.clip(x, x.dtype.type(0.0), x.dtype.type(-0.0))",
    floatsOnly: true,
  },
];

const WHERE: Case[] = [
  {
    label: "where(x < y, x, y)",
    js: (x, y) => where(x.lt(y), x, y),
    py: "np.where(x < y, x, y)",
  },
  {
    label: "where(x < y, x, scalar)",
    js: (x, y) => where(x.lt(y), x, y.get(7) as number),
    py: "np.where(x < y, x, y[7])",
  },
  {
    label: "where(fixed condition, x, y)",
    js: (x, y) => where(x.slice("3:4").reshape().lt(y.get(3) as number), x, y),
    py: "np.where(x[3] < y[3], x, y)",
  },
  {
    label: "where(broadcast row, x, y)",
    js: (x, y, z) =>
      where(
        z.slice(":1026").gt(y.slice(":1026")),
        x.slice(":2052").reshape(2, 1026),
        y.slice("1:2053").reshape(2, 1026),
      ),
    py:
      "np.where(z[:1026] > y[:1026], x[:2052].reshape(2, 1026), y[1:2053].reshape(2, 1026))",
  },
  {
    label: "where on strided views",
    js: (x, y, z) =>
      where(x.slice("::2").lt(y.slice("::2")), x.slice("::2"), z.slice("::2")),
    py: "np.where(x[::2] < y[::2], x[::2], z[::2])",
  },
  {
    label: "where(x < y, x, 2) (a weak scalar)",
    js: (x, y) => where(x.lt(y), x, 2),
    py: "np.where(x < y, x, 2)",
  },
];

/** Every case, by `type/label`. */
function cases(): [string, Type, Case][] {
  const all: Case[] = [
    ...Object.entries(COMPARISONS).flatMap(([op, f]) =>
      binaryCases(op as Binary, `np.${f}`).map((c) => ({
        ...c,
        label: `${op}: ${c.label}`,
      }))
    ),
    ...(["maximum", "minimum"] as const).flatMap((op) =>
      binaryCases(op, `np.${op}`).map((c) => ({
        ...c,
        label: `${op}: ${c.label}`,
      }))
    ),
    ...CLIP,
    ...WHERE,
  ];
  return (Object.keys(TYPES) as Type[]).flatMap((type) =>
    all.filter((c) => !c.floatsOnly || FLOATS.has(type)).map((
      c,
    ): [string, Type, Case] => [`${type}/${c.label}`, type, c])
  );
}

/**
 * A result's dtype and the hash of its bytes, float NaNs made quiet (the
 * JavaScript loops quiet a signaling NaN now and then: V8 may read a
 * float as a float64 and back; sign and payload stay compared).
 */
function summary(a: NDArray): string {
  const bytes = new Uint8Array(a.toTypedArray().buffer);
  quietNaNs(bytes, a.dtype.name);
  return `${a.dtype.name} ${
    createHash("sha256").update(bytes).digest("hex").slice(0, 16)
  }`;
}

type Expected = Record<string, string>;

/** The operands' files: `${type}.${seed}` in `dir`. */
function writeOperands(dir: string): void {
  for (const type of Object.keys(TYPES) as Type[]) {
    for (const seed of [1, 2, 3]) {
      Deno.writeFileSync(`${dir}/${type}.${seed}`, operand(type, seed));
    }
  }
}

function fromNumpy(): Expected {
  using tmp = tempDir();
  writeOperands(tmp.dir);
  const list = cases().map(([key, type, c]) => [key, TYPES[type], c.py]);
  const script = `
import hashlib, json, sys, numpy as np
d, out = sys.argv[1], {}
for key, code, expr in json.load(open(f"{d}/cases.json")):
    t = key.split("/")[0]
    x, y, z = (np.fromfile(f"{d}/{t}.{s}", "<" + code) for s in (1, 2, 3))
    r = np.ascontiguousarray(eval(expr))
    if r.dtype.kind == "f":
        w = r.view(f"u{r.itemsize}")
        q = np.array(1 << 51 if r.itemsize == 8 else 1 << 22, w.dtype)
        w[np.isnan(r)] |= q
    out[key] = f"{r.dtype.name} {hashlib.sha256(r.tobytes()).hexdigest()[:16]}"
print(json.dumps(out))
`;
  Deno.writeTextFileSync(`${tmp.dir}/cases.json`, JSON.stringify(list));
  return JSON.parse(python(script, tmp.dir));
}

/**
 * Our results of every case, the operands in arrays of the library's own
 * (kernels in place), memory maps of the same bytes (shown in place), a
 * caller's buffers (copied to the kernels a chunk at a time), or arrays
 * with the kernels off (the JavaScript loops).
 */
function ours(operands: "arrays" | "maps" | "buffers" | "loops"): Expected {
  using tmp = tempDir();
  writeOperands(tmp.dir);
  const saved = { ...settings };
  settings.arrayMemoryMinBytes = 0;
  settings.overlayMinBytes = 0;
  settings.off = operands === "loops";
  const made = new Map<Type, NDArray[]>();
  try {
    const out: Expected = {};
    for (const [key, type, c] of cases()) {
      let xyz = made.get(type);
      if (xyz === undefined) {
        xyz = [1, 2, 3].map((seed) => {
          const path = `${tmp.dir}/${type}.${seed}`;
          if (operands === "maps") {
            return memmap(path, { dtype: type, mode: "r" });
          }
          const a = frombuffer(Deno.readFileSync(path), { dtype: type });
          return operands === "arrays" ? a.copy() : a;
        });
        made.set(type, xyz);
      }
      out[key] = summary(c.js(xyz[0], xyz[1], xyz[2]));
    }
    return out;
  } finally {
    Object.assign(settings, saved);
    // Maps closed before their directory goes (Windows keeps mapped files).
    for (const xyz of made.values()) {
      for (const a of xyz) if (a instanceof Memmap) a.close();
    }
  }
}

/** The keys whose results differ from `expected`. */
function differing(got: Expected, expected: Expected): string[] {
  return Object.keys(expected).filter((k) => got[k] !== expected[k]);
}

numpyFixtureTests(
  "comparisons, maximum/minimum, clip and where give NumPy's dtypes and bits in long runs, vector kernels on and off",
  new URL("./kernels_numpy.json", import.meta.url),
  fromNumpy,
  (expected) => {
    assert.equal(Object.keys(expected).length, cases().length);
    for (const operands of ["arrays", "maps", "buffers", "loops"] as const) {
      assert.deepEqual(differing(ours(operands), expected), [], operands);
    }
  },
  import.meta.main,
);

Deno.test("float maximum/minimum/where/clip in long runs keep a signaling NaN's bits, as NumPy does (vector kernels)", () => {
  const saved = settings.arrayMemoryMinBytes;
  settings.arrayMemoryMinBytes = 0;
  try {
    for (
      const [type, bits] of [["float64", 0x7ff0000000000123n], [
        "float32",
        0x7f800123,
      ]] as const
    ) {
      const n = 4099;
      const raw = type === "float64"
        ? new BigUint64Array(n).fill(bits as bigint)
        : new Uint32Array(n).fill(bits as number);
      const x = frombuffer(new Uint8Array(raw.buffer), { dtype: type }).copy();
      const one = frombuffer(new Uint8Array(raw.buffer), { dtype: type }).copy()
        .fill(1);
      const results = [
        x.maximum(one),
        one.minimum(x),
        where(one.gt(0), x, one),
        x.clip(0, 2),
      ];
      for (const r of results) {
        const got = type === "float64"
          ? new BigUint64Array(r.toTypedArray().buffer)
          : new Uint32Array(r.toTypedArray().buffer);
        // The kernels' part: every element but the JavaScript loop's tail.
        assert.equal(got.slice(0, 4096).every((b) => b === bits), true, type);
      }
    }
  } finally {
    settings.arrayMemoryMinBytes = saved;
  }
});
