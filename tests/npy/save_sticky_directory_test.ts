/**
 * A save over another user's file in a directory with the sticky bit (as
 * `/tmp`), which the caller may write, succeeds as `np.save` does
 * (attack11 A3): the sticky bit refuses the rename of the temporary file
 * over it (`EPERM`), and the save then writes the file in place (the same
 * file: its owner and mode stay). So does a save over a file the caller
 * may write in a directory it may not (attack11 A10: the temporary file
 * cannot be made there, `EACCES`). A file the caller may not write is still
 * refused, unchanged, and no temporary file is left. Every writer, through
 * the directory held open (`--allow-ffi`) and by path. Run as `nobody`
 * (needs root to switch users; skipped otherwise).
 */
import assert from "node:assert/strict";
import { load, type NDArray, NpzFile } from "../../mod.ts";
import { CAN_SPAWN_DENO, tempDir, text } from "../test_util.ts";

const isRoot = Deno.build.os === "linux" && Deno.uid() === 0;

function hasSetpriv(): boolean {
  try {
    return new Deno.Command("setpriv", { args: ["--version"] }).outputSync()
      .success;
  } catch {
    return false;
  }
}

const WRITERS = ["save", "savez", "savezCompressed"] as const;

/** The files of a row, as root makes them: [name suffix, owner, mode]. */
const ROWS: {
  what: string;
  file: string;
  mine: boolean;
  mode: number | null;
  saved: boolean;
}[] = [
  {
    what: "root's file, writable by all",
    file: "shared",
    mine: false,
    mode: 0o666,
    saved: true,
  },
  {
    what: "root's file, not writable by the caller",
    file: "locked",
    mine: false,
    mode: 0o644,
    saved: false,
  },
  {
    what: "the caller's own file",
    file: "own",
    mine: true,
    mode: 0o644,
    saved: true,
  },
  { what: "a new file", file: "new", mine: true, mode: null, saved: true },
];

/**
 * Directories: with the sticky bit (the rename over another user's file is
 * refused), and one the caller may not write (the temporary file cannot be
 * made: attack11 A10; a new file cannot be made either).
 */
const DIRECTORIES: [string, number][] = [
  ["a sticky directory (1777)", 0o1777],
  ["a directory the caller may not write (755)", 0o755],
];

const ROUTES: [string, (dir: string) => string[]][] = [
  [
    "the directory held (--allow-ffi)",
    (dir) => [`--allow-read=${dir}`, `--allow-write=${dir}`, "--allow-ffi"],
  ],
  [
    "by path (no --allow-ffi)",
    (dir) => [`--allow-read=${dir}`, `--allow-write=${dir}`],
  ],
];

const CHILD = `
  import { arange, save, savez, savezCompressed } from "MOD";
  const writers = { save, savez, savezCompressed };
  const out = [];
  for (const [writer, path] of JSON.parse(Deno.args[0])) {
    try {
      writers[writer](path, writer === "save" ? arange(5) : { b: arange(5) });
      out.push("ok");
    } catch (e) {
      out.push(e.constructor.name + ": " + e.message);
    }
  }
  console.log(JSON.stringify(out));
`;

const OLD = new TextEncoder().encode("OLD");

Deno.test({
  name:
    "save, savez and savezCompressed over another user's writable file in a sticky directory write it in place; a file the caller may not write is refused unchanged",
  ignore: !isRoot || !CAN_SPAWN_DENO || !hasSetpriv(),
  fn() {
    using root = tempDir();
    Deno.chmodSync(root.path, 0o755);
    const denoDir = `${root.path}/deno_dir`;
    Deno.mkdirSync(denoDir, { mode: 0o777 });
    Deno.chmodSync(denoDir, 0o777);
    const script = `${root.path}/child.ts`;
    const mod = new URL("../../mod.ts", import.meta.url).href;
    Deno.writeTextFileSync(script, CHILD.replace("MOD", mod));
    Deno.chmodSync(script, 0o644);
    const nobody = Number(
      text(
        new Deno.Command("id", { args: ["-u", "nobody"] }).outputSync().stdout,
      )
        .trim(),
    );
    for (const [kind, dirMode] of DIRECTORIES) {
      for (const [route, flags] of ROUTES) {
        const dir = `${root.path}/${dirMode.toString(8)}-${
          ROUTES.findIndex((r) => r[0] === route)
        }`;
        Deno.mkdirSync(dir);
        const rows: [string, string][] = [];
        const cases: {
          writer: string;
          row: (typeof ROWS)[number];
          path: string;
        }[] = [];
        for (const writer of WRITERS) {
          for (const row of ROWS) {
            const path = `${dir}/${writer}-${row.file}.${
              writer === "save" ? "npy" : "npz"
            }`;
            if (row.mode !== null) {
              Deno.writeFileSync(path, OLD);
              Deno.chmodSync(path, row.mode);
              if (row.mine) Deno.chownSync(path, nobody, null);
            }
            rows.push([writer, path]);
            cases.push({ writer, row, path });
          }
        }
        // (Made as root; the caller may not make a file in a 755 directory.)
        Deno.chmodSync(dir, dirMode);
        const before = new Map(
          cases.filter((c) => c.row.mode !== null).map((
            c,
          ) => [c.path, Deno.statSync(c.path)]),
        );
        const out = new Deno.Command("setpriv", {
          args: [
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            Deno.execPath(),
            "run",
            "--no-prompt",
            "--no-config",
            ...flags(dir),
            script,
            JSON.stringify(rows),
          ],
          env: { NO_COLOR: "1", DENO_DIR: denoDir, HOME: root.path },
          cwd: root.path,
        }).outputSync();
        assert.equal(out.code, 0, `${route}: ${text(out.stderr).slice(-2000)}`);
        const results: string[] = JSON.parse(
          text(out.stdout).trim().split("\n").at(-1)!,
        );
        for (const [i, { writer, row, path }] of cases.entries()) {
          const what = `${kind}, ${route}: ${writer} over ${row.what}`;
          if (!row.saved || (dirMode === 0o755 && row.mode === null)) {
            assert.match(results[i], /^PermissionDenied: /, what);
            assert.ok(
              results[i].includes(JSON.stringify(path)),
              `${what}: ${results[i]}`,
            );
            if (row.mode === null) {
              assert.throws(() => Deno.statSync(path), Deno.errors.NotFound);
            } else assert.deepEqual(Deno.readFileSync(path), OLD, what);
            continue;
          }
          const now = Deno.statSync(path);
          {
            assert.equal(results[i], "ok", what);
            const values = writer === "save"
              ? (load(path) as NDArray).toArray()
              : (() => {
                using z = new NpzFile(path);
                return z.get("b").toArray();
              })();
            assert.deepEqual(values.map(Number), [0, 1, 2, 3, 4], what);
            const old = before.get(path);
            if (old !== undefined) {
              // Its own mode kept; another's file is the same file, its owner's.
              assert.equal(now.mode! & 0o7777, old.mode! & 0o7777, what);
              if (!row.mine) {
                assert.equal(now.ino, old.ino, what);
                assert.equal(now.uid, 0, what);
              }
            } else assert.equal(now.uid, nobody, what);
          }
        }
        const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
          n.endsWith(".tmp")
        );
        assert.deepEqual(left, [], `${kind}, ${route}`);
      }
    }
  },
});
