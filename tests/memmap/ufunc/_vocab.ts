/**
 * Replays the cases of `_vocab_numpy.py` here and compares with NumPy's
 * results: dtype, shape, error class, and every element bit for bit or
 * within the ulp bound of the operation (see `ULPS`).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { dtype, frombuffer, NDArray, where } from "../../../mod.ts";

/** An operand as the script describes it. */
export type Spec =
  | {
    kind: "array";
    dtype: string;
    base: number[];
    hex: string;
    index: string[];
    perm: number[];
  }
  | { kind: "scalar"; value: unknown }
  | { kind: "null" }
  | { kind: "decimals"; value: number };

/** One case and NumPy's answer. */
export interface Case {
  op: string;
  args: Spec[];
  out?: { dtype: string; shape: number[] };
  loop?: string;
  result?: { dtype: string; shape: number[]; hex: string };
  error?: string;
}

/** The script's output. */
export interface Results {
  seed: number;
  count: number;
  cases: Case[];
}

const SCRIPT = fileURLToPath(new URL("./_vocab_numpy.py", import.meta.url));

/** Runs the script (NumPy must be present). */
export function liveCases(seed: number, count: number, ops = ""): Results {
  const out = new Deno.Command("python3", {
    args: [SCRIPT, String(seed), String(count), ops],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** NumPy names to the methods here. */
export const METHODS: Record<string, string> = {
  add: "add",
  subtract: "sub",
  multiply: "mul",
  true_divide: "div",
  floor_divide: "floorDiv",
  remainder: "mod",
  power: "pow",
  maximum: "maximum",
  minimum: "minimum",
  arctan2: "arctan2",
  hypot: "hypot",
  bitwise_and: "bitwiseAnd",
  bitwise_or: "bitwiseOr",
  bitwise_xor: "bitwiseXor",
  left_shift: "leftShift",
  right_shift: "rightShift",
  logical_and: "logicalAnd",
  logical_or: "logicalOr",
  logical_xor: "logicalXor",
  equal: "eq",
  not_equal: "ne",
  less: "lt",
  less_equal: "le",
  greater: "gt",
  greater_equal: "ge",
  negative: "neg",
  absolute: "abs",
  sign: "sign",
  sqrt: "sqrt",
  square: "square",
  cbrt: "cbrt",
  exp: "exp",
  exp2: "exp2",
  expm1: "expm1",
  log: "log",
  log2: "log2",
  log10: "log10",
  log1p: "log1p",
  sin: "sin",
  cos: "cos",
  tan: "tan",
  arcsin: "arcsin",
  arccos: "arccos",
  arctan: "arctan",
  sinh: "sinh",
  cosh: "cosh",
  tanh: "tanh",
  floor: "floor",
  ceil: "ceil",
  trunc: "trunc",
  rint: "rint",
  isnan: "isnan",
  isinf: "isinf",
  isfinite: "isfinite",
  logical_not: "logicalNot",
  invert: "invert",
};

function hex(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  }
  return bytes;
}

/** The operand of a spec, built as the script built it. */
export function build(spec: Spec): unknown {
  switch (spec.kind) {
    case "null":
      return null;
    case "decimals":
      return spec.value;
    case "scalar": {
      const v = spec.value;
      if (typeof v === "string") {
        const special: Record<string, number> = {
          nan: NaN,
          inf: Infinity,
          "-inf": -Infinity,
        };
        return v in special ? special[v] : BigInt(v.slice(0, -1));
      }
      return v;
    }
    case "array": {
      let a = frombuffer(hex(spec.hex), { dtype: spec.dtype }) as NDArray;
      a = a.reshape(...spec.base);
      if (spec.base.length > 0) {
        a = a.slice(...spec.index).transpose(...spec.perm);
      }
      return a;
    }
  }
}

/** What computes a case here. */
export function compute(c: Case, out?: NDArray): NDArray {
  const args = c.args.map(build);
  const opts = out === undefined ? undefined : { out };
  const first = args[0] as NDArray;
  switch (c.op) {
    case "where":
      return where(args[0] as never, args[1] as never, args[2] as never);
    case "round":
      return first.round(args[1] as number, opts as never);
    case "clip":
      return first.clip(args[1] as never, args[2] as never, opts as never);
  }
  const method =
    (first as unknown as Record<string, (...a: unknown[]) => NDArray>)[
      METHODS[c.op]
    ];
  return method.call(first, ...args.slice(1), opts);
}

/** Ulps allowed by operation and result type (see the differential test's ULP_TABLE). */
export type Bounds = Record<string, Partial<Record<string, number>>>;

const FLOAT_BITS: Record<string, number> = {
  float16: 16,
  float32: 32,
  float64: 64,
  complex64: 32,
  complex128: 64,
};

const EPS: Record<number, number> = {
  16: 2 ** -10,
  32: 2 ** -23,
  64: 2 ** -52,
};

/** The position of a float in the order of all floats (-0 and +0 adjacent). */
function ordinal(bits: number, view: DataView, at: number): bigint {
  let raw: bigint, sign: bigint;
  if (bits === 64) {
    raw = view.getBigUint64(at, true);
    sign = raw >> 63n;
    raw &= (1n << 63n) - 1n;
  } else if (bits === 32) {
    const u = view.getUint32(at, true);
    sign = BigInt(u >>> 31);
    raw = BigInt(u & 0x7fffffff);
  } else {
    const u = view.getUint16(at, true);
    sign = BigInt(u >> 15);
    raw = BigInt(u & 0x7fff);
  }
  return sign ? -raw - 1n : raw;
}

function valueAt(bits: number, view: DataView, at: number): number {
  if (bits === 64) return view.getFloat64(at, true);
  if (bits === 32) return view.getFloat32(at, true);
  return view.getFloat16(at, true);
}

/** How far one result is from NumPy's. */
export interface Distance {
  /** Elements that differ beyond the bound, as text (first few). */
  bad: string[];
  /** The largest distance seen: ulps (real), or the smaller of ulps and norm-wise epsilons (complex). */
  worst: number;
}

/**
 * Compares two native-order byte images of results of dtype `name`,
 * allowing `bound` ulps (complex: per part, or norm-wise epsilons of
 * |want|, or of max(|want|, 1) when `absolute`).
 */
export function compareBytes(
  name: string,
  got: Uint8Array,
  want: Uint8Array,
  bound: number,
  absolute = false,
): Distance {
  const bad: string[] = [];
  let worst = 0;
  const note = (index: number, d: number) => {
    worst = Math.max(worst, d);
    if (d > bound && bad.length < 3) {
      bad.push(
        `[${index}] here ${show(name, got, index)}, NumPy ${
          show(name, want, index)
        } (${d} ulps)`,
      );
    }
  };
  if (got.length !== want.length) {
    return {
      bad: [`${got.length} bytes, NumPy ${want.length}`],
      worst: Infinity,
    };
  }
  const size = dtype(name).itemsize;
  const bits = FLOAT_BITS[name];
  if (bits === undefined) {
    for (let i = 0; i < got.length; i += size) {
      for (let j = 0; j < size; j++) {
        if (got[i + j] !== want[i + j]) {
          note(i / size, Infinity);
          break;
        }
      }
    }
    return { bad, worst };
  }
  const g = new DataView(got.buffer, got.byteOffset, got.byteLength);
  const w = new DataView(want.buffer, want.byteOffset, want.byteLength);
  const step = bits / 8;
  const parts = name.startsWith("complex") ? 2 : 1;
  for (let at = 0; at < got.length; at += size) {
    let d = 0;
    for (let p = 0; p < parts; p++) {
      const o = at + p * step;
      const gv = valueAt(bits, g, o), wv = valueAt(bits, w, o);
      let e: number;
      if (gv !== gv || wv !== wv) e = gv !== gv && wv !== wv ? 0 : Infinity;
      else {
        const diff = ordinal(bits, g, o) - ordinal(bits, w, o);
        e = Number(diff < 0n ? -diff : diff);
      }
      d = Math.max(d, e);
    }
    if (parts === 2 && d > bound && Number.isFinite(d)) {
      // Norm-wise: |got - want| in epsilons of |want|.
      const gr = valueAt(bits, g, at), gi = valueAt(bits, g, at + step);
      const wr = valueAt(bits, w, at), wi = valueAt(bits, w, at + step);
      const scale = absolute
        ? Math.max(Math.hypot(wr, wi), 1)
        : Math.hypot(wr, wi);
      const rel = Math.hypot(gr - wr, gi - wi) / scale / EPS[bits];
      if (Number.isFinite(rel)) d = Math.min(d, Math.ceil(rel));
    }
    note(at / size, d);
  }
  return { bad, worst };
}

function show(name: string, bytes: Uint8Array, index: number): string {
  const size = dtype(name).itemsize;
  const at = index * size;
  const v = frombuffer(bytes.slice(at, at + size), { dtype: name }).get(0);
  return JSON.stringify(
    v,
    (_k, x) =>
      typeof x === "bigint"
        ? `${x}n`
        : typeof x === "number" && !Number.isFinite(x)
        ? String(x)
        : Object.is(x, -0)
        ? "-0"
        : x,
  );
}

/** Native-order bytes of a result, C order. */
export function bytesOf(a: NDArray): Uint8Array {
  const t = a.toTypedArray();
  return new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
}

/** The type ulps are counted in: the loop's precision when `out` was wider. */
function measureType(result: string, loop: string | undefined): string {
  const rb = FLOAT_BITS[result], lb = loop && FLOAT_BITS[loop];
  if (rb === undefined || !lb || lb >= rb) return result;
  if (result.startsWith("complex")) return lb === 32 ? "complex64" : result;
  return lb === 16 ? "float16" : "float32";
}

/** The outcome of one case, compared with NumPy's. */
export interface Outcome {
  /** Why it does not match (null: it matches within `ULPS`). */
  failure: string | null;
  /** The largest distance of a float result (0 when bit for bit). */
  worst: number;
  /** The type the distance is counted in. */
  type: string;
}

/** Runs one case here and compares it with NumPy's answer. */
export function check(
  c: Case,
  ulps: Bounds,
  absolute: ReadonlySet<string> = new Set(),
): Outcome {
  let out: NDArray | undefined;
  if (c.out !== undefined) {
    const dt = dtype(c.out.dtype);
    const n = c.out.shape.reduce((p, k) => p * k, 1);
    out = new NDArray(
      { bytes: new Uint8Array(n * dt.itemsize), readOnly: false },
      dt,
      c.out.shape,
    );
  }
  const fail = (failure: string): Outcome => ({
    failure,
    worst: Infinity,
    type: "",
  });
  let r: NDArray;
  try {
    r = compute(c, out);
  } catch (e) {
    const kind = (e as Error).constructor.name;
    if (c.error === kind) return { failure: null, worst: 0, type: "" };
    return fail(
      c.error
        ? `NumPy raised ${c.error}, here ${kind}: ${(e as Error).message}`
        : `NumPy gave ${c.result!.dtype}, here ${kind}: ${
          (e as Error).message
        }`,
    );
  }
  if (c.error !== undefined) {
    return fail(`NumPy raised ${c.error}, here a ${r.dtype.name} result`);
  }
  const want = c.result!;
  if (out === undefined && r.dtype.name !== want.dtype) {
    return fail(`dtype: here ${r.dtype.name}, NumPy ${want.dtype}`);
  }
  if (JSON.stringify(r.shape) !== JSON.stringify(want.shape)) {
    return fail(
      `shape: here ${JSON.stringify(r.shape)}, NumPy ${
        JSON.stringify(want.shape)
      }`,
    );
  }
  const type = measureType(want.dtype, c.loop);
  let got = bytesOf(r);
  let expected: Uint8Array = hex(want.hex);
  if (type !== want.dtype) {
    got = bytesOf(frombuffer(got.slice(), { dtype: want.dtype }).astype(type));
    expected = bytesOf(
      frombuffer(expected.slice(), { dtype: want.dtype }).astype(type),
    );
  }
  // The bound of the loop's own type (absolute of complex128 is a float64 loop).
  const bound = ulps[c.op]?.[c.loop ?? want.dtype] ?? ulps[c.op]?.[type] ?? 0;
  const d = compareBytes(type, got, expected, bound, absolute.has(c.op));
  return {
    failure: d.bad.length === 0 ? null : d.bad.join("; "),
    worst: d.worst,
    type,
  };
}
