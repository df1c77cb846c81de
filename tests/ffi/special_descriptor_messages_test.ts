/**
 * A descriptor or path that is no regular file is refused with
 * `NotSupported` (`ENODEV`) whose message says once that it is not a
 * regular file and then what it is: a FIFO, a socket, or a kernel object of
 * no file type (epoll, eventfd, timerfd), never "not a regular file" twice
 * (attack10 N5). Over `Mmap.fromFd()`, and over `Mmap.open()`, `memmap()`
 * and `load()` of the descriptor's `/proc/self/fd` path (which the kernel
 * refuses to open for a descriptor of no file type, `ENXIO`: `load()` looks
 * before it opens).
 */
import assert from "node:assert/strict";
import { load, memmap, Mmap } from "../../mod.ts";

const linux = Deno.build.os === "linux";

/** The descriptor kinds: how to make one, and what the message calls it. */
function kinds(c: ReturnType<typeof open>) {
  const pipe = new Int32Array(2);
  c.pipe(new Uint8Array(pipe.buffer));
  const socket = c.socket(1, 1, 0); // AF_UNIX, SOCK_STREAM
  return {
    epoll: {
      fd: c.epoll_create1(0),
      words: /an epoll, eventfd or other descriptor of no file type/,
    },
    eventfd: {
      fd: c.eventfd(0, 0),
      words: /an epoll, eventfd or other descriptor of no file type/,
    },
    timerfd: {
      fd: c.timerfd_create(1, 0),
      words: /an epoll, eventfd or other descriptor of no file type/,
    },
    "pipe read end": { fd: pipe[0], words: /a FIFO/ },
    "pipe write end": { fd: pipe[1], words: /a FIFO/ },
    socket: { fd: socket, words: /a socket/ },
  };
}

function open() {
  return Deno.dlopen("libc.so.6", {
    epoll_create1: { parameters: ["i32"], result: "i32" },
    eventfd: { parameters: ["u32", "i32"], result: "i32" },
    timerfd_create: { parameters: ["i32", "i32"], result: "i32" },
    socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
    pipe: { parameters: ["buffer"], result: "i32" },
    close: { parameters: ["i32"], result: "i32" },
  }).symbols;
}

Deno.test({
  name:
    "a descriptor that is no regular file: NotSupported, saying once that it is not a regular file, then what it is",
  ignore: !linux,
  fn() {
    const c = open();
    const rows = kinds(c);
    try {
      for (const [kind, { fd, words }] of Object.entries(rows)) {
        assert.ok(fd >= 0, kind);
        const proc = `/proc/self/fd/${fd}`;
        const untyped = /no file type/.test(words.source);
        const calls: Record<string, () => unknown> = {
          "Mmap.fromFd read": () =>
            Mmap.fromFd(fd, { access: "read", length: 16 }),
          "Mmap.fromFd write": () => Mmap.fromFd(fd, { length: 16 }),
          ...(untyped ? {} : {
            "Mmap.open": () => Mmap.open(proc, { access: "read", length: 16 }),
            "memmap": () =>
              memmap(proc, { mode: "r", shape: [16], dtype: "u1" }),
          }),
          "load": () => load(proc),
        };
        for (const [name, call] of Object.entries(calls)) {
          assert.throws(call, (e: Error & { code?: string }) => {
            const what = `${kind} ${name}: ${e.message}`;
            assert.ok(e instanceof Deno.errors.NotSupported, what);
            assert.equal(e.code, "ENODEV", what);
            assert.equal(e.message.match(/regular file/gi)?.length, 1, what);
            assert.match(e.message, /Not a regular file: /, what);
            assert.match(e.message, words, what);
            return true;
          }, `${kind} ${name}`);
        }
      }
    } finally {
      for (const { fd } of Object.values(rows)) c.close(fd);
    }
  },
});
