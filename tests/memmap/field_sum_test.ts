import assert from "node:assert/strict";
import { array, dtype, memmap, type NDArray } from "../../mod.ts";
import { settings } from "../../src/memmap/kernels/runtime.ts";
import { tempDir } from "../test_util.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";

const REC = dtype([["id", "<u4"], ["x", "<f4"], ["y", "<f8"], ["z", "<f4"]]);

/** A deterministic mix of magnitudes, so that the order of additions shows in the float32 sums. */
function values(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = (a / 2 ** 32 - 0.5) * 10 ** ((a >>> 27) % 7);
  }
  return out;
}

function fill(a: NDArray, n: number): void {
  a.field("id").assign(Float64Array.from({ length: n }, (_, i) => i));
  a.field("x").assign(values(n, 1));
  a.field("y").assign(values(n, 2));
  a.field("z").assign(values(n, 3));
}

/** Each view's sum through the kernels and through TypeScript. */
function bothWays(views: NDArray[]): [number[], number[]] {
  const kernel = views.map((v) => v.sum() as number);
  settings.off = true;
  try {
    return [kernel, views.map((v) => v.sum() as number)];
  } finally {
    settings.off = false;
  }
}

Deno.test("field sums of records (strided lines) are the same through the kernels and in TypeScript, in memory and mapped in place", () => {
  using dir = tempDir();
  const n = 700_001; // 16 MiB of records: the map is shown in place
  using m = memmap(`${dir.path}/r.bin`, { dtype: REC, mode: "w+", shape: [n] });
  fill(m, n);
  const inMemory = m.copy();
  for (const a of [m, inMemory] as NDArray[]) {
    const views = [
      a.field("x"),
      a.field("y"),
      a.field("z"),
      a.field("x").slice("::-1"),
      a.field("y").slice("::3"),
      a.field("z").slice("5:-7:-2"),
      a.field("x").slice(":1000"),
    ];
    const [k, ts] = bothWays(views);
    assert.deepEqual(k, ts);
  }
});

Deno.test({
  name: "field sums of records equal NumPy's bit for bit",
  ignore: NO_NUMPY,
  fn() {
    using dir = tempDir();
    const n = 700_001;
    const path = `${dir.path}/r.bin`;
    {
      using m = memmap(path, { dtype: REC, mode: "w+", shape: [n] });
      fill(m, n);
    }
    const expected = numpy<number[]>(`
m = np.memmap(${
      JSON.stringify(path)
    }, dtype=[("id", "<u4"), ("x", "<f4"), ("y", "<f8"), ("z", "<f4")], mode="r")
print(json.dumps([float(v) for v in [m["x"].sum(), m["y"].sum(), m["z"].sum(), m["x"][::-1].sum(), m["y"][::3].sum(), m["z"][5:-7:-2].sum()]]))`);
    using m = memmap(path, { dtype: REC, mode: "r" });
    const views = [
      m.field("x"),
      m.field("y"),
      m.field("z"),
      m.field("x").slice("::-1"),
      m.field("y").slice("::3"),
      m.field("z").slice("5:-7:-2"),
    ];
    assert.deepEqual(views.map((v) => v.sum()), expected);
    const small = array(
      Array.from(
        { length: 1000 },
        (_, i) => ({ id: i, x: i / 7, y: 1 / (i + 1), z: -i }),
      ),
      { dtype: REC },
    );
    assert.equal(small.field("y").sum(), small.field("y").copy().sum());
  },
});
