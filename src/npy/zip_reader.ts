/**
 * A zip reader for `.npz` archives: it reads the central directory (with
 * zip64 extensions for archives and members over 4 GiB), locates member
 * data without reading it, and extracts stored and deflate members with
 * their CRC-32 checked.
 *
 * Every offset and size read from the archive is checked against the
 * archive's size before anything is read or allocated, and decompression
 * stops as soon as it produces more than the declared size. A deflate
 * member is inflated straight into one buffer of its declared size, the
 * archive read 1 MiB at a time: about 1x the member's size at peak.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import * as zlib from "node:zlib";
import { invalidData } from "./_errors.ts";
import type { ByteSource } from "./byte_source.ts";
import { crc32 } from "./crc32.ts";
import { allocateArray } from "../memmap/alloc.ts";

/** Compression method of a stored member. */
export const ZIP_STORED = 0;
/** Compression method of a deflate member. */
export const ZIP_DEFLATED = 8;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const END_SIZE = 22;
const END64_SIZE = 56;
const LOCATOR64_SIZE = 20;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
/** The longest a local header can be: its fixed part, a name and an extra field of 65535 bytes each. */
export const LOCAL_MAX: number = LOCAL_SIZE + 2 * 0xffff;
const MAX_COMMENT = 0xffff;

/** One member as the central directory describes it. */
export interface ZipEntry {
  /** The member's name (UTF-8 when flagged, else code page 437, as Python). */
  readonly name: string;
  /** The raw bytes of the name. */
  readonly rawName: Uint8Array;
  /** General purpose flags. */
  readonly flags: number;
  /** Compression method: 0 stored, 8 deflate, others unsupported. */
  readonly method: number;
  /** CRC-32 of the uncompressed data. */
  readonly crc32: number;
  /** Size of the data in the archive. */
  readonly compressedSize: number;
  /** Size of the data once extracted. */
  readonly size: number;
  /** Offset of the member's local header in the archive. */
  readonly headerOffset: number;
}

const CP437_HIGH =
  "\xc7\xfc\xe9\xe2\xe4\xe0\xe5\xe7\xea\xeb\xe8\xef\xee\xec\xc4\xc5\xc9\xe6\xc6\xf4\xf6\xf2\xfb\xf9\xff\xd6\xdc\xa2\xa3\xa5\u20a7\u0192\xe1\xed\xf3\xfa\xf1\xd1\xaa\xba\xbf\u2310\xac\xbd\xbc\xa1\xab\xbb\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255d\u255c\u255b\u2510\u2514\u2534\u252c\u251c\u2500\u253c\u255e\u255f\u255a\u2554\u2569\u2566\u2560\u2550\u256c\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256b\u256a\u2518\u250c\u2588\u2584\u258c\u2590\u2580\u03b1\xdf\u0393\u03c0\u03a3\u03c3\xb5\u03c4\u03a6\u0398\u03a9\u03b4\u221e\u03c6\u03b5\u2229\u2261\xb1\u2265\u2264\u2320\u2321\xf7\u2248\xb0\u2219\xb7\u221a\u207f\xb2\u25a0\xa0";

function decodeName(raw: Uint8Array, utf8: boolean): string | null {
  if (utf8) {
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
        raw,
      );
    } catch {
      return null;
    }
  }
  let s = "";
  for (const b of raw) {
    s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  }
  return s;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(
  v: DataView,
  at: number,
  where: string,
  pos: number,
  what: string,
): number {
  const n = v.getBigUint64(at, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalidData(where, pos, `Zip64 ${what} ${n} is too large`);
  }
  return Number(n);
}

/** Reads the directory of a zip archive and the members it lists. */
export class ZipReader {
  /** The members, in central directory order. */
  readonly entries: readonly ZipEntry[];
  /** Offset of the central directory: member data must end before it. */
  readonly directoryOffset: number;
  readonly #source: ByteSource;
  readonly #where: string;

  /**
   * Reads the end records and the central directory.
   *
   * @param source The archive's bytes.
   * @param where The archive's name, for error messages.
   * @throws {Deno.errors.InvalidData} If there is no end record, the archive
   *   spans several disks, or the directory is malformed or points outside
   *   the archive.
   */
  constructor(source: ByteSource, where: string) {
    this.#source = source;
    this.#where = where;
    const size = source.size;
    if (size < END_SIZE) {
      throw invalidData(
        where,
        size,
        `Not a zip archive: it has ${size} bytes, fewer than the ${END_SIZE} of an end record`,
      );
    }
    const tailStart = Math.max(0, size - END_SIZE - MAX_COMMENT);
    const tail = source.read(tailStart, size - tailStart);
    const tv = view(tail);
    let endAt = -1;
    for (let i = tail.length - END_SIZE; i >= 0; i--) {
      if (
        tv.getUint32(i, true) === SIG_END &&
        i + END_SIZE + tv.getUint16(i + 20, true) <= tail.length
      ) {
        endAt = i;
        break;
      }
    }
    if (endAt < 0) {
      throw invalidData(
        where,
        size,
        "Not a zip archive: no end of central directory record",
      );
    }
    const endPos = tailStart + endAt;
    const disk = tv.getUint16(endAt + 4, true);
    const cdDisk = tv.getUint16(endAt + 6, true);
    let count = tv.getUint16(endAt + 10, true);
    let cdSize = tv.getUint32(endAt + 12, true);
    let cdOffset = tv.getUint32(endAt + 16, true);
    let cdLimit = endPos; // the directory must end before this
    if (disk !== 0 || cdDisk !== 0 || tv.getUint16(endAt + 8, true) !== count) {
      throw invalidData(
        where,
        endPos + 4,
        "Zip archives that span several disks are not supported",
      );
    }
    const locAt = endPos - LOCATOR64_SIZE;
    if (locAt >= 0) {
      const loc = source.read(locAt, LOCATOR64_SIZE);
      const lv = view(loc);
      if (lv.getUint32(0, true) === SIG_LOCATOR64) {
        if (lv.getUint32(4, true) !== 0 || lv.getUint32(16, true) !== 1) {
          throw invalidData(
            where,
            locAt + 4,
            "Zip archives that span several disks are not supported",
          );
        }
        const end64Pos = u64(lv, 8, where, locAt + 8, "end record offset");
        if (end64Pos + END64_SIZE > locAt) {
          throw invalidData(
            where,
            locAt + 8,
            `Zip64 end record offset ${end64Pos} points outside the archive`,
          );
        }
        const e64 = view(source.read(end64Pos, END64_SIZE));
        if (e64.getUint32(0, true) !== SIG_END64) {
          throw invalidData(
            where,
            end64Pos,
            "Bad zip64 end of central directory signature",
          );
        }
        if (e64.getUint32(16, true) !== 0 || e64.getUint32(20, true) !== 0) {
          throw invalidData(
            where,
            end64Pos + 16,
            "Zip archives that span several disks are not supported",
          );
        }
        count = u64(e64, 32, where, end64Pos + 32, "entry count");
        if (u64(e64, 24, where, end64Pos + 24, "entry count") !== count) {
          throw invalidData(
            where,
            end64Pos + 24,
            "Zip archives that span several disks are not supported",
          );
        }
        cdSize = u64(e64, 40, where, end64Pos + 40, "central directory size");
        cdOffset = u64(
          e64,
          48,
          where,
          end64Pos + 48,
          "central directory offset",
        );
        cdLimit = end64Pos;
      }
    }
    if (cdOffset + cdSize > cdLimit) {
      throw invalidData(
        where,
        endPos + 12,
        `Central directory of ${cdSize} bytes at ${cdOffset} runs past its end record at ${cdLimit}`,
      );
    }
    if (count * CENTRAL_SIZE > cdSize) {
      throw invalidData(
        where,
        endPos + 10,
        `Central directory of ${cdSize} bytes cannot hold ${count} entries`,
      );
    }
    this.directoryOffset = cdOffset;
    this.entries = this.#readDirectory(
      source.read(cdOffset, cdSize),
      cdOffset,
      count,
    );
  }

  #readDirectory(cd: Uint8Array, base: number, count: number): ZipEntry[] {
    const where = this.#where;
    const v = view(cd);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      const at = base + p;
      if (p + CENTRAL_SIZE > cd.length) {
        throw invalidData(
          where,
          at,
          `Central directory ends inside entry ${n}`,
        );
      }
      if (v.getUint32(p, true) !== SIG_CENTRAL) {
        throw invalidData(
          where,
          at,
          `Bad central directory signature for entry ${n}`,
        );
      }
      const flags = v.getUint16(p + 8, true);
      const method = v.getUint16(p + 10, true);
      const crc = v.getUint32(p + 16, true);
      let compressedSize = v.getUint32(p + 20, true);
      let size = v.getUint32(p + 24, true);
      const nameLen = v.getUint16(p + 28, true);
      const extraLen = v.getUint16(p + 30, true);
      const commentLen = v.getUint16(p + 32, true);
      let diskStart = v.getUint16(p + 34, true);
      let headerOffset = v.getUint32(p + 42, true);
      const varEnd = p + CENTRAL_SIZE + nameLen + extraLen + commentLen;
      if (varEnd > cd.length) {
        throw invalidData(
          where,
          at + 28,
          `Central directory entry ${n} runs past the directory`,
        );
      }
      const rawName = cd.slice(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLen);
      let q = p + CENTRAL_SIZE + nameLen;
      const extraEnd = q + extraLen;
      while (q + 4 <= extraEnd) {
        const id = v.getUint16(q, true);
        const len = v.getUint16(q + 2, true);
        if (q + 4 + len > extraEnd) {
          throw invalidData(
            where,
            base + q,
            `Corrupt extra field 0x${id.toString(16)} of entry ${n}`,
          );
        }
        if (id === 0x0001) {
          let r = q + 4;
          const need = (bytes: number, what: string): void => {
            if (r + bytes > q + 4 + len) {
              throw invalidData(
                where,
                base + q,
                `Zip64 extra field of entry ${n} lacks the ${what}`,
              );
            }
          };
          if (size === 0xffffffff) {
            need(8, "size");
            size = u64(v, r, where, base + r, "size");
            r += 8;
          }
          if (compressedSize === 0xffffffff) {
            need(8, "compressed size");
            compressedSize = u64(v, r, where, base + r, "compressed size");
            r += 8;
          }
          if (headerOffset === 0xffffffff) {
            need(8, "header offset");
            headerOffset = u64(v, r, where, base + r, "header offset");
            r += 8;
          }
          if (diskStart === 0xffff) {
            need(4, "disk number");
            diskStart = v.getUint32(r, true);
          }
        }
        q += 4 + len;
      }
      if (diskStart !== 0) {
        throw invalidData(
          where,
          at + 34,
          "Zip archives that span several disks are not supported",
        );
      }
      const name = decodeName(rawName, (flags & 0x800) !== 0);
      if (name === null) {
        throw invalidData(
          where,
          at + CENTRAL_SIZE,
          `Name of entry ${n} is not valid UTF-8`,
        );
      }
      if (headerOffset + LOCAL_SIZE > this.directoryOffset) {
        throw invalidData(
          where,
          at + 42,
          `Entry ${
            JSON.stringify(name)
          } points outside the archive: local header at ${headerOffset}`,
        );
      }
      entries.push({
        name,
        rawName,
        flags,
        method,
        crc32: crc,
        compressedSize,
        size,
        headerOffset,
      });
      p = varEnd;
    }
    if (p !== cd.length) {
      throw invalidData(
        where,
        base + p,
        `Central directory has ${
          cd.length - p
        } bytes after its ${count} entries`,
      );
    }
    return entries;
  }

  /**
   * Finds where a member's data starts by reading its local header.
   *
   * @param entry A member of this archive.
   * @param source Where to read the archive's bytes: by default the source
   *   its directory was read from.
   * @returns The absolute offset of the data.
   * @throws {Deno.errors.InvalidData} If the local header is malformed,
   *   disagrees with the directory, or the data runs outside the archive.
   */
  dataOffset(entry: ZipEntry, source: ByteSource = this.#source): number {
    const where = this.#where;
    const at = entry.headerOffset;
    const local = source.read(at, LOCAL_SIZE);
    const v = view(local);
    if (v.getUint32(0, true) !== SIG_LOCAL) {
      throw invalidData(
        where,
        at,
        `Bad local header signature for ${JSON.stringify(entry.name)}`,
      );
    }
    const nameLen = v.getUint16(26, true);
    const extraLen = v.getUint16(28, true);
    const start = at + LOCAL_SIZE + nameLen + extraLen;
    if (start > this.directoryOffset) {
      throw invalidData(
        where,
        at + 26,
        `Local header of ${
          JSON.stringify(entry.name)
        } runs past the member data`,
      );
    }
    const name = source.read(at + LOCAL_SIZE, nameLen);
    if (
      name.length !== entry.rawName.length ||
      name.some((b, i) => b !== entry.rawName[i])
    ) {
      throw invalidData(
        where,
        at + LOCAL_SIZE,
        `Local header name differs from the directory's ${
          JSON.stringify(entry.name)
        }`,
      );
    }
    if (start + entry.compressedSize > this.directoryOffset) {
      throw invalidData(
        where,
        start,
        `Data of ${
          JSON.stringify(entry.name)
        } (${entry.compressedSize} bytes) runs past the end of the member area at ${this.directoryOffset}`,
      );
    }
    return start;
  }

  /**
   * Checks that a member can be read here: method stored or deflate, not
   * encrypted, a stored member's two sizes agree, and a deflate member does
   * not declare more bytes than deflate can expand its compressed bytes to.
   *
   * @param entry A member of this archive.
   * @throws {Deno.errors.InvalidData} If it cannot.
   */
  checkSupported(entry: ZipEntry): void {
    const where = this.#where;
    const at = entry.headerOffset;
    if (entry.flags & 0x1) {
      throw invalidData(
        where,
        at,
        `Member ${
          JSON.stringify(entry.name)
        } is encrypted, which is not supported`,
      );
    }
    if (entry.method !== ZIP_STORED && entry.method !== ZIP_DEFLATED) {
      throw invalidData(
        where,
        at,
        `Member ${
          JSON.stringify(entry.name)
        } uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`,
      );
    }
    if (entry.method === ZIP_STORED && entry.compressedSize !== entry.size) {
      throw invalidData(
        where,
        at,
        `Stored member ${
          JSON.stringify(entry.name)
        } has compressed size ${entry.compressedSize} but size ${entry.size}`,
      );
    }
    const most = entry.compressedSize * DEFLATE_MAX_RATIO + DEFLATE_SLACK;
    if (entry.method === ZIP_DEFLATED && entry.size > most) {
      throw invalidData(
        where,
        at,
        `Deflate member ${
          JSON.stringify(entry.name)
        } declares ${entry.size} bytes from ${entry.compressedSize} compressed bytes, more than deflate can give (at most ${most}, ${DEFLATE_MAX_RATIO}:1)`,
      );
    }
  }

  /**
   * Extracts a member into memory and checks its CRC-32 and size.
   *
   * @param entry A member of this archive.
   * @param source Where to read the archive's bytes: by default the source
   *   its directory was read from.
   * @returns The member's uncompressed bytes.
   * @throws {Deno.errors.InvalidData} If the member is unsupported, points
   *   outside the archive, fails to decompress, decompresses to a size other
   *   than the declared one, or has a bad CRC-32.
   */
  read(entry: ZipEntry, source: ByteSource = this.#source): Uint8Array {
    this.checkSupported(entry);
    const where = this.#where;
    const start = this.dataOffset(entry, source);
    let data: Uint8Array;
    let crc: number;
    if (entry.method === ZIP_STORED) {
      data = source.read(start, entry.compressedSize);
      crc = crc32(data);
    } else {
      ({ data, crc } = inflateMember(source, start, entry, where));
    }
    if (crc !== entry.crc32) {
      throw invalidData(
        where,
        start,
        `Bad CRC-32 for ${JSON.stringify(entry.name)}: computed 0x${
          hex(crc)
        }, the directory says 0x${hex(entry.crc32)}`,
      );
    }
    return data;
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/**
 * Deflate's largest expansion: a 258-byte match coded in 2 bits gives at
 * most 1032 bytes out of each compressed byte. A member declaring more than
 * that (plus {@linkcode DEFLATE_SLACK}) is malformed: refused before its
 * declared size is allocated.
 */
export const DEFLATE_MAX_RATIO = 1032;

/** Bytes allowed past {@linkcode DEFLATE_MAX_RATIO} times the compressed size (one more byte's worth). */
export const DEFLATE_SLACK = 1032;

/** Compressed bytes read from the archive at a time while inflating. */
const INPUT_CHUNK = 1 << 20;

/**
 * The parts of a `node:zlib` engine that Node's own synchronous functions
 * use (`zlibBufferSync`): the native handle, whose `writeSync` inflates
 * into a buffer and range the caller gives, and the two counts it leaves in
 * `_writeState` (output room left, input left). Deno's `node:zlib` has them
 * too; where a runtime does not, members are inflated whole instead.
 */
interface ZlibEngine {
  _handle?: {
    writeSync(
      flush: number,
      input: Uint8Array,
      inOffset: number,
      inLength: number,
      output: Uint8Array,
      outOffset: number,
      outLength: number,
    ): void;
    onerror: (message: string, errno: number) => void;
  };
  _writeState?: Uint32Array;
  close(): void;
}

/**
 * Whether deflate members are inflated straight into a buffer of their
 * declared size, reading the archive a chunk at a time (this runtime's
 * `node:zlib` has what that needs).
 *
 * @returns `true` on Deno (and Node).
 */
export function streamingInflate(): boolean {
  const engine = zlib.createInflateRaw() as unknown as ZlibEngine;
  try {
    return typeof engine._handle?.writeSync === "function" &&
      engine._writeState !== undefined;
  } finally {
    engine.close();
  }
}

/**
 * Inflates a deflate member into one buffer of its declared size, feeding
 * zlib the archive's bytes 1 MiB at a time, and computes its CRC-32 as the
 * output comes: the peak memory is the member's size and one input chunk
 * (inflating the whole compressed member at once held both in full, twice
 * the member for data that does not compress).
 */
function inflateMember(
  source: ByteSource,
  start: number,
  entry: ZipEntry,
  where: string,
): { data: Uint8Array; crc: number } {
  const { size, compressedSize, name } = entry;
  const engine = zlib.createInflateRaw() as unknown as ZlibEngine;
  const handle = engine._handle;
  const state = engine._writeState;
  if (typeof handle?.writeSync !== "function" || state === undefined) {
    engine.close();
    const data = inflate(
      source.read(start, compressedSize),
      size,
      where,
      start,
      name,
    );
    return { data, crc: crc32(data) };
  }
  let failure: string | null = null;
  handle.onerror = (message) => {
    failure = message;
  };
  const tooLarge = () =>
    invalidData(
      where,
      start,
      `Member ${
        JSON.stringify(name)
      } decompresses to more than its declared size of ${size} bytes`,
    );
  const out = allocateArray(size);
  const spare = new Uint8Array(1);
  let produced = 0;
  let crc = 0;
  let consumed = 0;
  // One input buffer, refilled, where the source reads a file.
  const chunk = source.readInto === undefined
    ? null
    : new Uint8Array(Math.min(INPUT_CHUNK, compressedSize));
  try {
    inflating: for (;;) {
      const n = Math.min(INPUT_CHUNK, compressedSize - consumed);
      let input: Uint8Array;
      if (chunk === null) input = source.read(start + consumed, n);
      else {
        input = chunk.subarray(0, n);
        source.readInto!(start + consumed, input);
      }
      consumed += n;
      const last = consumed === compressedSize;
      let used = 0;
      for (;;) {
        // Past the declared size, one spare byte tells whether more would come.
        const room = size - produced;
        const target = room > 0 ? out : spare;
        const length = room > 0 ? room : 1;
        handle.writeSync(
          last ? zlib.constants.Z_FINISH : zlib.constants.Z_NO_FLUSH,
          input,
          used,
          n - used,
          target,
          room > 0 ? produced : 0,
          length,
        );
        if (failure !== null) {
          throw invalidData(
            where,
            start,
            `Cannot decompress member ${JSON.stringify(name)}: ${failure}`,
          );
        }
        const outLeft = state[0];
        const inLeft = state[1];
        const made = length - outLeft;
        if (made > 0) {
          if (room === 0) throw tooLarge();
          crc = crc32(out.subarray(produced, produced + made), crc);
          produced += made;
        }
        used = n - inLeft;
        if (outLeft === 0) continue; // the output filled: there may be more
        if (inLeft > 0 || last) break inflating; // the stream ended
        break; // this chunk is used up
      }
    }
  } finally {
    engine.close();
  }
  if (produced !== size) {
    throw invalidData(
      where,
      start,
      `Member ${
        JSON.stringify(name)
      } decompresses to ${produced} bytes, its declared size is ${size}`,
    );
  }
  return { data: out, crc };
}

/** The largest output chunk asked of zlib (members above it come in pieces). */
const MAX_CHUNK = 2 ** 30;

function inflate(
  raw: Uint8Array,
  size: number,
  where: string,
  at: number,
  name: string,
): Uint8Array {
  let out: Buffer;
  try {
    // One output chunk of the member's known size: no chunks to concatenate
    // (2x faster for large members); more output than that is an error.
    out = zlib.inflateRawSync(raw, {
      chunkSize: Math.min(Math.max(size, 64), MAX_CHUNK),
      maxOutputLength: Math.max(1, size),
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") {
      throw invalidData(
        where,
        at,
        `Member ${
          JSON.stringify(name)
        } decompresses to more than its declared size of ${size} bytes`,
      );
    }
    throw invalidData(
      where,
      at,
      `Cannot decompress member ${JSON.stringify(name)}: ${
        (e as Error).message
      }`,
    );
  }
  if (out.length !== size) {
    throw invalidData(
      where,
      at,
      `Member ${
        JSON.stringify(name)
      } decompresses to ${out.length} bytes, its declared size is ${size}`,
    );
  }
  // Small outputs may sit in a Buffer pool shared with unrelated buffers: copy them out.
  return out.buffer.byteLength === out.length
    ? new Uint8Array(out.buffer, out.byteOffset, out.length)
    : new Uint8Array(out);
}
