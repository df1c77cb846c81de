/**
 * A zip writer for `.npz` archives that streams members to a file.
 *
 * Members are laid out as Python's `zipfile` does for `numpy.savez`: each
 * local header carries a zip64 extra field (NumPy opens members with
 * `force_zip64=True`), the central directory carries zip64 fields only for
 * sizes and offsets over 2 GiB - 1, and the zip64 end records are written
 * only when the directory needs them. Stored members additionally get a
 * padding extra field so that their data starts at a multiple of 64 bytes;
 * zip readers skip it, and memory-mapped members are then aligned.
 *
 * Deflate members are compressed in blocks with `node:zlib`; each block but
 * the last ends with a sync flush, so the blocks form one deflate stream
 * while memory stays bounded by the block size.
 *
 * @module
 */

import * as zlib from "node:zlib";
import { crc32 } from "./crc32.ts";
import type { OutputFile } from "./_files.ts";
import { ZIP_DEFLATED, ZIP_STORED } from "./zip_reader.ts";

/** Largest size or offset Python's zipfile writes without zip64 fields. */
export const ZIP64_LIMIT: number = 2 ** 31 - 1;
const FILECOUNT_LIMIT = 0xffff;
const ZIP64_VERSION = 45;
/** Extra field id used for alignment padding (the one Android's zipalign uses). */
const PADDING_ID = 0xd935;
const DEFLATE_BLOCK = 8 << 20;

interface Written {
  rawName: Uint8Array;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
}

/** Options of {@linkcode ZipWriter.add}. */
export interface ZipAddOptions {
  /** Deflate the member (default: store it). */
  compress?: boolean;
  /** Start the data of a stored member at a multiple of this (default 64; 1 for none). */
  align?: number;
}

function dosDateTime(now: Date): { date: number; time: number } {
  const year = Math.min(2107, Math.max(1980, now.getFullYear()));
  return {
    date: ((year - 1980) << 9) | ((now.getMonth() + 1) << 5) | now.getDate(),
    time: (now.getHours() << 11) | (now.getMinutes() << 5) |
      (now.getSeconds() >> 1),
  };
}

/** Writes a zip archive member by member to an open file. */
export class ZipWriter {
  readonly #file: OutputFile;
  #pos = 0;
  readonly #members: Written[] = [];
  readonly #names = new Set<string>();
  readonly #zip64Limit: number;

  /**
   * Starts an archive at the beginning of `file`, which must be empty and
   * open for writing and seeking.
   *
   * @param file The file; the caller closes it.
   * @param zip64Limit Sizes and offsets above this get zip64 fields in the
   *   directory (default {@linkcode ZIP64_LIMIT}; lower only to test).
   */
  constructor(file: OutputFile, zip64Limit: number = ZIP64_LIMIT) {
    this.#file = file;
    this.#zip64Limit = zip64Limit;
  }

  #write(bytes: Uint8Array): void {
    this.#file.write(bytes);
    this.#pos += bytes.length;
  }

  /**
   * Appends a member whose data is the concatenation of `chunks`.
   *
   * @param name The member name (UTF-8; flagged as such when not ASCII).
   * @param chunks The data, in order.
   * @param options Compression and alignment.
   * @throws {TypeError} If a member of that name was already added.
   */
  add(
    name: string,
    chunks: Iterable<Uint8Array>,
    options: ZipAddOptions = {},
  ): void {
    if (this.#names.has(name)) {
      throw new TypeError(
        `Cannot add member ${JSON.stringify(name)}: the archive already has it`,
      );
    }
    this.#names.add(name);
    const compress = options.compress ?? false;
    // deno-lint-ignore no-control-regex
    const ascii = /^[\x00-\x7f]*$/.test(name);
    const rawName = new TextEncoder().encode(name);
    if (rawName.length > 0xffff) {
      throw new TypeError(
        `Cannot add member: name of ${rawName.length} bytes is over 65535`,
      );
    }
    const { date, time } = dosDateTime(new Date());
    const headerOffset = this.#pos;
    let padding = 0;
    const align = compress ? 1 : options.align ?? 64;
    if (align > 1) {
      const bare = headerOffset + 30 + rawName.length + 20;
      padding = 6 + ((align - ((bare + 6) % align)) % align);
    }
    const member: Written = {
      rawName,
      flags: ascii ? 0 : 0x800,
      method: compress ? ZIP_DEFLATED : ZIP_STORED,
      time,
      date,
      crc: 0,
      compressedSize: 0,
      size: 0,
      headerOffset,
    };
    const header = this.#localHeader(member, padding, align);
    this.#write(header);
    let crc = 0;
    let size = 0;
    const dataStart = this.#pos;
    if (!compress) {
      for (const chunk of chunks) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        this.#write(chunk);
      }
    } else {
      for (const block of blocks(chunks, DEFLATE_BLOCK)) {
        crc = crc32(block.data, crc);
        size += block.data.length;
        const out = zlib.deflateRawSync(block.data, {
          finishFlush: block.last
            ? zlib.constants.Z_FINISH
            : zlib.constants.Z_SYNC_FLUSH,
        });
        this.#write(new Uint8Array(out.buffer, out.byteOffset, out.length));
      }
    }
    member.crc = crc;
    member.size = size;
    member.compressedSize = this.#pos - dataStart;
    const end = this.#pos;
    this.#file.seek(headerOffset);
    this.#pos = headerOffset;
    this.#write(this.#localHeader(member, padding, align));
    this.#file.seek(end);
    this.#pos = end;
    this.#members.push(member);
  }

  #localHeader(m: Written, padding: number, align: number): Uint8Array {
    const out = new Uint8Array(30 + m.rawName.length + 20 + padding);
    const v = new DataView(out.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, ZIP64_VERSION, true);
    v.setUint16(6, m.flags, true);
    v.setUint16(8, m.method, true);
    v.setUint16(10, m.time, true);
    v.setUint16(12, m.date, true);
    v.setUint32(14, m.crc, true);
    v.setUint32(18, 0xffffffff, true);
    v.setUint32(22, 0xffffffff, true);
    v.setUint16(26, m.rawName.length, true);
    v.setUint16(28, 20 + padding, true);
    out.set(m.rawName, 30);
    let p = 30 + m.rawName.length;
    v.setUint16(p, 0x0001, true);
    v.setUint16(p + 2, 16, true);
    v.setBigUint64(p + 4, BigInt(m.size), true);
    v.setBigUint64(p + 12, BigInt(m.compressedSize), true);
    p += 20;
    if (padding > 0) {
      v.setUint16(p, PADDING_ID, true);
      v.setUint16(p + 2, padding - 4, true);
      v.setUint16(p + 4, align, true);
    }
    return out;
  }

  /**
   * Writes the central directory and end records. Call once, after the last
   * member.
   */
  finish(): void {
    const cdOffset = this.#pos;
    for (const m of this.#members) {
      this.#write(centralEntry(m, this.#zip64Limit));
    }
    const cdSize = this.#pos - cdOffset;
    const count = this.#members.length;
    const limit = this.#zip64Limit;
    if (count > FILECOUNT_LIMIT || cdOffset > limit || cdSize > limit) {
      const end64At = this.#pos;
      const e = new Uint8Array(56 + 20);
      const v = new DataView(e.buffer);
      v.setUint32(0, 0x06064b50, true);
      v.setBigUint64(4, 44n, true);
      v.setUint16(12, ZIP64_VERSION, true);
      v.setUint16(14, ZIP64_VERSION, true);
      v.setBigUint64(24, BigInt(count), true);
      v.setBigUint64(32, BigInt(count), true);
      v.setBigUint64(40, BigInt(cdSize), true);
      v.setBigUint64(48, BigInt(cdOffset), true);
      v.setUint32(56, 0x07064b50, true);
      v.setBigUint64(64, BigInt(end64At), true);
      v.setUint32(72, 1, true);
      this.#write(e);
    }
    const end = new Uint8Array(22);
    const v = new DataView(end.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, Math.min(count, FILECOUNT_LIMIT), true);
    v.setUint16(10, Math.min(count, FILECOUNT_LIMIT), true);
    v.setUint32(12, Math.min(cdSize, 0xffffffff), true);
    v.setUint32(16, Math.min(cdOffset, 0xffffffff), true);
    this.#write(end);
  }
}

function centralEntry(m: Written, limit: number): Uint8Array {
  const extra: number[] = [];
  let size = m.size;
  let compressedSize = m.compressedSize;
  let headerOffset = m.headerOffset;
  if (size > limit || compressedSize > limit) {
    extra.push(size, compressedSize);
    size = compressedSize = 0xffffffff;
  }
  if (headerOffset > limit) {
    extra.push(headerOffset);
    headerOffset = 0xffffffff;
  }
  const extraLen = extra.length > 0 ? 4 + 8 * extra.length : 0;
  const out = new Uint8Array(46 + m.rawName.length + extraLen);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x02014b50, true);
  v.setUint16(4, (3 << 8) | ZIP64_VERSION, true); // made by: Unix
  v.setUint16(6, ZIP64_VERSION, true); // as zipfile after force_zip64
  v.setUint16(8, m.flags, true);
  v.setUint16(10, m.method, true);
  v.setUint16(12, m.time, true);
  v.setUint16(14, m.date, true);
  v.setUint32(16, m.crc, true);
  v.setUint32(20, compressedSize, true);
  v.setUint32(24, size, true);
  v.setUint16(28, m.rawName.length, true);
  v.setUint16(30, extraLen, true);
  v.setUint32(38, (0o600 << 16) >>> 0, true); // rw-------, as zipfile
  v.setUint32(42, headerOffset, true);
  out.set(m.rawName, 46);
  if (extraLen > 0) {
    let p = 46 + m.rawName.length;
    v.setUint16(p, 0x0001, true);
    v.setUint16(p + 2, 8 * extra.length, true);
    p += 4;
    for (const x of extra) {
      v.setBigUint64(p, BigInt(x), true);
      p += 8;
    }
  }
  return out;
}

function* blocks(
  chunks: Iterable<Uint8Array>,
  blockSize: number,
): Generator<{ data: Uint8Array; last: boolean }> {
  let pending: Uint8Array[] = [];
  let pendingSize = 0;
  let ready: Uint8Array | null = null;
  const take = (): Uint8Array => {
    if (pending.length === 1) {
      const only = pending[0];
      pending = [];
      pendingSize = 0;
      return only;
    }
    const out = new Uint8Array(pendingSize);
    let p = 0;
    for (const c of pending) {
      out.set(c, p);
      p += c.length;
    }
    pending = [];
    pendingSize = 0;
    return out;
  };
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length;) {
      const n = Math.min(chunk.length - i, blockSize - pendingSize);
      pending.push(chunk.subarray(i, i + n));
      pendingSize += n;
      i += n;
      if (pendingSize === blockSize) {
        if (ready !== null) yield { data: ready, last: false };
        ready = take();
      }
    }
  }
  if (pendingSize > 0) {
    if (ready !== null) yield { data: ready, last: false };
    ready = take();
  }
  yield { data: ready ?? new Uint8Array(0), last: true };
}
