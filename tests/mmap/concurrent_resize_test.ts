/**
 * Size changes of one file by several handles at once (attack14 D9, D10):
 * maps that grow the same file in two Workers or two processes never cut
 * each other's bytes (a cut under a live map is SIGBUS: each race runs in a
 * subprocess), and opening a file while another handle resizes it waits
 * for the resize instead of failing.
 */
import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRunWithin, tempDir } from "../test_util.ts";

const linuxOnly = { ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO };

/** How long each racer runs, in milliseconds. */
const RACE_MS = 1500;

/**
 * `grow(path)`: opens the file, grows the map by one to three pages, writes
 * and reads its last byte, closes; over and over for {@linkcode RACE_MS}.
 * Counts the rounds done, the Busy ones and the last bytes not read back.
 */
const GROW = `
function grow(Mmap, path) {
  let done = 0, busy = 0, lost = 0;
  const started = Date.now();
  for (let n = 0; Date.now() - started < ${RACE_MS}; n++) {
    let m;
    try {
      m = Mmap.open(path);
      m.resize(m.length + 4096 * ((n % 3) + 1));
      m.set(m.length - 1, 7);
      if (m.get(m.length - 1) !== 7) lost++;
      done++;
    } catch (e) {
      if (e.code !== "EBUSY") throw e;
      busy++;
    } finally {
      m?.close();
    }
  }
  return { done, busy, lost };
}
`;

interface Tally {
  done: number;
  busy: number;
  lost: number;
}

function checkGrowers(tallies: Tally[], path: string): void {
  for (const [i, { done, busy, lost }] of tallies.entries()) {
    assert.ok(done > 0, `grower ${i} did not grow the file`);
    // No grower asked for a shrink: none is refused.
    assert.equal(busy, 0, `grower ${i}: Busy while growing`);
    assert.equal(lost, 0, `grower ${i}: its last byte was lost`);
  }
  assert.ok(Deno.statSync(path).size > 4096);
}

Deno.test(
  "maps growing one file in two Workers at once never cut each other's bytes",
  linuxOnly,
  async () => {
    using dir = tempDir();
    const path = `${dir.path}/grown.bin`;
    Deno.writeFileSync(path, new Uint8Array(4096));
    const result = await denoRunWithin(
      ["-A"],
      `
      const worker = () => new Worker(
        "data:text/javascript," + encodeURIComponent(
          'import { Mmap } from "MOD";' + ${JSON.stringify(GROW)} +
          "self.onmessage = (e) => self.postMessage(grow(Mmap, e.data));",
        ),
        { type: "module" },
      );
      const workers = [worker(), worker()];
      const tallies = await Promise.all(workers.map((w) =>
        new Promise((resolve, reject) => {
          w.onmessage = (e) => resolve(e.data);
          w.onerror = (e) => reject(new Error(e.message));
          w.postMessage(${JSON.stringify(path)});
        })
      ));
      for (const w of workers) w.terminate();
      console.log(JSON.stringify(tallies));
      `,
    );
    assert.equal(result.signal, null, `the process died: ${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
    checkGrowers(JSON.parse(result.stdout), path);
  },
);

Deno.test(
  "maps growing one file in two processes at once never cut each other's bytes",
  linuxOnly,
  async () => {
    using dir = tempDir();
    const path = `${dir.path}/grown.bin`;
    Deno.writeFileSync(path, new Uint8Array(4096));
    const code = `
      import { Mmap } from "MOD";
      ${GROW}
      console.log(JSON.stringify(grow(Mmap, ${JSON.stringify(path)})));
    `;
    const results = await Promise.all([
      denoRunWithin(["-A"], code),
      denoRunWithin(["-A"], code),
    ]);
    for (const result of results) {
      assert.equal(result.signal, null, `a process died: ${result.stderr}`);
      assert.equal(result.code, 0, result.stderr);
    }
    checkGrowers(results.map((r) => JSON.parse(r.stdout)), path);
  },
);

Deno.test(
  "opening a file while a Worker resizes it waits for the resize instead of failing",
  linuxOnly,
  async () => {
    using dir = tempDir();
    const path = `${dir.path}/resized.bin`;
    Deno.writeFileSync(path, new Uint8Array(65536).fill(1));
    const result = await denoRunWithin(
      ["-A"],
      `
      import { memmap, Mmap } from "MOD";
      const path = ${JSON.stringify(path)};
      // The resizer grows and shrinks the file by a page in turn: a shrink
      // under one of the opener's maps is Busy, a grow never.
      const resizer = new Worker(
        "data:text/javascript," + encodeURIComponent(
          'import { Mmap } from "MOD";' +
          "self.onmessage = (e) => {" +
          "  self.postMessage('started');" +
          "  const t = { grown: 0, shrunk: 0, growBusy: 0, shrinkBusy: 0 };" +
          "  const started = Date.now();" +
          "  for (let n = 0; Date.now() - started < ${RACE_MS}; n++) {" +
          "    const m = Mmap.open(e.data);" +
          "    const grow = n % 2 === 0;" +
          "    try {" +
          "      m.resize(m.length + (grow ? 4096 : -4096));" +
          "      t[grow ? 'grown' : 'shrunk']++;" +
          "    } catch (error) {" +
          "      if (error.code !== 'EBUSY') throw error;" +
          "      t[grow ? 'growBusy' : 'shrinkBusy']++;" +
          "    } finally { m.close(); }" +
          "  }" +
          "  self.postMessage(t);" +
          "};",
        ),
        { type: "module" },
      );
      const replies = [];
      let wake;
      resizer.onmessage = (e) => { replies.push(e.data); wake?.(); };
      resizer.onerror = (e) => { console.error(e.message); Deno.exit(2); };
      const next = async () => {
        while (replies.length === 0) await new Promise((r) => (wake = r));
        return replies.shift();
      };
      resizer.postMessage(path);
      await next(); // started
      const openers = {
        'memmap "r"': () => {
          const a = memmap(path, { mode: "r" });
          try { return a.get(a.size - 1); } finally { a.close(); }
        },
        'Mmap.open "read"': () => {
          const m = Mmap.open(path, { access: "read" });
          try { return m.get(0); } finally { m.close(); }
        },
      };
      const opened = {};
      const started = Date.now();
      while (Date.now() - started < ${RACE_MS - 300}) {
        for (const [name, open] of Object.entries(openers)) {
          const t = (opened[name] ??= { ok: 0, busy: 0 });
          try {
            if (open() !== 1 && name !== 'memmap "r"') throw new Error("read " + name);
            t.ok++;
          } catch (error) {
            if (error.code !== "EBUSY") throw error;
            t.busy++;
          }
        }
      }
      const resized = await next();
      resizer.terminate();
      console.log(JSON.stringify({ opened, resized }));
      `,
    );
    assert.equal(result.signal, null, `the process died: ${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
    const { opened, resized }: {
      opened: Record<string, { ok: number; busy: number }>;
      resized: Record<string, number>;
    } = JSON.parse(result.stdout);
    for (const [name, { ok, busy }] of Object.entries(opened)) {
      assert.ok(ok > 0, `${name} never opened`);
      assert.ok(
        ok / (ok + busy) >= 0.95,
        `${name}: ${busy} of ${ok + busy} opens Busy`,
      );
    }
    assert.ok(resized.grown > 0, "the resizer never grew the file");
    assert.equal(resized.growBusy, 0, "a grow was refused");
  },
);
