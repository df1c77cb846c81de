/**
 * A mapped file as a Web stream: `Mmap.readable()` hands the file's pages
 * to `CompressionStream`, `TextDecoderStream` and `Response` in zero-copy
 * chunks. Gzips a file to `<file>.gz` and counts the lines of its text,
 * both without reading the file into memory.
 *
 * Run with `deno run --allow-ffi --allow-read --allow-write
 * examples/stream_file.ts <file>`.
 *
 * @module
 */

import { Mmap } from "../mod.ts";

/** Gzips `path` into `path + ".gz"` through a stream over its map; resolves with the compressed size. */
export async function gzipFile(path: string): Promise<number> {
  using m = Mmap.open(path, { access: "read" });
  const out = await Deno.open(`${path}.gz`, {
    write: true,
    create: true,
    truncate: true,
  });
  // pipeTo closes the file once the last compressed chunk is written.
  await m.readable({ chunkSize: 1 << 20 })
    .pipeThrough(new CompressionStream("gzip"))
    .pipeTo(out.writable);
  return (await Deno.stat(`${path}.gz`)).size;
}

/** Counts the lines of a UTF-8 file through a text stream over its map. */
export async function countLines(path: string): Promise<number> {
  using m = Mmap.open(path, { access: "read" });
  let lines = 0;
  const text = m.readable().pipeThrough(new TextDecoderStream());
  for await (const chunk of text) {
    for (let i = chunk.indexOf("\n"); i >= 0; i = chunk.indexOf("\n", i + 1)) {
      lines++;
    }
  }
  return lines;
}

if (import.meta.main) {
  const path = Deno.args[0];
  if (path === undefined) {
    console.error("usage: stream_file.ts <file>");
    Deno.exit(2);
  }
  console.log(`${await countLines(path)} lines`);
  console.log(`${path}.gz: ${await gzipFile(path)} bytes`);
}
