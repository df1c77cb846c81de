import assert from "node:assert/strict";
import { array, load, type Memmap, type NpzFile, savez } from "../../mod.ts";
import { denoRunWithin, tempDir } from "../test_util.ts";

Deno.test({
  name:
    "an NpzFile holds no descriptor between calls: archives dropped without close() in a synchronous loop (np.load(f)['x']) never run out",
  ignore: Deno.build.os !== "linux",
  async fn() {
    using dir = tempDir();
    const result = await denoRunWithin(
      ["-A"],
      `
      import { array, load, NpzFile, savez } from "MOD";
      const path = ${JSON.stringify(`${dir.path}/a.npz`)};
      savez(path, { x: array([1, 2, 3]) });
      const fds = () => [...Deno.readDirSync("/proc/self/fd")].length;
      // Each way of opening an archive and reading a member into memory.
      const ways = {
        "load().get()": () => load(path).get("x").sum(),
        "new NpzFile().get()": () => new NpzFile(path).get("x").sum(),
        "mapped archive, never read": () => load(path, { mmapMode: "r" }).files.length,
        "mapped member, closed": () => {
          using x = load(path, { mmapMode: "r" }).get("x");
          return x.sum();
        },
      };
      const out = {};
      for (const [name, run] of Object.entries(ways)) {
        const before = fds();
        let sum = 0;
        for (let i = 0; i < 500; i++) sum += Number(run());
        out[name] = { grew: fds() - before, sum };
      }
      console.log(JSON.stringify(out));
      `,
    );
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.equal(Object.keys(out).length, 4);
    for (
      const [name, { grew, sum }] of Object.entries(out) as [
        string,
        { grew: number; sum: number },
      ][]
    ) {
      // (A few descriptors of the runtime's own may come and go meanwhile.)
      assert.ok(grew <= 5, `${name}: ${grew} descriptors more after 500`);
      assert.equal(sum, name.includes("never read") ? 500 : 3000, name);
    }
  },
});

Deno.test(
  "an archive replaced or changed after it was opened is refused (BadResource), never read as a mix of two files",
  () => {
    using dir = tempDir();
    const path = `${dir.path}/a.npz`;
    const other = `${dir.path}/b.npz`;
    for (const mmapMode of [null, "r", "c"] as const) {
      savez(path, { x: array([1, 2, 3]) });
      const npz = load(path, { mmapMode }) as NpzFile;
      // Another archive, one byte longer, put at its path.
      savez(other, { x: array([1, 2, 3, 4]) });
      Deno.renameSync(other, path);
      assert.throws(() => npz.get("x"), (e: unknown) => {
        assert.ok(e instanceof Deno.errors.BadResource, String(e));
        assert.match((e as Error).message, /replaced or changed/);
        return true;
      });
      // Opened again, it reads the new file.
      using again = load(path, { mmapMode }) as NpzFile;
      const x = again.get("x");
      assert.deepEqual(x.toArray(), [1, 2, 3, 4], String(mmapMode));
      if (mmapMode !== null) (x as Memmap).close();
    }
  },
);
