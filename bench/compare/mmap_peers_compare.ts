/**
 * Mmap rows against Python's `mmap`, Bun (`Bun.mmap`), Node (`Buffer` over
 * the file read into memory: Node has no mmap) and C (`c/mmap_peers.c`), on
 * 512 MiB of text in page cache (lines of about 50 and about 500 bytes) and a
 * 4 KiB file, run by `deno task compare mmap` (see `peers.ts`). Every side
 * maps its file first and touches each page once, so that each measures a
 * map that is open and mapped (ours stay open across rounds).
 *
 * @module
 */

import { Mmap } from "../../mod.ts";
import type { Workload } from "./run.ts";
import type { PeerWorkload, Timing } from "./peers.ts";
import { cpuUsage } from "node:process";

const MiB = 1 << 20;
/** 13 bytes on the last line of each text file. */
const NEEDLE = "NEEDLE-AT-END";
/** 13 bytes at the start of each text file. */
const FIRST = "FIRST-NEEDLE!";
const SMALL_FINDS = 100_000;
const READS = 100_000;
const READ_SIZE = 4096;
const OPENS = 10_000;

const WORDS = [
  "lorem",
  "ipsum",
  "dolor",
  "sit",
  "amet",
  "consectetuer",
  "adipiscing",
  "elit",
  "cat",
  "the",
];

/** Text of word lines about `lineLength` bytes long, `size` bytes or a little more. */
function makeText(path: string, lineLength: number, size: number): void {
  try {
    if (Deno.statSync(path).size > size) return;
  } catch { /* make it */ }
  let seed = 1;
  const random = () =>
    (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let block = "";
  while (block.length < MiB) {
    let line = "";
    while (line.length < lineLength - 8) {
      line += WORDS[Math.floor(random() * WORDS.length)] + " ";
    }
    block += line.trimEnd() + "\n";
  }
  const bytes = new TextEncoder().encode(block);
  using file = Deno.openSync(path, {
    write: true,
    create: true,
    truncate: true,
  });
  file.writeSync(new TextEncoder().encode(`${FIRST}\n`));
  for (let written = 0; written < size; written += bytes.length) {
    file.writeSync(bytes);
  }
  file.writeSync(new TextEncoder().encode(`${NEEDLE}\n`));
}

function setup(dir: string): void {
  makeText(`${dir}/text50.txt`, 50, 512 * MiB);
  makeText(`${dir}/text500.txt`, 500, 512 * MiB);
  const small = new Uint8Array(4096).fill(97);
  for (let i = 63; i < small.length; i += 64) small[i] = 10;
  small.set(new TextEncoder().encode(`${NEEDLE}\n`), 4096 - 14);
  Deno.writeFileSync(`${dir}/small.txt`, small);
}

/**
 * Another checkout of the library (`COMPARE_BEFORE=/path`, as for the
 * ufunc rows): its `Mmap` runs the open + close row as a second side of
 * ours, `before`, in the same rounds.
 */
const BEFORE = Deno.env.get("COMPARE_BEFORE");
const BeforeMmap: typeof Mmap | undefined = BEFORE === undefined
  ? undefined
  : (await import(`file://${BEFORE}/mod.ts`)).Mmap;

const maps = new Map<string, Mmap>();

/** Our map of a file, opened once and mapped by touching each page. */
function mapOf(path: string): Mmap {
  let m = maps.get(path);
  if (m === undefined) {
    m = Mmap.open(path, { access: "read" });
    const bytes = m.bytes;
    let sum = 0;
    for (let i = 0; i < bytes.length; i += 4096) sum += bytes[i];
    if (sum < 0) throw new Error("unreachable");
    maps.set(path, m);
  }
  return m;
}

function time(run: () => void): Timing {
  const wall = performance.now();
  const cpu = cpuUsage();
  run();
  const used = cpuUsage(cpu);
  return {
    wall: performance.now() - wall,
    cpu: (used.user + used.system) / 1000,
  };
}

function offsets(size: number): number[] {
  let seed = 7;
  const out: number[] = [];
  for (let i = 0; i < READS; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out.push(Math.floor((seed / 2147483648) * (size - READ_SIZE)));
  }
  return out;
}

// The peers' programs. Python and Bun map the file and touch every page
// first; Node reads the file into memory.
const PY_MAP = (file: string) => `
f = open(DIR + "/${file}", "rb")
m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
for i in range(0, len(m), 4096): m[i]
`;
const BUN_MAP = (file: string) => `
const m = Bun.mmap(DIR + "/${file}");
const b = Buffer.from(m.buffer, m.byteOffset, m.length);
let warm = 0;
for (let i = 0; i < b.length; i += 4096) warm += b[i];
`;
const NODE_READ = (file: string) => `
const b = require("fs").readFileSync(DIR + "/${file}");
`;
const JS_TIME = `
function time(f) { start(); f(); report(); }
`;

function findRow(
  name: string,
  file: string,
  call: "find" | "rfind",
): PeerWorkload {
  const needle = call === "find" ? NEEDLE : FIRST;
  const js = call === "find" ? "indexOf" : "lastIndexOf";
  return {
    name,
    target: ">= 1.0x Bun, >= 0.8x C",
    setup,
    deno: {
      "": (dir) => {
        const m = mapOf(`${dir}/${file}`);
        return time(() => {
          if (m[call](needle, 0) < 0) throw new Error("needle not found");
        });
      },
    },
    peers: {
      python: `${PY_MAP(file)}
start()
assert m.${call}(b"${needle}") >= 0
report()`,
      bun: `${BUN_MAP(file)}${JS_TIME}
time((() => { if (b.${js}("${needle}") < 0) throw 1; }));`,
      node: `${NODE_READ(file)}${JS_TIME}
time((() => { if (b.${js}("${needle}") < 0) throw 1; }));`,
      c: [call, `DIR/${file}`, needle],
    },
  };
}

function linesRow(file: string, length: number): PeerWorkload {
  const loop = `
let n = 0, p = 0;
const len = b.length;
while (p < len) {
  let e = b.indexOf(10, p);
  e = e < 0 ? len : e + 1;
  const line = b.subarray(p, e);
  n += line.length > 0 ? 1 : 0;
  p = e;
}`;
  return {
    name: `lines of 512 MiB, ${length}-byte lines: lines() vs readline() loop`,
    target: ">= 1.5x Python, >= 1.0x Node",
    setup,
    deno: {
      "": (dir) => {
        const m = mapOf(`${dir}/${file}`);
        m.seek(0);
        return time(() => {
          let n = 0;
          for (const _ of m.lines()) n++;
          if (n < 1000) throw new Error("too few lines");
        });
      },
    },
    peers: {
      python: `${PY_MAP(file)}
start()
n = 0
while m.readline():
    n += 1
report()`,
      bun: `${BUN_MAP(file)}${JS_TIME}time((() => {${loop}}));`,
      node: `${NODE_READ(file)}${JS_TIME}time((() => {${loop}}));`,
      c: ["lines", `DIR/${file}`],
    },
  };
}

const JS_OFFSETS = `
let seed = 7;
const offs = [];
for (let i = 0; i < ${READS}; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  offs.push(Math.floor((seed / 2147483648) * (b.length - ${READ_SIZE})));
}`;

const JS_COPY = `
const slice = Uint8Array.prototype.slice;
time((() => { let t = 0; for (const o of offs) t += slice.call(b, o, o + ${READ_SIZE})[0]; if (t < 0) throw 1; }));`;

/** `OPENS` maps of the small file opened and closed. */
function openClose(mmap: typeof Mmap, dir: string): Timing {
  const path = `${dir}/small.txt`;
  return time(() => {
    for (let i = 0; i < OPENS; i++) {
      mmap.open(path, { access: "read" }).close();
    }
  });
}

/** The Mmap rows against Python, Bun, Node and C. */
export const peerWorkloads: PeerWorkload[] = [
  findRow(
    "find() 13 bytes at the end of 512 MiB (open map)",
    "text50.txt",
    "find",
  ),
  findRow(
    "rfind() 13 bytes at the start of 512 MiB (open map)",
    "text50.txt",
    "rfind",
  ),
  {
    name: `find() x ${SMALL_FINDS / 1000}k in a 4 KiB file (needle at the end)`,
    target: ">= 1.0x Bun, >= 0.8x C",
    setup,
    deno: {
      "string needle": (dir) => {
        const m = mapOf(`${dir}/small.txt`);
        return time(() => {
          let sum = 0;
          for (let i = 0; i < SMALL_FINDS; i++) sum += m.find(NEEDLE, 0);
          if (sum < 0) throw new Error("not found");
        });
      },
      "bytes needle": (dir) => {
        const m = mapOf(`${dir}/small.txt`);
        const needle = new TextEncoder().encode(NEEDLE);
        return time(() => {
          let sum = 0;
          for (let i = 0; i < SMALL_FINDS; i++) sum += m.find(needle, 0);
          if (sum < 0) throw new Error("not found");
        });
      },
    },
    peers: {
      python: `${PY_MAP("small.txt")}
start()
s = 0
for i in range(${SMALL_FINDS}):
    s += m.find(b"${NEEDLE}", 0)
report()`,
      bun: `${BUN_MAP("small.txt")}${JS_TIME}
time((() => { let s = 0; for (let i = 0; i < ${SMALL_FINDS}; i++) s += b.indexOf("${NEEDLE}"); if (s < 0) throw 1; }));`,
      node: `${NODE_READ("small.txt")}${JS_TIME}
time((() => { let s = 0; for (let i = 0; i < ${SMALL_FINDS}; i++) s += b.indexOf("${NEEDLE}"); if (s < 0) throw 1; }));`,
      c: ["findsmall", "DIR/small.txt", NEEDLE, String(SMALL_FINDS)],
    },
  },
  linesRow("text50.txt", 50),
  linesRow("text500.txt", 500),
  {
    name: `${READS / 1000}k random 4 KiB copies from 512 MiB`,
    target: "slice() >= 1.0x Python, readInto() faster",
    setup,
    deno: {
      "slice()": (dir) => {
        const m = mapOf(`${dir}/text50.txt`);
        const offs = offsets(m.length);
        return time(() => {
          let total = 0;
          for (const o of offs) total += m.slice(o, o + READ_SIZE)[0];
          if (total < 0) throw new Error();
        });
      },
      "readInto()": (dir) => {
        const m = mapOf(`${dir}/text50.txt`);
        const offs = offsets(m.length);
        const buffer = new Uint8Array(READ_SIZE);
        return time(() => {
          let total = 0;
          for (const o of offs) {
            m.readInto(buffer, o);
            total += buffer[0];
          }
          if (total < 0) throw new Error();
        });
      },
    },
    peers: {
      python: `${PY_MAP("text50.txt")}
seed = 7
offs = []
for i in range(${READS}):
    seed = (seed * 1103515245 + 12345) % 2147483648
    offs.append(int((seed / 2147483648) * (len(m) - ${READ_SIZE})))
start()
total = 0
for o in offs:
    total += m[o:o + ${READ_SIZE}][0]
report()`,
      // (Buffer#slice is a view in Bun and Node: Uint8Array's slice copies)
      bun: `${BUN_MAP("text50.txt")}${JS_OFFSETS}${JS_TIME}${JS_COPY}`,
      node: `${NODE_READ("text50.txt")}${JS_OFFSETS}${JS_TIME}${JS_COPY}`,
      c: ["slices", "DIR/text50.txt", String(READS), String(READ_SIZE)],
    },
  },
  {
    name: `open + close a 4 KiB file, ${OPENS / 1000}k times`,
    target: "within 1.5x of C",
    setup,
    deno: BeforeMmap === undefined ? { "": (dir) => openClose(Mmap, dir) } : {
      now: (dir) => openClose(Mmap, dir),
      before: (dir) => openClose(BeforeMmap, dir),
    },
    peers: {
      python: `
path = DIR + "/small.txt"
start()
for i in range(${OPENS}):
    with open(path, "rb") as f:
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        m.close()
report()`,
      c: ["openclose", "DIR/small.txt", String(OPENS)],
    },
  },
];

/**
 * The floors under the copies and open + close rows, side by side with the
 * peers' (`deno task compare floor`): what a fresh 4 KiB buffer costs each
 * runtime, and what the six system calls of an open + close cost through
 * Deno's FFI, with and without the permission query, against C making the
 * same six calls.
 */
peerWorkloads.push(
  {
    name: `floor: ${READS / 1000}k fresh 4 KiB buffers (what slice() adds)`,
    target: "(the floor of slice(): no copy)",
    setup,
    deno: {
      "new Uint8Array(4096)": () =>
        time(() => {
          let total = 0;
          for (let i = 0; i < READS; i++) {
            total += new Uint8Array(READ_SIZE)[0];
          }
          if (total < 0) throw new Error();
        }),
      "the map view's own slice (no wrapper)": (dir) => {
        const view = mapOf(`${dir}/text50.txt`).bytes;
        const offs = offsets(view.length);
        return time(() => {
          let total = 0;
          for (const o of offs) total += view.slice(o, o + READ_SIZE)[0];
          if (total < 0) throw new Error();
        });
      },
    },
    peers: {
      python: `
start()
total = 0
for i in range(${READS}):
    total += bytes(${READ_SIZE})[0]
report()`,
      bun: `${JS_TIME}
time((() => { let t = 0; for (let i = 0; i < ${READS}; i++) t += new Uint8Array(${READ_SIZE})[0]; if (t < 0) throw 1; }));`,
      node: `${JS_TIME}
time((() => { let t = 0; for (let i = 0; i < ${READS}; i++) t += new Uint8Array(${READ_SIZE})[0]; if (t < 0) throw 1; }));`,
      c: ["alloc", "DIR/small.txt", String(READS), String(READ_SIZE)],
    },
  },
);

// (struct layouts and call numbers of Linux x86_64)
if (Deno.build.os === "linux" && Deno.build.arch === "x86_64") {
  peerWorkloads.push(
    {
      name: `floor: the six system calls of open + close, ${
        OPENS / 1000
      }k times`,
      target: "(the floor of open + close: no objects)",
      setup,
      deno: {
        "six calls through FFI": (dir) => sixCalls(`${dir}/small.txt`, false),
        "six calls + permission query": (dir) =>
          sixCalls(`${dir}/small.txt`, true),
      },
      peers: {
        python: `
path = DIR + "/small.txt"
start()
for i in range(${OPENS}):
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    m = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    m.close()
    os.close(fd)
report()`,
        c: ["openclose6", "DIR/small.txt", String(OPENS)],
      },
    },
  );
}

/** The raw calls of {@linkcode sixCalls}, loaded on first use. */
let rawLibc:
  | Deno.DynamicLibrary<typeof RAW_SYMBOLS>["symbols"]
  | undefined;
const RAW_SYMBOLS = {
  syscall: {
    parameters: ["i64", "i64", "buffer", "buffer", "usize"],
    result: "i64",
  },
  fcntl: { parameters: ["i32", "i32", "buffer"], result: "i32" },
  fstat: { parameters: ["i32", "buffer"], result: "i32" },
  mmap: {
    parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"],
    result: "pointer",
  },
  munmap: { parameters: ["usize", "usize"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
} as const;

/**
 * The library's six calls for a map of a file opened and closed (Linux
 * x86_64: openat2 with RESOLVE_NO_SYMLINKS, an open-file-description read
 * lock, fstat, mmap, munmap, close) straight through Deno's FFI, `OPENS`
 * times; with `query`, each open asks Deno's read permission first, as the
 * library does.
 */
function sixCalls(path: string, query: boolean): Timing {
  rawLibc ??= Deno.dlopen("libc.so.6", RAW_SYMBOLS).symbols;
  const c = rawLibc;
  const name = new TextEncoder().encode(`${path}\0`);
  // struct open_how: O_RDONLY | O_NONBLOCK | O_CLOEXEC, mode 0, RESOLVE_NO_SYMLINKS
  const how = new Uint8Array(
    new BigUint64Array([0o4000n | 0o2000000n, 0n, 4n]).buffer,
  );
  const lock = new Uint8Array(32); // F_RDLCK, SEEK_SET, 0, to the end
  const stat = new Uint8Array(144);
  const F_OFD_SETLK = 37, SYS_OPENAT2 = 437n, AT_FDCWD = -100n;
  const PROT = 3, FLAGS = 0x4002; // read + write, MAP_PRIVATE | MAP_NORESERVE
  return time(() => {
    for (let i = 0; i < OPENS; i++) {
      if (
        query &&
        Deno.permissions.querySync({ name: "read", path }).state !== "granted"
      ) throw new Error("no read access");
      const fd = Number(c.syscall(SYS_OPENAT2, AT_FDCWD, name, how, 24n));
      if (fd < 0) throw new Error("openat2 failed");
      c.fcntl(fd, F_OFD_SETLK, lock);
      c.fstat(fd, stat);
      const size = new DataView(stat.buffer).getBigInt64(48, true);
      const p = c.mmap(null, size, PROT, FLAGS, fd, 0n);
      c.munmap(Deno.UnsafePointer.value(p) as bigint, size);
      c.close(fd);
    }
  });
}

/** No rows against Python alone here (see `mmap_compare.ts`). */
export const workloads: Workload[] = [];
