import assert from "node:assert/strict";
import { memmap } from "../../mod.ts";
import { RowSummers } from "../../examples/parallel_sum.ts";
import { tempDir } from "../test_util.ts";

Deno.test("examples/parallel_sum.ts: Workers summing blocks of rows agree with one thread", async () => {
  using dir = tempDir();
  using fp = memmap(`${dir.path}/rows.f8`, {
    dtype: "float64",
    mode: "w+",
    shape: [101, 16],
  });
  for (let i = 0; i < 101; i++) fp.slice(i).fill(i % 7 - 3);
  using pool = new RowSummers(3);
  await pool.ready;
  assert.equal(await pool.sum(fp), fp.sum());
  assert.equal(await pool.sum(fp.slice("50:")), fp.slice("50:").sum());
});
