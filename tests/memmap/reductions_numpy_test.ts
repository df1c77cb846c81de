import { NO_NUMPY } from "./_numpy.ts";
import { checkCase, makeCases, makeData, numpyResults } from "./_reductions.ts";

const OPS = ["sum", "mean", "min", "max", "prod", "any", "all"];

Deno.test(
  "reductions over random views, axes, axis lists and keepdims equal NumPy's (values bit for bit, types, shapes, errors)",
  {
    ignore: NO_NUMPY,
  },
  () => {
    const { data, cases } = makeCases(
      Number(Deno.env.get("SEED") ?? 7),
      1500,
      OPS,
    );
    const { results } = numpyResults(data, cases);
    const arrays = data.map(makeData);
    const failures: string[] = [];
    for (const [i, c] of cases.entries()) {
      try {
        checkCase(arrays[c.data], c, results[i], `case ${i}`);
      } catch (e) {
        failures.push((e as Error).message.split("\n")[0]);
      }
    }
    if (failures.length > 0) {
      throw new Error(
        `${failures.length} of ${cases.length} cases differ:\n${
          failures.slice(0, 30).join("\n")
        }`,
      );
    }
  },
);
