/**
 * The README's "Install" section, followed as a new user would: a fresh
 * project outside the repository maps `@seed/mmap` to the repository's
 * `mod.ts` in its own `deno.json`, then type-checks and runs a script with
 * only the permissions the README names.
 */
import assert from "node:assert/strict";
import { tempDir } from "./test_util.ts";

// A file: URL, not a path: a Windows path (C:\...) in an import map would
// read as a URL of scheme "c".
const MOD = new URL("../mod.ts", import.meta.url).href;

const SCRIPT = `
import { memmap, Mmap } from "@seed/mmap";

const dir = Deno.args[0];
Deno.writeTextFileSync(\`\${dir}/hello.txt\`, "Hello Python!\\n");
{
  using m = Mmap.open(\`\${dir}/hello.txt\`);
  m.set(6, new TextEncoder().encode(" world!\\n"));
}
const digest = await crypto.subtle.digest(
  "SHA-256",
  Mmap.open(\`\${dir}/hello.txt\`, { access: "read" }).slice(),
);
const fp = memmap(\`\${dir}/a.bin\`, { dtype: "float64", mode: "w+", shape: [4] });
fp.assign([1, 2, 3, 4]);
console.log(Deno.readTextFileSync(\`\${dir}/hello.txt\`).trim(), digest.byteLength, fp.sum());
fp.close();
`;

function deno(cwd: string, ...args: string[]): Deno.CommandOutput {
  return new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).outputSync();
}

Deno.test("a fresh project imports the package through its deno.json and runs with the README's flags", () => {
  using project = tempDir();
  using data = tempDir();
  Deno.writeTextFileSync(
    `${project.path}/deno.json`,
    JSON.stringify({ imports: { "@seed/mmap": MOD } }),
  );
  Deno.writeTextFileSync(`${project.path}/main.ts`, SCRIPT);
  const check = deno(project.path, "check", "main.ts");
  assert.equal(
    check.code,
    0,
    new TextDecoder().decode(check.stderr),
  );
  const run = deno(
    project.path,
    "run",
    "--allow-ffi",
    `--allow-read=${data.path}`,
    `--allow-write=${data.path}`,
    "main.ts",
    data.path,
  );
  const stderr = new TextDecoder().decode(run.stderr);
  assert.equal(run.code, 0, stderr);
  assert.equal(
    new TextDecoder().decode(run.stdout).trim(),
    "Hello  world! 32 10",
  );
});
