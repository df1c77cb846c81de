import { frombuffer, memmap, type NDArray } from "../../mod.ts";
import assert from "node:assert/strict";
import { arrayShower, settings } from "../../src/memmap/kernels/runtime.ts";
import { tempDir } from "../test_util.ts";
import {
  checkReduction,
  type Expected,
  lcgBytes,
  lcgFloats,
  type Reduction,
} from "./_reduce_cases.ts";

/** The committed results of NumPy 2.4 (`tests/testdata/reduce/make_fixtures.py`). */
interface Fixtures {
  numpy: string;
  data: { kind: "bytes" | "floats"; dtype: string; n: number; seed: number }[];
  cases: (Reduction & Expected & { data: number })[];
}

const fixtures: Fixtures = JSON.parse(
  Deno.readTextFileSync(
    new URL("../testdata/reduce/expected.json", import.meta.url),
  ),
);

/** The fixture's array, as `make_fixtures.py` makes it. */
function make(d: Fixtures["data"][number]): NDArray {
  if (d.kind === "bytes") {
    const size = Number(d.dtype.slice(2)) || 1;
    return frombuffer(lcgBytes(d.n * size, d.seed), { dtype: d.dtype });
  }
  return frombuffer(lcgFloats(d.n, d.seed)).astype(d.dtype);
}

for (
  const [label, off, overlayMinBytes, arrayMemoryMinBytes] of [
    ["kernels", false, Infinity, Infinity],
    ["kernels in place", false, 0, Infinity],
    ["kernels on array memories", false, Infinity, 0],
    ["TypeScript", true, Infinity, Infinity],
  ] as const
) {
  Deno.test(`reductions give NumPy's committed results bit for bit (${label})`, () => {
    const saved = { ...settings };
    settings.off = off;
    settings.overlayMinBytes = overlayMinBytes;
    settings.arrayMemoryMinBytes = arrayMemoryMinBytes;
    using dir = tempDir();
    // Copies are allocated by the library (array memories when asked for).
    const arrays = fixtures.data.map((d) => make(d).copy());
    if (arrayMemoryMinBytes === 0) {
      for (const a of arrays) {
        if (a.size > 0) assert.notEqual(arrayShower(a.storage.bytes), null);
      }
    }
    const maps = arrays.map((a, i) => {
      if (a.size === 0) return a;
      const path = `${dir.path}/data${i}`;
      Deno.writeFileSync(
        path,
        a.storage.bytes.subarray(a.byteOffset, a.byteOffset + a.nbytes),
      );
      return memmap(path, { dtype: a.dtype, mode: "r" });
    });
    try {
      for (const c of fixtures.cases) {
        checkReduction(arrays[c.data], c, c, `${label} memory`);
        checkReduction(maps[c.data], c, c, `${label} memmap`);
      }
    } finally {
      for (const m of maps) if ("close" in m) (m as { close(): void }).close();
      Object.assign(settings, saved);
    }
  });
}
