/**
 * NumPy data types: parsing NumPy names, character codes and type strings
 * (`"float64"`, `"d"`, `"<f8"`, `">i4"`, `"?"`, `"S5"`, `">U10"`, `"V8"`,
 * `"M8[ns]"`, `"timedelta64[s]"`), NumPy's structured forms (see
 * {@link ./structured.ts}), and the properties NumPy prints for them.
 *
 * @module
 */

import { guardReceivers } from "../_receivers.ts";
import { parseUnit, type UnitInfo } from "./datetime.ts";
import {
  arrayDescr,
  isCommaString,
  parseCommaString,
  parseStructured,
  reprOf,
} from "./structured.ts";
import type { NameOf } from "./types.ts";
import { describe } from "../_args.ts";

/**
 * The kinds NumPy reports in `dtype.kind`: bool, signed, unsigned, float,
 * complex, bytes (`S`), text (`U`), raw bytes and records (`V`), datetime
 * (`M`) and timedelta (`m`).
 */
export type DTypeKind =
  | "b"
  | "i"
  | "u"
  | "f"
  | "c"
  | "S"
  | "U"
  | "V"
  | "M"
  | "m";

/** The names of the numeric data types, as NumPy prints `dtype.name`. */
export type NumericName =
  | "bool"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "float16"
  | "float32"
  | "float64"
  | "complex64"
  | "complex128";

/**
 * NumPy's long double types on x86-64 (`np.longdouble`, `"<f16"`, `"g"`):
 * the 80-bit x87 extended format stored in 16 bytes, and its complex
 * counterpart. Elements read as the nearest double; arithmetic and
 * reductions need `astype("float64")` first.
 */
export type LongDoubleName = "float128" | "complex256";

/**
 * The names of `S` (bytes), `U` (text) and `V` (raw bytes) types as NumPy
 * prints `dtype.name`: the size in bits follows, `"bytes40"` for `S5`,
 * `"str320"` for `U10`, `"void64"` for `V8`; a size of 0 prints bare.
 */
export type FlexibleName =
  | `bytes${number}`
  | "bytes"
  | `str${number}`
  | "str"
  | `void${number}`
  | "void";

/**
 * The names of datetime64 and timedelta64 types: `"datetime64[ns]"`,
 * `"timedelta64[2D]"`, or bare for the generic unit.
 */
export type DateTimeName =
  | `datetime64[${string}]`
  | "datetime64"
  | `timedelta64[${string}]`
  | "timedelta64";

/**
 * The fields of a record type at the type level: each name maps to the
 * field's data-type name, or to `[name, shape]` for a subarray field.
 */
export type RecordFields = {
  readonly [name: string]: DTypeName | readonly [DTypeName, readonly number[]];
};

/**
 * The name of a structured (record) type: at run time NumPy's `"void96"`,
 * at the type level also the fields, so that `get()` of a record is an
 * object with the fields' types.
 */
export type RecordName<F extends RecordFields = RecordFields> =
  & `void${number}`
  & {
    /** The fields, at the type level only (no such property at run time). */
    readonly "@seed/mmap record fields": F;
  };

/** The names of the supported data types, as NumPy prints `dtype.name`. */
export type DTypeName =
  | NumericName
  | LongDoubleName
  | FlexibleName
  | DateTimeName
  | RecordName;

/** A byte order as NumPy prints `dtype.byteorder`: native, big-endian, little-endian (non-native) or not applicable. */
export type ByteOrder = "=" | "<" | ">" | "|";

/**
 * One entry of NumPy's list form of a structured type: `[name, format]` or
 * `[name, format, shape]`; the name may be `[title, name]`.
 */
export type FieldSpec =
  | readonly [string | readonly [string, string], DTypeLike]
  | readonly [
    string | readonly [string, string],
    DTypeLike,
    number | readonly number[],
  ];

/** NumPy's dict form of a structured type (`np.dtype({"names": ..., "formats": ...})`). */
export interface FieldsDict {
  /** The field names. */
  readonly names: readonly string[];
  /** The field types, one per name. */
  readonly formats: readonly DTypeLike[];
  /** Byte offsets of the fields; packed (or aligned) when omitted. */
  readonly offsets?: readonly number[];
  /** The record size; at least what the fields need. */
  readonly itemsize?: number;
  /** Titles (other names) of the fields, `null` for none. */
  readonly titles?: readonly (string | null | undefined)[];
  /** As the `align` option. */
  readonly aligned?: boolean;
}

/**
 * Anything `dtype()` accepts: a NumPy name, character code or type string,
 * a {@linkcode DType}, a list of fields, a dict of fields, or a
 * `[format, shape]` pair for a subarray type.
 */
export type DTypeLike =
  | string
  | DType
  | readonly FieldSpec[]
  | FieldsDict
  | readonly [DTypeLike, number | readonly number[]];

/** A field of a structured type, as NumPy's `dtype.fields[name]`. */
export interface DTypeField {
  /** The field's type (a subarray type for subarray fields). */
  readonly dtype: DType;
  /** Its byte offset in the record. */
  readonly offset: number;
  /** Its title, when it has one. */
  readonly title?: string;
}

/** The base type and shape of a subarray type, as NumPy's `dtype.subdtype`. */
export interface SubDType {
  /** The element type. */
  readonly base: DType;
  /** The subarray's shape. */
  readonly shape: readonly number[];
}

/** Options of {@linkcode dtype}. */
export interface DTypeOptions {
  /** Lay structured types out as a C compiler does (NumPy's `align=True`). */
  align?: boolean;
}

interface TypeInfo {
  name: NumericName | LongDoubleName;
  kind: DTypeKind;
  itemsize: number;
  char: string;
}

const TYPES: readonly TypeInfo[] = [
  { name: "bool", kind: "b", itemsize: 1, char: "?" },
  { name: "int8", kind: "i", itemsize: 1, char: "b" },
  { name: "uint8", kind: "u", itemsize: 1, char: "B" },
  { name: "int16", kind: "i", itemsize: 2, char: "h" },
  { name: "uint16", kind: "u", itemsize: 2, char: "H" },
  { name: "int32", kind: "i", itemsize: 4, char: "i" },
  { name: "uint32", kind: "u", itemsize: 4, char: "I" },
  { name: "int64", kind: "i", itemsize: 8, char: "l" },
  { name: "uint64", kind: "u", itemsize: 8, char: "L" },
  { name: "float16", kind: "f", itemsize: 2, char: "e" },
  { name: "float32", kind: "f", itemsize: 4, char: "f" },
  { name: "float64", kind: "f", itemsize: 8, char: "d" },
  { name: "complex64", kind: "c", itemsize: 8, char: "F" },
  { name: "complex128", kind: "c", itemsize: 16, char: "D" },
  { name: "float128", kind: "f", itemsize: 16, char: "g" },
  { name: "complex256", kind: "c", itemsize: 32, char: "G" },
];

const BY_NAME = new Map<string, TypeInfo>(TYPES.map((t) => [t.name, t]));

/** Aliases NumPy accepts for the names above (and that map to a supported type on 64-bit Linux/macOS). */
const ALIASES: Record<string, NumericName | LongDoubleName> = {
  bool_: "bool",
  byte: "int8",
  ubyte: "uint8",
  short: "int16",
  ushort: "uint16",
  intc: "int32",
  uintc: "uint32",
  int: "int64",
  int_: "int64",
  intp: "int64",
  long: "int64",
  longlong: "int64",
  uint: "uint64",
  uintp: "uint64",
  ulong: "uint64",
  ulonglong: "uint64",
  half: "float16",
  single: "float32",
  double: "float64",
  float: "float64",
  csingle: "complex64",
  cdouble: "complex128",
  complex: "complex128",
  longdouble: "float128",
  clongdouble: "complex256",
};

/** Character codes (single letters) NumPy accepts. */
const CHARS: Record<string, NumericName | LongDoubleName> = {
  "?": "bool",
  b: "int8",
  B: "uint8",
  h: "int16",
  H: "uint16",
  i: "int32",
  I: "uint32",
  l: "int64",
  L: "uint64",
  q: "int64",
  Q: "uint64",
  p: "int64",
  P: "uint64",
  n: "int64",
  N: "uint64",
  e: "float16",
  f: "float32",
  d: "float64",
  F: "complex64",
  D: "complex128",
  g: "float128",
  G: "complex256",
};

const LITTLE_ENDIAN_HOST: boolean =
  new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Everything a {@linkcode DType} is made of (internal). */
export interface Layout {
  name: string;
  kind: DTypeKind;
  itemsize: number;
  char: string;
  /** Stored byte order; ignored (true) where byte order does not apply. */
  littleEndian: boolean;
  fields: Record<string, DTypeField> | null;
  names: readonly string[] | null;
  subdtype: SubDType | null;
  unit: UnitInfo | null;
  alignment: number;
  isAlignedStruct: boolean;
}

/** Whether byte order applies to a layout's elements (NumPy's `byteorder` is not `"|"`). */
function hasByteOrder(kind: DTypeKind, itemsize: number): boolean {
  if (kind === "U" || kind === "M" || kind === "m") return true;
  return (kind === "i" || kind === "u" || kind === "f" || kind === "c") &&
    itemsize > 1;
}

let pending: Layout | null = null;

/** Whether a value is a {@linkcode DType} made here (a brand check: runs no code of the value). */
let isDType: (x: unknown) => x is DType;

/**
 * The parsed unit of a datetime64/timedelta64 type (internal), or `null`.
 *
 * @param t The type.
 * @returns The unit.
 */
export let unitInfoOf: (t: DType) => UnitInfo | null;

/**
 * A NumPy data type: the element type of an {@linkcode NDArray}.
 *
 * Instances are created with {@linkcode dtype}; equal types compare equal
 * with {@linkcode DType.equals}.
 *
 * @example Inspect a big-endian type
 * ```ts
 * import { dtype } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const t = dtype(">i4");
 * assert.deepEqual([t.name, t.str, t.itemsize, t.kind, t.byteorder], ["int32", ">i4", 4, "i", ">"]);
 * assert.ok(t.equals(dtype(">i4")) && !t.equals(dtype("<i4")));
 * ```
 *
 * @example A record type
 * ```ts
 * import { dtype } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const t = dtype([["id", "<u4"], ["x", "<f4"], ["pos", "<f8", [3]]]);
 * assert.deepEqual([t.name, t.str, t.itemsize], ["void256", "|V32", 32]);
 * assert.deepEqual(t.names, ["id", "x", "pos"]);
 * assert.equal(t.fields?.pos.offset, 8);
 * assert.deepEqual(t.fields?.pos.dtype.subdtype?.shape, [3]);
 * ```
 */
export class DType<N extends DTypeName = DTypeName> {
  /** The type name as NumPy prints `dtype.name`, e.g. `"float64"`, `"bytes40"`, `"datetime64[ns]"`, `"void96"`. */
  readonly name: N;
  /** `"b"` (bool), `"i"`, `"u"`, `"f"`, `"c"` (complex), `"S"` (bytes), `"U"` (text), `"V"` (raw bytes, records, subarrays), `"M"` (datetime64), `"m"` (timedelta64). */
  readonly kind: DTypeKind;
  /** Bytes per element. */
  readonly itemsize: number;
  /** NumPy's character code, e.g. `"d"` for float64, `"U"` for text. */
  readonly char: string;
  /** `"="` native, `"<"`/`">"` non-native little/big endian, `"|"` where byte order does not apply. */
  readonly byteorder: ByteOrder;
  /** The type string NumPy prints as `dtype.str`, e.g. `"<f8"`, `">i4"`, `"|u1"`, `"|S5"`, `"<U10"`, `"<M8[ns]"`, `"|V12"`. */
  readonly str: string;
  /** Whether elements are stored little-endian (true where byte order does not apply). */
  readonly littleEndian: boolean;
  /** Whether elements are stored in the host's byte order (true where byte order does not apply). */
  readonly isNative: boolean;
  /** The fields of a structured type by name (and by title, as NumPy), or `null`. */
  readonly fields: Readonly<Record<string, DTypeField>> | null;
  /** The field names of a structured type in order, or `null`. */
  readonly names: readonly string[] | null;
  /** Base type and shape of a subarray type (a field such as `["pos", "<f8", [3]]`), or `null`. */
  readonly subdtype: SubDType | null;
  /** The unit of a datetime64/timedelta64 type (`"ns"`, `"D"`, `"2h"`; `""` for the generic unit), else `null`. */
  readonly unit: string | null;
  /** The alignment NumPy gives the type (a packed record: 1). */
  readonly alignment: number;
  /** Whether the record was laid out with `align: true`. */
  readonly isAlignedStruct: boolean;
  readonly #unit: UnitInfo | null;

  #brand = true;

  static {
    unitInfoOf = (t: DType): UnitInfo | null => t.#unit;
    isDType = (x: unknown): x is DType =>
      typeof x === "object" && x !== null && #brand in x;
  }

  /**
   * Creates a data type; use {@linkcode dtype} instead.
   *
   * @param name A type name as `dtype.name` prints it (`"float64"`, `"bytes40"`, `"str320"`, `"void64"`, `"datetime64[ns]"`).
   * @param littleEndian The stored byte order.
   * @throws {TypeError} If the name is not a data type name (records cannot be made from a name).
   */
  constructor(name: N, littleEndian: boolean) {
    if (pending === null && typeof name !== "string") {
      throw new TypeError(
        `Cannot make a data type from ${typeof name}: use dtype() with a type name`,
      );
    }
    const layout = pending ?? layoutOfName(name, Boolean(littleEndian));
    pending = null;
    this.name = layout.name as N;
    this.kind = layout.kind;
    this.itemsize = layout.itemsize;
    this.char = layout.char;
    const ordered = hasByteOrder(layout.kind, layout.itemsize);
    const little = ordered ? layout.littleEndian : true;
    this.littleEndian = little;
    this.isNative = !ordered || little === LITTLE_ENDIAN_HOST;
    this.byteorder = !ordered ? "|" : this.isNative ? "=" : little ? "<" : ">";
    this.fields = layout.fields === null
      ? null
      : Object.freeze({ ...layout.fields });
    this.names = layout.names === null
      ? null
      : Object.freeze([...layout.names]);
    this.subdtype = layout.subdtype === null ? null : Object.freeze({
      base: layout.subdtype.base,
      shape: Object.freeze([...layout.subdtype.shape]),
    });
    this.#unit = layout.unit;
    this.unit = layout.unit === null ? null : layout.unit.text;
    this.alignment = layout.alignment;
    this.isAlignedStruct = layout.isAlignedStruct;
    const order = ordered ? (little ? "<" : ">") : "|";
    this.str = order + strBody(layout);
    Object.freeze(this);
  }

  /**
   * The type as a `.npy` header's `descr` holds it (NumPy's
   * `numpy.lib.format.dtype_to_descr`): `dtype.str` for a plain type, and
   * for a record NumPy's list of `[name, descr]` / `[name, descr, shape]`
   * entries, with `["", "|V<n>"]` entries for padding and `[title, name]`
   * pairs for titled fields.
   *
   * @throws {TypeError} For a record whose fields overlap or are out of
   * order (NumPy's `dtype.descr` is not defined for them either).
   *
   * @example The descr of a padded record
   * ```ts
   * import { dtype } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const t = dtype([["a", "u1"], ["b", "<f8"]], { align: true });
   * assert.deepEqual(t.descr, [["a", "|u1"], ["", "|V7"], ["b", "<f8"]]);
   * assert.equal(dtype(">U3").descr, ">U3");
   * ```
   */
  get descr(): unknown {
    return this.names === null ? this.str : arrayDescr(this);
  }

  /**
   * Tells whether two data types are the same type in the same byte order
   * (records: the same fields at the same offsets, and the same size).
   *
   * @param other The type to compare with.
   * @returns `true` when they are the same.
   *
   * @example Compare spellings
   * ```ts
   * import { dtype } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.ok(dtype("d").equals(dtype("<f8")));
   * assert.ok(!dtype(">f8").equals(dtype("<f8")));
   * assert.ok(dtype("S5").equals("|S5"));
   * ```
   */
  equals(other: DTypeLike): boolean {
    const o = dtype(other);
    if (o === this) return true;
    if (
      o.name !== this.name || o.kind !== this.kind ||
      o.itemsize !== this.itemsize || o.littleEndian !== this.littleEndian ||
      o.unit !== this.unit
    ) return false;
    if (this.subdtype !== null || o.subdtype !== null) {
      return this.subdtype !== null && o.subdtype !== null &&
        this.subdtype.base.equals(o.subdtype.base) &&
        sameShape(this.subdtype.shape, o.subdtype.shape);
    }
    if (this.names === null || o.names === null) {
      return this.names === o.names;
    }
    if (this.names.length !== o.names.length) return false;
    return this.names.every((n, i) => {
      const a = this.fields![n], b = o.fields![n];
      return o.names![i] === n && b !== undefined && a.offset === b.offset &&
        a.title === b.title && a.dtype.equals(b.dtype);
    });
  }

  /**
   * Returns this type in the host's byte order (itself when already native;
   * records and subarrays convert every field).
   *
   * @returns The native-order type.
   *
   * @example Swap to native
   * ```ts
   * import { dtype } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(dtype(">i4").toNative().byteorder, "=");
   * ```
   */
  toNative(): DType<N> {
    if (this.names !== null || this.subdtype !== null) {
      return isAllNative(this) ? this : withByteOrder(this, LITTLE_ENDIAN_HOST);
    }
    if (this.isNative) return this;
    return new DType(this.name, LITTLE_ENDIAN_HOST);
  }

  /**
   * Returns the NumPy `repr` form, e.g. `dtype('float64')`, `dtype('>f8')`,
   * `dtype('S5')`, `dtype('<U10')`, `dtype([('id', '<u4'), ('x', '<f4')])`.
   *
   * @returns The text.
   *
   * @example Print a type
   * ```ts
   * import { dtype } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(String(dtype(">i4")), "dtype('>i4')");
   * assert.equal(String(dtype([["a", "<i4"]])), "dtype([('a', '<i4')])");
   * ```
   */
  toString(): string {
    return `dtype(${reprOf(this)})`;
  }

  /** Shows the type as NumPy's `repr` in `console.log`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

// A method or getter called on anything but a DType throws the library's TypeError.
guardReceivers(DType.prototype, "DType", isDType, "a DType");

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** The part of `dtype.str` after the byte-order character. */
function strBody(l: Layout): string {
  switch (l.kind) {
    case "U":
      return `U${l.itemsize / 4}`;
    case "M":
    case "m":
      return `${l.kind}8${l.unit!.text === "" ? "" : `[${l.unit!.text}]`}`;
    default:
      return `${l.kind}${l.itemsize}`;
  }
}

/** Whether a type and all its fields are in the host's byte order. */
function isAllNative(t: DType): boolean {
  if (t.subdtype !== null) return isAllNative(t.subdtype.base);
  if (t.names !== null) {
    return t.names.every((n) => isAllNative(t.fields![n].dtype));
  }
  return t.isNative;
}

/** The same type with every element stored in the given byte order. */
function withByteOrder<N extends DTypeName>(
  t: DType<N>,
  little: boolean,
): DType<N> {
  if (t.subdtype !== null) {
    return subarrayDType(
      withByteOrder(t.subdtype.base, little),
      t.subdtype.shape,
    ) as DType<N>;
  }
  if (t.names !== null) {
    const fields: Record<string, DTypeField> = {};
    for (const [key, f] of Object.entries(t.fields!)) {
      fields[key] = { ...f, dtype: withByteOrder(f.dtype, little) };
    }
    return createDType({
      name: t.name,
      kind: t.kind,
      itemsize: t.itemsize,
      char: t.char,
      littleEndian: true,
      fields,
      names: t.names,
      subdtype: null,
      unit: null,
      alignment: t.alignment,
      isAlignedStruct: t.isAlignedStruct,
    }) as DType<N>;
  }
  return t.littleEndian === little ? t : new DType(t.name, little);
}

/**
 * Creates a data type from a layout (records, subarrays). Internal.
 *
 * @param layout What the type is made of.
 * @returns The type.
 */
export function createDType(layout: Layout): DType {
  if (layout.itemsize > MAX_ITEMSIZE) {
    throw new TypeError(
      `Cannot make a data type of ${layout.itemsize} bytes: it passes ${ITEMSIZE_LIMIT}`,
    );
  }
  pending = layout;
  try {
    return new DType(layout.name as DTypeName, layout.littleEndian);
  } finally {
    pending = null;
  }
}

/**
 * The largest itemsize of a data type, in bytes: NumPy holds it (and each
 * dimension of a subarray) in a C `int`.
 */
export const MAX_ITEMSIZE = 2 ** 31 - 1;
const ITEMSIZE_LIMIT =
  `NumPy's limit of ${MAX_ITEMSIZE} bytes (its itemsize is a C int)`;

/** The name NumPy gives a flexible or record type of `itemsize` bytes. */
export function flexibleName(kind: "S" | "U" | "V", itemsize: number): string {
  const word = kind === "S" ? "bytes" : kind === "U" ? "str" : "void";
  return itemsize === 0 ? word : `${word}${itemsize * 8}`;
}

/**
 * A subarray type: `shape` elements of `base` (NumPy's `np.dtype((base, shape))`).
 *
 * @param base The element type.
 * @param shape The subarray's shape.
 * @returns The subarray type, or `base` itself when `shape` is `[]`.
 */
export function subarrayDType(base: DType, shape: readonly number[]): DType {
  if (shape.length === 0) return base;
  let b = base;
  let dims = [...shape];
  if (b.subdtype !== null) {
    dims = [...dims, ...b.subdtype.shape];
    b = b.subdtype.base;
  }
  const shown = `(${dims.join(", ")}${dims.length === 1 ? "," : ""})`;
  const wide = dims.find((n) => n > MAX_ITEMSIZE);
  if (wide !== undefined) {
    throw new TypeError(
      `Cannot make a subarray type of shape ${shown} of ${b.name}: dimension ${wide} does not fit in a C int (NumPy's limit)`,
    );
  }
  const itemsize = dims.reduce((p, n) => p * n, b.itemsize);
  if (itemsize > MAX_ITEMSIZE) {
    throw new TypeError(
      `Cannot make a subarray type of shape ${shown} of ${b.name}: its ${itemsize} bytes pass ${ITEMSIZE_LIMIT}`,
    );
  }
  return createDType({
    name: flexibleName("V", itemsize),
    kind: "V",
    itemsize,
    char: "V",
    littleEndian: true,
    fields: null,
    names: null,
    subdtype: { base: b, shape: dims },
    unit: null,
    alignment: b.alignment,
    isAlignedStruct: false,
  });
}

function numericLayout(info: TypeInfo, little: boolean): Layout {
  return {
    name: info.name,
    kind: info.kind,
    itemsize: info.itemsize,
    char: info.char,
    littleEndian: little,
    fields: null,
    names: null,
    subdtype: null,
    unit: null,
    alignment: Math.min(
      16,
      info.kind === "c" ? info.itemsize / 2 : info.itemsize,
    ),
    isAlignedStruct: false,
  };
}

function flexibleLayout(
  kind: "S" | "U" | "V",
  count: number,
  little: boolean,
): Layout {
  const itemsize = kind === "U" ? 4 * count : count;
  return {
    name: flexibleName(kind, itemsize),
    kind,
    itemsize,
    char: kind,
    littleEndian: little,
    fields: null,
    names: null,
    subdtype: null,
    unit: null,
    alignment: kind === "U" ? 4 : 1,
    isAlignedStruct: false,
  };
}

function dateLayout(kind: "M" | "m", unit: UnitInfo, little: boolean): Layout {
  const word = kind === "M" ? "datetime64" : "timedelta64";
  return {
    name: unit.text === "" ? word : `${word}[${unit.text}]`,
    kind,
    itemsize: 8,
    char: kind,
    littleEndian: little,
    fields: null,
    names: null,
    subdtype: null,
    unit,
    alignment: 8,
    isAlignedStruct: false,
  };
}

/** Parses a name as `dtype.name` prints it (for the constructor). */
function layoutOfName(name: string, little: boolean): Layout {
  const info = BY_NAME.get(name);
  if (info !== undefined) return numericLayout(info, little);
  const flex = /^(bytes|str|void)(\d*)$/.exec(name);
  if (flex !== null) {
    const bits = flex[2] === "" ? 0 : Number(flex[2]);
    const kind = flex[1] === "bytes" ? "S" : flex[1] === "str" ? "U" : "V";
    const unit = kind === "U" ? 32 : 8;
    if (bits % unit === 0 && (flex[2] === "" || bits > 0)) {
      return flexibleLayout(kind, bits / unit, little);
    }
  }
  const date = /^(datetime64|timedelta64)(?:\[([^\]]*)\])?$/.exec(name);
  if (date !== null) {
    const unit = parseUnit(date[2]);
    if (unit !== undefined && (date[2] === undefined || unit.text !== "")) {
      return dateLayout(date[1] === "datetime64" ? "M" : "m", unit, little);
    }
  }
  throw new TypeError(
    `Cannot create data type ${describe(name)}: not supported`,
  );
}

const NATIVE = new Map<string, DType>();

/** Returns the cached native-order type of a name. */
export function nativeDType<N extends DTypeName>(name: N): DType<N> {
  let d = NATIVE.get(name) as DType<N> | undefined;
  if (d === undefined) {
    d = new DType(name, LITTLE_ENDIAN_HOST);
    NATIVE.set(name, d);
  }
  return d;
}

const TYPESTR = /^([a-zA-Z])(\d+)$/;

function fromKindSize(
  kind: string,
  size: number,
): NumericName | LongDoubleName | undefined {
  for (const t of TYPES) {
    if (t.kind === kind && t.itemsize === size) return t.name;
  }
  return undefined;
}

const FLEX_NAMES: Record<string, "S" | "U" | "V"> = {
  bytes: "S",
  bytes_: "S",
  str: "U",
  str_: "U",
  unicode: "U",
  void: "V",
};

const DATE = /^(M8|m8|M|m|datetime64|timedelta64)(?:\[([^\]]*)\])?$/;

/** Parses a type string (numeric, flexible or datetime). */
function parseString(like: string): DType | undefined {
  const direct = BY_NAME.get(like) ??
    (Object.hasOwn(ALIASES, like) ? BY_NAME.get(ALIASES[like]) : undefined);
  if (direct !== undefined) return nativeDType(direct.name);
  if (Object.hasOwn(FLEX_NAMES, like)) {
    return createDType(flexibleLayout(FLEX_NAMES[like], 0, LITTLE_ENDIAN_HOST));
  }
  let rest = like;
  let little = LITTLE_ENDIAN_HOST;
  const prefix = rest[0];
  if (prefix === "<" || prefix === ">" || prefix === "=" || prefix === "|") {
    rest = rest.slice(1);
    if (prefix === "<") little = true;
    else if (prefix === ">") little = false;
  }
  let name: NumericName | LongDoubleName | undefined = Object.hasOwn(
      CHARS,
      rest,
    )
    ? CHARS[rest]
    : undefined;
  if (name === undefined) {
    const m = TYPESTR.exec(rest);
    if (m !== null) name = fromKindSize(m[1], Number(m[2]));
  }
  if (name !== undefined) {
    return little === LITTLE_ENDIAN_HOST
      ? nativeDType(name)
      : new DType(name, little);
  }
  const flex = /^([SUVac])(\d*)$/.exec(rest);
  if (flex !== null) {
    if (flex[1] === "c") {
      return flex[2] === ""
        ? createDType({ ...flexibleLayout("S", 1, little), char: "c" })
        : undefined;
    }
    // NumPy takes a bare "a" (deprecated) but not "<a": sized only after a prefix.
    if (flex[1] === "a" && flex[2] === "" && rest !== like) return undefined;
    const kind = flex[1] === "a" ? "S" : flex[1] as "S" | "U" | "V";
    const count = flex[2] === "" ? 0 : Number(flex[2]);
    // NumPy: "not understood" when the itemsize (4 bytes a character for U) passes a C int.
    if (count * (kind === "U" ? 4 : 1) > MAX_ITEMSIZE) return undefined;
    return createDType(flexibleLayout(kind, count, little));
  }
  const date = DATE.exec(rest);
  if (date !== null) {
    const unit = parseUnit(date[2]);
    if (unit === undefined) return undefined;
    const kind = date[1][0] === "M" || date[1][0] === "d" ? "M" : "m";
    return createDType(dateLayout(kind, unit, little));
  }
  return undefined;
}

/**
 * Parses a NumPy data type: a name (`"float64"`, `"uint8"`, `"bool"`,
 * `"complex64"`, NumPy aliases like `"double"` or `"int"`), a character
 * code (`"d"`, `"B"`, `"?"`, `"e"`), a type string with an optional
 * byte-order prefix (`"<f8"`, `">i4"`, `"=u2"`, `"|u1"`); bytes `"S5"`,
 * text `"U10"` / `">U10"` (UCS-4), raw bytes `"V8"`; datetimes
 * `"M8[ns]"` / `"datetime64[D]"` and timedeltas `"m8[ms]"` /
 * `"timedelta64[s]"` with any NumPy unit (Y M W D h m s ms us ns ps fs as,
 * with a multiple such as `"2D"`; without a unit: generic); NumPy's comma
 * strings: `"2i4"` and `"(2,3)f8"` (subarrays), `"f8, i4"` (a record with
 * fields `f0`, `f1`). Structured
 * types come from NumPy's list form (`[["id", "<u4"], ["pos", "<f8",
 * [3]]]`, packed) or dict form (`{ names, formats, offsets?, itemsize?,
 * titles? }`), laid out as a C compiler would with `{ align: true }`.
 *
 * @param like The type to parse, or a {@linkcode DType} (returned as is).
 * @param options `align: true` for C layout of structured types.
 * @returns The data type.
 * @throws {TypeError} If the type is not understood or not supported
 *   (objects `"O"`, `float128` ...), or a structured spec is malformed
 *   (duplicate names, negative offsets, itemsize too small ...).
 *
 * @example Inspect types the way NumPy prints them
 * ```ts
 * import { dtype } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const d = dtype(">i4");
 * assert.equal(d.name, "int32");
 * assert.equal(d.str, ">i4");
 * assert.equal(d.byteorder, ">");
 * assert.equal(dtype("d").str, "<f8");
 * assert.equal(dtype("?").itemsize, 1);
 * assert.equal(dtype("S5").name, "bytes40");
 * assert.equal(dtype("U10").itemsize, 40);
 * assert.equal(dtype("M8[ns]").unit, "ns");
 * ```
 *
 * @example A C struct with padding
 * ```ts
 * import { dtype } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const t = dtype([["tag", "u1"], ["value", "<f8"]], { align: true });
 * assert.equal(t.fields?.value.offset, 8);
 * assert.equal(t.itemsize, 16);
 * ```
 */
export function dtype<const L extends DTypeLike>(
  like: L,
  options?: DTypeOptions,
): DType<NameOf<L>>;
export function dtype(like: DTypeLike, options: DTypeOptions = {}): DType {
  if (isDType(like)) return like;
  if (typeof like === "string") {
    if (isCommaString(like)) {
      return parseCommaString(like, options?.align === true);
    }
    const t = parseString(like);
    if (t === undefined) {
      throw new TypeError(
        `Cannot interpret ${
          describe(like)
        } as a data type: not understood or not supported`,
      );
    }
    return t;
  }
  if (typeof like === "object" && like !== null) {
    return parseStructured(like, options?.align === true);
  }
  throw new TypeError(
    `Cannot interpret ${
      describe(like)
    } as a data type: expected a string, a DType, a list of fields or a dict of fields`,
  );
}
