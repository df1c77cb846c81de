/**
 * CRC-32 (the IEEE 802.3 polynomial used by zip), incremental.
 *
 * Uses `node:zlib`'s native `crc32` when the runtime has it and a
 * slicing-by-8 table implementation otherwise.
 *
 * @module
 */

import * as zlib from "node:zlib";

const TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0][n];
    for (let t = 1; t < 8; t++) {
      c = tables[0][c & 0xff] ^ (c >>> 8);
      tables[t][n] = c >>> 0;
    }
  }
  return tables;
})();

/**
 * CRC-32 computed in JavaScript (slicing-by-8).
 *
 * @param data The bytes.
 * @param crc The CRC of the bytes before `data` (0 to start).
 * @returns The CRC of everything so far, as an unsigned 32-bit number.
 */
export function crc32Portable(data: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let c = ~crc;
  let i = 0;
  const n = data.length;
  for (; i + 8 <= n; i += 8) {
    const a = c ^
      (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) |
        (data[i + 3] << 24));
    c = t7[a & 0xff] ^ t6[(a >>> 8) & 0xff] ^ t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[data[i + 4]] ^ t2[data[i + 5]] ^ t1[data[i + 6]] ^ t0[data[i + 7]];
  }
  for (; i < n; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const native =
  (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * CRC-32 of `data`, continuing from `crc`.
 *
 * @param data The bytes.
 * @param crc The CRC of the bytes before `data` (0 to start).
 * @returns The CRC of everything so far, as an unsigned 32-bit number.
 */
export function crc32(data: Uint8Array, crc = 0): number {
  if (native !== undefined) {
    // The native binding takes at most 2 GiB per call on some runtimes.
    for (let i = 0; i < data.length; i += 1 << 30) {
      crc = native(data.subarray(i, i + (1 << 30)), crc) >>> 0;
    }
    return crc >>> 0;
  }
  return crc32Portable(data, crc);
}
