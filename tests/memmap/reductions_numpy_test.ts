/**
 * The differential test of reductions against NumPy (issue 14): random
 * shapes (0-d to 4-D, empty axes), every numeric dtype in both byte orders,
 * reversed, strided and transposed views, axis null / an integer / a list,
 * keepdims, ddof, edge values; values bit for bit, result types, shapes and
 * error classes must match.
 *
 * Without NumPy the committed fixture (cases and NumPy's results for seed 7,
 * made by `tests/testdata/reduce/make_reductions_fixture.ts`) still runs.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { NO_NUMPY } from "./_numpy.ts";
import {
  type Case,
  checkCase,
  type Data,
  makeCases,
  makeData,
  numpyResults,
  REDUCTION_OPS,
  type Result,
} from "./_reductions.ts";

const FIXTURE = new URL(
  "../testdata/reduce/reductions_results.json.gz",
  import.meta.url,
);

function run(data: Data[], cases: Case[], results: Result[]): void {
  const arrays = new Map<number, ReturnType<typeof makeData>>();
  const failures: string[] = [];
  for (const [i, c] of cases.entries()) {
    try {
      if (!arrays.has(c.data)) arrays.set(c.data, makeData(data[c.data]));
      checkCase(arrays.get(c.data)!, c, results[i], `case ${i}`);
    } catch (e) {
      failures.push((e as Error).message.split("\n")[0]);
    }
  }
  assert.deepEqual(
    failures.slice(0, 30),
    [],
    `${failures.length} of ${cases.length} cases differ`,
  );
}

Deno.test("reductions over random views, axes, axis lists and keepdims equal NumPy's (committed fixture)", () => {
  const fixture = JSON.parse(
    new TextDecoder().decode(gunzipSync(Deno.readFileSync(FIXTURE))),
  );
  run(fixture.data, fixture.cases, fixture.results);
});

for (const seed of [Number(Deno.env.get("SEED") ?? 8), 9]) {
  Deno.test(
    `reductions over random views, axes, axis lists and keepdims equal NumPy's (live NumPy, seed ${seed})`,
    { ignore: NO_NUMPY },
    () => {
      const { data, cases } = makeCases(seed, 1000, REDUCTION_OPS);
      run(data, cases, numpyResults(data, cases).results);
    },
  );
}
