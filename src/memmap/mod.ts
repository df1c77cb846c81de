/**
 * NumPy's data types, n-dimensional arrays and memory-mapped arrays.
 *
 * @module
 */

export {
  type ByteOrder,
  type DateTimeName,
  DType,
  dtype,
  type DTypeField,
  type DTypeKind,
  type DTypeLike,
  type DTypeName,
  type DTypeOptions,
  type FieldsDict,
  type FieldSpec,
  type FlexibleName,
  type LongDoubleName,
  type NumericName,
  type RecordFields,
  type RecordName,
  type SubDType,
} from "./dtype.ts";
export type { TypedArray } from "./element.ts";
export type { ArrayStorage } from "./storage.ts";
export {
  type ArrayInput,
  type Complex,
  type Element,
  type Index,
  type IndexOptions,
  NDArray,
  type Scalar,
  type UfuncOptions,
} from "./ndarray.ts";
export { array, type ArrayData, type ArrayOptions } from "./array.ts";
export { where } from "./ufunc/compose.ts";
export type { Axis, ReduceOptions, VarianceOptions } from "./reduce_axes.ts";
export type { IndexMode } from "./indexing.ts";
export type {
  AbsOf,
  ArithmeticResult,
  ClipResult,
  CommonDType,
  DivResult,
  ElementOf,
  ElementTypes,
  FieldNameOf,
  FieldValueOf,
  FloatOf,
  FloatResult,
  FullDTypeOf,
  InputOf,
  MeanDTypeOf,
  MeanOf,
  NameOf,
  NestedOf,
  NoBoolOf,
  RecordInputOf,
  RecordOf,
  RoundOf,
  SumDTypeOf,
  SumOf,
  TypedArrayOf,
  TypedArrayTypes,
  VarDTypeOf,
  WhereResult,
} from "./types.ts";
export { frombuffer, type FromBufferOptions } from "./frombuffer.ts";
export {
  arange,
  type ArangeOptions,
  concatenate,
  type CreationOptions,
  empty,
  full,
  linspace,
  type LinspaceOptions,
  ones,
  stack,
  zeros,
} from "./creation.ts";
export {
  Memmap,
  memmap,
  type MemmapDescription,
  type MemmapMode,
  type MemmapOptions,
  type WrapOptions,
} from "./memmap.ts";
export { norm, type NormOptions } from "./norm.ts";
