import assert from "node:assert/strict";
import { array, type NDArray } from "../../../mod.ts";
import { callUfunc } from "../../../src/memmap/ufunc/call.ts";
import type { Signature, Ufunc } from "../../../src/memmap/ufunc/table.ts";
import type { DTypeName } from "../../../src/memmap/dtype.ts";
import { NO_NUMPY, numpy } from "../_numpy.ts";
import { NUMERIC_NAMES } from "../../test_util.ts";

// Rows of the kind issue 14 adds, defined here only: a unary ufunc, and a
// comparison whose loops give bools. The engine runs them as it runs add.

const NAMES: readonly DTypeName[] = NUMERIC_NAMES.filter((n) =>
  !n.startsWith("complex")
);

const negative: Ufunc = {
  name: "negative",
  nin: 1,
  loops: NAMES.slice(1).map((n) => [n, n] as Signature),
  compute: (_body, types, [x]) => {
    const t = types[1];
    const expr = `-${(x as { expr: string }).expr}`;
    if (t.family === "int64") return { form: "big", expr, exact: false };
    return { form: "num", expr, exact: t.family === "float" };
  },
};

const less: Ufunc = {
  name: "less",
  nin: 2,
  loops: NAMES.map((n) => [n, n, "bool"] as Signature),
  compute: (_body, _types, [x, y]) => ({
    form: "num",
    expr: `${(x as { expr: string }).expr} < ${
      (y as { expr: string }).expr
    } ? 1 : 0`,
    exact: true,
  }),
};

Deno.test(
  "a unary row and a comparison row run through the same engine as NumPy's",
  {
    ignore: NO_NUMPY,
  },
  () => {
    const values = [0, 1, -1, 2.5, 127, -128, 200, 40000];
    const expected = numpy<Record<string, [string, unknown[]]>>(`
names = ${JSON.stringify(NAMES)}
v = np.array(${JSON.stringify(values)})
out = {}
with np.errstate(all="ignore"):
    for n in names:
        a = v.astype(n)
        if n != "bool":
            r = np.negative(a)
            out["neg " + n] = [r.dtype.name, [str(x) for x in r.tolist()]]
        r = np.less(a, a[::-1])
        out["less " + n] = [r.dtype.name, r.tolist()]
        r = np.less(a, 1.5)
        out["less1.5 " + n] = [r.dtype.name, r.tolist()]
print(json.dumps(out))`);
    const str = (r: NDArray) =>
      (r.toArray() as unknown[]).map((x) =>
        Object.is(x, -0)
          ? "-0.0"
          : typeof x === "number" && Number.isInteger(x) && r.dtype.kind === "f"
          ? `${x}.0`
          : String(x)
      );
    for (const name of NAMES) {
      const a = array(values, { dtype: "float64" }).astype(name);
      if (name !== "bool") {
        const r = callUfunc(negative, [a], undefined);
        const [dtype, vals] = expected[`neg ${name}`];
        assert.equal(r.dtype.name, dtype, name);
        assert.deepEqual(str(r), vals, name);
      }
      for (
        const [key, y] of [["less", a.slice("::-1")], ["less1.5", 1.5]] as const
      ) {
        const r = callUfunc(less, [a, y], undefined);
        const [dtype, vals] = expected[`${key} ${name}`];
        assert.equal(r.dtype.name, dtype, `${key} ${name}`);
        assert.deepEqual(r.toArray(), vals, `${key} ${name}`);
      }
    }
    // out= of another kind, as for add
    const into = array([0, 0, 0], { dtype: "int8" });
    callUfunc(less, [array([1, 2, 3]), 2], { out: into });
    assert.deepEqual(into.toArray(), [1, 0, 0]);
  },
);
