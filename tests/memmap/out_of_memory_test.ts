import assert from "node:assert/strict";
import { array, type NDArray } from "../../mod.ts";
import { WINDOWS } from "../test_util.ts";

// A zero-size array whose reduction along its empty axis would hold 2**40
// values: NumPy says MemoryError ("Unable to allocate 8.00 TiB"); here it is
// the library's RangeError, never the engine's "Array buffer allocation
// failed". One row per reduction that makes a result of that size.
const REDUCTIONS: Record<string, (a: NDArray<"float64">) => unknown> = {
  "sum(0)": (a) => a.sum(0),
  "sum(0, keepdims)": (a) => a.sum(0, { keepdims: true }),
  "mean(0)": (a) => a.mean(0),
  "prod(0)": (a) => a.prod(0),
  "any(0)": (a) => a.any(0),
  "all(0)": (a) => a.all(0),
  "std(0)": (a) => a.std(0),
  "var(0)": (a) => a.var(0),
};

Deno.test(
  "reductions whose result cannot be allocated throw the library's RangeError",
  {
    // Windows (Wine) commits such an allocation instead of refusing it: the
    // process is then killed for memory before any error can be thrown.
    ignore: WINDOWS,
  },
  () => {
    const a = array([], { dtype: "float64" }).reshape([0, 2 ** 40]);
    for (const [name, reduce] of Object.entries(REDUCTIONS)) {
      assert.throws(
        () => reduce(a),
        (e: Error) =>
          e instanceof RangeError &&
          /^Cannot allocate \d+ bytes/.test(e.message),
        name,
      );
    }
  },
);
