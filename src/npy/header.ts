/**
 * The `.npy` header: how NumPy describes an array before its raw bytes.
 *
 * A `.npy` file starts with the 6-byte magic string `\x93NUMPY`, then one
 * byte each for the major and minor format version, then the length of the
 * header text as a little-endian unsigned integer (2 bytes in version 1.0,
 * 4 bytes in versions 2.0 and 3.0), then the header text itself: the
 * `repr()` of a Python dict with exactly the keys `descr` (the dtype
 * string, see {@link ./descr.ts}), `fortran_order` (a bool) and `shape`
 * (a tuple of ints), padded with spaces and ended by `\n` so that the array
 * data starts at a multiple of 64 bytes. Versions 1.0 and 2.0 encode the
 * text as Latin-1, version 3.0 as UTF-8. The data follows directly, in C
 * order, or in Fortran order when `fortran_order` is true.
 *
 * Headers are read as NumPy reads them, with Python's `ast.literal_eval`
 * rules (see {@link ./python_literal.ts}; nothing is evaluated) and, for
 * versions 1.0 and 2.0, Python 2 `L` suffixes dropped; as in NumPy, a
 * header text longer than 10,000 characters is refused.
 *
 * @module
 */

import { describe, MAX_DIMS, spanExcess } from "../_args.ts";
import { invalidData, showBytes } from "./_errors.ts";
import type { ByteSource } from "./byte_source.ts";
import { type DType, dtype as toDType } from "../memmap/dtype.ts";
import { pyDescr } from "../memmap/structured.ts";
import { DescrError, parseDescr } from "./descr.ts";
import {
  parsePythonLiteral,
  PythonLiteralError,
  type PyValue,
  showPython,
} from "./python_literal.ts";

/** The `.npy` magic string, `\x93NUMPY`. */
export const NPY_MAGIC: Uint8Array = new Uint8Array([
  0x93,
  0x4e,
  0x55,
  0x4d,
  0x50,
  0x59,
]);
/** Array data starts at a multiple of this many bytes in files written here (as NumPy). */
export const ARRAY_ALIGN = 64;
/** Longest header text accepted, in characters (NumPy's `_MAX_HEADER_SIZE`). */
export const MAX_HEADER_SIZE = 10000;
/**
 * Checks a `maxHeaderSize` option.
 *
 * @param value The option (`undefined`: NumPy's default of 10,000).
 * @param call What the call does, for the message.
 * @returns The limit in characters.
 * @throws {TypeError} If it is not a positive integer (or `Infinity`).
 */
export function toMaxHeaderSize(value: unknown, call: string): number {
  if (value === undefined) return MAX_HEADER_SIZE;
  if (
    typeof value !== "number" ||
    !(Number.isSafeInteger(value) || value === Infinity) || value < 1
  ) {
    throw new TypeError(
      `Cannot ${call} with maxHeaderSize ${
        describe(value)
      }: it must be a positive integer (characters)`,
    );
  }
  return value;
}

/** Spare spaces NumPy leaves in a header so the first axis can grow in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** A `.npy` format version. */
export type NpyVersion = [1, 0] | [2, 0] | [3, 0];

/** What a `.npy` header says. */
export interface NpyHeader {
  /** The format version of the file. */
  version: NpyVersion;
  /** The dtype the descriptor stands for. */
  descr: DType;
  /** Whether the data is in Fortran (column-major) order. */
  fortranOrder: boolean;
  /** The shape; `[]` for a 0-d array. */
  shape: number[];
  /** Number of elements. */
  size: number;
  /** Number of data bytes (`size * itemsize`). */
  nbytes: number;
  /** Offset of the data from the start of the `.npy` content. */
  headerLength: number;
}

/**
 * Reads and checks the header of `.npy` content starting at `base` in a
 * source. Does not check that the data is all there: the caller compares
 * `base + headerLength + nbytes` with what it has.
 *
 * @param source Where the bytes are.
 * @param base Offset of the `.npy` content in the source (0 for a `.npy`
 *   file, the member's data offset in an `.npz`).
 * @param where The name of what is read, for error messages.
 * @param end Where the `.npy` content ends in the source (default: its size).
 * @param maxHeaderSize The longest header text accepted, in characters
 *   (NumPy's `max_header_size`, default 10,000).
 * @returns The header.
 * @throws {Deno.errors.InvalidData} If the magic, version, length or dict
 *   is malformed, or the header is longer than `maxHeaderSize` characters.
 * @throws {TypeError} If the dtype is valid for NumPy but not supported
 *   here (object arrays are always refused: pickles are never read).
 */
export function readNpyHeader(
  source: ByteSource,
  base: number,
  where: string,
  end: number = source.size,
  maxHeaderSize: number = MAX_HEADER_SIZE,
): NpyHeader {
  const available = end - base;
  const prefix = source.read(base, Math.max(0, Math.min(available, 12)));
  for (let i = 0; i < NPY_MAGIC.length; i++) {
    if (i >= prefix.length) {
      throw invalidData(
        where,
        base + prefix.length,
        `Truncated .npy magic string: content ends after ${prefix.length} bytes`,
      );
    }
    if (prefix[i] !== NPY_MAGIC[i]) {
      throw invalidData(
        where,
        base + i,
        `Bad .npy magic string ${showBytes(prefix.subarray(0, 6))}, expected ${
          showBytes(NPY_MAGIC)
        }`,
      );
    }
  }
  if (prefix.length < 8) {
    throw invalidData(
      where,
      base + prefix.length,
      "Truncated .npy version: content ends early",
    );
  }
  const major = prefix[6];
  const minor = prefix[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw invalidData(
      where,
      base + 6,
      `Unsupported .npy format version ${major}.${minor}`,
    );
  }
  const lengthSize = major === 1 ? 2 : 4;
  if (prefix.length < 8 + lengthSize) {
    throw invalidData(
      where,
      base + prefix.length,
      "Truncated .npy header length: content ends early",
    );
  }
  const view = new DataView(
    prefix.buffer,
    prefix.byteOffset,
    prefix.byteLength,
  );
  const textLength = major === 1
    ? view.getUint16(8, true)
    : view.getUint32(8, true);
  const tooLong = (length: number) =>
    invalidData(
      where,
      base + 8,
      `Header length ${length} is over the limit of ${maxHeaderSize} characters (NumPy's max_header_size; pass a larger maxHeaderSize to load a trusted file)`,
    );
  const maxBytes = major === 3 ? 4 * maxHeaderSize : maxHeaderSize;
  if (textLength > maxBytes) throw tooLong(textLength);
  const textStart = 8 + lengthSize;
  if (textStart + textLength > available) {
    throw invalidData(
      where,
      base + available,
      `Truncated .npy header: it needs ${textLength} bytes but the content ends after ${
        available - textStart
      }`,
    );
  }
  const raw = source.read(base + textStart, textLength);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
        raw,
      );
    } catch {
      throw invalidData(
        where,
        base + textStart,
        "Header of a version 3.0 .npy is not valid UTF-8",
      );
    }
    if (text.length > maxHeaderSize) throw tooLong(text.length);
  } else {
    text = latin1(raw);
  }
  const byteAt = (index: number): number =>
    base + textStart +
    (major === 3
      ? new TextEncoder().encode(text.slice(0, index)).length
      : index);
  const dict = parseHeaderText(text, major !== 3, where, byteAt);
  return {
    version: [major, 0] as NpyVersion,
    ...dict,
    headerLength: textStart + textLength,
  };
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return s;
}

function parseHeaderText(
  text: string,
  python2: boolean,
  where: string,
  byteAt: (index: number) => number,
): Omit<NpyHeader, "version" | "headerLength"> {
  let value: PyValue;
  try {
    value = parsePythonLiteral(text, { allowLongSuffix: python2 });
  } catch (e) {
    if (e instanceof PythonLiteralError && e.unsupported) {
      throw new TypeError(
        `Cannot load ${where}: its .npy header holds ${e.message} at byte ${
          byteAt(e.index)
        }`,
      );
    }
    if (e instanceof PythonLiteralError) {
      throw invalidData(
        where,
        byteAt(e.index),
        `Cannot parse .npy header: ${e.message}`,
      );
    }
    throw e;
  }
  const at = byteAt(0);
  if (!(value instanceof Map)) {
    throw invalidData(where, at, "Header of .npy is not a dict");
  }
  const keys = [...value.keys()];
  const expected = ["descr", "fortran_order", "shape"];
  if (keys.length !== 3 || !expected.every((k) => value.has(k))) {
    const shown = keys.map(showPython).sort();
    throw invalidData(
      where,
      at,
      `Header of .npy must have exactly the keys 'descr', 'fortran_order', 'shape', found [${
        shown.join(", ")
      }]`,
    );
  }
  const fortranOrder = value.get("fortran_order");
  if (typeof fortranOrder !== "boolean") {
    throw invalidData(
      where,
      at,
      "Header value 'fortran_order' is not True or False",
    );
  }
  const shapeValue = value.get("shape");
  if (
    typeof shapeValue !== "object" || shapeValue === null ||
    !("kind" in shapeValue) ||
    shapeValue.kind !== "tuple" ||
    !shapeValue.items.every((x) => typeof x === "bigint")
  ) {
    throw invalidData(where, at, "Header value 'shape' is not a tuple of ints");
  }
  let descr: DType;
  try {
    descr = parseDescr(value.get("descr")!);
  } catch (e) {
    if (e instanceof DescrError) {
      if (e.reason === "invalid") throw invalidData(where, at, e.message);
      if (e.reason === "object") {
        throw new TypeError(
          `Cannot load ${where}: it holds pickled Python objects (an object dtype), which are never read (NumPy too refuses them without allow_pickle=True)`,
        );
      }
      throw new TypeError(`${e.message}, in ${where}`);
    }
    throw e;
  }
  const dims = shapeValue.items as bigint[];
  if (dims.length > MAX_DIMS) {
    throw invalidData(
      where,
      at,
      `Header shape has ${dims.length} dimensions: arrays have at most ${MAX_DIMS} (NumPy's limit)`,
    );
  }
  const shape: number[] = [];
  let size = 1;
  for (const d of dims) {
    if (d < 0n) {
      throw invalidData(
        where,
        at,
        `Header shape ${showShape(dims)} has a negative dimension`,
      );
    }
    // Zero-size elements (`<U0`, `V0`, empty records) bound nothing by
    // their bytes: each dimension and the element count must still be
    // integers an array can hold.
    if (d > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw invalidData(
        where,
        at,
        `Header shape ${
          showShape(dims)
        } has dimension ${d}, more than 2**53 - 1 (the most an array holds)`,
      );
    }
    shape.push(Number(d));
    size *= Number(d);
  }
  // The bytes it spans bound every stride, its elements (of no bytes too)
  // every index (an array of no elements spans none: only NumPy's limit
  // applies, as for any array the library makes).
  const excess = spanExcess(shape, descr.itemsize);
  if (excess !== null) {
    throw invalidData(
      where,
      at,
      `Header shape ${showShape(dims)} of ${descr.str} overflows: ${excess}`,
    );
  }
  return { descr, fortranOrder, shape, size, nbytes: size * descr.itemsize };
}

/**
 * Formats a shape the way Python prints a tuple: `(3,)`, `(2, 3)`, `()`.
 *
 * @param dims The dimensions.
 * @returns The text.
 */
export function showShape(dims: readonly (bigint | number)[]): string {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
}

/**
 * Builds the bytes of a `.npy` header exactly as NumPy's `np.save` does:
 * keys sorted, Python reprs (the descr as `dtype_to_descr` gives it: a
 * string, or a list of field tuples for a record), 21 spare characters for
 * growing the first axis (the last one for Fortran order), padding so the
 * data starts at a multiple of 64 bytes. Without a version, the format
 * version is chosen as NumPy's writer chooses it: 1.0; 2.0 when the header
 * does not fit in 65,535 bytes; 3.0 when it holds characters outside
 * Latin-1 (field names), since 3.0 is the version whose header is UTF-8.
 *
 * @param type The array's type (or a type string such as `"<f8"`).
 * @param fortranOrder Whether the data will be in Fortran order.
 * @param shape The shape.
 * @param version The format version, or `undefined` to choose as NumPy.
 * @returns The magic string, version, length and header text.
 * @throws {RangeError} If the header does not fit in the requested version 1.0.
 * @throws {TypeError} If the header holds characters outside Latin-1 and
 *   version 1.0 or 2.0 is requested, or the type has no descr (a record with
 *   overlapping fields).
 */
export function formatNpyHeader(
  type: DType | string,
  fortranOrder: boolean,
  shape: readonly number[],
  version?: NpyVersion,
): Uint8Array {
  const dtype = toDType(type);
  let text = `{'descr': ${pyDescr(dtype.descr)}, 'fortran_order': ${
    fortranOrder ? "True" : "False"
  }, 'shape': ${showShape(shape)}, }`;
  if (shape.length > 0) {
    const growing = String(shape[fortranOrder ? shape.length - 1 : 0]);
    text += " ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - growing.length));
  }
  // deno-lint-ignore no-control-regex
  const latin1 = /^[\u0000-\u00ff]*$/.test(text);
  const encoded = latin1
    ? Uint8Array.from(text, (c) => c.charCodeAt(0))
    : new TextEncoder().encode(text);
  let major = version?.[0];
  if (major === undefined) {
    major = !latin1
      ? 3
      : wrappedLength(encoded.length, 2) - 10 <= 0xffff
      ? 1
      : 2;
  } else if (!latin1 && major !== 3) {
    throw new TypeError(
      `Cannot write a .npy version ${major}.0 header for ${dtype}: its field names need version 3.0 (UTF-8)`,
    );
  }
  const lengthSize = major === 1 ? 2 : 4;
  const total = wrappedLength(encoded.length, lengthSize);
  const hlen = total - 8 - lengthSize;
  if (major === 1 && hlen > 0xffff) {
    throw new RangeError(
      `Header length ${hlen} is too big for .npy version 1.0`,
    );
  }
  const out = new Uint8Array(total);
  out.set(NPY_MAGIC);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, hlen, true);
  else view.setUint32(8, hlen, true);
  const start = 8 + lengthSize;
  out.set(encoded, start);
  out.fill(0x20, start + encoded.length, total - 1);
  out[total - 1] = 0x0a;
  return out;
}

function wrappedLength(textLength: number, lengthSize: number): number {
  // magic (6) + version (2) + length field + text + "\n", padded with
  // spaces to the next multiple of 64; as NumPy, a full 64 when already aligned.
  const bare = 8 + lengthSize + textLength + 1;
  return bare + (ARRAY_ALIGN - (bare % ARRAY_ALIGN));
}
