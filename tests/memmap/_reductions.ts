/**
 * The differential test of reductions against NumPy: random cases (views
 * of data arrays both sides remake, a reduction and its arguments), NumPy's
 * results from `_reductions.py`, and the comparison (values bit for bit,
 * result types and shapes, error classes).
 *
 * @module
 */

import assert from "node:assert/strict";
import { frombuffer, NDArray } from "../../mod.ts";
import { lcgBytes, lcgFloats, same, type Step } from "./_reduce_cases.ts";

/** A data array both sides make: LCG bytes (integers, bool) or LCG floats, with special values set. */
export interface Data {
  dtype: string;
  n: number;
  seed: number;
  /** `[index, value]`: "nan", "inf", "-inf", "-0", a number, an integer string, or `[re, im]`. */
  specials: [number, unknown][];
}

/** A view of a data array and a reduction of it. */
export interface Case {
  data: number;
  steps: (Step | ["transpose", number[]])[];
  op: string;
  axis: number | number[] | null;
  keepdims?: boolean;
  ddof?: number;
}

/** NumPy's result of one case. */
export interface Result {
  values?: unknown[];
  dtype?: string;
  shape?: number[];
  error?: "RangeError" | "TypeError";
  message?: string;
}

/** A deterministic random source (the same LCG as the data). */
export class Random {
  #seed: number;
  constructor(seed: number) {
    this.#seed = seed;
  }
  /** A float in [0, 1). */
  next(): number {
    this.#seed = (Math.imul(this.#seed, 1103515245) + 12345) & 0x7fffffff;
    return this.#seed / 2 ** 31;
  }
  /** An integer in [a, b]. */
  int(a: number, b: number): number {
    return a + Math.floor(this.next() * (b - a + 1));
  }
  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
}

const SPECIAL: Record<string, number> = {
  nan: NaN,
  inf: Infinity,
  "-inf": -Infinity,
  "-0": -0,
};

function special(v: unknown, kind: string): unknown {
  if (Array.isArray(v)) {
    return { re: special(v[0], "f"), im: special(v[1], "f") };
  }
  if (typeof v === "string" && v in SPECIAL) return SPECIAL[v];
  if (typeof v === "string") return kind === "f" ? Number(v) : BigInt(v);
  return v;
}

/** Makes a data array as `_reductions.py` does. */
export function makeData(d: Data): NDArray {
  const base = frombuffer(new Uint8Array(0), { dtype: d.dtype });
  const dt = base.dtype;
  let a: NDArray;
  if (dt.kind === "b") {
    a = frombuffer(lcgBytes(d.n, d.seed).map((b) => b & 1), { dtype: "|b1" })
      .astype(d.dtype);
  } else if (dt.kind === "i" || dt.kind === "u") {
    a = frombuffer(lcgBytes(d.n * dt.itemsize, d.seed), { dtype: d.dtype })
      .copy();
  } else {
    const re = lcgFloats(d.n, d.seed);
    if (dt.kind === "c") {
      const im = lcgFloats(d.n, d.seed + 1).reverse();
      const pairs = new Float64Array(2 * d.n);
      for (let i = 0; i < d.n; i++) {
        pairs[2 * i] = re[i];
        pairs[2 * i + 1] = im[i];
      }
      a = frombuffer(pairs, { dtype: "complex128" }).astype(d.dtype);
    } else a = frombuffer(re).astype(d.dtype);
  }
  for (const [i, v] of d.specials) {
    const x = special(v, dt.kind === "f" || dt.kind === "c" ? "f" : "i");
    a.set(
      i,
      (dt.itemsize < 8 && typeof x === "bigint" ? Number(x) : x) as never,
    );
  }
  return a;
}

/** Applies a case's steps. */
export function view(a: NDArray, steps: Case["steps"]): NDArray {
  for (const st of steps) {
    if (st[0] === "reshape") a = a.reshape(...st[1]);
    else if (st[0] === "slice") a = a.slice(...st[1]);
    else if (st[0] === "transpose") a = a.transpose(...st[1]);
    else a = a.T;
  }
  return a;
}

/** Runs NumPy on the cases (`_reductions.py`). */
export function numpyResults(
  data: Data[],
  cases: Case[],
): { numpy: string; results: Result[] } {
  const dir = Deno.makeTempDirSync();
  try {
    const spec = `${dir}/spec.json`;
    Deno.writeTextFileSync(spec, JSON.stringify({ data, cases }));
    const out = new Deno.Command("python3", {
      args: [new URL("./_reductions.py", import.meta.url).pathname, spec],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    if (!out.success) {
      throw new Error(new TextDecoder().decode(out.stderr));
    }
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Calls the case's reduction on a view. */
export function runCase(v: NDArray, c: Case): unknown {
  const axis = c.axis ?? undefined;
  const options: Record<string, unknown> = {};
  if (c.keepdims) options.keepdims = true;
  if (c.ddof !== undefined) options.ddof = c.ddof;
  // deno-lint-ignore no-explicit-any
  const fn = (v as any)[c.op].bind(v);
  if (c.op === "cumsum" || c.op === "cumprod") return fn(axis);
  return fn(axis, options);
}

/** The JavaScript type of a scalar result of `op` over an array of `dtype`. */
function scalarType(op: string, kind: string, resultDtype: string): string {
  if (op === "any" || op === "all") return "boolean";
  if (op === "argmin" || op === "argmax") return "number";
  if ((op === "sum" || op === "prod") && kind === "b") return "number";
  if (resultDtype.startsWith("complex")) return "object";
  if (resultDtype === "bool") return "boolean";
  if (resultDtype === "int64" || resultDtype === "uint64") return "bigint";
  return "number";
}

/**
 * Checks our result of a case against NumPy's: the error class, or the
 * shape, the result type and every value bit for bit.
 */
export function checkCase(
  base: NDArray,
  c: Case,
  want: Result,
  label: string,
): void {
  const v = view(base, c.steps);
  const what = `${label}: ${base.dtype.str} ${
    JSON.stringify(c.steps)
  } ${c.op}(${JSON.stringify(c.axis)}${c.keepdims ? ", keepdims" : ""}${
    c.ddof !== undefined ? `, ddof=${c.ddof}` : ""
  })`;
  if (want.error !== undefined) {
    assert.throws(
      () => runCase(v, c),
      (e: unknown) => {
        assert.ok(
          want.error === "RangeError"
            ? e instanceof RangeError
            : e instanceof TypeError,
          `${what}: ${String(e)} instead of a ${want.error} (${want.message})`,
        );
        assert.match((e as Error).message, /^Cannot /, what);
        return true;
      },
      what,
    );
    return;
  }
  const got = runCase(v, c);
  let values: unknown[];
  if (got instanceof NDArray) {
    assert.deepEqual(got.shape, want.shape, `${what}: shape`);
    assert.equal(got.dtype.name, want.dtype, `${what}: dtype`);
    values = got.ndim === 0
      ? [got.get()]
      : (got.toArray() as unknown[]).flat(Infinity);
  } else {
    assert.deepEqual(want.shape, [], `${what}: NumPy's result is not 0-d`);
    assert.ok(
      c.axis === null && !c.keepdims,
      `${what}: a scalar where an array was due`,
    );
    assert.equal(
      typeof got,
      scalarType(c.op, base.dtype.kind, want.dtype!),
      `${what}: scalar type`,
    );
    values = [got];
  }
  assert.equal(values.length, want.values!.length, `${what}: size`);
  for (const [k, x] of values.entries()) {
    if (same(x, want.values![k])) continue;
    assert.fail(
      `${what}: element ${k}: ${String(x)} vs NumPy ${
        JSON.stringify(want.values![k])
      }`,
    );
  }
}

/** The reductions the differential test runs. */
export const REDUCTION_OPS: readonly string[] = [
  "sum",
  "mean",
  "min",
  "max",
  "prod",
  "any",
  "all",
  "argmin",
  "argmax",
  "var",
  "std",
  "cumsum",
  "cumprod",
];

const DTYPES = [
  "|b1",
  "|i1",
  "|u1",
  "<i2",
  ">u2",
  "<i4",
  ">i4",
  "<u4",
  "<i8",
  ">i8",
  "<u8",
  "<f2",
  ">f2",
  "<f4",
  ">f4",
  "<f8",
  ">f8",
  "<c8",
  ">c16",
  "<c16",
];
const LENGTHS = [0, 1, 1, 2, 3, 3, 4, 5, 7, 8, 9, 16, 17, 33, 130];
const SLICES = [":", ":", ":", "::-1", "::2", "1:", "::-2", "1::3"];

function specials(r: Random, dtype: string, n: number): [number, unknown][] {
  if (n === 0 || r.next() < 0.5) return [];
  const kind = dtype[1];
  const size = Number(dtype.slice(2));
  const out: [number, unknown][] = [];
  const floats = ["nan", "inf", "-inf", "-0", 0, "-0", 1e300, 5e-324, -1];
  const bits = kind === "c" ? size * 4 : size * 8;
  const ints = kind === "i"
    ? [
      String(-(2n ** BigInt(bits - 1))),
      String(2n ** BigInt(bits - 1) - 1n),
      "-1",
      "0",
    ]
    : kind === "u"
    ? [String(2n ** BigInt(bits) - 1n), "0", "1"]
    : ["0", "1"];
  for (let k = r.int(1, 4); k > 0; k--) {
    const v = kind === "f"
      ? r.pick(floats)
      : kind === "c"
      ? [r.pick(floats), r.pick(floats)]
      : r.pick(ints);
    out.push([r.int(0, n - 1), v]);
  }
  return out;
}

/**
 * Random cases of the given reductions: shapes 0-d to 4-D (empty axes
 * too), every numeric dtype in both byte orders, reversed, strided and
 * transposed views, axis null, an integer or a list, keepdims.
 *
 * @param seed The random seed.
 * @param count How many cases.
 * @param ops The reductions (and their extra arguments).
 * @returns The data arrays and the cases.
 */
export function makeCases(
  seed: number,
  count: number,
  ops: readonly string[],
): { data: Data[]; cases: Case[] } {
  const r = new Random(seed);
  const data: Data[] = [];
  const cases: Case[] = [];
  for (let t = 0; t < count; t++) {
    const ndim = r.pick([0, 1, 1, 2, 2, 2, 3, 3, 4]);
    let shape = Array.from({ length: ndim }, () => r.pick(LENGTHS));
    const big = r.next() < 0.08;
    if (big && ndim > 0) shape[ndim - 1] = r.pick([9000, 20000, 70000]);
    while (shape.reduce((a, b) => a * b, 1) > 80000) {
      shape = shape.map((n) => Math.max(1, n >> 1));
    }
    const slices = shape.map(() => r.pick(SLICES));
    // The base is large enough for the slices to give `shape`-like views.
    const baseShape = shape.map((n, k) =>
      slices[k] === "::2" || slices[k] === "::-2"
        ? 2 * n
        : slices[k] === "1:"
        ? n + 1
        : slices[k] === "1::3"
        ? 3 * n + 1
        : n
    );
    const n = baseShape.reduce((a, b) => a * b, 1);
    const dtype = r.pick(DTYPES);
    data.push({
      dtype,
      n,
      seed: r.int(1, 1 << 30),
      specials: specials(r, dtype, n),
    });
    const steps: Case["steps"] = [["reshape", baseShape]];
    if (slices.some((s) => s !== ":")) steps.push(["slice", slices]);
    if (ndim > 1 && r.next() < 0.4) {
      const perm = Array.from({ length: ndim }, (_, k) => k);
      for (let k = ndim - 1; k > 0; k--) {
        const j = r.int(0, k);
        [perm[k], perm[j]] = [perm[j], perm[k]];
      }
      steps.push(["transpose", perm]);
    }
    const op = r.pick(ops);
    let axis: Case["axis"] = null;
    const roll = r.next();
    if (roll < 0.3 || ndim === 0) {
      axis = ndim === 0 && roll < 0.1 ? r.pick([0, -1]) : null;
    } else if (roll < 0.6) axis = r.int(-ndim, ndim - 1);
    else {
      axis = [];
      for (let k = 0; k < ndim; k++) {
        if (r.next() < 0.5) axis.push(r.next() < 0.3 ? k - ndim : k);
      }
      if (r.next() < 0.05 && axis.length > 0) axis.push(axis[0]); // a duplicate
    }
    const c: Case = { data: data.length - 1, steps, op, axis };
    if (r.next() < 0.3) c.keepdims = true;
    if (op === "std" || op === "var") {
      if (r.next() < 0.4) c.ddof = r.pick([1, 2, 0.5, -1, 5]);
    }
    cases.push(c);
  }
  return { data, cases };
}
