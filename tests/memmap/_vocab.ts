/**
 * The differential harness of the vocabulary tests (indexing, sorting,
 * products, creation, shape helpers): random arrays of every numeric dtype
 * in both byte orders, with edge values, as views (transposed, reversed,
 * strided), handed to NumPy (`_vocab_oracle.py`) and to this library, the
 * results compared bit for bit (or within a stated tolerance). Each test
 * file replays a committed fixture (cases and NumPy's answers, made by
 * `deno run -A tests/memmap/_vocab.ts write`) and, where NumPy runs, fresh
 * random cases against live NumPy.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  dtype,
  frombuffer,
  memmap,
  type NDArray,
  type NumericName,
} from "../../mod.ts";
import { HAS_NUMPY, NUMERIC_NAMES } from "../test_util.ts";

export { HAS_NUMPY };

/**
 * Seeds of the live NumPy tests: two by default, `VOCAB_SEEDS=4-40` for a
 * longer hunt.
 */
export const SEEDS: number[] = (() => {
  const text = Deno.env.get("VOCAB_SEEDS");
  if (text === undefined) return [2, 3];
  const [a, b] = text.split("-").map(Number);
  return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
})();

/** Every numeric dtype. */
export const NAMES: readonly NumericName[] = NUMERIC_NAMES;

/** A small seeded generator (mulberry32). */
export class Random {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#s += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** An array as the oracle takes it. */
export interface ArraySpec {
  dtype: string;
  shape: number[];
  hex: string;
  view?: (["T"] | ["rev", number] | ["step", number, number])[];
  /** This side only: put the array in a memmap of a temp file. */
  memmap?: boolean;
}

/** An encoded result: an array, a list of arrays, or an error. */
export type Encoded =
  | { dtype: string; shape: number[]; hex: string }
  | { list: Encoded[] }
  | { error: string; message?: string };

const FLOATS = [
  0,
  -0,
  1,
  -1,
  0.5,
  -2.5,
  3,
  NaN,
  Infinity,
  -Infinity,
  1e-310,
  65504,
  1e10,
  -7,
];

/** A value of a numeric kind, biased to edge values. */
function value(r: Random, name: NumericName): number | bigint {
  if (name === "bool") return r.int(2);
  if (name.startsWith("float") || name.startsWith("complex")) {
    return r.next() < 0.6
      ? r.pick(FLOATS)
      : Math.round(r.next() * 200 - 100) / 4;
  }
  const bits = Number(name.replace(/\D/g, ""));
  const signed = name.startsWith("int");
  const lo = signed ? -(2n ** BigInt(bits - 1)) : 0n;
  const hi = signed ? 2n ** BigInt(bits - 1) - 1n : 2n ** BigInt(bits) - 1n;
  const roll = r.next();
  let v: bigint;
  if (roll < 0.1) v = lo;
  else if (roll < 0.2) v = hi;
  else v = BigInt(r.int(21) - (signed ? 10 : 0));
  return bits === 64 ? v : Number(v);
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Bytes from hex. */
export function fromHex(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

/** The typed array constructors of the native dtypes. */
const CTORS: Record<
  NumericName,
  { new (n: number): ArrayLike<unknown> & { buffer: ArrayBuffer } }
> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float16: Float16Array,
  float32: Float32Array,
  float64: Float64Array,
  complex64: Float32Array,
  complex128: Float64Array,
};

/**
 * A random array spec.
 *
 * @param r The generator.
 * @param name The dtype (random when omitted).
 * @param shape The shape (random, 0-d to 4-D with empty axes, when omitted).
 * @param options `view`: add a random view; `big`: allow big-endian;
 * `values`: values to draw from; `nans`: NaNs with random payloads and signs.
 */
export function randomSpec(
  r: Random,
  name: NumericName = r.pick(NAMES),
  shape?: number[],
  options: {
    view?: boolean;
    big?: boolean;
    values?: readonly number[];
    nans?: boolean;
  } = {},
): ArraySpec {
  shape ??= Array.from(
    { length: r.int(5) },
    () => r.next() < 0.1 ? 0 : 1 + r.int(4),
  );
  const size = shape.reduce((a, b) => a * b, 1);
  const complex = name.startsWith("complex");
  const ta = new CTORS[name](complex ? 2 * size : size) as unknown as {
    [i: number]: number | bigint;
    buffer: ArrayBuffer;
    length: number;
  };
  for (let i = 0; i < ta.length; i++) {
    const v = name === "bool"
      ? r.int(2)
      : options.values
      ? r.pick(options.values)
      : value(r, name);
    ta[i] = name.endsWith("int64") ? BigInt(v) : Number(v);
  }
  let bytes = new Uint8Array(ta.buffer);
  if (options.nans && /float|complex/.test(name)) {
    // Some elements become NaNs with random payloads and signs.
    const unit = complex ? dtype(name).itemsize / 2 : dtype(name).itemsize;
    const expBits = unit === 2 ? 5 : unit === 4 ? 8 : 11;
    for (let i = 0; i < bytes.length; i += unit) {
      if (r.next() >= 0.1) continue;
      for (let b = 0; b < unit; b++) bytes[i + b] = r.int(256);
      // Exponent all ones (little-endian: the top bits of the last bytes), mantissa non-zero.
      let word = 0n;
      for (let b = unit - 1; b >= 0; b--) {
        word = (word << 8n) | BigInt(bytes[i + b]);
      }
      const manBits = BigInt(unit * 8 - 1 - expBits);
      word |= ((1n << BigInt(expBits)) - 1n) << manBits;
      if ((word & ((1n << manBits) - 1n)) === 0n) word |= 1n;
      for (let b = 0; b < unit; b++) {
        bytes[i + b] = Number((word >> BigInt(8 * b)) & 255n);
      }
    }
  }
  const big = (options.big ?? true) && dtype(name).itemsize > 1 &&
    r.next() < 0.3;
  if (big) {
    const unit = complex ? dtype(name).itemsize / 2 : dtype(name).itemsize;
    bytes = bytes.slice();
    for (let i = 0; i < bytes.length; i += unit) {
      bytes.subarray(i, i + unit).reverse();
    }
  }
  const dt = dtype(name);
  const str = dt.itemsize === 1 ? dt.str : (big ? ">" : "<") + dt.str.slice(1);
  const spec: ArraySpec = { dtype: str, shape, hex: toHex(bytes) };
  if (options.view !== false && shape.length > 0 && r.next() < 0.6) {
    const view: ArraySpec["view"] = [];
    const roll = r.next();
    if (roll < 0.3 && shape.length > 1) view.push(["T"]);
    else if (roll < 0.65) view.push(["rev", r.int(shape.length)]);
    else view.push(["step", r.int(shape.length), 2]);
    spec.view = view;
  }
  return spec;
}

const dirs: string[] = [];

/** The array of a spec on this side (in memory, or a memmap of a temp file). */
export function makeArray(spec: ArraySpec): NDArray {
  const bytes = fromHex(spec.hex);
  let a: NDArray;
  if (spec.memmap) {
    const dir = Deno.makeTempDirSync({ prefix: "vocab_" });
    dirs.push(dir);
    Deno.writeFileSync(`${dir}/a.bin`, bytes);
    a = memmap(`${dir}/a.bin`, {
      dtype: spec.dtype,
      mode: "r+",
      shape: spec.shape,
    });
  } else {
    a = frombuffer(bytes, { dtype: spec.dtype }).reshape(spec.shape);
  }
  for (const v of spec.view ?? []) {
    if (v[0] === "T") a = a.T;
    else {
      const idx = a.shape.map((_, k) =>
        k === v[1] ? (v[0] === "rev" ? "::-1" : `::${v[2]}`) : ":"
      );
      a = a.slice(...idx);
    }
  }
  return a;
}

/** Removes the temp files of memmap specs (call at the end of a test). */
export function cleanup(): void {
  for (const dir of dirs.splice(0)) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* a map still open on Windows */ }
  }
}

/** Encodes a result of this side as the oracle does. */
export function encode(x: unknown): Encoded {
  if (Array.isArray(x)) return { list: x.map(encode) };
  const a = x as NDArray;
  // A byte copy, swapped here: a cast to native order would quiet
  // signaling NaNs, which NumPy's byte swap keeps.
  const copy = a.copy();
  const bytes = new Uint8Array(copy.storage.bytes.buffer, 0, copy.nbytes);
  const unit = a.dtype.kind === "c" ? a.itemsize / 2 : a.itemsize;
  if (!a.dtype.isNative) {
    for (let i = 0; i < bytes.length; i += unit) {
      bytes.subarray(i, i + unit).reverse();
    }
  }
  return { dtype: a.dtype.str, shape: [...a.shape], hex: toHex(bytes) };
}

const ORACLE = fileURLToPath(new URL("./_vocab_oracle.py", import.meta.url));

/**
 * JSON for the oracle: bigints as `{ "int": "..." }` and non-finite
 * numbers as `{ "float": "nan" }` (Python reads both back exactly).
 */
function toJSON(cases: unknown[]): string {
  return JSON.stringify(cases, (_k, v) => {
    if (typeof v === "bigint") return { int: String(v) };
    if (typeof v === "number" && !Number.isFinite(v)) {
      return { float: String(v) };
    }
    return v;
  });
}

/** NumPy's answers for the cases (python3 must run). */
export function oracle(cases: unknown[]): Encoded[] {
  const file = Deno.makeTempFileSync({ suffix: ".json" });
  try {
    Deno.writeTextFileSync(file, toJSON(cases));
    const out = new Deno.Command("python3", {
      args: [ORACLE, file],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    Deno.removeSync(file);
  }
}

/** The fixture of a test file: cases and NumPy's answers. */
export interface Fixture<C> {
  cases: C[];
  results: Encoded[];
}

/** Reads a committed fixture of tests/testdata/vocab/ (or `undefined` before one is written). */
export function readFixture<C>(name: string): Fixture<C> | undefined {
  const url = new URL(`../testdata/vocab/${name}.json`, import.meta.url);
  let text: string;
  try {
    text = Deno.readTextFileSync(url);
  } catch {
    return undefined;
  }
  return JSON.parse(text, (_k, v) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      if (typeof v.int === "string" && Object.keys(v).length === 1) {
        return BigInt(v.int);
      }
      if (typeof v.float === "string" && Object.keys(v).length === 1) {
        return Number(v.float);
      }
    }
    return v;
  });
}

/** Writes a committed fixture: the cases and NumPy's answers. */
export function writeFixture<C>(name: string, cases: C[]): void {
  const results = oracle(cases);
  const url = new URL(`../testdata/vocab/${name}.json`, import.meta.url);
  Deno.mkdirSync(new URL(".", url), { recursive: true });
  Deno.writeTextFileSync(
    url,
    `{"cases":${toJSON(cases)},"results":${JSON.stringify(results)}}\n`,
  );
}

/** NumPy's error names and the classes of ours they correspond to. */
const ERRORS: Record<string, string> = {
  IndexError: "RangeError",
  AxisError: "RangeError",
  ValueError: "RangeError",
  OverflowError: "RangeError",
  ZeroDivisionError: "RangeError",
  TypeError: "TypeError",
};

/** Runs `f`, encoding its result or its error class. */
export function attempt(f: () => unknown): Encoded {
  try {
    return encode(f());
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

/** Whether two encoded float elements are equal as NumPy's results (any NaN equals any NaN). */
function sameBits(dt: string, got: Uint8Array, want: Uint8Array): boolean {
  if (got.every((b, i) => b === want[i])) return true;
  if (!/[fc]/.test(dt[1])) return false;
  const native = dt.slice(1);
  const g = frombuffer(got.slice(), { dtype: native })
    .toTypedArray() as Float64Array;
  const w = frombuffer(want.slice(), { dtype: native })
    .toTypedArray() as Float64Array;
  return g.every((x, i) =>
    Object.is(x, w[i]) || (Number.isNaN(x) && Number.isNaN(w[i]))
  );
}

/**
 * Checks one result against NumPy's: the same error class (NumPy's names
 * mapped, `errors` overriding), or the same dtype, shape and elements (bit
 * for bit, NaN payloads aside; within `tolerance(i)` for element `i` when given).
 */
export function check(
  label: string,
  got: Encoded,
  want: Encoded,
  options: {
    errors?: Record<string, string>;
    tolerance?: (want: number, index: number) => number;
    byteOrder?: boolean;
    /** Compare NaN payloads too (results that move elements without computing them). */
    exact?: boolean;
  } = {},
): void {
  if ("error" in want) {
    const expected = options.errors?.[want.error] ?? ERRORS[want.error] ??
      want.error;
    assert.ok(
      "error" in got && got.error === expected,
      `${label}: NumPy raised ${want.error} (${want.message}), expected ${expected}, got ${
        JSON.stringify(got).slice(0, 200)
      }`,
    );
    return;
  }
  assert.ok(
    !("error" in got),
    `${label}: got ${JSON.stringify(got)}, NumPy ${
      JSON.stringify(want).slice(0, 300)
    }`,
  );
  if ("list" in want) {
    assert.ok("list" in got, `${label}: expected a list`);
    assert.equal(got.list.length, want.list.length, `${label}: list length`);
    got.list.forEach((g, i) =>
      check(`${label}[${i}]`, g, want.list[i], options)
    );
    return;
  }
  assert.ok("dtype" in got);
  // NumPy gives scalars (native) where this library gives 0-d arrays.
  if (options.byteOrder === false || want.shape.length === 0) {
    assert.equal(got.dtype.slice(1), want.dtype.slice(1), `${label}: dtype`);
  } else assert.equal(got.dtype, want.dtype, `${label}: dtype`);
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  const g = fromHex(got.hex), w = fromHex(want.hex);
  assert.equal(g.length, w.length, `${label}: bytes`);
  const size = Number(want.dtype.slice(2));
  if (options.tolerance !== undefined && /[fc]/.test(want.dtype[1])) {
    const native = want.dtype.slice(1);
    const gv = frombuffer(g, { dtype: native }).toTypedArray() as Float64Array;
    const wv = frombuffer(w, { dtype: native }).toTypedArray() as Float64Array;
    for (let i = 0; i < wv.length; i++) {
      const x = gv[i], y = wv[i];
      if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) continue;
      const tol = options.tolerance(y, i);
      assert.ok(
        Math.abs(x - y) <= tol,
        `${label}: element part ${i}: got ${x}, NumPy ${y} (tolerance ${tol})`,
      );
    }
    return;
  }
  for (let i = 0; i < w.length; i += size) {
    const gi = g.subarray(i, i + size), wi = w.subarray(i, i + size);
    if (
      options.exact
        ? !gi.every((b, k) => b === wi[k])
        : !sameBits(want.dtype, gi, wi)
    ) {
      assert.fail(
        `${label}: element ${i / size} differs: got ${toHex(gi)}, NumPy ${
          toHex(wi)
        } (${want.dtype})`,
      );
    }
  }
}

/**
 * Registers a test file's two differential tests: its committed fixture
 * (cases of seed 1, written by `deno run -A <test file> write`) and, where
 * NumPy runs, fresh cases of every seed of {@linkcode SEEDS} against live
 * NumPy.
 *
 * @param name The fixture's name (`tests/testdata/vocab/<name>.json`).
 * @param what The behaviour, for the tests' names.
 * @param live What the live test adds, for its name (may be empty).
 * @param cases The cases of a seed.
 * @param compare Runs cases on this side and checks them against NumPy's results.
 * @param counts Cases in the fixture and per seed of the live test.
 */
export function differentialTests<C>(
  name: string,
  what: string,
  live: string,
  cases: (seed: number, count: number) => C[],
  compare: (list: C[], results: Encoded[]) => void,
  counts: { fixture: number; live: number },
): void {
  if (Deno.args[0] === "write") writeFixture(name, cases(1, counts.fixture));
  Deno.test(`${what} (committed fixture)`, () => {
    const f = readFixture<C>(name);
    if (f === undefined) return;
    compare(f.cases, f.results);
  });
  const note = live ? `live NumPy, ${live}` : "live NumPy";
  Deno.test(`${what} (${note})`, { ignore: !HAS_NUMPY }, () => {
    for (const seed of SEEDS) {
      const list = cases(seed, counts.live);
      compare(list, oracle(list));
    }
  });
}
