/**
 * min/max of datetimes and timedeltas, sum/mean of timedeltas, against
 * NumPy: every axis choice, keepdims, NaT in some lines, both byte orders,
 * reversed views, in memory and mapped. NumPy's results are committed
 * (tests/testdata/records/date_reduce.json) so that the test runs without
 * Python; with NumPy the fixture is checked against NumPy itself.
 */
import { array, type NDArray } from "../../mod.ts";
import {
  checkCases,
  numpy,
  numpyFixtureTests,
  reductionCases,
} from "./_numpy.ts";

const NAT = -(2n ** 63n);

/** The arrays (2 x 5), as counts; NaT only in the second row of some. */
const ARRAYS: [string, (bigint | null)[]][] = [
  ["m8[s]", [5n, -3n, 2n ** 40n, 0n, 7n, 1n, 2n, null, 4n, -(2n ** 33n)]],
  [">m8[us]", [9n, 8n, 7n, 6n, 5n, 4n, 3n, 2n, 1n, 0n]],
  ["M8[ns]", [
    1_000_000_000n,
    -5n,
    2n ** 62n,
    3n,
    3n,
    null,
    null,
    1n,
    2n,
    -(2n ** 62n),
  ]],
  [">M8[D]", [10956n, 10957n, -1n, 0n, 4n, 20000n, 3n, 3n, -7n, null]],
];
const OPS = ["min", "max", "sum", "mean"] as const;
const AXES: (number | number[] | undefined)[] = [undefined, 0, 1, -1, [0, 1]];

interface Case {
  array: number;
  reversed: boolean;
  op: typeof OPS[number];
  axis: number | number[] | undefined;
  keepdims: boolean;
}

const CASES: Case[] = reductionCases(
  ARRAYS.length,
  (i) =>
    OPS.filter((op) =>
      ARRAYS[i][0].includes("m") || op === "min" || op === "max"
    ),
  AXES,
);

function make(i: number, reversed: boolean): NDArray {
  const [dt, values] = ARRAYS[i];
  const a = array(values, { dtype: dt }).reshape(2, 5);
  return reversed ? a.slice("::-1", "::-2") : a;
}

/** One result as NumPy's: the counts (NaT as null) and the type's str. */
type Result = { counts: (string | null)[] | string | null; str: string };

function ours(a: NDArray, c: Case): Result {
  const options = c.keepdims ? { keepdims: true } : undefined;
  const r = (a[c.op] as (axis?: unknown, o?: unknown) => unknown)(
    c.axis,
    options,
  );
  const show = (v: bigint) => v === NAT ? null : String(v);
  if (typeof r === "bigint") {
    return { counts: show(r), str: a.dtype.toNative().str };
  }
  const out = r as NDArray;
  return {
    counts: [...(out.astype("int64").toTypedArray() as BigInt64Array)].map(
      show,
    ),
    str: out.dtype.str,
  };
}

function fromNumpy(): Result[] {
  return numpy<Result[]>(`
NAT = np.iinfo(np.int64).min
arrays = json.loads(${
    JSON.stringify(JSON.stringify(ARRAYS.map(([dt, v]) => [
      dt,
      v.map((x) => x === null ? null : String(x)),
    ])))
  })
def make(i, reversed):
    dt, values = arrays[i]
    counts = np.array([NAT if v is None else int(v) for v in values], np.int64)
    a = counts.astype(dt.replace("M8", "i8").replace("m8", "i8").split("[")[0]).view(dt).reshape(2, 5)
    return a[::-1, ::-2] if reversed else a
def show(v):
    v = int(v)
    return None if v == NAT else str(v)
out = []
for c in json.loads(${JSON.stringify(JSON.stringify(CASES))}):
    a = make(c["array"], c["reversed"])
    kw = {} if "axis" not in c else {"axis": tuple(c["axis"]) if isinstance(c["axis"], list) else c["axis"]}
    if c["keepdims"]: kw["keepdims"] = True
    r = getattr(a, c["op"])(**kw)
    # The library gives an array whenever an axis is given (a 0-d one too).
    if isinstance(r, np.ndarray) or "axis" in c:
        r = np.asarray(r)
        out.append({"counts": [show(x) for x in r.astype(np.int64).ravel()], "str": r.dtype.str})
    else:
        out.append({"counts": show(r.astype(np.int64)), "str": np.asarray(r).dtype.str})
print(json.dumps(out))`);
}

const FIXTURE = new URL(
  "../testdata/records/date_reduce.json",
  import.meta.url,
);

// `deno run -A tests/memmap/date_reduce_test.ts` rewrites the fixture.
numpyFixtureTests(
  "datetime and timedelta reductions give NumPy's results",
  FIXTURE,
  fromNumpy,
  (expected: Result[]) =>
    checkCases(ARRAYS.length, CASES, make, ours, expected),
  import.meta.main,
);
