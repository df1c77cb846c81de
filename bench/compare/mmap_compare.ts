/**
 * Mmap workloads against Python's `mmap` on a 1 GiB text file in page cache.
 *
 * @module
 */

import { Mmap } from "../../mod.ts";
import type { Workload } from "./run.ts";

const GIB = 1 << 30;
const NEEDLE = "NEEDLE-AT-THE-VERY-END";
const READS = 100_000;
const READ_SIZE = 4096;

/** Writes `text.txt`: 1 GiB of word lines, the needle on the last line. */
function makeText(dir: string): void {
  const path = `${dir}/text.txt`;
  try {
    if (Deno.statSync(path).size > GIB) return;
  } catch { /* make it */ }
  const words = [
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
  let seed = 1;
  const random = () =>
    (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let block = "";
  while (block.length < 1 << 20) {
    const n = 2 + Math.floor(random() * 12);
    const line: string[] = [];
    for (let i = 0; i < n; i++) {
      line.push(words[Math.floor(random() * words.length)]);
    }
    block += line.join(" ") + "\n";
  }
  const bytes = new TextEncoder().encode(block);
  using file = Deno.openSync(path, {
    write: true,
    create: true,
    truncate: true,
  });
  for (let written = 0; written < GIB; written += bytes.length) {
    file.writeSync(bytes);
  }
  file.writeSync(new TextEncoder().encode(`${NEEDLE}\n`));
  // Warm the page cache.
  using m = Mmap.open(path, { access: "read" });
  let sum = 0;
  for (let i = 0; i < m.length; i += 4096) sum += m.bytes[i];
  if (sum < 0) console.log(sum);
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

const PY_OFFSETS = `
seed = 7
offs = []
size = os.path.getsize(DIR + "/text.txt")
for i in range(${READS}):
    seed = (seed * 1103515245 + 12345) % 2147483648
    offs.append(int((seed / 2147483648) * (size - ${READ_SIZE})))
`;

/** Python's side of every random-read row: slicing the map. */
const PY_RANDOM_SLICES = `${PY_OFFSETS}
with open(DIR + "/text.txt", "rb") as f:
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    t = time.perf_counter()
    total = 0
    for o in offs:
        total += m[o:o + ${READ_SIZE}][0]
    ms = (time.perf_counter() - t) * 1000
    m.close()
`;

function time(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** The Mmap workloads. */
export const workloads: Workload[] = [
  {
    name: "find() needle at the end of 1 GiB",
    target: ">= 1.3x",
    setup: makeText,
    deno: (dir) => {
      using m = Mmap.open(`${dir}/text.txt`, { access: "read" });
      return time(() => {
        if (m.find(NEEDLE) < 0) throw new Error("needle not found");
      });
    },
    python: `
with open(DIR + "/text.txt", "rb") as f:
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    t = time.perf_counter()
    assert m.find(b"${NEEDLE}") > 0
    ms = (time.perf_counter() - t) * 1000
    m.close()
`,
  },
  {
    name: "all lines of 1 GiB: lines() vs while readline()",
    target: ">= 1.0x (aim 1.5x)",
    deno: (dir) => {
      using m = Mmap.open(`${dir}/text.txt`, { access: "read" });
      return time(() => {
        let n = 0;
        for (const _ of m.lines()) n++;
        if (n < 1000) throw new Error("too few lines");
      });
    },
    python: `
with open(DIR + "/text.txt", "rb") as f:
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    t = time.perf_counter()
    n = 0
    while m.readline():
        n += 1
    ms = (time.perf_counter() - t) * 1000
    m.close()
`,
  },
  {
    name: "100k random 4 KiB reads: slice() (copy)",
    target: ">= 0.6x",
    deno: (dir) => {
      using m = Mmap.open(`${dir}/text.txt`, { access: "read" });
      const offs = offsets(m.length);
      return time(() => {
        let total = 0;
        for (const o of offs) total += m.slice(o, o + READ_SIZE)[0];
        if (total < 0) throw new Error();
      });
    },
    python: PY_RANDOM_SLICES,
  },
  {
    name: "100k random 4 KiB reads: bytes.subarray() (zero-copy)",
    target: ">= 1.5x",
    deno: (dir) => {
      using m = Mmap.open(`${dir}/text.txt`, { access: "read" });
      const offs = offsets(m.length);
      return time(() => {
        const bytes = m.bytes;
        let total = 0;
        for (const o of offs) total += bytes.subarray(o, o + READ_SIZE)[0];
        if (total < 0) throw new Error();
      });
    },
    python: PY_RANDOM_SLICES,
  },
  {
    name: "100k random 4 KiB reads: Deno.FsFile seek+read (for reference)",
    target: "slice() >= 1.3x this",
    deno: (dir) => {
      using file = Deno.openSync(`${dir}/text.txt`);
      const offs = offsets(file.statSync().size);
      const buf = new Uint8Array(READ_SIZE);
      return time(() => {
        let total = 0;
        for (const o of offs) {
          file.seekSync(o, Deno.SeekMode.Start);
          file.readSync(buf);
          total += buf[0];
        }
        if (total < 0) throw new Error();
      });
    },
    python: PY_RANDOM_SLICES,
  },
  {
    name: "open + close a small file, 10k times",
    target: ">= 1.0x",
    setup: (dir) =>
      Deno.writeTextFileSync(`${dir}/small.txt`, "VOCABULARY\ncat\n"),
    deno: (dir) => {
      const path = `${dir}/small.txt`;
      return time(() => {
        for (let i = 0; i < 10_000; i++) {
          Mmap.open(path, { access: "read" }).close();
        }
      });
    },
    python: `
path = DIR + "/small.txt"
t = time.perf_counter()
for i in range(10000):
    with open(path, "rb") as f:
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        m.close()
ms = (time.perf_counter() - t) * 1000
`,
  },
];
