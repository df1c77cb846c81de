/**
 * Between `.npy` content and {@linkcode NDArray}s: build an in-memory array
 * from `.npy` bytes, and produce the bytes of `.npy` content from an array
 * in bounded chunks.
 *
 * @module
 */

import { type Memmap, wrapMmap } from "../memmap/memmap.ts";
import { openFile } from "../mmap/mmap.ts";
import { ALLOCATIONGRANULARITY } from "../mmap/constants.ts";
import { isArrayObject, NDArray } from "../memmap/ndarray.ts";
import { describe } from "../_args.ts";
import { contiguousStrides, isCContiguous } from "../memmap/shape.ts";
import { isDetached, throwClosed } from "../memmap/storage.ts";
import { invalidData } from "./_errors.ts";
import { type ByteSource, windowSource } from "./byte_source.ts";
import {
  formatNpyHeader,
  type NpyHeader,
  type NpyVersion,
  readNpyHeader,
  showShape,
} from "./header.ts";

/** Size of the pieces a non-contiguous array is copied in while saving. */
const COPY_BLOCK = 16 << 20;

/**
 * Checks that the data a header announces is all in `[dataStart, end)`.
 *
 * @param header The parsed header.
 * @param base Where the `.npy` content starts.
 * @param end Where it ends.
 * @param where The name of what is read, for error messages.
 * @throws {Deno.errors.InvalidData} If the data is cut short.
 */
export function checkDataLength(
  header: NpyHeader,
  base: number,
  end: number,
  where: string,
): void {
  const available = end - base - header.headerLength;
  if (header.nbytes > available) {
    throw invalidData(
      where,
      end,
      `Truncated .npy data: shape ${
        showShape(header.shape)
      } of ${header.descr.str} needs ${header.nbytes} bytes but ${available} follow the header`,
    );
  }
}

/** Where `.npy` content lies in a file (see {@linkcode mapNpyFile}). */
export interface NpySpan {
  /** The first byte to map. */
  readonly from: number;
  /** The end of the bytes to map, given the file's size as opened; may refuse the file by throwing. */
  readonly to: (size: number) => number;
  /**
   * Finds (and checks) the content in the mapped bytes: `[start, end)`, by
   * default all of them; `raw` when it is not `.npy` content (it is mapped
   * as a 1-D `uint8` array of its bytes).
   */
  readonly locate?: (
    source: ByteSource,
  ) => { start: number; end: number; raw?: boolean };
}

/** The map access of each memmap mode. */
const ACCESS = { r: "read", "r+": "write", c: "copy" } as const;

/**
 * Maps `.npy` content of a file: the bytes are mapped through one handle
 * and the header is read from the mapped bytes, so that what is read and
 * what is mapped are one file even if another takes its path meanwhile.
 *
 * @param filename The file (a `.npy`, or the `.npz` holding the member).
 * @param mode The memmap mode.
 * @param where The name of what is read, for error messages.
 * @param maxHeaderSize The longest header text accepted, in characters.
 * @param span Which bytes hold the content: by default the whole file.
 * @returns The memory-mapped array.
 * @throws {Deno.errors.InvalidData} If the content is malformed or its data cut short.
 */
export function mapNpyFile(
  filename: string,
  mode: "r" | "r+" | "c",
  where: string,
  maxHeaderSize?: number,
  span: NpySpan = { from: 0, to: (size) => size },
): Memmap {
  const base = span.from - (span.from % ALLOCATIONGRANULARITY);
  const mmap = openFile(filename, {
    access: ACCESS[mode],
    offset: base,
    length: (size) => Math.max(span.to(size) - base, 0),
    create: false,
    overwrite: false,
  });
  try {
    const source = windowSource(mmap.bytes, base);
    const { start, end, raw } = span.locate?.(source) ??
      { start: base, end: source.size };
    if (raw) {
      return wrapMmap(mmap, {
        filename,
        mode,
        offset: start,
        start: start - base,
        dtype: "u1",
        shape: [end - start],
        order: "C",
      });
    }
    const header = readNpyHeader(source, start, where, end, maxHeaderSize);
    checkDataLength(header, start, end, where);
    const offset = start + header.headerLength;
    return wrapMmap(mmap, {
      filename,
      mode,
      offset,
      start: offset - base,
      dtype: header.descr,
      shape: header.shape,
      order: header.fortranOrder ? "F" : "C",
    });
  } catch (error) {
    mmap.close();
    throw error;
  }
}

/**
 * Reads `.npy` content from a source into a new in-memory array.
 *
 * @param source Where the bytes are.
 * @param base Where the `.npy` content starts in the source.
 * @param end Where it ends in the source.
 * @param where The name of what is read, for error messages.
 * @param maxHeaderSize The longest header text accepted, in characters.
 * @returns The array (C or Fortran order as the file says).
 * @throws {Deno.errors.InvalidData} If the content is malformed or truncated.
 * @throws {TypeError} If the dtype is not supported (object arrays never are).
 */
export function readNpyArray(
  source: ByteSource,
  base: number,
  end: number,
  where: string,
  maxHeaderSize?: number,
): NDArray {
  const header = readNpyHeader(source, base, where, end, maxHeaderSize);
  checkDataLength(header, base, end, where);
  let bytes = source.read(base + header.headerLength, header.nbytes);
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  // NumPy reads into a new 1-D array and gives it the file's shape: a 1-D
  // array of no elements keeps the new array's stride 0, others take the
  // strides of a reshape (a 0 dimension as 1; attack13 C1).
  return new NDArray(
    { bytes, readOnly: false },
    header.descr,
    header.shape,
    header.shape.length === 1 && header.shape[0] === 0
      ? [0]
      : contiguousStrides(
        header.shape,
        header.descr.itemsize,
        header.fortranOrder ? "F" : "C",
      ),
  );
}

/** The pieces of the `.npy` content of an array. */
export interface NpyContent {
  /** The header (magic, version, dict), a multiple of 64 bytes. */
  readonly header: Uint8Array;
  /** Total size: header plus data. */
  readonly size: number;
  /**
   * The data, in the order the header says, as chunks of bounded size
   * (views where possible). Each iteration goes through it anew (a save
   * that falls back to writing in place writes it twice).
   */
  readonly data: Iterable<Uint8Array>;
}

/**
 * Describes the `.npy` content of an array as NumPy would write it: a
 * Fortran-contiguous (and not C-contiguous) array is written in Fortran
 * order, anything else in C order. Contiguous arrays are written straight
 * from their storage; others are copied piece by piece.
 *
 * @param array The array.
 * @param version The format version; the oldest that fits when omitted.
 * @returns The header and an iterable of the data.
 * @throws {TypeError} If `array` is not an {@linkcode NDArray}.
 * @throws {Deno.errors.BadResource} If the array's memory map is closed.
 */
export function npyContent(array: NDArray, version?: NpyVersion): NpyContent {
  if (!isArrayObject(array)) {
    throw new TypeError(`Cannot save ${describe(array)}: expected an NDArray`);
  }
  if (isDetached(array.storage)) throwClosed(array.storage);
  const { shape, strides, itemsize } = array;
  const c = isCContiguous(shape, strides, itemsize);
  const f = !c &&
    isCContiguous([...shape].reverse(), [...strides].reverse(), itemsize);
  const header = formatNpyHeader(array.dtype, f, shape, version);
  return {
    header,
    size: header.length + array.nbytes,
    data: {
      [Symbol.iterator]: () =>
        c || f ? contiguousChunks(array) : copiedChunks(array),
    },
  };
}

function* contiguousChunks(a: NDArray): Generator<Uint8Array> {
  if (a.size === 0) return;
  if (isDetached(a.storage)) throwClosed(a.storage);
  yield a.storage.bytes.subarray(a.byteOffset, a.byteOffset + a.nbytes);
}

function* copiedChunks(a: NDArray): Generator<Uint8Array> {
  if (a.size === 0) return;
  if (a.ndim === 0 || isCContiguous(a.shape, a.strides, a.itemsize)) {
    yield* contiguousChunks(a);
    return;
  }
  const n = a.shape[0];
  const rowBytes = a.nbytes / n;
  if (rowBytes > COPY_BLOCK && a.ndim > 1) {
    for (let i = 0; i < n; i++) yield* copiedChunks(a.slice(i));
    return;
  }
  const rows = Math.max(1, Math.floor(COPY_BLOCK / rowBytes));
  for (let i = 0; i < n; i += rows) {
    const part = a.slice(`${i}:${Math.min(n, i + rows)}`).copy();
    yield part.storage.bytes.subarray(
      part.byteOffset,
      part.byteOffset + part.nbytes,
    );
  }
}
