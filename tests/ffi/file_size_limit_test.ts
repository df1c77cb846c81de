import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, tempDir, text, WINDOWS } from "../test_util.ts";

/**
 * Under a file-size limit (`ulimit -f`), every call that grows a file past
 * it fails with `EFBIG` and changes nothing, instead of the process dying of
 * `SIGXFSZ` (which the library ignores when it is at its default, as CPython
 * does). Run in a subprocess under `bash -c 'ulimit -f 64; ...'`.
 */

/**
 * Whether `bash` with `ulimit -f` and GNU `env --default-signal` are at hand
 * (not on Windows). The child's `SIGXFSZ` is put back to its default: a
 * disposition of ignore is inherited, and this test process (or whatever
 * started it) may have loaded the library already.
 */
function canLimit(): boolean {
  if (WINDOWS || !CAN_SPAWN_DENO) return false;
  try {
    return new Deno.Command("bash", {
      args: ["-c", "ulimit -f 64 && exec env --default-signal=XFSZ true"],
    }).outputSync().success;
  } catch {
    return false;
  }
}

const LIMITED = canLimit();

/** The limit: 64 blocks of 1 KiB. Growing to 1 MiB is past it. */
const LIMIT_KB = 64;

/**
 * Runs `code` (with `MOD` the library's entry point) under the limit with
 * `flags`; returns the exit status, the signal and the output. Deno's own
 * caches are kept in memory (a `DENO_DIR` that cannot be made): a cache
 * write past the limit before the library is loaded would end the process,
 * the library's part in it or not.
 */
function runLimited(flags: string[], code: string, dir: string) {
  const script = `${dir}/main.ts`;
  const mod = new URL("../../mod.ts", import.meta.url).href;
  Deno.writeTextFileSync(script, code.replaceAll("MOD", mod));
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const command = [Deno.execPath(), "run", "--no-prompt", "--no-config"]
    .concat(flags, [script]).map(quote).join(" ");
  const out = new Deno.Command("bash", {
    args: [
      "-c",
      `ulimit -f ${LIMIT_KB}; exec env --default-signal=XFSZ ${command}`,
    ],
    env: { NO_COLOR: "1", DENO_DIR: "/dev/null/deno_dir" },
  }).outputSync();
  return {
    code: out.code,
    signal: out.signal,
    stdout: text(out.stdout),
    stderr: text(out.stderr),
  };
}

/**
 * The child: each row grows a file in `DIR` past the limit; it prints, per
 * row, the error's class, code and message, and what is in the directory
 * afterwards (names, sizes and first bytes).
 */
const CHILD = `
import * as L from "MOD";
PREAMBLE
const dir = DIR;
const big = 1 << 20;
const old = () => Deno.writeFileSync(dir + "/old.bin", new Uint8Array(1000).fill(7));
const oldNpy = () => L.save(dir + "/old.npy", L.full([10], 7, { dtype: "u1" }));
const rows = {
  "Mmap.open create": () => L.Mmap.open(dir + "/new.bin", { create: true, length: big }),
  "Mmap.open length": () => L.Mmap.open(dir + "/old.bin", { access: "write", length: big }),
  "Mmap.open offset": () => L.Mmap.open(dir + "/old.bin", { access: "write", offset: big, length: 4096 }),
  "Mmap.resize": () => {
    const m = L.Mmap.open(dir + "/old.bin", { access: "write" });
    try { m.resize(big); } catch (e) {
      if (m.length !== 1000 || m.bytes[999] !== 7) throw new Error("map changed");
      m.close();
      throw e;
    }
    return m;
  },
  "memmap w+ new": () => L.memmap(dir + "/new.bin", { mode: "w+", shape: [big], dtype: "u1" }),
  "memmap w+ existing": () => L.memmap(dir + "/old.bin", { mode: "w+", shape: [big], dtype: "u1" }),
  "memmap r+ larger": () => L.memmap(dir + "/old.bin", { mode: "r+", shape: [big], dtype: "u1" }),
  "openMemmap w+ new": () => L.openMemmap(dir + "/new.npy", { mode: "w+", shape: [big], dtype: "u1" }),
  "openMemmap w+ existing": () => L.openMemmap(dir + "/old.npy", { mode: "w+", shape: [big], dtype: "u1" }),
  "save new": () => L.save(dir + "/new.npy", L.zeros([big], { dtype: "u1" })),
  "save existing": () => L.save(dir + "/old.npy", L.zeros([big], { dtype: "u1" })),
  "savez new": () => L.savez(dir + "/new.npz", { a: L.zeros([big], { dtype: "u1" }) }),
  "savezCompressed new": () => {
    const noise = new Uint8Array(big);
    for (let i = 0; i < big; i += 65536) crypto.getRandomValues(noise.subarray(i, i + 65536));
    return L.savezCompressed(dir + "/new.npz", { a: L.frombuffer(noise, { dtype: "u1" }) });
  },
  "SharedMemory create": () => {
    const name = "mmlimit" + crypto.getRandomValues(new Uint32Array(1))[0];
    try {
      return new L.SharedMemory({ name, create: true, size: big });
    } finally {
      // A failed create leaves no block behind.
      let left = true;
      try { new L.SharedMemory({ name }).close(); } catch (e) { left = !(e instanceof Deno.errors.NotFound); }
      if (left) { new L.SharedMemory({ name }).unlink(); console.log(JSON.stringify(["block left", name])); }
    }
  },
};
const only = Deno.args[0];
for (const [name, run] of Object.entries(rows)) {
  if (only !== undefined && name !== only) continue;
  old();
  oldNpy();
  globalThis.between?.();
  console.error("row", name);
  let outcome;
  try {
    const made = run();
    made?.close?.();
    outcome = ["no error"];
  } catch (e) {
    outcome = [e.constructor.name, e.code, e.message];
  }
  const files = [...Deno.readDirSync(dir)].map((f) => f.name).sort().map((f) => {
    const bytes = Deno.readFileSync(dir + "/" + f);
    return [f, bytes.length, bytes.at(-1)];
  });
  console.log(JSON.stringify([name, outcome, files]));
  for (const f of Deno.readDirSync(dir)) Deno.removeSync(dir + "/" + f.name);
}
`;

/** What the directory holds before each row: the two old files, as made. */
function oldFiles(): [string, number, number][] {
  return [["old.bin", 1000, 7], ["old.npy", 138, 7]];
}

/**
 * What the program does to `SIGXFSZ` before the rows run. Deno's handler,
 * once installed by a listener, stays after the listener is removed, and
 * ends the process on a `SIGXFSZ` no listener takes: the library must hold
 * the signal off around each growing call, not only check it once at load.
 */
const PREAMBLES: Record<string, string> = {
  "nothing": "",
  "a listener added and removed before the library's first call": `
    const h = () => {};
    Deno.addSignalListener("SIGXFSZ", h);
    Deno.removeSignalListener("SIGXFSZ", h);`,
  "a listener added and removed after the library's first call": `
    L.Mmap.anonymous(4096).close();
    const h = () => {};
    Deno.addSignalListener("SIGXFSZ", h);
    Deno.removeSignalListener("SIGXFSZ", h);`,
  "a listener kept": `
    Deno.addSignalListener("SIGXFSZ", () => {});`,
  "a listener added and removed between two rows' calls": `
    const h = () => {};
    globalThis.between = () => {
      Deno.addSignalListener("SIGXFSZ", h);
      Deno.removeSignalListener("SIGXFSZ", h);
    };`,
};

for (const [preamble, code] of Object.entries(PREAMBLES)) {
  Deno.test({
    name:
      `file size limit: every call growing a file past it fails with EFBIG and changes nothing (${preamble})`,
    ignore: !LIMITED,
    fn() {
      using scratch = tempDir();
      using data = tempDir();
      const result = runLimited(
        ["-A"],
        CHILD.replaceAll("DIR", JSON.stringify(data.path))
          .replace("PREAMBLE", code),
        scratch.path,
      );
      const last = result.stderr.trim().split("\n").pop();
      assert.equal(result.signal, null, `the process died at ${last}`);
      assert.equal(result.code, 0, result.stderr);
      const rows = result.stdout.trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(rows.length, 14, result.stdout);
      for (const [name, outcome, files] of rows) {
        const [, code, message] = outcome;
        assert.equal(code, "EFBIG", `${name}: ${outcome}`);
        assert.match(message, /File too large \(EFBIG\)/, name);
        assert.deepEqual(files, oldFiles(), name);
      }
    },
  });
}

Deno.test({
  name:
    "file size limit: a save in place (file permission only) fails with EFBIG and keeps the file",
  ignore: !LIMITED,
  fn() {
    using scratch = tempDir();
    using data = tempDir();
    const file = `${data.path}/old.npy`;
    const code = `
      import * as L from "MOD";
      const file = ${JSON.stringify(file)};
      try {
        L.save(file, L.zeros([1 << 20], { dtype: "u1" }));
        console.log(JSON.stringify(["no error"]));
      } catch (e) {
        console.log(JSON.stringify([e.constructor.name, e.code, e.message]));
      }
    `;
    // (Without --allow-ffi the library cannot change the signal's disposition.)
    Deno.writeFileSync(file, new Uint8Array(200).fill(7));
    const result = runLimited(
      [`--allow-read=${file}`, `--allow-write=${file}`, "--allow-ffi"],
      code,
      scratch.path,
    );
    assert.equal(result.signal, null, result.stderr);
    assert.equal(result.code, 0, result.stderr);
    const [, errorCode] = JSON.parse(result.stdout);
    assert.equal(errorCode, "EFBIG", result.stdout);
    assert.deepEqual(Deno.readFileSync(file), new Uint8Array(200).fill(7));
  },
});

Deno.test({
  name:
    "file size limit: SIGXFSZ is ignored only when at its default (a program's handler stays)",
  ignore: !LIMITED || Deno.build.os !== "linux",
  fn() {
    using scratch = tempDir();
    // Bit 24 of /proc/self/status's SigIgn/SigCgt masks is signal 25.
    // (Imported up front: the library loads the C library on first use only.)
    const code = `
      import { Mmap } from "MOD";
      const masks = () => Object.fromEntries(Deno.readTextFileSync("/proc/self/status")
        .split("\\n").filter((l) => /^Sig(Ign|Cgt):/.test(l))
        .map((l) => [l.slice(3, 6), (BigInt("0x" + l.split(/\\s+/)[1]) >> 24n) & 1n]));
      const handler = () => {};
      if (HANDLE) Deno.addSignalListener("SIGXFSZ", handler);
      const before = masks();
      Mmap.anonymous(4096).close();
      console.log(JSON.stringify([String(before.Ign), String(before.Cgt), String(masks().Ign), String(masks().Cgt)]));
      if (HANDLE) Deno.removeSignalListener("SIGXFSZ", handler);
    `;
    const plain = runLimited(
      ["-A"],
      code.replaceAll("HANDLE", "false"),
      scratch.path,
    );
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout), ["0", "0", "1", "0"]);
    const handled = runLimited(
      ["-A"],
      code.replaceAll("HANDLE", "true"),
      scratch.path,
    );
    assert.equal(handled.code, 0, handled.stderr);
    assert.deepEqual(JSON.parse(handled.stdout), ["0", "1", "0", "1"]);
  },
});
