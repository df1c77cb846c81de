import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { countLines, gzipFile } from "../../examples/stream_file.ts";
import { tempDir } from "../test_util.ts";

Deno.test("examples/stream_file.ts: gzips and counts the lines of a mapped file through Web streams", async () => {
  using dir = tempDir();
  const path = `${dir.path}/words.txt`;
  const text = "castaña\nthe cat\n".repeat(70_000); // 1.2 MB: several chunks
  Deno.writeTextFileSync(path, text);
  assert.equal(await countLines(path), 140_000);
  const size = await gzipFile(path);
  const packed = Deno.readFileSync(`${path}.gz`);
  assert.equal(packed.length, size);
  assert.equal(new TextDecoder().decode(gunzipSync(packed)), text);
});
