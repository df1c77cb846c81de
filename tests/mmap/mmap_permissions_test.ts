import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRun, tempDir, writeFile } from "../test_util.ts";

/** Each test starts another Deno with chosen flags. */
const spawns = { ignore: !CAN_SPAWN_DENO };

function attempt(flags: string[], path: string, options = "{}") {
  return denoRun(
    flags,
    `
    import { Mmap } from "MOD";
    try {
      const m = Mmap.open(${JSON.stringify(path)}, ${options});
      console.log("opened", m.length);
      m.close();
    } catch (e) {
      console.log(e.constructor.name + ": " + e.message);
    }
    `,
  );
}

Deno.test("importing the library needs no permission", spawns, () => {
  const r = denoRun(
    [],
    `import * as lib from "MOD"; console.log(typeof lib.Mmap);`,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "function");
});

Deno.test(
  "Mmap without --allow-ffi throws NotCapable naming the flag",
  spawns,
  () => {
    using dir = tempDir();
    const path = writeFile(dir.path, "p.txt", "abc");
    const r = attempt(["--allow-read", "--allow-write"], path);
    assert.match(r.stdout, /^NotCapable: .*--allow-ffi/);
  },
);

Deno.test(
  "Mmap.open() without --allow-read throws NotCapable naming the flag",
  spawns,
  () => {
    using dir = tempDir();
    const path = writeFile(dir.path, "p.txt", "abc");
    const r = attempt(["--allow-ffi"], path, `{ access: "read" }`);
    assert.match(r.stdout, /^NotCapable: .*--allow-read/);
  },
);

Deno.test(
  "Mmap.open() for writing without --allow-write throws NotCapable naming the flag",
  spawns,
  () => {
    using dir = tempDir();
    const path = writeFile(dir.path, "p.txt", "abc");
    const r = attempt(["--allow-ffi", "--allow-read"], path);
    assert.match(r.stdout, /^NotCapable: .*--allow-write/);
    const copy = attempt(
      ["--allow-ffi", "--allow-read"],
      path,
      `{ access: "copy" }`,
    );
    assert.equal(
      copy.stdout.trim(),
      "opened 3",
      "copy access needs no write permission",
    );
  },
);

Deno.test("Mmap.open() honours path-scoped permissions", spawns, () => {
  using dir = tempDir();
  const allowed = writeFile(dir.path, "allowed.txt", "abc");
  const other = writeFile(dir.path, "other.txt", "abcd");
  const flags = ["--allow-ffi", `--allow-read=${allowed}`];
  assert.equal(
    attempt(flags, allowed, `{ access: "read" }`).stdout.trim(),
    "opened 3",
  );
  assert.match(
    attempt(flags, other, `{ access: "read" }`).stdout,
    /^NotCapable: .*--allow-read/,
  );
});
