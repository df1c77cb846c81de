import assert from "node:assert/strict";
import { HEADER, RECORD, recordFile } from "../../examples/record_file.ts";
import { memmap } from "../../mod.ts";
import { HAS_NUMPY, tempDir } from "../test_util.ts";

function python(code: string, ...args: string[]): string {
  const out = new Deno.Command("python3", {
    args: ["-c", `import numpy as np, sys, json\n${code}`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

const NP_HEADER = `[("magic", "S4"), ("version", "<u2"), ("count", "<u4")]`;
const NP_RECORD = `[("id", "<u4"), ("x", "<f4"), ("y", "<f4")]`;

Deno.test("the record-file example writes a header and records, and reads them back", () => {
  using dir = tempDir();
  const lines: string[] = [];
  const r = recordFile(`${dir.path}/t.bin`, 100, (l) => lines.push(l));
  assert.deepEqual(r, { magic: "TRK1", count: 100, sumX: 2475 });
  assert.equal(Deno.statSync(`${dir.path}/t.bin`).size, 10 + 100 * 12);
  assert.equal(lines[0], "header: TRK1 version 1, 100 records");
});

Deno.test({
  name:
    "NumPy reads the record file written here, and the example reads NumPy's",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    recordFile(`${dir.path}/ours.bin`, 7, () => {});
    const seen = python(
      `h = np.memmap(sys.argv[1], dtype=${NP_HEADER}, mode="r", shape=())
r = np.memmap(sys.argv[1], dtype=${NP_RECORD}, mode="r", offset=h.dtype.itemsize)
print(json.dumps([h["magic"].item().decode(), int(h["count"]), r["id"].tolist(), r["x"].tolist(), r["y"].tolist()]))`,
      `${dir.path}/ours.bin`,
    );
    assert.deepEqual(JSON.parse(seen), [
      "TRK1",
      7,
      [1, 2, 3, 4, 5, 6, 7],
      [0, 0.5, 1, 1.5, 2, 2.5, 3],
      [0, 0, 0, 0, 0, 0, 0],
    ]);
    python(
      `h = np.memmap(sys.argv[1], dtype=${NP_HEADER}, mode="w+", shape=())
h[()] = (b"NPY1", 3, 4)
h.flush()
r = np.memmap(sys.argv[1], dtype=${NP_RECORD}, mode="r+", offset=h.dtype.itemsize, shape=(4,))
r["id"] = [10, 20, 30, 40]; r["x"] = [0.25, 0.5, 0.75, 1]; r["y"] = -1
r.flush()`,
      `${dir.path}/numpy.bin`,
    );
    using h = memmap(`${dir.path}/numpy.bin`, {
      dtype: HEADER,
      mode: "r",
      shape: [],
    });
    assert.deepEqual(h.get(), {
      magic: new TextEncoder().encode("NPY1"),
      version: 3,
      count: 4,
    });
    using r = memmap(`${dir.path}/numpy.bin`, {
      dtype: RECORD,
      mode: "r",
      offset: HEADER.itemsize,
    });
    assert.deepEqual(r.field("id").toArray(), [10, 20, 30, 40]);
    assert.equal(r.field("x").sum(), 2.5);
    assert.deepEqual(r.get(3), { id: 40, x: 1, y: -1 });
  },
});
