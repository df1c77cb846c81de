/**
 * NumPy data types: parsing NumPy names, character codes and type strings
 * (`"float64"`, `"d"`, `"<f8"`, `">i4"`, `"?"`), and the properties NumPy
 * prints for them.
 *
 * @module
 */

import type { NameOf } from "./types.ts";
import { describe } from "../_args.ts";

/** The kinds NumPy reports in `dtype.kind`: bool, signed, unsigned, float, complex. */
export type DTypeKind = "b" | "i" | "u" | "f" | "c";

/** The canonical names of the supported data types, as NumPy prints `dtype.name`. */
export type DTypeName =
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

/** A byte order as NumPy prints `dtype.byteorder`: native, big-endian, little-endian (non-native) or not applicable. */
export type ByteOrder = "=" | "<" | ">" | "|";

/** Anything `dtype()` accepts: a NumPy name, character code or type string, or a {@linkcode DType}. */
export type DTypeLike = string | DType;

interface TypeInfo {
  name: DTypeName;
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
];

const BY_NAME = new Map<string, TypeInfo>(TYPES.map((t) => [t.name, t]));

/** Aliases NumPy accepts for the names above (and that map to a supported type on 64-bit Linux/macOS). */
const ALIASES: Record<string, DTypeName> = {
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
};

/** Character codes (single letters) NumPy accepts. */
const CHARS: Record<string, DTypeName> = {
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
};

/** Whether a value is a {@linkcode DType} made here (a brand check: runs no code of the value). */
let isDType: (x: unknown) => x is DType;

const LITTLE_ENDIAN_HOST: boolean =
  new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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
 */
export class DType<N extends DTypeName = DTypeName> {
  /** The type name as NumPy prints `dtype.name`, e.g. `"float64"`. */
  readonly name: N;
  /** One of `"b"` (bool), `"i"`, `"u"`, `"f"`, `"c"` (complex). */
  readonly kind: DTypeKind;
  /** Bytes per element. */
  readonly itemsize: number;
  /** NumPy's character code, e.g. `"d"` for float64. */
  readonly char: string;
  /** `"="` native, `"<"`/`">"` non-native little/big endian, `"|"` for one-byte types. */
  readonly byteorder: ByteOrder;
  /** The type string NumPy prints as `dtype.str`, e.g. `"<f8"`, `">i4"`, `"|u1"`. */
  readonly str: string;
  /** Whether elements are stored little-endian (true for one-byte types). */
  readonly littleEndian: boolean;
  /** Whether elements are stored in the host's byte order (true for one-byte types). */
  readonly isNative: boolean;
  #brand = true;

  static {
    isDType = (x: unknown): x is DType =>
      typeof x === "object" && x !== null && #brand in x;
  }

  /**
   * Creates a data type; use {@linkcode dtype} instead.
   *
   * @param name The type name.
   * @param littleEndian The stored byte order.
   */
  constructor(name: N, littleEndian: boolean) {
    const info = BY_NAME.get(name);
    if (info === undefined) {
      throw new TypeError(
        `Cannot create data type ${describe(name)}: not supported`,
      );
    }
    this.name = info.name as N;
    this.kind = info.kind;
    this.itemsize = info.itemsize;
    this.char = info.char;
    const single = info.itemsize === 1;
    this.littleEndian = single ? true : littleEndian;
    this.isNative = single || littleEndian === LITTLE_ENDIAN_HOST;
    this.byteorder = single
      ? "|"
      : this.isNative
      ? "="
      : littleEndian
      ? "<"
      : ">";
    this.str = (single ? "|" : littleEndian ? "<" : ">") + info.kind +
      String(info.itemsize);
    Object.freeze(this);
  }

  /**
   * Tells whether two data types are the same type in the same byte order.
   *
   * @param other The type to compare with.
   * @returns `true` when name and stored byte order agree.
   *
   * @example Compare spellings
   * ```ts
   * import { dtype } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.ok(dtype("d").equals(dtype("<f8")));
   * assert.ok(!dtype(">f8").equals(dtype("<f8")));
   * ```
   */
  equals(other: DTypeLike): boolean {
    const o = dtype(other);
    return o.name === this.name && o.littleEndian === this.littleEndian;
  }

  /**
   * Returns this type in the host's byte order (itself when already native).
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
    return this.isNative ? this : nativeDType(this.name);
  }

  /**
   * Returns the NumPy `repr` form, e.g. `dtype('float64')` or `dtype('>f8')`.
   *
   * @returns The text.
   *
   * @example Print a type
   * ```ts
   * import { dtype } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(String(dtype(">i4")), "dtype('>i4')");
   * ```
   */
  toString(): string {
    return `dtype('${this.isNative ? this.name : this.str}')`;
  }

  /** Shows the type as NumPy's `repr` in `console.log`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

const NATIVE = new Map<DTypeName, DType>();

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

function fromKindSize(kind: string, size: number): DTypeName | undefined {
  for (const t of TYPES) {
    if (t.kind === kind && t.itemsize === size) return t.name;
  }
  return undefined;
}

/**
 * Parses a NumPy data type: a name (`"float64"`, `"uint8"`, `"bool"`,
 * `"complex64"`, NumPy aliases like `"double"` or `"int"`), a character
 * code (`"d"`, `"B"`, `"?"`, `"e"`), or a type string with an optional
 * byte-order prefix (`"<f8"`, `">i4"`, `"=u2"`, `"|u1"`). Byte-order
 * prefixes apply to codes and type strings, as in NumPy.
 *
 * @param like The type to parse, or a {@linkcode DType} (returned as is).
 * @returns The data type.
 * @throws {TypeError} If the type is not understood or not supported
 *   (strings, objects, datetimes, `float128` ...).
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
 * ```
 */
export function dtype<const L extends DTypeLike>(like: L): DType<NameOf<L>>;
export function dtype(like: DTypeLike): DType {
  if (isDType(like)) return like;
  if (typeof like !== "string") {
    throw new TypeError(
      `Cannot interpret ${
        describe(like)
      } as a data type: expected a string or a DType`,
    );
  }
  const direct = BY_NAME.get(like) ??
    (Object.hasOwn(ALIASES, like) ? BY_NAME.get(ALIASES[like]) : undefined);
  if (direct !== undefined) return nativeDType(direct.name);
  let rest = like;
  let little = LITTLE_ENDIAN_HOST;
  const prefix = rest[0];
  if (prefix === "<" || prefix === ">" || prefix === "=" || prefix === "|") {
    rest = rest.slice(1);
    if (prefix === "<") little = true;
    else if (prefix === ">") little = false;
  }
  let name: DTypeName | undefined = Object.hasOwn(CHARS, rest)
    ? CHARS[rest]
    : undefined;
  if (name === undefined) {
    const m = TYPESTR.exec(rest);
    if (m !== null) name = fromKindSize(m[1], Number(m[2]));
  }
  if (name === undefined) {
    throw new TypeError(
      `Cannot interpret ${
        describe(like)
      } as a data type: not understood or not supported`,
    );
  }
  return little === LITTLE_ENDIAN_HOST
    ? nativeDType(name)
    : new DType(name, little);
}
