import assert from "node:assert/strict";
import { SharedMemory } from "../../mod.ts";

/** Makes a node under /dev/shm with a command; false when it cannot. */
function make(args: string[]): boolean {
  try {
    return new Deno.Command(args[0], { args: args.slice(1), stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

// Linux: /dev/shm is where names live. A name that holds anything but a
// block (a FIFO, a device node made there) is refused at once, never mapped.
Deno.test(
  "SharedMemory refuses a name that holds a FIFO or a device node, without waiting",
  {
    ignore: Deno.build.os !== "linux",
  },
  () => {
    const base = `mmap-test-node-${Deno.pid}`;
    const rows: [string, string[]][] = [
      ["a FIFO", ["mkfifo", `/dev/shm/${base}-fifo`]],
      ["a character device", ["mknod", `/dev/shm/${base}-chr`, "c", "1", "3"]],
    ];
    let tried = 0;
    for (const [what, command] of rows) {
      const path = command[1];
      if (!make(command)) continue; // mknod needs root
      tried++;
      try {
        assert.throws(
          () => new SharedMemory({ name: path.slice("/dev/shm/".length) }),
          (e: Error & { code?: string }) =>
            e instanceof Deno.errors.NotSupported && e.code === "ENODEV" &&
            e.message.includes(what) && e.message.includes(base),
          what,
        );
      } finally {
        Deno.removeSync(path);
      }
    }
    assert.ok(tried >= 1, "a FIFO can always be made");
  },
);

// glibc's shm_open reports a directory under the name as EINVAL; the library
// reports it as the directory it is (IsADirectory, code EISDIR), whether the
// block is attached or created.
Deno.test(
  "SharedMemory refuses a name that holds a directory with IsADirectory",
  {
    ignore: Deno.build.os !== "linux",
  },
  () => {
    const name = `mmap-test-dir-${Deno.pid}`;
    Deno.mkdirSync(`/dev/shm/${name}`);
    try {
      const rows: [string, () => unknown, (e: Error) => boolean][] = [
        [
          "attach",
          () => new SharedMemory({ name }),
          (e) =>
            e instanceof Deno.errors.IsADirectory &&
            (e as { code?: string }).code === "EISDIR" &&
            e.message.includes(name),
        ],
        [
          "attach with a slash",
          () => new SharedMemory({ name: `/${name}` }),
          (e) => e instanceof Deno.errors.IsADirectory,
        ],
        [
          "create",
          () => new SharedMemory({ name, create: true, size: 8 }),
          (e) => e instanceof Deno.errors.AlreadyExists,
        ],
      ];
      for (const [what, open, check] of rows) {
        assert.throws(open, check, what);
      }
      assert.ok(Deno.statSync(`/dev/shm/${name}`).isDirectory);
    } finally {
      Deno.removeSync(`/dev/shm/${name}`);
    }
  },
);
