/**
 * A save with `--allow-ffi` on Linux writes its temporary file with no name
 * (`O_TMPFILE` in the directory held open) and names it only once it is
 * complete (attack11 A12, attack12 B5): nothing in the directory shows a
 * save under way, and a new file is named as itself (no temporary name at
 * all). Where `O_TMPFILE` is refused (forced here by a test hook,
 * `directoryHooks.refuseUnnamed`) the named temporary file is used, as
 * before. Every writer (`save`, `savez`, `savezCompressed`), over a new file
 * and an existing one, both routes. (Ported from branch fix11e-otmpfile-alt.)
 */
import assert from "node:assert/strict";
import {
  arange,
  load,
  type NDArray,
  NpzFile,
  save,
  savez,
  savezCompressed,
} from "../../mod.ts";
import { directoryHooks } from "../../src/ffi/posix_directory.ts";
import { saveHooks } from "../../src/npy/_files.ts";
import { tempDir } from "../test_util.ts";

const linux = { ignore: Deno.build.os !== "linux" };

const WRITERS: Record<string, [string, (path: string, a: NDArray) => void]> = {
  save: [".npy", (path, a) => save(path, a)],
  savez: [".npz", (path, a) => savez(path, { a })],
  savezCompressed: [".npz", (path, a) => savezCompressed(path, { a })],
};

function read(path: string): number[] {
  if (path.endsWith(".npy")) {
    return (load(path) as NDArray).toArray().map(Number);
  }
  using z = new NpzFile(path);
  return z.get("a").toArray().map(Number);
}

const names = (dir: string) =>
  [...Deno.readDirSync(dir)].map((e) => e.name).sort();

function withHooks(
  refuseUnnamed: boolean,
  written: (() => void) | null,
  run: () => void,
): void {
  directoryHooks.refuseUnnamed = refuseUnnamed;
  saveHooks.written = written;
  try {
    run();
  } finally {
    directoryHooks.refuseUnnamed = false;
    saveHooks.written = null;
  }
}

for (const refuse of [false, true]) {
  const route = refuse
    ? "a named temporary file where O_TMPFILE is refused"
    : "an unnamed temporary file (O_TMPFILE)";
  Deno.test(
    `every writer saves through ${route}: a new file and one saved over, mode kept, nothing left`,
    linux,
    () => {
      for (const [writer, [ext, write]] of Object.entries(WRITERS)) {
        for (const exists of [false, true]) {
          using dir = tempDir();
          const path = `${dir.path}/a${ext}`;
          if (exists) {
            write(path, arange(3));
            Deno.chmodSync(path, 0o640);
          }
          const before = names(dir.path);
          let during = null as string[] | null;
          withHooks(refuse, () => during = names(dir.path), () => {
            write(path, arange(5));
          });
          assert.ok(during !== null, "the hook ran");
          const made = during!.filter((n) => !before.includes(n));
          const what = `${writer}, ${exists ? "existing" : "new"} file`;
          if (refuse) {
            assert.equal(made.length, 1, what);
            assert.match(made[0], /^\.save-[0-9a-f]{16}\.tmp$/, what);
          } else assert.deepEqual(made, [], what);
          assert.deepEqual(read(path), [0, 1, 2, 3, 4], what);
          assert.deepEqual(names(dir.path), [`a${ext}`], what);
          if (exists) {
            assert.equal(Deno.statSync(path).mode! & 0o777, 0o640, what);
          }
        }
      }
    },
  );

  Deno.test(
    `every writer through ${route}: a failure before the file is placed leaves the old file and nothing else`,
    linux,
    () => {
      for (const [writer, [ext, write]] of Object.entries(WRITERS)) {
        for (const exists of [false, true]) {
          using dir = tempDir();
          const path = `${dir.path}/a${ext}`;
          if (exists) write(path, arange(3));
          const before = names(dir.path);
          assert.throws(
            () =>
              withHooks(refuse, () => {
                throw new Error("stop");
              }, () => write(path, arange(5))),
            /stop/,
          );
          assert.deepEqual(names(dir.path), before, writer);
          if (exists) assert.deepEqual(read(path), [0, 1, 2], writer);
        }
      }
    },
  );
}

Deno.test(
  "every writer: a file made under the name while an unnamed new one was written is replaced, nothing left",
  linux,
  () => {
    for (const [writer, [ext, write]] of Object.entries(WRITERS)) {
      using dir = tempDir();
      const path = `${dir.path}/a${ext}`;
      withHooks(false, () => Deno.writeTextFileSync(path, "other"), () => {
        write(path, arange(4));
      });
      assert.deepEqual(read(path), [0, 1, 2, 3], writer);
      assert.deepEqual(names(dir.path), [`a${ext}`], writer);
    }
  },
);

Deno.test(
  "saves through unnamed temporary files keep no descriptor open",
  linux,
  () => {
    using dir = tempDir();
    const count = () => [...Deno.readDirSync("/proc/self/fd")].length;
    for (const [, write] of Object.values(WRITERS)) {
      write(`${dir.path}/warm`, arange(2)); // libraries loaded
    }
    const before = count();
    for (let i = 0; i < 20; i++) {
      for (const [ext, write] of Object.values(WRITERS)) {
        write(`${dir.path}/f${i % 2}${ext}`, arange(i + 1));
      }
    }
    assert.equal(count(), before);
  },
);

/** Every name the directory's watcher reports while `run` runs. */
async function namesSeen(dir: string, run: () => void): Promise<string[]> {
  const seen: string[] = [];
  using watcher = Deno.watchFs(dir, { recursive: false });
  run();
  // Events come in order: once the sentinel's is seen, so are the save's.
  Deno.writeTextFileSync(`${dir}/sentinel`, "");
  for await (const event of watcher) {
    const names = event.paths.map((p) => p.split("/").at(-1)!);
    seen.push(...names);
    if (names.includes("sentinel")) break;
  }
  Deno.removeSync(`${dir}/sentinel`);
  return [...new Set(seen)].filter((n) => n !== "sentinel").sort();
}

Deno.test(
  "every writer names a new file as itself: no temporary name ever appears in the directory (O_TMPFILE); with it refused, one does",
  linux,
  async () => {
    for (const [writer, [ext, write]] of Object.entries(WRITERS)) {
      for (const refuse of [false, true]) {
        using dir = tempDir();
        const path = `${dir.path}/a${ext}`;
        const seen = await namesSeen(dir.path, () => {
          withHooks(refuse, null, () => write(path, arange(5)));
        });
        const what = `${writer}${refuse ? ", O_TMPFILE refused" : ""}`;
        const temporary = seen.filter((n) => n.startsWith(".save-"));
        assert.deepEqual(
          seen.filter((n) => n === `a${ext}`),
          [`a${ext}`],
          what,
        );
        assert.equal(temporary.length, refuse ? 1 : 0, `${what}: ${seen}`);
        assert.deepEqual(read(path), [0, 1, 2, 3, 4], what);
      }
    }
  },
);
