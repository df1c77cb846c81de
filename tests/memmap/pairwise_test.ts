import assert from "node:assert/strict";
import { frombuffer } from "../../mod.ts";
import { settings } from "../../src/memmap/kernels/runtime.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";
import { tempDir } from "../test_util.ts";

Deno.test("float64 sum() equals NumPy's pairwise sum bit for bit", {
  ignore: NO_NUMPY,
}, () => {
  using dir = tempDir();
  // Sizes that make perfect trees (128 * 2^k), and sizes that do not (NumPy's
  // recursion splits them too, at halves rounded down to multiples of 8).
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
    for (const off of [false, true]) {
      const was = settings.off;
      settings.off = off; // the kernels, then TypeScript
      try {
        const got = frombuffer(data, { offset: start * 8, count: n }).sum();
        assert.ok(Object.is(got, Number(expected[k])), `n = ${n}, off ${off}`);
      } finally {
        settings.off = was;
      }
    }
    start += n;
  }
});

Deno.test("complex sums equal NumPy's pairwise sum bit for bit", {
  ignore: NO_NUMPY,
}, () => {
  for (
    const [dtype, n] of [["complex128", 1000], ["complex64", 777], [
      "complex128",
      20_001,
    ]] as const
  ) {
    const [parts, want] = numpy<[number[], string[]]>(`
rng = np.random.default_rng(${n})
a = (rng.standard_normal(${n}) + 1j * rng.standard_normal(${n})).astype("${dtype}") * 100
s = a.sum()
f = np.ascontiguousarray(a).view(a.real.dtype).astype(float)
print(json.dumps([f.tolist(), [repr(float(s.real)), repr(float(s.imag))]]))`);
    const typed = dtype === "complex128"
      ? Float64Array.from(parts)
      : Float32Array.from(parts);
    const got = frombuffer(typed, { dtype }).sum() as {
      re: number;
      im: number;
    };
    assert.ok(
      Object.is(got.re, Number(want[0])),
      `${dtype} re ${got.re} vs ${want[0]}`,
    );
    assert.ok(
      Object.is(got.im, Number(want[1])),
      `${dtype} im ${got.im} vs ${want[1]}`,
    );
  }
});
