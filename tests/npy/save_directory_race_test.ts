/**
 * A save acts on the directory whose permission it checked (attack10 N4):
 * Deno checks `--allow-write` against a path string, so a directory of the
 * path swapped for a symbolic link to a directory outside the grant between
 * the check and the save's file-system calls must not let the save make,
 * write, rename or leave anything there. Every writer (`save`, `savez`,
 * `savezCompressed`) is tried with the directory itself and with its parent
 * swapped at the worst time (a test hook right after the permission check),
 * through a temporary file (the directory granted) and in place (the file
 * alone granted), over a file that exists and one that does not; and
 * `openMemmap` whose mapping fails after it made the file, with the
 * directory swapped before the file is removed again.
 */
import assert from "node:assert/strict";
import {
  CAN_SPAWN_DENO,
  denoRunWithin,
  raceWithFlipper,
  tempDir,
} from "../test_util.ts";

const linux = Deno.build.os === "linux";
const SECRET = "SECRETSECRETSECR";
const OLD = "OLD-CONTENT";

const WRITERS = ["save", "savez", "savezCompressed"] as const;
/**
 * The file exists in the checked directory (and under the same name where
 * the link leads), is new there (and exists where the link leads), or is
 * nowhere.
 */
const KINDS = ["existing", "new", "absent"] as const;
const VARIANTS = ["itself", "parent"] as const;

/** The file name a row saves to. */
function fileName(writer: string, kind: string): string {
  return `${writer}-${kind}${writer === "save" ? ".npy" : ".npz"}`;
}

/** Every name a save may touch, in the checked directory and the secret one. */
const NAMES = WRITERS.flatMap((w) => KINDS.map((k) => fileName(w, k)));
/** The names `secret/inner` holds. */
const SECRET_NAMES = NAMES.filter((n) => !n.includes("-absent"));
const PLAIN = WRITERS.map((w) => fileName(w, "plain"));
const HUGE = "huge.npy";

/**
 * Makes `allowed/real/inner` (the directory saves check) holding the
 * existing files, and `secret/inner` holding a file of every name, with the
 * links the swaps put in place: `allowed/real/innerflip -> secret/inner`
 * (the directory itself) and `allowed/realflip -> secret` (its parent).
 */
function layout(root: string): { allowed: string; secret: string } {
  const allowed = `${root}/allowed`;
  const secret = `${root}/secret`;
  Deno.mkdirSync(`${allowed}/real/inner`, { recursive: true });
  Deno.mkdirSync(`${secret}/inner`, { recursive: true });
  for (const name of [...SECRET_NAMES, ...PLAIN, HUGE]) {
    Deno.writeTextFileSync(`${secret}/inner/${name}`, SECRET);
  }
  for (const writer of WRITERS) {
    Deno.writeTextFileSync(
      `${allowed}/real/inner/${fileName(writer, "existing")}`,
      OLD,
    );
  }
  Deno.symlinkSync(`${secret}/inner`, `${allowed}/real/innerflip`);
  Deno.symlinkSync(secret, `${allowed}/realflip`);
  return { allowed, secret };
}

/** The child: every row, with the swap made by the hook; prints the outcomes. */
function child(allowed: string, withMemmap: boolean): string {
  return `
  import { array, openMemmap, save, savez, savezCompressed } from "MOD";
  const { saveHooks } = await import(new URL("./src/npy/_files.ts", "MOD").href);
  const { directoryHooks } = await import(new URL("./src/ffi/posix_directory.ts", "MOD").href);
  // Renames by FFI: the in-place child may not rename the directories
  // through Deno (it is granted the files alone).
  const lib = Deno.dlopen("libc.so.6", {
    rename: { parameters: ["buffer", "buffer"], result: "i32" },
  });
  const c = (s) => new TextEncoder().encode(s + "\\0");
  const mv = (a, b) => {
    if (lib.symbols.rename(c(a), c(b)) !== 0) throw new Error("cannot rename " + a);
  };
  const A = ${JSON.stringify(allowed)};
  const D = A + "/real/inner";
  const SWAPS = {
    itself: [[A + "/real/inner", A + "/real/inner.moved"], [A + "/real/innerflip", A + "/real/inner"]],
    parent: [[A + "/real", A + "/real.moved"], [A + "/realflip", A + "/real"]],
  };
  const swap = (v) => { for (const [a, b] of SWAPS[v]) mv(a, b); };
  const unswap = (v) => { for (const [a, b] of [...SWAPS[v]].reverse()) mv(b, a); };
  const a = array([1, 2, 3, 4], { dtype: "int32" });
  const WRITERS = {
    save: (p) => save(p, a),
    savez: (p) => savez(p, { a }),
    savezCompressed: (p) => savezCompressed(p, { a }),
  };
  const name = (w, k) => w + "-" + k + (w === "save" ? ".npy" : ".npz");
  const out = [];
  for (const [writer, run] of Object.entries(WRITERS)) {
    // Unswapped, the save works (and the hook sees it).
    let calls = 0;
    saveHooks.afterCheck = () => { calls++; };
    run(D + "/" + name(writer, "plain"));
    out.push({ row: writer + " plain", calls, error: null });
    for (const variant of ${JSON.stringify(VARIANTS)}) {
      for (const kind of ${JSON.stringify(KINDS)}) {
        let calls = 0;
        saveHooks.afterCheck = () => { calls++; swap(variant); };
        let error = null;
        try {
          run(D + "/" + name(writer, kind));
        } catch (e) {
          error = e.constructor.name + ": " + e.message;
        }
        saveHooks.afterCheck = null;
        unswap(variant);
        out.push({ row: [writer, variant, kind].join(" "), calls, error });
      }
    }
  }
  if (${withMemmap}) {
    for (const variant of ${JSON.stringify(VARIANTS)}) {
      // Made, then mapping it fails (64 TiB): the directory is swapped
      // before the file made is removed again.
      let calls = 0;
      directoryHooks.beforeOpen = () => { if (calls++ === 0) swap(variant); };
      let error = null;
      try {
        openMemmap(D + "/${HUGE}", { mode: "w+", dtype: "u1", shape: [2 ** 46] }).close();
      } catch (e) {
        error = e.constructor.name + ": " + e.message;
      }
      directoryHooks.beforeOpen = null;
      if (calls > 0) unswap(variant);
      // (Found again where the directory went, and removed there.)
      let left = true;
      try { Deno.statSync(D + "/${HUGE}"); } catch { left = false; }
      out.push({ row: "openMemmap " + variant, calls, error, left });
    }
  }
  console.log(JSON.stringify(out));
  `;
}

/** What `secret/` holds: every file as it was, nothing added. */
function assertSecretUntouched(secret: string): void {
  assert.deepEqual([...Deno.readDirSync(secret)].map((e) => e.name), [
    "inner",
  ]);
  const names = [...Deno.readDirSync(`${secret}/inner`)].map((e) => e.name)
    .sort();
  assert.deepEqual(names, [...SECRET_NAMES, ...PLAIN, HUGE].sort());
  for (const name of names) {
    assert.equal(
      Deno.readTextFileSync(`${secret}/inner/${name}`),
      SECRET,
      `secret/inner/${name}`,
    );
  }
}

/** What `allowed/real/inner` holds: the old files unchanged, the plain saves, no temporary file. */
function assertAllowedAsBefore(allowed: string): void {
  const dir = `${allowed}/real/inner`;
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(
    names,
    [...WRITERS.map((w) => fileName(w, "existing")), ...PLAIN].sort(),
  );
  for (const writer of WRITERS) {
    assert.equal(
      Deno.readTextFileSync(`${dir}/${fileName(writer, "existing")}`),
      OLD,
    );
  }
  assert.deepEqual(
    [...Deno.readDirSync(allowed)].map((e) => e.name).sort(),
    ["real", "realflip"],
  );
}

/** Checks the rows a child printed: every swap seen and refused. */
function assertRefused(stdout: string, memmapRows: number): void {
  const rows: {
    row: string;
    calls: number;
    error: string | null;
    left?: boolean;
  }[] = JSON.parse(stdout);
  assert.equal(
    rows.length,
    WRITERS.length * (1 + VARIANTS.length * KINDS.length) + memmapRows,
  );
  for (const { row, calls, error, left } of rows) {
    assert.ok(calls >= 1, `${row}: the hook ran`);
    if (row.endsWith(" plain")) {
      assert.equal(error, null, row);
    } else if (row.startsWith("openMemmap")) {
      assert.match(error ?? "", /\((EFBIG|ENOSPC|ENOMEM)\)/, row);
      // Swapped at the first look, found again at the second.
      assert.equal(calls, 2, row);
      assert.equal(left, false, `${row}: the file made is not left`);
    } else {
      // The library's refusal: where the directory led is not granted.
      assert.match(
        error ?? "",
        /^NotCapable: Requires (read|write) access to ".*\/secret\/inner(\/[^"]*)?" \(where ".*\/allowed\/real\/inner(\/[^"]*)?" (led when opened|leads)\)/,
        row,
      );
    }
  }
}

Deno.test({
  name:
    "a directory swapped for a link after a save checked it gets nothing: no file made, written, replaced or left there (save, savez, savezCompressed through a temporary file; openMemmap's cleanup)",
  ignore: !linux || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const { allowed, secret } = layout(dir.path);
    const result = await denoRunWithin(
      ["--allow-ffi", `--allow-read=${allowed}`, `--allow-write=${allowed}`],
      child(allowed, true),
    );
    assert.equal(result.code, 0, result.stderr);
    assertSecretUntouched(secret);
    assertRefused(result.stdout, VARIANTS.length);
    assertAllowedAsBefore(allowed);
  },
});

Deno.test({
  name:
    "a directory swapped for a link after an in-place save (the file alone granted) checked the file gets nothing (save, savez, savezCompressed)",
  ignore: !linux || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const { allowed, secret } = layout(dir.path);
    const files = [...NAMES, ...PLAIN].map((n) => `${allowed}/real/inner/${n}`)
      .join(",");
    const result = await denoRunWithin(
      ["--allow-ffi", `--allow-read=${files}`, `--allow-write=${files}`],
      child(allowed, false),
    );
    assert.equal(result.code, 0, result.stderr);
    assertSecretUntouched(secret);
    assertRefused(result.stdout, 0);
    assertAllowedAsBefore(allowed);
  },
});

Deno.test({
  name:
    "a process swapping the directory for a link while saves run never gets a file made, written or left outside --allow-write",
  ignore: !linux || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const { allowed, secret } = layout(dir.path);
    // The flipper swaps allowed/real for the link to secret/ and back, a
    // whole cycle at a time.
    const rows = await raceWithFlipper(
      dir.path,
      `
      const A = ${JSON.stringify(allowed)};
      Deno.renameSync(A + "/real", A + "/real.moved");
      Deno.renameSync(A + "/realflip", A + "/real");
      Deno.renameSync(A + "/real", A + "/realflip");
      Deno.renameSync(A + "/real.moved", A + "/real");
      `,
      ["--allow-ffi", `--allow-read=${allowed}`, `--allow-write=${allowed}`],
      `
      import { array, save, savez, savezCompressed } from "MOD";
      const D = ${JSON.stringify(allowed)} + "/real/inner";
      const a = array([1, 2, 3, 4], { dtype: "int32" });
      const WRITERS = {
        save: (p) => save(p, a),
        savez: (p) => savez(p, { a }),
        savezCompressed: (p) => savezCompressed(p, { a }),
      };
      const out = {};
      for (const [writer, run] of Object.entries(WRITERS)) {
        const p = D + "/" + writer + "-absent" + (writer === "save" ? ".npy" : ".npz");
        out[writer] = tally(() => run(p));
      }
      console.log(JSON.stringify(out));
      `,
    );
    assert.deepEqual(Object.keys(rows), [...WRITERS]);
    assertSecretUntouched(secret);
    // No temporary file left in the directory saved into either.
    const names = [...Deno.readDirSync(`${allowed}/real/inner`)].map((e) =>
      e.name
    );
    assert.deepEqual(names.filter((n) => n.endsWith(".tmp")), []);
  },
});
