/**
 * `deno bench` for Mmap: the hot operations on a 64 MiB text map.
 * Side-by-side figures against Python are made by `deno task compare`.
 */
import { Mmap } from "../mod.ts";

const SIZE = 64 << 20;
const dir = Deno.makeTempDirSync({ prefix: "mmap-bench-" });
const path = `${dir}/text.txt`;
const line = new TextEncoder().encode(
  "lorem ipsum dolor sit amet consectetuer adipiscing elit\n",
);
{
  const block = new Uint8Array(SIZE);
  for (let i = 0; i + line.length <= SIZE; i += line.length) block.set(line, i);
  block.set(new TextEncoder().encode("NEEDLE"), SIZE - 7);
  Deno.writeFileSync(path, block);
  Deno.writeTextFileSync(`${dir}/small.txt`, "VOCABULARY\ncat\n");
}
const m = Mmap.open(path, { access: "read" });
let seed = 1;
const next = () =>
  (seed = (seed * 1103515245 + 12345) % 2147483648) % (SIZE - 4096);
globalThis.addEventListener("unload", () => {
  m.close();
  Deno.removeSync(dir, { recursive: true });
});

Deno.bench("Mmap.open() + close() of a small file", { group: "open" }, () => {
  Mmap.open(`${dir}/small.txt`, { access: "read" }).close();
});

Deno.bench(
  "find() a needle at the end of 64 MiB (memmem)",
  { group: "find" },
  () => {
    if (m.find("NEEDLE", 0) < 0) throw new Error("not found");
  },
);

Deno.bench("lines() over 64 MiB", { group: "lines" }, () => {
  m.seek(0);
  let n = 0;
  for (const _ of m.lines()) n++;
  if (n === 0) throw new Error("no lines");
});

Deno.bench("readline() loop over 64 MiB", { group: "lines" }, () => {
  m.seek(0);
  let n = 0;
  while (m.readline().length > 0) n++;
  if (n === 0) throw new Error("no lines");
});

Deno.bench(
  "slice() a random 4 KiB (copy)",
  { group: "read4k", baseline: true },
  () => {
    const o = next();
    m.slice(o, o + 4096);
  },
);

Deno.bench(
  "bytes.subarray() a random 4 KiB (view)",
  { group: "read4k" },
  () => {
    const o = next();
    m.bytes.subarray(o, o + 4096);
  },
);

const file = Deno.openSync(path);
const buf = new Uint8Array(4096);
Deno.bench(
  "Deno.FsFile seek + read a random 4 KiB",
  { group: "read4k" },
  () => {
    file.seekSync(next(), Deno.SeekMode.Start);
    file.readSync(buf);
  },
);
