import assert from "node:assert/strict";
import { frombuffer } from "../../mod.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";
import { tempDir } from "../test_util.ts";

Deno.test("float64 sum() equals NumPy's pairwise sum bit for bit", {
  ignore: NO_NUMPY,
}, () => {
  using dir = tempDir();
  // Sizes that make perfect trees (128 * 2^k), and sizes that do not.
  const sizes = [7, 128, 129, 1000, 8192, 65536, 65536 + 17, 300_000];
  const total = sizes.reduce((a, b) => a + b, 0);
  const data = new Float64Array(total);
  let seed = 11;
  for (let i = 0; i < total; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data[i] = (seed / 2147483648 - 0.5) * 10 ** ((i % 13) - 4);
  }
  const path = `${dir.path}/values.f8`;
  Deno.writeFileSync(path, new Uint8Array(data.buffer));
  const expected = numpy<string[]>(`
a = np.fromfile(${JSON.stringify(path)}, dtype="<f8")
sizes = ${JSON.stringify(sizes)}
out, start = [], 0
for n in sizes:
    out.append(repr(float(a[start:start + n].sum())))
    start += n
print(json.dumps(out))`);
  let start = 0;
  for (const [k, n] of sizes.entries()) {
    const got = frombuffer(data, { offset: start * 8, count: n })
      .sum() as number;
    const want = Number(expected[k]);
    if (n <= 8192 || (n % 128 === 0 && ((n / 128) & (n / 128 - 1)) === 0)) {
      // One run (or a perfect tree): the same additions in the same order.
      assert.equal(got, want, `n = ${n}`);
    } else {
      // Runs of 8192 summed pairwise, combined with compensation: as accurate.
      let magnitude = 0;
      for (let i = start; i < start + n; i++) magnitude += Math.abs(data[i]);
      assert.ok(
        Math.abs(got - want) <= magnitude * 2 ** -50,
        `n = ${n}: ${got} vs ${want}`,
      );
    }
    start += n;
  }
});
