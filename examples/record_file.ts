/**
 * The classic memmap job: a binary file of fixed-size records after a
 * header, as NumPy does it with `np.memmap(f, dtype=header, shape=())` and
 * `np.memmap(f, dtype=record, offset=header.itemsize)`. Writes such a file,
 * reads it back, and edits one column in place.
 *
 *     deno run -A examples/record_file.ts
 *
 * @module
 */

import { dtype, memmap } from "../mod.ts";

/** The header: a magic string, a version and the number of records. */
export const HEADER = dtype([["magic", "S4"], ["version", "<u2"], [
  "count",
  "<u4",
]]);
/** One record: an id and a position. */
export const RECORD = dtype([["id", "<u4"], ["x", "<f4"], ["y", "<f4"]]);

/**
 * Writes `count` records after a header, then reads the file back.
 *
 * @param path The file.
 * @param count How many records.
 * @param log Where to print.
 * @returns The header and the sum of the x column, as read back.
 */
export function recordFile(
  path: string,
  count: number,
  log: (line: string) => void = console.log,
): { magic: string; count: number; sumX: number } {
  // Write: the header record (a 0-d memmap), then the records after it.
  {
    using header = memmap(path, { dtype: HEADER, mode: "w+", shape: [] });
    header.set({ magic: "TRK1", version: 1, count });
  }
  {
    using records = memmap(path, {
      dtype: RECORD,
      mode: "r+",
      offset: HEADER.itemsize,
      shape: [count],
    });
    for (let i = 0; i < count; i++) {
      records.set(i, { id: i + 1, x: i / 2, y: -i });
    }
  }
  // Read: the header first, then the records at offset header.itemsize
  // (their number from the file's size, as np.memmap does without a shape).
  using header = memmap(path, { dtype: HEADER, mode: "r", shape: [] });
  const h = header.get();
  const magic = new TextDecoder().decode(h.magic);
  log(`header: ${magic} version ${h.version}, ${h.count} records`);
  using records = memmap(path, {
    dtype: RECORD,
    mode: "r+",
    offset: HEADER.itemsize,
  });
  log(
    `records.shape = [${records.shape}], first = ${
      JSON.stringify(records.get(0))
    }`,
  );
  const x = records.field("x"); // a column: a view of the file, no copy
  const sumX = x.sum();
  log(`x.sum() = ${sumX}`);
  records.field("y").fill(0); // writes one column in place
  records.flush();
  return { magic, count: h.count, sumX };
}

if (import.meta.main) {
  const dir = Deno.makeTempDirSync();
  try {
    recordFile(`${dir}/tracks.bin`, 5);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
