/**
 * Writes `reductions_results.json.gz`: the cases of the reductions'
 * differential test for seed 7 (but those with more than 2000 result
 * values) and NumPy's results, so that the test runs
 * without Python. Run from the repository root with NumPy installed:
 *
 *     deno run -A tests/testdata/reduce/make_reductions_fixture.ts
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import {
  makeCases,
  numpyResults,
  REDUCTION_OPS,
} from "../../memmap/_reductions.ts";

const made = makeCases(7, 1500, REDUCTION_OPS);
const all = numpyResults(made.data, made.cases);
// Cases with more than 2000 result values are left to the live test (size).
const kept = all.results.flatMap((r, i) =>
  (r.values?.length ?? 0) <= 2000 ? [i] : []
);
const json = JSON.stringify({
  seed: 7,
  numpy: all.numpy,
  data: made.data,
  cases: kept.map((i) => made.cases[i]),
  results: kept.map((i) => all.results[i]),
});
Deno.writeFileSync(
  new URL("./reductions_results.json.gz", import.meta.url),
  gzipSync(new TextEncoder().encode(json), { level: 9 }),
);
