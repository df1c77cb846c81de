/**
 * A descriptor is no grant: `Mmap.fromFd()` needs Deno's read permission for
 * the file the descriptor refers to (write permission too for a writable
 * map, which may resize it), by the path the kernel gives for it, and the
 * special-file rule applies, as for `Mmap.open()` of that path. So the
 * runtime's own descriptors (its SQLite caches, found by counting from 3)
 * cannot be mapped or cut with `--allow-ffi` alone (attack9 F2).
 */
import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRunWithin, tempDir } from "../test_util.ts";

const linux = Deno.build.os === "linux";

Deno.test({
  name:
    "Mmap.fromFd() checks Deno's permissions for the descriptor's file: read, write for a writable map, none for the runtime's own",
  ignore: !linux || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const allowed = `${dir.path}/allowed`;
    const ro = `${dir.path}/ro`;
    const secret = `${dir.path}/secret`;
    for (const d of [allowed, ro, secret]) Deno.mkdirSync(d);
    Deno.writeTextFileSync(`${allowed}/a.bin`, "allowed!");
    Deno.writeTextFileSync(`${allowed}/d.bin`, "deleted!");
    Deno.writeTextFileSync(`${ro}/r.bin`, "readonly");
    Deno.writeTextFileSync(`${secret}/s.bin`, "SECRET!!");
    const run = (flags: string[]) =>
      denoRunWithin(
        ["--allow-ffi", ...flags],
        `
        import { Mmap } from "MOD";
        const { libc } = await import(new URL("./src/ffi/libc.ts", "MOD").href);
        const open = (path, flags) =>
          libc().open(new TextEncoder().encode(path + "\\0"), flags, 0, 0, 0, 0, 0, 0, 0);
        const isOpen = (fd) => libc().fcntl(fd, 1, null) >= 0; // F_GETFD
        const before = new Set();
        for (let fd = 0; fd < 1024; fd++) if (isOpen(fd)) before.add(fd);
        const out = {};
        const tryMap = (name, fd, options, then) => {
          try {
            const m = Mmap.fromFd(fd, options);
            try {
              out[name] = "mapped " + new TextDecoder().decode(m.slice(0, 8));
              if (then) out[name] += " " + then(m);
            } finally {
              m.close();
            }
          } catch (e) {
            out[name] = e.constructor.name + ": " + e.message;
          }
        };
        // The runtime's own descriptors: none may be mapped.
        const own = [];
        for (const fd of before) {
          try {
            Mmap.fromFd(fd, { access: "read" }).close();
            own.push(fd);
          } catch { /* refused */ }
        }
        out.runtime = own;
        const granted = (name, path) =>
          Deno.permissions.querySync({ name, path }).state === "granted";
        if (granted("read", ${JSON.stringify(allowed)})) {
          // Opened by Deno's own API: its descriptor is found as the new one.
          using file = Deno.openSync(${
          JSON.stringify(`${allowed}/a.bin`)
        }, { read: true, write: true });
          const fd = [...Array(1024).keys()].find((fd) => !before.has(fd) && isOpen(fd));
          tryMap("Deno.openSync, read", fd, { access: "read" });
          tryMap("Deno.openSync, write", fd, undefined, (m) => { m.resize(9); return "resized"; });
        }
        const rfd = open(${JSON.stringify(`${ro}/r.bin`)}, 0);
        tryMap("read-only grant, read", rfd, { access: "read" });
        tryMap("read-only grant, write", rfd, undefined, (m) => { m.set(0, 82); return "written"; });
        tryMap("read-only grant, copy", rfd, { access: "copy" });
        const sfd = open(${JSON.stringify(`${secret}/s.bin`)}, 2);
        tryMap("no grant, read", sfd, { access: "read" });
        tryMap("no grant, write", sfd, undefined, (m) => { m.resize(0); return "cut"; });
        tryMap("/dev/null", open("/dev/null", 0), { access: "read" });
        const dfd = open(${JSON.stringify(`${allowed}/d.bin`)}, 2);
        if (granted("write", ${JSON.stringify(allowed)})) {
          Deno.removeSync(${JSON.stringify(`${allowed}/d.bin`)});
          tryMap("a deleted file in a granted directory", dfd, { access: "read" });
        }
        console.log(JSON.stringify(out));
        `,
      );
    const restricted = await run([
      `--allow-read=${allowed},${ro}`,
      `--allow-write=${allowed}`,
    ]);
    assert.equal(restricted.code, 0, restricted.stderr);
    const rows = JSON.parse(restricted.stdout);
    assert.deepEqual(rows.runtime, []);
    const refused = (flag: string, path: string) =>
      new RegExp(
        `^NotCapable: Requires ${flag} access to "${path}" \\(the file of fd \\d+\\), run again with the --allow-${flag} flag$`,
      );
    const expected: Record<string, string | RegExp> = {
      "Deno.openSync, read": "mapped allowed!",
      "Deno.openSync, write": "mapped allowed! resized",
      "read-only grant, read": "mapped readonly",
      "read-only grant, write": refused("write", `${ro}/r.bin`),
      "read-only grant, copy": "mapped readonly",
      "no grant, read": refused("read", `${secret}/s.bin`),
      "no grant, write": refused("read", `${secret}/s.bin`),
      "/dev/null": refused("read", "/dev/null"),
      "a deleted file in a granted directory": "mapped deleted!",
    };
    for (const [name, want] of Object.entries(expected)) {
      if (typeof want === "string") assert.equal(rows[name], want, name);
      else assert.match(rows[name], want, name);
    }
    assert.equal(Deno.statSync(`${allowed}/a.bin`).size, 9);
    assert.equal(Deno.readTextFileSync(`${ro}/r.bin`), "readonly");
    assert.equal(Deno.readTextFileSync(`${secret}/s.bin`), "SECRET!!");

    // With --allow-ffi alone: nothing of a file maps.
    const bare = await run([]);
    assert.equal(bare.code, 0, bare.stderr);
    const none = JSON.parse(bare.stdout);
    assert.deepEqual(none.runtime, []);
    assert.match(none["read-only grant, read"], refused("read", `${ro}/r.bin`));
    assert.match(none["no grant, write"], refused("read", `${secret}/s.bin`));
    assert.equal(Deno.readTextFileSync(`${secret}/s.bin`), "SECRET!!");
  },
});
