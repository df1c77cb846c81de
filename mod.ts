/**
 * Memory-mapped files for Deno: Python's `mmap`, NumPy's `memmap` and
 * `.npy`/`.npz` files, and shared memory, on Deno's FFI.
 *
 * Needs `--allow-ffi` and, for files, `--allow-read` (and `--allow-write` to
 * write); importing it needs no permission.
 *
 * @example Map a file and edit it in place
 * ```ts
 * import { Mmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/hello.txt`, "Hello Python!\n");
 * {
 *   using m = Mmap.open(`${dir}/hello.txt`);
 *   m.set(6, new TextEncoder().encode(" world!\n"));
 * }
 * assert.equal(Deno.readTextFileSync(`${dir}/hello.txt`), "Hello  world!\n");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 *
 * @module
 */
export {
  type AnonymousOptions,
  Mmap,
  type MmapOpenOptions,
  type MmapOptions,
  type ReadableOptions,
} from "./src/mmap/mmap.ts";
export {
  type Access,
  ACCESS_COPY,
  ACCESS_DEFAULT,
  ACCESS_READ,
  ACCESS_WRITE,
  ALLOCATIONGRANULARITY,
  MADV_DONTNEED,
  MADV_NORMAL,
  MADV_RANDOM,
  MADV_SEQUENTIAL,
  MADV_WILLNEED,
  MADVISE,
  MAP_ANONYMOUS,
  MAP_NORESERVE,
  MAP_POPULATE,
  MAP_PRIVATE,
  MAP_SHARED,
  PAGESIZE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from "./src/mmap/constants.ts";
export {
  type SharedArrayOptions,
  SharedMemory,
  type SharedMemoryOptions,
} from "./src/shm/shared_memory.ts";
export {
  type AbsOf,
  arange,
  type ArangeOptions,
  type ArithmeticResult,
  array,
  type ArrayData,
  type ArrayInput,
  type ArrayOptions,
  type ArrayStorage,
  type Axis,
  type ByteOrder,
  type ClipResult,
  type CommonDType,
  type Complex,
  concatenate,
  type CreationOptions,
  type DateTimeName,
  type DivResult,
  DType,
  dtype,
  type DTypeField,
  type DTypeKind,
  type DTypeLike,
  type DTypeName,
  type DTypeOptions,
  type Element,
  type ElementOf,
  type ElementTypes,
  empty,
  type FieldNameOf,
  type FieldsDict,
  type FieldSpec,
  type FieldValueOf,
  type FlexibleName,
  type FloatOf,
  type FloatResult,
  frombuffer,
  type FromBufferOptions,
  full,
  type FullDTypeOf,
  type Index,
  type IndexMode,
  type IndexOptions,
  type InputOf,
  linspace,
  type LinspaceOptions,
  type LongDoubleName,
  type MeanDTypeOf,
  type MeanOf,
  Memmap,
  memmap,
  type MemmapDescription,
  type MemmapMode,
  type MemmapOptions,
  type NameOf,
  NDArray,
  type NestedOf,
  type NoBoolOf,
  norm,
  type NormOptions,
  type NumericName,
  ones,
  type RecordFields,
  type RecordInputOf,
  type RecordName,
  type RecordOf,
  type ReduceOptions,
  type RoundOf,
  type Scalar,
  stack,
  type SubDType,
  type SumDTypeOf,
  type SumOf,
  type TypedArray,
  type TypedArrayOf,
  type TypedArrayTypes,
  type UfuncOptions,
  type VarDTypeOf,
  type VarianceOptions,
  where,
  type WhereResult,
  type WrapOptions,
  zeros,
} from "./src/memmap/mod.ts";
export {
  load,
  type LoadMmapMode,
  type LoadOptions,
  NpzFile,
  type NpzFileOptions,
  type NpzMmapMode,
  openMemmap,
  type OpenMemmapOptions,
  save,
  savez,
  savezCompressed,
} from "./src/npy/mod.ts";
