/**
 * Values given as an array to the operations that copy them into an array
 * of bytes, text, raw bytes, records, datetimes or timedeltas (`put`,
 * `putmask`, `assign`, `where`, `concatenate`, `stack`, `astype`), and
 * NumPy's casting and promotion rules for those types, against NumPy 2.4
 * (attack8 F11: these failed with engine messages, "Cannot make a data type
 * from undefined", and `putmask` refused values of the array's own type).
 *
 * `deno run -A tests/memmap/item_values_test.ts` rewrites the fixtures.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  array,
  concatenate,
  dtype,
  type DTypeLike,
  type NDArray,
  stack,
  where,
} from "../../mod.ts";
import { canCastSafe, commonDType } from "../../src/memmap/promotion.ts";
import { canCast } from "../../src/memmap/ufunc/resolve.ts";
import { numpy, numpyFixtureTests } from "./_numpy.ts";

const NAT = -(2n ** 63n);
const bytes = (...b: number[]) => new Uint8Array(b);
const R: DTypeLike = [["a", "<i4"], ["b", "<f8"]];
const R_PY = `[("a", "<i4"), ("b", "<f8")]`;

/**
 * The types of the table: ours, NumPy's, and two values of each (the
 * array written to, and the values written), on both sides.
 */
const TYPES: Record<string, {
  dt: DTypeLike;
  py: string;
  a: unknown[];
  b: unknown[];
  pa: string;
  pb: string;
}> = {
  S3: {
    dt: "S3",
    py: `"S3"`,
    a: ["ab", "cde"],
    b: ["x", "yz"],
    pa: `[b"ab", b"cde"]`,
    pb: `[b"x", b"yz"]`,
  },
  S5: {
    dt: "S5",
    py: `"S5"`,
    a: ["ab", "cdefg"],
    b: ["x", "yzwvu"],
    pa: `[b"ab", b"cdefg"]`,
    pb: `[b"x", b"yzwvu"]`,
  },
  U2: {
    dt: "U2",
    py: `"U2"`,
    a: ["ab", "c"],
    b: ["x", "yz"],
    pa: `["ab", "c"]`,
    pb: `["x", "yz"]`,
  },
  U7: {
    dt: ">U7",
    py: `">U7"`,
    a: ["ab", "cdefghi"],
    b: ["\u00e9", "yzwvuts"],
    pa: `["ab", "cdefghi"]`,
    pb: `["\\u00e9", "yzwvuts"]`,
  },
  V4: {
    dt: "V4",
    py: `"V4"`,
    a: [bytes(1, 2, 3, 4), bytes(5, 6, 7, 8)],
    b: [bytes(9, 9, 9, 9), bytes(0, 8, 0, 8)],
    pa: `[b"\\x01\\x02\\x03\\x04", b"\\x05\\x06\\x07\\x08"]`,
    pb: `[b"\\x09\\x09\\x09\\x09", b"\\x00\\x08\\x00\\x08"]`,
  },
  V8: {
    dt: "V8",
    py: `"V8"`,
    a: [bytes(1, 2, 3, 4, 5, 6, 7, 8), bytes(8, 7, 6, 5, 4, 3, 2, 1)],
    b: [bytes(9, 9, 9, 9, 9, 9, 9, 9), bytes(0, 1, 0, 1, 0, 1, 0, 1)],
    pa: `[bytes(range(1, 9)), bytes(range(8, 0, -1))]`,
    pb: `[bytes([9] * 8), bytes([0, 1] * 4)]`,
  },
  R: {
    dt: R,
    py: R_PY,
    a: [{ a: 1, b: 2.5 }, { a: -3, b: 4 }],
    b: [{ a: 5, b: -6.5 }, { a: 7, b: 8 }],
    pa: `[(1, 2.5), (-3, 4)]`,
    pb: `[(5, -6.5), (7, 8)]`,
  },
  R2: {
    dt: [["a", "<i8"], ["b", ">f4"]] as DTypeLike,
    py: `[("a", "<i8"), ("b", ">f4")]`,
    a: [{ a: 10, b: 0.5 }, { a: -30, b: 40 }],
    b: [{ a: 2 ** 40, b: -1.5 }, { a: 70, b: 80 }],
    pa: `[(10, 0.5), (-30, 40)]`,
    pb: `[(2**40, -1.5), (70, 80)]`,
  },
  Rx: {
    dt: "i4,f8",
    py: `"i4,f8"`,
    a: [{ f0: 11, f1: 12 }, { f0: 13, f1: 14 }],
    b: [{ f0: 15, f1: 16 }, { f0: 17, f1: 18 }],
    pa: `[(11, 12), (13, 14)]`,
    pb: `[(15, 16), (17, 18)]`,
  },
  "M8[s]": {
    dt: "M8[s]",
    py: `"M8[s]"`,
    a: [86400n * 365n, 90061n],
    b: [-1n, NAT],
    pa: `[86400 * 365, 90061]`,
    pb: `[-1, -2**63]`,
  },
  "M8[ms]": {
    dt: ">M8[ms]",
    py: `">M8[ms]"`,
    a: [1500n, -2500n],
    b: [86399999n, NAT],
    pa: `[1500, -2500]`,
    pb: `[86399999, -2**63]`,
  },
  "M8[D]": {
    dt: "M8[D]",
    py: `"M8[D]"`,
    a: [3n, -1n],
    b: [365n, 0n],
    pa: `[3, -1]`,
    pb: `[365, 0]`,
  },
  "m8[D]": {
    dt: "m8[D]",
    py: `"m8[D]"`,
    a: [2n, -3n],
    b: [NAT, 7n],
    pa: `[2, -3]`,
    pb: `[-2**63, 7]`,
  },
  "m8[s]": {
    dt: "m8[s]",
    py: `"m8[s]"`,
    a: [90000n, 172800n],
    b: [-86401n, 5n],
    pa: `[90000, 172800]`,
    pb: `[-86401, 5]`,
  },
  "m8[Y]": {
    dt: "m8[Y]",
    py: `"m8[Y]"`,
    a: [1n, 2n],
    b: [-3n, 4n],
    pa: `[1, 2]`,
    pb: `[-3, 4]`,
  },
  i4: {
    dt: "int32",
    py: `"i4"`,
    a: [3, -4],
    b: [5, 60],
    pa: `[3, -4]`,
    pb: `[5, 60]`,
  },
};

/** The arrays written to (first) and the values written (second), by type. */
const PAIRS: [string, string][] = [
  ["S3", "S3"],
  ["S3", "S5"],
  ["S5", "S3"],
  ["S3", "U2"],
  ["U2", "S3"],
  ["U2", "U7"],
  ["U7", "U2"],
  ["U7", "S5"],
  ["V4", "V4"],
  ["V4", "V8"],
  ["V8", "V4"],
  ["V4", "S3"],
  ["S3", "V4"],
  ["R", "R"],
  ["R", "R2"],
  ["R2", "R"],
  ["R", "Rx"],
  ["Rx", "Rx"],
  ["R", "V4"],
  ["M8[s]", "M8[s]"],
  ["M8[s]", "M8[ms]"],
  ["M8[ms]", "M8[s]"],
  ["M8[D]", "M8[s]"],
  ["M8[s]", "M8[D]"],
  ["M8[s]", "m8[s]"],
  ["m8[s]", "M8[s]"],
  ["m8[D]", "m8[D]"],
  ["m8[D]", "m8[s]"],
  ["m8[s]", "m8[D]"],
  ["m8[Y]", "m8[D]"],
  ["m8[s]", "i4"],
  ["i4", "m8[s]"],
  ["M8[s]", "i4"],
  ["S3", "M8[s]"],
  ["M8[s]", "S3"],
  ["S3", "i4"],
  ["U2", "i4"],
  ["i4", "S3"],
];

/**
 * Where this library knowingly differs from NumPy: it does not convert
 * numbers to bytes or text, nor bytes or text to numbers or datetimes, nor
 * datetimes to text (NumPy formats and parses them); it refuses instead.
 */
function refused(target: string, value: string): boolean {
  const text = (k: string) => k[0] === "S" || k[0] === "U";
  const other = (k: string) => k === "i4" || k[0] === "M" || k[0] === "m";
  return (text(target) && other(value)) || (other(target) && text(value));
}

const OPS = [
  "put",
  "putmask",
  "assign",
  "where",
  "concatenate",
  "stack",
  "astype",
] as const;
type Op = typeof OPS[number];

/** A result: the type (NumPy's `descr`, or `str`) and the bytes as hex, or the error's class. */
type Outcome = { dtype: unknown; hex: string } | { error: string };

const PY_OPS: Record<Op, string> = {
  put: "x = A.copy(); x.put([0, 1], B); return x",
  putmask: "x = A.copy(); np.putmask(x, [True, False], B); return x",
  assign: "x = A.copy(); x[...] = B; return x",
  where: "return np.where([True, False], A, B)",
  concatenate: "return np.concatenate([A, B])",
  stack: "return np.stack([A, B])",
  astype: "return B.astype(A.dtype)",
};

function ours(op: Op, a: NDArray, b: NDArray): NDArray {
  switch (op) {
    case "put":
      a.put([0, 1], b);
      return a;
    case "putmask":
      a.putmask([true, false], b);
      return a;
    case "assign":
      return a.assign(b);
    case "where":
      return where([true, false], a, b);
    case "concatenate":
      return concatenate([a, b]);
    case "stack":
      return stack([a, b]);
    case "astype":
      return b.astype(a.dtype);
  }
}

function make(key: string, which: "a" | "b"): NDArray {
  const t = TYPES[key];
  return array(t[which] as never, { dtype: t.dt });
}

function outcomeOf(f: () => NDArray): Outcome {
  let r: NDArray;
  try {
    r = f();
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
  const native = r.astype(r.dtype.toNative()).toTypedArray() as Uint8Array;
  const b = new Uint8Array(native.buffer, native.byteOffset, native.byteLength);
  return {
    dtype: r.dtype.descr,
    hex: Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(""),
  };
}

function valuesFromNumpy(): Outcome[][] {
  const mk = (key: string, which: "a" | "b") => {
    const t = TYPES[key];
    const v = which === "a" ? t.pa : t.pb;
    return t.dt === "int32" || !"Mm".includes(String(t.dt).replace(">", "")[0])
      ? `np.array(${v}, ${t.py})`
      : `np.array(${v}, "i8").astype(${t.py})`;
  };
  return numpy<Outcome[][]>(`
def outcome(f):
    try:
        r = f()
    except Exception as e:
        return {"error": type(e).__name__}
    d = r.dtype
    desc = d.str if d.names is None else [list(x) for x in d.descr]
    native = np.ascontiguousarray(r.astype(d.newbyteorder("<")))
    return {"dtype": desc, "hex": native.tobytes().hex()}
${
    OPS.map((op, i) =>
      `def op${i}(A, B):\n    ${PY_OPS[op].replaceAll("; ", "\n    ")}`
    ).join("\n")
  }
out = []
for a, b in [${
    PAIRS.map(([x, y]) => `(lambda: ${mk(x, "a")}, lambda: ${mk(y, "b")})`)
      .join(", ")
  }]:
    out.append([outcome(lambda: f(a(), b())) for f in [${
    OPS.map((_, i) => `op${i}`).join(", ")
  }]])
print(json.dumps(out))`);
}

/** NumPy's errors as this library's: a promotion or cast it refuses, or a value it cannot convert, is a TypeError here. */
const AS_OURS: Record<string, string> = {
  TypeError: "TypeError",
  DTypePromotionError: "TypeError",
  ValueError: "TypeError",
  UFuncTypeError: "TypeError",
  RuntimeError: "TypeError",
};

/** Compares each case, and lists every case that differs. */
function differences(): {
  check(got: unknown, want: unknown, what: string): void;
  done(): void;
} {
  const bad: string[] = [];
  return {
    check(got, want, what) {
      try {
        assert.deepEqual(got, want);
      } catch {
        bad.push(
          `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`,
        );
      }
    },
    done: () => assert.deepEqual(bad, []),
  };
}

function checkValues(expected: Outcome[][]): void {
  assert.equal(expected.length, PAIRS.length);
  const d = differences();
  PAIRS.forEach(([x, y], i) => {
    OPS.forEach((op, k) => {
      const what = `${op} of ${y} values into ${x}`;
      const got = outcomeOf(() => ours(op, make(x, "a"), make(y, "b")));
      const want = expected[i][k];
      if (refused(x, y) && !("error" in want)) {
        d.check(got, { error: "TypeError" }, `${what} (refused)`);
        return;
      }
      if ("error" in want) {
        const name = AS_OURS[want.error];
        assert.ok(name !== undefined, `${what}: NumPy's ${want.error}`);
        d.check(got, { error: name }, what);
      } else d.check(got, want, what);
    });
  });
  d.done();
}

numpyFixtureTests(
  "arrays of values copied into bytes, text, raw bytes, records and datetimes give NumPy's results",
  new URL("../testdata/records/item_values.json", import.meta.url),
  valuesFromNumpy,
  checkValues,
  import.meta.main,
);

/** Types for the casting and promotion table (keys of TYPES, and more). */
const RULE_TYPES: [DTypeLike, string][] = [
  ["S3", `"S3"`],
  ["S5", `"S5"`],
  ["U2", `"U2"`],
  [">U7", `">U7"`],
  ["V4", `"V4"`],
  ["V8", `"V8"`],
  [R, R_PY],
  [[["a", "<i8"], ["b", "<f4"]] as DTypeLike, `[("a", "<i8"), ("b", "<f4")]`],
  [[["b", "<f8"], ["a", "<i4"]] as DTypeLike, `[("b", "<f8"), ("a", "<i4")]`],
  [[["a", "<i4", [2]]] as DTypeLike, `[("a", "<i4", (2,))]`],
  [[["a", "<f8", [2]]] as DTypeLike, `[("a", "<f8", (2,))]`],
  ["M8", `"M8"`],
  ["M8[Y]", `"M8[Y]"`],
  ["M8[D]", `"M8[D]"`],
  ["M8[3D]", `"M8[3D]"`],
  [">M8[s]", `">M8[s]"`],
  ["M8[90s]", `"M8[90s]"`],
  ["M8[ms]", `"M8[ms]"`],
  ["m8", `"m8"`],
  ["m8[Y]", `"m8[Y]"`],
  ["m8[M]", `"m8[M]"`],
  ["m8[W]", `"m8[W]"`],
  ["m8[D]", `"m8[D]"`],
  ["m8[m]", `"m8[m]"`],
  ["m8[s]", `"m8[s]"`],
  ["bool", `"?"`],
  ["int8", `"i1"`],
  ["int64", `"i8"`],
  ["uint32", `"u4"`],
  ["uint64", `"u8"`],
  ["float64", `"f8"`],
];

type Rule = [unknown, boolean, boolean];

function rulesFromNumpy(): Rule[][] {
  return numpy<Rule[][]>(`
types = [np.dtype(t) for t in [${RULE_TYPES.map(([, p]) => p).join(", ")}]]
def common(a, b):
    try:
        r = np.result_type(a, b)
    except Exception as e:
        return {"error": type(e).__name__}
    return r.str if r.names is None else [list(x) for x in r.descr]
print(json.dumps([[[common(a, b), bool(np.can_cast(a, b, "safe")), bool(np.can_cast(a, b, "same_kind"))] for b in types] for a in types]))`);
}

function checkRules(expected: Rule[][]): void {
  const types = RULE_TYPES.map(([t]) => dtype(t));
  const numeric = (k: string) => "biuf".includes(k);
  const d = differences();
  types.forEach((a, i) => {
    types.forEach((b, j) => {
      const what = `${a} and ${b}`;
      const [want, safe, sameKind] = expected[i][j];
      d.check(canCastSafe(a, b), safe, `can_cast(${what}, "safe")`);
      d.check(
        canCast(a, b, "same_kind"),
        sameKind,
        `can_cast(${what}, "same_kind")`,
      );
      let got: unknown;
      try {
        const t = commonDType([a, b]);
        got = t.names === null ? t.str : t.descr;
      } catch (e) {
        got = { error: (e as Error).constructor.name };
      }
      const text = (k: string) => k === "S" || k === "U";
      if (
        typeof want === "string" && text(want[1]) &&
        (numeric(a.kind) || numeric(b.kind))
      ) {
        // Numbers as text: NumPy promotes them, this library refuses.
        d.check(got, { error: "TypeError" }, `result_type(${what})`);
        return;
      }
      d.check(
        got,
        typeof want === "object" && want !== null && "error" in want
          ? { error: "TypeError" }
          : want,
        `result_type(${what})`,
      );
    });
  });
  d.done();
}

numpyFixtureTests(
  "casting rules and promotion of bytes, text, raw bytes, records and datetimes are NumPy's",
  new URL("../testdata/records/item_rules.json", import.meta.url),
  rulesFromNumpy,
  checkRules,
  import.meta.main,
);
