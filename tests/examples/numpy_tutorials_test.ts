import assert from "node:assert/strict";
import { numpyTutorials } from "../../examples/numpy_tutorials.ts";
import { tempDir } from "../test_util.ts";

Deno.test("the NumPy memory-map tutorials print what the tutorials show", async () => {
  using dir = tempDir();
  const lines: string[] = [];
  await numpyTutorials(
    dir.path,
    200,
    (line) => lines.push(...line.split("\n")),
  );
  const expect = [
    "fp[150:, 150].sum() = 0",
    "First 10 bytes: b'AAAAAAAAAA'",
    "file starts with: HelloAAAAA",
    "mapped_array[0, 0] = 0, [999, 999] = 999999",
    "after mapped_array[0, 0] = 42: 42",
    "aa = memmap([[1,2],[3,4]], dtype=float64, shape=(2, 2))",
    'f.files = ["a","b"]',
    "f['b'] = memmap([0.5,1.5], dtype=float64, shape=(2,))",
    "image.mean() = 48",
    "cat new_file.dat: AAAAAAAAAA",
    "cat new_file.dat: AAAAAAAAAA (unchanged)",
    "offset 4: memmap([40,50,60,70,80,90], dtype=uint8, shape=(6,))",
    "second program sees [1,2,3,4]",
  ];
  for (const line of expect) {
    assert.ok(
      lines.some((l) => l.startsWith(line)),
      `missing: ${line}\n${lines.join("\n")}`,
    );
  }
  assert.ok(
    lines.some((l) =>
      /^first program now sees \[1,2,3,400\] in block psm_/.test(l)
    ),
  );
});
