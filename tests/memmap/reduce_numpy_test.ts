import { frombuffer, memmap, type NDArray } from "../../mod.ts";
import { settings } from "../../src/memmap/kernels/runtime.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";
import { tempDir } from "../test_util.ts";
import {
  checkReduction,
  type Expected,
  PY_VIEWS,
  type Reduction,
  type Step,
} from "./_reduce_cases.ts";

interface Case extends Reduction {
  /** The file's dtype (NumPy's `str`, e.g. "<i4"). */
  dtype: string;
  /** Elements in the file. */
  count: number;
  /** How values are made (Python expression of `n` and `rng`). */
  values: string;
}

/** Runs every case on NumPy and here (in memory, and as a memmap), comparing results and result types. */
function check(cases: Case[], label: string): void {
  using dir = tempDir();
  // One data file per dtype and values.
  const keys = [
    ...new Set(cases.map((c) => `${c.dtype} ${c.count} ${c.values}`)),
  ];
  const fileOf = (c: Case) =>
    `${dir.path}/data${keys.indexOf(`${c.dtype} ${c.count} ${c.values}`)}.bin`;
  const spec = `${dir.path}/cases.json`;
  Deno.writeTextFileSync(
    spec,
    JSON.stringify({ cases, files: cases.map(fileOf), keys }),
  );
  const expected = numpy<Expected[]>(`${PY_VIEWS}
spec = json.load(open(${JSON.stringify(spec)}))
data = {}
out = []
for c, f in zip(spec["cases"], spec["files"]):
    if f not in data:
        rng = np.random.default_rng(len(data))
        n = c["count"]
        data[f] = np.asarray(eval(c["values"])).astype(c["dtype"])
        data[f].tofile(f)
    v = view(data[f], c["steps"])
    try:
        r = getattr(v, c["op"])(axis=c["axis"])
        out.append({"values": show(r), "dtype": np.asarray(r).dtype.name, "scalar": np.ndim(r) == 0})
    except ValueError as e:
        out.append({"error": str(e)})
print(json.dumps(out))`);
  const bases = new Map<string, [NDArray, NDArray & Disposable]>();
  try {
    for (const [i, c] of cases.entries()) {
      const file = fileOf(c);
      if (!bases.has(file)) {
        bases.set(file, [
          frombuffer(Deno.readFileSync(file), { dtype: c.dtype }),
          memmap(file, { dtype: c.dtype, mode: "r" }),
        ]);
      }
      const [inMemory, mapped] = bases.get(file)!;
      checkReduction(inMemory, c, expected[i], `${label} memory`);
      checkReduction(mapped, c, expected[i], `${label} memmap`);
    }
  } finally {
    for (const [, m] of bases.values()) m[Symbol.dispose]();
  }
}

const INTS = [
  "|i1",
  "|u1",
  "<i2",
  "<u2",
  "<i4",
  "<u4",
  "<i8",
  "<u8",
  ">i4",
  ">u8",
];
const FLOATS = ["<f8", "<f4", ">f8", ">f4", "<f2"];

function views(count: number, shape: number[]): Step[][] {
  const [r, c] = shape;
  return [
    [],
    [["slice", ["::-1"]]],
    [["slice", ["1::3"]]],
    [["reshape", shape]],
    [["reshape", shape], ["T"]],
    [["reshape", shape], ["slice", ["::-1", ":"]]],
    [["reshape", shape], ["slice", [":", "::-1"]]],
    [["reshape", shape], ["slice", ["::2", "1:"]]],
    [["reshape", [r, c / 2, 2]], ["slice", [":", ":", "::-1"]]],
  ].filter((v) => count === r * c || v.length === 0) as Step[][];
}

function all(
  dtypes: string[],
  values: string,
  count: number,
  shape: number[],
): Case[] {
  const cases: Case[] = [];
  for (const dtype of dtypes) {
    for (const steps of views(count, shape)) {
      for (const op of ["sum", "mean", "min", "max"] as const) {
        const axes = steps.length === 0 || steps[0][1]?.[0] === "::-1" ||
            steps[0][1]?.[0] === "1::3"
          ? [null, 0]
          : [null, 0, 1, -1];
        for (const axis of axes) {
          cases.push({ dtype, count, values, steps, op, axis });
        }
      }
    }
  }
  return cases;
}

/** The paths: kernels over copies, kernels over file pages in place, TypeScript. */
const PATHS = [
  { path: "kernels", off: false, overlayMinBytes: Infinity },
  { path: "kernels in place", off: false, overlayMinBytes: 0 },
  { path: "TypeScript", off: true, overlayMinBytes: Infinity },
];

function onPath<T>(p: typeof PATHS[number], fn: () => T): T {
  const saved = { ...settings };
  settings.off = p.off;
  settings.overlayMinBytes = p.overlayMinBytes;
  try {
    return fn();
  } finally {
    Object.assign(settings, saved);
  }
}

for (const p of PATHS) {
  Deno.test(`reductions equal NumPy's bit for bit, integers (${p.path})`, {
    ignore: NO_NUMPY,
  }, () =>
    onPath(p, () => {
      const values = "rng.integers(-2**63, 2**63, n, dtype=np.int64)";
      check(all(INTS, values, 40 * 96, [40, 96]), p.path);
      // Longer than NumPy's buffer: means sum the cast values in 8192-element pieces.
      check(
        all(["<i8", "<u4", "|i1", ">i2"], values, 3 * 70000, [3, 70000])
          .filter((c) =>
            c.axis === null || (c.op === "mean" && c.steps.length <= 1)
          ),
        p.path,
      );
    }));
  Deno.test(`reductions equal NumPy's bit for bit, floats (${p.path})`, {
    ignore: NO_NUMPY,
  }, () =>
    onPath(p, () => {
      check(
        all(FLOATS, "rng.standard_normal(n) * 1000", 300 * 64, [300, 64]),
        p.path,
      );
      check(
        all(["<f8", "<f4"], "rng.standard_normal(n) * 1000", 3 * 70000, [
          3,
          70000,
        ])
          .filter((c) => c.op === "sum" || c.axis === null),
        p.path,
      );
    }));
}
