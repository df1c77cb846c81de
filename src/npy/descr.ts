/**
 * The `descr` of a `.npy` header: the dtype string that `numpy.dtype()`
 * accepts, e.g. `'<f8'`, `'>i4'`, `'|b1'`, `'<c16'`.
 *
 * NumPy writes `dtype.str`; it reads whatever `numpy.dtype(descr)` accepts.
 * This module reads the forms that name a dtype this library supports
 * (booleans, signed and unsigned integers of 1 to 8 bytes, float16/32/64,
 * complex64/128), in any byte order, by kind and size (`'<f8'`), by type
 * character (`'d'`) or by name (`'float64'`), and turns them into the
 * canonical `dtype.str` form. Descriptors NumPy knows but this library
 * cannot hold (objects, strings, datetimes, long double, structured dtypes)
 * are a `TypeError`; anything else is malformed.
 *
 * @module
 */

/** A parsed descriptor of a supported dtype. */
export interface Descr {
  /** The canonical NumPy `dtype.str`, e.g. `"<f8"`, `"|u1"`. */
  readonly str: string;
  /** NumPy's kind character: `b` (bool), `i`, `u`, `f`, `c`. */
  readonly kind: "b" | "i" | "u" | "f" | "c";
  /** Bytes per element. */
  readonly itemsize: number;
  /** `"<"` little-endian, `">"` big-endian, `"|"` not applicable (1 byte). */
  readonly byteorder: "<" | ">" | "|";
}

/** Why a descriptor was refused: `unsupported` (valid for NumPy) or `invalid`. */
export class DescrError extends Error {
  /** `"unsupported"` for a dtype NumPy has but this library does not, `"object"` for `O`, else `"invalid"`. */
  readonly reason: "unsupported" | "object" | "invalid";
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   * @param reason The category.
   */
  constructor(message: string, reason: "unsupported" | "object" | "invalid") {
    super(message);
    this.name = "DescrError";
    this.reason = reason;
  }
}

const NATIVE: "<" | ">" = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
  ? "<"
  : ">";

const KIND_SIZES: Record<string, readonly number[]> = {
  b: [1],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  f: [2, 4, 8],
  c: [8, 16],
};

/** Type characters (`numpy.dtype(c).char`) of supported dtypes, on an LP64 system. */
const CHARS: Record<string, [Descr["kind"], number]> = {
  "?": ["b", 1],
  b: ["i", 1],
  B: ["u", 1],
  h: ["i", 2],
  H: ["u", 2],
  i: ["i", 4],
  I: ["u", 4],
  l: ["i", 8],
  L: ["u", 8],
  q: ["i", 8],
  Q: ["u", 8],
  p: ["i", 8],
  P: ["u", 8],
  n: ["i", 8],
  N: ["u", 8],
  e: ["f", 2],
  f: ["f", 4],
  d: ["f", 8],
  F: ["c", 8],
  D: ["c", 16],
};

const NAMES: Record<string, [Descr["kind"], number]> = {
  bool: ["b", 1],
  bool_: ["b", 1],
  int8: ["i", 1],
  int16: ["i", 2],
  int32: ["i", 4],
  int64: ["i", 8],
  uint8: ["u", 1],
  uint16: ["u", 2],
  uint32: ["u", 4],
  uint64: ["u", 8],
  float16: ["f", 2],
  float32: ["f", 4],
  float64: ["f", 8],
  complex64: ["c", 8],
  complex128: ["c", 16],
  byte: ["i", 1],
  ubyte: ["u", 1],
  short: ["i", 2],
  ushort: ["u", 2],
  intc: ["i", 4],
  uintc: ["u", 4],
  int: ["i", 8],
  int_: ["i", 8],
  intp: ["i", 8],
  uint: ["u", 8],
  uintp: ["u", 8],
  long: ["i", 8],
  ulong: ["u", 8],
  longlong: ["i", 8],
  ulonglong: ["u", 8],
  half: ["f", 2],
  single: ["f", 4],
  double: ["f", 8],
  float: ["f", 8],
  csingle: ["c", 8],
  cdouble: ["c", 16],
  complex: ["c", 16],
};

/** Valid NumPy descriptors of dtypes this library does not hold. */
const UNSUPPORTED =
  /^[<>=|]?(?:[SUVa]\d*|c|[Mm]8?(?:\[\d*[A-Za-z]+\])?|g|G|f(?:10|12|16)|c(?:20|24|32)|longdouble|clongdouble|str|str_|bytes|bytes_|void|datetime64(?:\[\d*[A-Za-z]+\])?|timedelta64(?:\[\d*[A-Za-z]+\])?)$/;

/**
 * Parses a `descr` string into a supported dtype.
 *
 * @param descr The descriptor, e.g. `"<f8"`.
 * @returns The canonical descriptor.
 * @throws {DescrError} With reason `"object"` for object arrays (`'|O'`),
 *   `"unsupported"` for other dtypes NumPy has but this library does not,
 *   and `"invalid"` for anything NumPy would refuse too.
 */
export function parseDescr(descr: string): Descr {
  if (
    /^[<>=|]?O\d*$/.test(descr) || descr === "object" || descr === "object_"
  ) {
    throw new DescrError(
      `Cannot load an object array (descr ${
        JSON.stringify(descr)
      }): pickles are never read`,
      "object",
    );
  }
  let order = "";
  let body = descr;
  if (/^[<>=|]/.test(descr)) {
    order = descr[0];
    body = descr.slice(1);
  }
  let found: [Descr["kind"], number] | undefined;
  const m = /^([biufc])([1-9][0-9]?)$/.exec(body);
  if (m !== null) {
    const size = Number(m[2]);
    if (KIND_SIZES[m[1]].includes(size)) found = [m[1] as Descr["kind"], size];
  } else if (body.length === 1 && Object.hasOwn(CHARS, body)) {
    found = CHARS[body];
  } else if (order === "" && Object.hasOwn(NAMES, body)) {
    found = NAMES[body];
  }
  if (found === undefined) {
    if (UNSUPPORTED.test(descr)) {
      throw new DescrError(
        `Cannot load dtype ${
          JSON.stringify(descr)
        }: this library holds bool, int8..int64, uint8..uint64, float16/32/64 and complex64/128 only`,
        "unsupported",
      );
    }
    throw new DescrError(
      `Descriptor ${JSON.stringify(descr)} is not a valid dtype`,
      "invalid",
    );
  }
  const [kind, itemsize] = found;
  let byteorder: Descr["byteorder"];
  if (itemsize === 1) byteorder = "|";
  else if (order === "<" || order === ">") byteorder = order;
  else byteorder = NATIVE;
  return { str: `${byteorder}${kind}${itemsize}`, kind, itemsize, byteorder };
}

/** The byte order of this machine, `"<"` or `">"`. */
export const NATIVE_BYTEORDER: "<" | ">" = NATIVE;
