/**
 * Type-level maps from NumPy data-type spellings to the JavaScript types an
 * array of that type gives, so that `memmap(p, { dtype: "float32" })` is an
 * array whose `get()` is a `number` and whose `data` is a `Float32Array`
 * without a cast. Nothing here exists at run time.
 *
 * @module
 */

import type {
  DType,
  DTypeName,
  FieldSpec,
  LongDoubleName,
  NumericName,
  RecordFields,
  RecordName,
} from "./dtype.ts";
import type { Complex } from "./nested.ts";

/** The value `get()` gives for each data type. */
export interface ElementTypes {
  /** `get()` of bool gives a `boolean`. */
  bool: boolean;
  /** `get()` of int8 gives a `number`. */
  int8: number;
  /** `get()` of int16 gives a `number`. */
  int16: number;
  /** `get()` of int32 gives a `number`. */
  int32: number;
  /** `get()` of int64 gives a `bigint`. */
  int64: bigint;
  /** `get()` of uint8 gives a `number`. */
  uint8: number;
  /** `get()` of uint16 gives a `number`. */
  uint16: number;
  /** `get()` of uint32 gives a `number`. */
  uint32: number;
  /** `get()` of uint64 gives a `bigint`. */
  uint64: bigint;
  /** `get()` of float16 gives a `number`. */
  float16: number;
  /** `get()` of float32 gives a `number`. */
  float32: number;
  /** `get()` of float64 gives a `number`. */
  float64: number;
  /** `get()` of complex64 gives a `Complex`. */
  complex64: Complex;
  /** `get()` of complex128 gives a `Complex`. */
  complex128: Complex;
  /** `get()` of a long double gives the nearest `number`. */
  float128: number;
  /** `get()` of a complex long double gives a `Complex` of the nearest numbers. */
  complex256: Complex;
  /** `get()` of bytes (`S<n>`) gives a `Uint8Array` without trailing NULs. */
  [bytes: `bytes${number}`]: Uint8Array<ArrayBuffer>;
  /** `get()` of bytes (`S0`) gives a `Uint8Array`. */
  bytes: Uint8Array<ArrayBuffer>;
  /** `get()` of text (`U<n>`) gives a `string` without trailing NULs. */
  [str: `str${number}`]: string;
  /** `get()` of text (`U0`) gives a `string`. */
  str: string;
  /** `get()` of raw bytes (`V<n>`) gives a `Uint8Array`. */
  [raw: `void${number}`]: Uint8Array<ArrayBuffer>;
  /** `get()` of raw bytes (`V0`) gives a `Uint8Array`. */
  void: Uint8Array<ArrayBuffer>;
  /** `get()` of datetime64 gives a `bigint` count of its unit (NaT: the smallest int64). */
  [datetime: `datetime64[${string}]`]: bigint;
  /** `get()` of a generic datetime64 gives a `bigint`. */
  datetime64: bigint;
  /** `get()` of timedelta64 gives a `bigint` count of its unit (NaT: the smallest int64). */
  [timedelta: `timedelta64[${string}]`]: bigint;
  /** `get()` of a generic timedelta64 gives a `bigint`. */
  timedelta64: bigint;
}

/**
 * The typed array over the elements of each data type (complex types:
 * interleaved real and imaginary parts; bool: bytes 0 and 1).
 */
export interface TypedArrayTypes {
  /** The elements of bool as a `Uint8Array`. */
  bool: Uint8Array<ArrayBuffer>;
  /** The elements of int8 as a `Int8Array`. */
  int8: Int8Array<ArrayBuffer>;
  /** The elements of int16 as a `Int16Array`. */
  int16: Int16Array<ArrayBuffer>;
  /** The elements of int32 as a `Int32Array`. */
  int32: Int32Array<ArrayBuffer>;
  /** The elements of int64 as a `BigInt64Array`. */
  int64: BigInt64Array<ArrayBuffer>;
  /** The elements of uint8 as a `Uint8Array`. */
  uint8: Uint8Array<ArrayBuffer>;
  /** The elements of uint16 as a `Uint16Array`. */
  uint16: Uint16Array<ArrayBuffer>;
  /** The elements of uint32 as a `Uint32Array`. */
  uint32: Uint32Array<ArrayBuffer>;
  /** The elements of uint64 as a `BigUint64Array`. */
  uint64: BigUint64Array<ArrayBuffer>;
  /** The elements of float16 as a `Float16Array`. */
  float16: Float16Array<ArrayBuffer>;
  /** The elements of float32 as a `Float32Array`. */
  float32: Float32Array<ArrayBuffer>;
  /** The elements of float64 as a `Float64Array`. */
  float64: Float64Array<ArrayBuffer>;
  /** The elements of complex64 as a `Float32Array`. */
  complex64: Float32Array<ArrayBuffer>;
  /** The elements of complex128 as a `Float64Array`. */
  complex128: Float64Array<ArrayBuffer>;
  /** The bytes of long doubles as a `Uint8Array`. */
  float128: Uint8Array<ArrayBuffer>;
  /** The bytes of complex long doubles as a `Uint8Array`. */
  complex256: Uint8Array<ArrayBuffer>;
  /** The bytes of `S<n>` elements as a `Uint8Array`. */
  [bytes: `bytes${number}`]: Uint8Array<ArrayBuffer>;
  /** The bytes of `S0` elements as a `Uint8Array`. */
  bytes: Uint8Array<ArrayBuffer>;
  /** The code points of `U<n>` elements as a `Uint32Array`. */
  [str: `str${number}`]: Uint32Array<ArrayBuffer>;
  /** The code points of `U0` elements as a `Uint32Array`. */
  str: Uint32Array<ArrayBuffer>;
  /** The bytes of `V<n>` elements (and records) as a `Uint8Array`. */
  [raw: `void${number}`]: Uint8Array<ArrayBuffer>;
  /** The bytes of `V0` elements as a `Uint8Array`. */
  void: Uint8Array<ArrayBuffer>;
  /** The counts of datetime64 elements as a `BigInt64Array`. */
  [datetime: `datetime64[${string}]`]: BigInt64Array<ArrayBuffer>;
  /** The counts of generic datetime64 elements as a `BigInt64Array`. */
  datetime64: BigInt64Array<ArrayBuffer>;
  /** The counts of timedelta64 elements as a `BigInt64Array`. */
  [timedelta: `timedelta64[${string}]`]: BigInt64Array<ArrayBuffer>;
  /** The counts of generic timedelta64 elements as a `BigInt64Array`. */
  timedelta64: BigInt64Array<ArrayBuffer>;
}

/**
 * Nested arrays of `E` as deep as the shape `S` is long (a subarray
 * field's value).
 */
export type NestedOf<E, S> = S extends readonly [unknown] ? E[]
  : S extends readonly [unknown, unknown] ? E[][]
  : S extends readonly [unknown, unknown, unknown] ? E[][][]
  : unknown[];

/** The value of one field of a record, given its spec in {@linkcode RecordFields}. */
export type FieldValueOf<S> = S extends
  readonly [infer B extends DTypeName, infer Shape]
  ? NestedOf<ElementOf<B>, Shape>
  : S extends DTypeName ? ElementOf<S>
  : unknown;

/**
 * A record as `get()` gives it: an object with one property per field (a
 * plain `Record<string, unknown>` when the fields are not known from the
 * types).
 */
export type RecordOf<F extends RecordFields> = string extends keyof F
  ? Record<string, unknown>
  : { -readonly [K in keyof F]: FieldValueOf<F[K]> };

/** An element of an array of data type `N` (a union when `N` is not known). */
export type ElementOf<N extends DTypeName> = N extends RecordName<infer F>
  ? RecordOf<F>
  : N extends keyof ElementTypes ? ElementTypes[N]
  : never;

/**
 * What `set()`, `fill()` and `assign()` take for one element of data type
 * `N`: what `get()` gives, and for bytes also an ASCII string, for
 * datetimes also a `Date`, an ISO 8601 string or `null` (NaT), for records
 * also a tuple-like array.
 */
export type InputOf<N extends DTypeName> = N extends RecordName<infer F>
  ? RecordInputOf<F> | readonly unknown[]
  : N extends NumericName | LongDoubleName ? number | bigint | boolean | Complex
  : N extends `bytes${string}` ? Uint8Array | string
  : N extends `str${string}` ? string
  : N extends `void${string}` ? Uint8Array
  : N extends `datetime64${string}` ? bigint | number | Date | string | null
  : N extends `timedelta64${string}` ? bigint | number | string | null
  : never;

/** A record as `set()` takes it: an object with a value for every field. */
export type RecordInputOf<F extends RecordFields> = string extends keyof F
  ? Record<string, unknown>
  : {
    readonly [K in keyof F]: F[K] extends DTypeName ? InputOf<F[K]> : unknown;
  };

/**
 * The data type of `a.field(K)` for an array of data type `N`: the field's
 * type (a subarray field's element type), or every name when the fields are
 * not known from the types.
 */
export type FieldNameOf<N extends DTypeName, K extends string> =
  // Not distributive: a union of names (an unknown type) gives every name
  // at once, which keeps the checker's comparisons of NDArray types simple.
  [N] extends [RecordName<infer F>]
    ? K extends keyof F
      ? F[K] extends readonly [infer B extends DTypeName, unknown] ? B
      : F[K] extends DTypeName ? F[K]
      : DTypeName
    : DTypeName
    : DTypeName;

/** The typed array of an array of data type `N` (bytes for records). */
export type TypedArrayOf<N extends DTypeName> = N extends RecordName
  ? Uint8Array<ArrayBuffer>
  : N extends keyof TypedArrayTypes ? TypedArrayTypes[N]
  : never;

/**
 * What `sum()` of a whole array of data type `N` gives, as NumPy's result
 * type: 64-bit integers (`bigint`) for integer types, a number for bool and
 * floats, `{ re, im }` for complex.
 */
export type SumOf<N extends DTypeName> = N extends "bool" ? number
  : ElementOf<N> extends Complex ? Complex
  : N extends `${"int" | "uint" | "timedelta64"}${string}` ? bigint
  : number;

/** What `mean()` of a whole array of data type `N` gives. */
export type MeanOf<N extends DTypeName> = N extends `complex${string}` ? Complex
  : N extends `timedelta64${string}` ? bigint
  : number;

/**
 * NumPy's other names for the supported types (`np.dtype("double")` ...).
 *
 * @ignore
 */
export interface Aliases {
  bool_: "bool";
  byte: "int8";
  ubyte: "uint8";
  short: "int16";
  ushort: "uint16";
  intc: "int32";
  uintc: "uint32";
  int: "int64";
  int_: "int64";
  intp: "int64";
  long: "int64";
  longlong: "int64";
  uint: "uint64";
  uintp: "uint64";
  ulong: "uint64";
  ulonglong: "uint64";
  half: "float16";
  single: "float32";
  double: "float64";
  float: "float64";
  csingle: "complex64";
  cdouble: "complex128";
  complex: "complex128";
  bytes_: "bytes";
  str_: "str";
  unicode: "str";
}

/**
 * Character codes and kind-and-size type strings, without a byte order.
 *
 * @ignore
 */
export interface Codes {
  "?": "bool";
  b: "int8";
  B: "uint8";
  h: "int16";
  H: "uint16";
  i: "int32";
  I: "uint32";
  l: "int64";
  L: "uint64";
  q: "int64";
  Q: "uint64";
  p: "int64";
  P: "uint64";
  n: "int64";
  N: "uint64";
  e: "float16";
  f: "float32";
  d: "float64";
  F: "complex64";
  D: "complex128";
  b1: "bool";
  i1: "int8";
  i2: "int16";
  i4: "int32";
  i8: "int64";
  u1: "uint8";
  u2: "uint16";
  u4: "uint32";
  u8: "uint64";
  f2: "float16";
  f4: "float32";
  f8: "float64";
  c8: "complex64";
  c16: "complex128";
}

/**
 * A unit as the run-time name prints it.
 *
 * @ignore
 */
export type UnitName<U extends string> = U extends "generic" ? ""
  : U extends "μs" ? "[us]"
  : `[${U}]`;

/**
 * The name of a bytes, text, raw-bytes or datetime type string without its
 * byte-order prefix (`"S5"`, `"U10"`, `"V8"`, `"M8[ns]"`), else `never`.
 *
 * @ignore
 */
export type FlexibleNameOf<R> = R extends `${"S" | "a"}${number}`
  ? `bytes${number}`
  : R extends `U${number}` ? `str${number}`
  : R extends `V${number}` ? `void${number}`
  : R extends "S" ? "bytes"
  : R extends "U" ? "str"
  : R extends "V" ? "void"
  : R extends `${"M8" | "datetime64"}[${infer U}]` ? `datetime64${UnitName<U>}`
  : R extends "M8" | "M" | "datetime64" ? "datetime64"
  : R extends `${"m8" | "timedelta64"}[${infer U}]`
    ? `timedelta64${UnitName<U>}`
  : R extends "m8" | "m" | "timedelta64" ? "timedelta64"
  : never;

/**
 * The key a field entry of NumPy's list form gets: its name (or the name of
 * a `[title, name]` pair).
 *
 * @ignore
 */
export type FieldKeyOf<K> = K extends string ? K
  : K extends readonly [string, infer Name extends string] ? Name
  : never;

/**
 * The field spec (see {@linkcode RecordFields}) of one entry of the list form.
 *
 * @ignore
 */
export type FieldOf<E> = E extends readonly [unknown, infer D, infer S]
  ? S extends readonly [] ? NameOf<D>
  : [NameOf<D>, S extends number ? [S] : S]
  : E extends readonly [unknown, infer D] ? NameOf<D>
  : never;

/**
 * The record name of NumPy's list form.
 *
 * @ignore
 */
export type ListRecordOf<L extends readonly FieldSpec[]> = RecordName<
  { [E in L[number] as FieldKeyOf<E[0]>]: FieldOf<E> } extends
    infer F extends RecordFields ? F
    : RecordFields
>;

/**
 * The record name of NumPy's dict form.
 *
 * @ignore
 */
export type DictRecordOf<
  Names extends readonly string[],
  Formats extends readonly unknown[],
> = RecordName<
  {
    [I in keyof Names & `${number}` as Names[I] & string]: NameOf<
      Formats[I & keyof Formats]
    >;
  } extends infer F extends RecordFields ? F : RecordFields
>;

/**
 * The data-type name a `DTypeLike` stands for: `"<f4"`, `"f"`, `"single"`
 * and `"float32"` all give `"float32"`; `"S5"` gives `bytes${number}`,
 * `">U10"` `str${number}`, `"M8[ns]"` `"datetime64[ns]"`; a list or dict of
 * fields gives a {@linkcode RecordName} with the fields; a
 * {@linkcode DType} gives its own name; a string only known at run time
 * gives every name (`DTypeName`).
 */
export type NameOf<L> = L extends DType<infer N> ? N
  : L extends DTypeName ? L
  : L extends keyof Aliases ? Aliases[L]
  : L extends keyof Codes ? Codes[L]
  : L extends `${"<" | ">" | "=" | "|"}${infer R extends keyof Codes}`
    ? Codes[R]
  : L extends string ? [FlexibleNameOf<L>] extends [never] ? [
        FlexibleNameOf<L extends `${"<" | ">" | "=" | "|"}${infer R}` ? R : L>,
      ] extends [never] ? DTypeName
      : FlexibleNameOf<L extends `${"<" | ">" | "=" | "|"}${infer R}` ? R : L>
    : FlexibleNameOf<L>
  : L extends readonly FieldSpec[] ? ListRecordOf<L>
  : L extends {
    readonly names: infer Names extends readonly string[];
    readonly formats: infer Formats extends readonly unknown[];
  } ? DictRecordOf<Names, Formats>
  : L extends readonly [unknown, number | readonly number[]] ? `void${number}`
  : DTypeName;

/**
 * The data type of `sum(axis)`, as NumPy's: int64 for bool and signed
 * integers, uint64 for unsigned ones, the type itself for floats and complex.
 */
export type SumDTypeOf<N extends DTypeName> = N extends "bool" | `int${string}`
  ? "int64"
  : N extends `uint${string}` ? "uint64"
  : N;

/** The data type of `var()`/`std()`: the real type of complex types, the type of floats, else float64. */
export type VarDTypeOf<N extends DTypeName> = N extends "complex64" ? "float32"
  : N extends "complex128" ? "float64"
  : N extends "complex256" ? "float128"
  : N extends `float${string}` ? N
  : "float64";

/** The data type of `mean(axis)`: float64 for bool and integers, else the type itself. */
export type MeanDTypeOf<N extends DTypeName> = N extends
  `${"float" | "complex" | "timedelta64"}${string}` ? N
  : "float64";

/**
 * Whether `A` and `B` are the same single type name (not a union).
 *
 * @ignore
 */
export type Same<A, B> = [A] extends [B] ? [B] extends [A] ? true : false
  : false;

/**
 * `N` when it is one inexact (float or complex) type name, else `never`.
 *
 * @ignore
 */
export type Inexact<N extends DTypeName> = N extends
  `${"float" | "complex"}${string}` ? N
  : never;

/**
 * The data type of `a.add(x)`, `a.sub(x)`, `a.mul(x)` (NumPy 2 promotion)
 * where the types alone decide it: an array of the same type, or a
 * JavaScript number with a float or complex array (NEP 50: the array's type
 * wins). Otherwise every name (the value, not the type, decides: `int32`
 * times `0.5` is float64, times `2` is int32).
 */
export type ArithmeticResult<N extends DTypeName, X> = X extends
  { readonly dtype: { readonly name: infer M } }
  ? Same<M, N> extends true ? N : DTypeName
  : X extends number ? [Inexact<N>] extends [never] ? DTypeName : N
  : DTypeName;

/**
 * The data type of `a.div(x)` (true division): float64 for bool and integer
 * operands of one type, the array's own type for floats and complex.
 */
export type DivResult<N extends DTypeName, X> = [Inexact<N>] extends [never]
  ? X extends number | { readonly dtype: { readonly name: N } } ? "float64"
  : DTypeName
  : ArithmeticResult<N, X>;

/**
 * The float type NumPy's float functions (`sqrt`, `exp`, `sin` ...) give
 * for an array of type `N`: the smallest float type that holds every value
 * (bool, int8, uint8: float16; int16, uint16: float32; wider integers:
 * float64); floats and complex keep their type.
 */
export type FloatOf<N extends DTypeName> = N extends "bool" | "int8" | "uint8"
  ? "float16"
  : N extends "int16" | "uint16" ? "float32"
  : N extends `${"int" | "uint"}${string}` ? "float64"
  : N;

/** The data type of `abs()`: the float type of a complex type's parts, else the type itself. */
export type AbsOf<N extends DTypeName> = N extends "complex64" ? "float32"
  : N extends "complex128" ? "float64"
  : N;

/** A result type where NumPy has no bool loop (bools compute as int8): `square`, `floorDiv`, shifts. */
export type NoBoolOf<N extends DTypeName> = N extends "bool" ? "int8" : N;

/** The data type of `round()`: the type itself (bool rounds through `rint`, giving float16). */
export type RoundOf<N extends DTypeName> = N extends "bool" ? "float16" : N;

/**
 * The data type of a float function of two operands (`arctan2`, `hypot`)
 * where the types alone decide it: an array of the same type (the float
 * type of {@linkcode FloatOf}), or a JavaScript number with a float array.
 */
export type FloatResult<N extends DTypeName, X> = X extends
  { readonly dtype: { readonly name: infer M } }
  ? Same<M, N> extends true ? FloatOf<N> : DTypeName
  : X extends number ? [Inexact<N>] extends [never] ? DTypeName : N
  : DTypeName;

/**
 * The data type of `clip(min, max)`: the array's own type when both bounds
 * are null, else as {@linkcode ArithmeticResult} for the bounds.
 */
export type ClipResult<N extends DTypeName, L, H> = [L | H] extends [null] ? N
  : [Exclude<L | H, null>] extends [infer X] ? ArithmeticResult<N, X>
  : DTypeName;

/**
 * The data type of `where(condition, x, y)` where the types alone decide
 * it: `x` and `y` arrays of one type, or a JavaScript number next to a
 * float array (NEP 50).
 */
export type WhereResult<X, Y> = X extends
  { readonly dtype: { readonly name: infer M extends DTypeName } }
  ? Y extends { readonly dtype: { readonly name: infer K } }
    ? Same<M, K> extends true ? M : DTypeName
  : ArithmeticResult<M, Y>
  : Y extends { readonly dtype: { readonly name: infer K extends DTypeName } }
    ? ArithmeticResult<K, X>
  : DTypeName;

/**
 * The type `full()` infers from a value, as {@linkcode array} does: float64
 * for numbers, int64 for bigints, bool for booleans, complex128 for
 * `{ re, im }`, an array's own type.
 */
export type FullDTypeOf<V> = V extends boolean ? "bool"
  : V extends bigint ? "int64"
  : V extends number ? "float64"
  : V extends { readonly dtype: { readonly name: infer M extends DTypeName } }
    ? M
  : V extends Complex ? "complex128"
  : DTypeName;

/**
 * Whether `T` is a union of several types.
 *
 * @ignore
 */
export type IsUnion<T, U = T> = T extends unknown ? [U] extends [T] ? false
  : true
  : never;

/**
 * The type of `concatenate()`/`stack()` of arrays of type `N`: `N` when all
 * the arrays have that one type, every name when they differ (NumPy's
 * common type, which `ArithmeticResult` does not spell out either).
 */
export type CommonDType<N extends DTypeName> = true extends IsUnion<N>
  ? DTypeName
  : N;
