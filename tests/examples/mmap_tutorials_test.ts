import assert from "node:assert/strict";
import { mmapTutorials } from "../../examples/mmap_tutorials.ts";
import { tempDir } from "../test_util.ts";

Deno.test("the Python mmap tutorials print what the tutorials show", () => {
  using dir = tempDir();
  const lines: string[] = [];
  mmapTutorials(dir.path, (line) => lines.push(...line.split("\n")));
  const expect = [
    "b'Hello Python!\\n'",
    "b'Hello'",
    "b'Hello  world!\\n'",
    "b'Hello world!\\x00'",
    "First 10 bytes via read : b'Lorem ipsu'",
    "First 10 bytes via slice: b'Lorem ipsu'",
    "2nd   10 bytes via read : b'm dolor si'",
    "b'Lorem ipsum dolor sit amet, reutetcesnoc adipiscing elit.'",
    "Lorem ipsum dolor sit amet, consectetuer adipiscing elit.",
    "b'VOCA' b'VOCABULARY\\ncasta\\xc3\\xb1a\\nthe\\ncat\\nwas\\nnot\\na\\ncaterpilar\\n'",
    "b'casta\\xc3\\xb1a\\n' -> castaña",
    'Mmap { closed: false, access: "read", length: 49, pos: 0, offset: 0 }',
    "start position for b'cat' is 24: b'cat'",
    "after update: b'XXXABULARY\\ncasta\\xc3\\xb1a\\nthe\\ncat\\nwas\\nnot\\na\\ncaterpilar\\n'",
    "new words: dog, house, sheep, conjuración",
  ];
  for (const line of expect) {
    assert.ok(lines.includes(line), `missing: ${line}`);
  }
  const walk = lines.filter((l) => l.startsWith("\tMmap"));
  assert.equal(walk.length, 8);
  assert.ok(
    walk[7].includes("pos: 49") && walk[7].endsWith("b'caterpilar\\n'"),
  );
  const after = lines.indexOf("File  :");
  assert.equal(
    lines[after + 1],
    "Lorem ipsum dolor sit amet, reutetcesnoc adipiscing elit.",
  );
  const copyAfter = lines.indexOf("File After   :");
  assert.equal(
    lines[copyAfter + 1],
    "Lorem ipsum dolor sit amet, consectetuer adipiscing elit.",
  );
});
