/**
 * Runs an element-wise operation over arrays: one strided walk over the
 * output's shape (inputs broadcast to it, any strides, negative ones
 * included), in the output's memory order, handing runs to the generated
 * loop. Operands in native byte order and aligned are read and written in
 * place through typed arrays; the others go through small buffers, byte
 * swapped (NumPy's buffered iterator). An input that overlaps the output
 * (but for being the output itself) is copied first, as NumPy does, so the
 * result is as if computed through a copy. Same-type copies move bytes
 * (`TypedArray.prototype.set` for contiguous runs).
 *
 * Over a memory map, the walk prepares each window of the output before
 * writing it and, for walks larger than `RELEASE_THRESHOLD` (storage.ts),
 * releases finished windows, so that in-place work on files larger than
 * RAM keeps memory use bounded.
 *
 * @module
 */

import { type DType, type DTypeName, nativeDType } from "../dtype.ts";
import { assignItems, wantsItems } from "../item_arrays.ts";
import { arrayIO, empty, type NDArray } from "../ndarray.ts";
import {
  copyRun,
  gatherBytes,
  type RunIO,
  scatterBytes,
  type TypedArray,
  typedCtor,
  typedView,
  unitOf,
} from "../element.ts";
import { type Operand, RUN, walk } from "../iterate.ts";
import { broadcastStrides } from "../shape.ts";
import { windowsOf } from "../storage.ts";
import { loopFor, wordsOf } from "./compile.ts";
import { computeOverlaid } from "./overlaid.ts";
import { assign, type Signature, type Ufunc } from "./table.ts";
import { type Kind, kindOf } from "./values.ts";

/** One operand as the walk hands it to a loop. */
interface Side {
  /** How its bytes are read and written. */
  io: RunIO;
  /** The stored type's kind (native order). */
  kind: Kind;
  /** Byte strides over the walk's shape (0 on broadcast axes). */
  strides: number[];
  /** Byte offset of the first element. */
  offset: number;
  /** Bytes per unit of `ta`. */
  unit: number;
  /** The typed array the loop sees: over the storage, or a buffer. */
  ta: TypedArray;
  /** Words over the same bytes for 64-bit integers, else null. */
  words: Int32Array | null;
  /** Byte offset of `ta` within its buffer (the storage's, for direct operands). */
  base: number;
  /** Whether the operand goes through a buffer (byte order or alignment). */
  buffered: boolean;
  /** The bytes of the buffer (buffered operands). */
  scratch: Uint8Array | null;
}

function side(a: NDArray, shape: readonly number[], run: number): Side {
  const io = arrayIO(a);
  const kind = kindOf(a.dtype.name);
  const unit = unitOf(a.dtype);
  const strides = broadcastStrides(a.shape, a.strides, shape);
  if (io.ta !== null) {
    return {
      io,
      kind,
      strides,
      offset: a.byteOffset,
      unit,
      ta: io.ta,
      words: kind.family === "int64" ? wordsOf(io.ta.buffer) : null,
      base: io.bytes.byteOffset,
      buffered: false,
      scratch: null,
    };
  }
  const Ctor = typedCtor(a.dtype);
  const parts = a.itemsize / unit;
  const ta = new Ctor(Math.max(run, 1) * parts);
  return {
    io,
    kind,
    strides,
    offset: a.byteOffset,
    unit,
    ta,
    words: kind.family === "int64" ? wordsOf(ta.buffer) : null,
    base: 0,
    buffered: true,
    scratch: new Uint8Array(ta.buffer),
  };
}

/** Whether two arrays share bytes without being the same view. */
function overlaps(a: NDArray, b: NDArray): boolean {
  if (a.storage.bytes.buffer !== b.storage.bytes.buffer) return false;
  const [alo, ahi] = extent(a);
  const [blo, bhi] = extent(b);
  return alo < bhi && blo < ahi &&
    !(a.byteOffset === b.byteOffset && a.storage === b.storage &&
      a.dtype.equals(b.dtype) && a.ndim === b.ndim &&
      a.shape.every((n, k) =>
        n === b.shape[k] && a.strides[k] === b.strides[k]
      ));
}

function extent(a: NDArray): [number, number] {
  let lo = a.byteOffset, hi = a.byteOffset;
  for (let k = 0; k < a.ndim; k++) {
    const span = (a.shape[k] - 1) * a.strides[k];
    if (span < 0) lo += span;
    else hi += span;
  }
  const base = a.storage.bytes.byteOffset;
  return a.size === 0 ? [base, base] : [lo + base, hi + a.itemsize + base];
}

/** A C-order in-memory copy of `a` (same type), for inputs that overlap an output. */
function detachedCopy(a: NDArray): NDArray {
  const c = empty(a.shape, a.dtype);
  copyInto(c, a);
  return c;
}

/**
 * Walk options that prepare the windows of the output (for writing) and of
 * the inputs (for reading) before the walk reaches them, and release them
 * behind it when the walk is large (see {@linkcode windowsOf}). An input
 * over the same bytes as the output is prepared with it.
 */
function windowing(out: NDArray, inputs: readonly NDArray[] = []) {
  const [lo, hi] = extent(out);
  return {
    memoryOrder: true,
    tile: true,
    ...windowsOf(out, true),
    others: inputs.map((a) => {
      if (a.storage !== out.storage) return windowsOf(a, false);
      const [alo, ahi] = extent(a);
      return alo >= lo && ahi <= hi ? undefined : windowsOf(a, false);
    }),
  };
}

/**
 * Computes `ufunc` of `inputs` into `out` with the loop `signature` (the
 * caller has resolved types and checked the shapes and the cast to `out`).
 * Inputs broadcast to `out`'s shape.
 *
 * @param ufunc The operation.
 * @param signature The loop's types (inputs, then output).
 * @param inputs The inputs.
 * @param out The output (writable).
 */
export function execute(
  ufunc: Ufunc,
  signature: Signature,
  inputs: readonly NDArray[],
  out: NDArray,
): void {
  if (out.size === 0) return;
  const ins = inputs.map((a) => overlaps(a, out) ? detachedCopy(a) : a);
  const shape = out.shape;
  const buffered = ins.some((a) => arrayIO(a).ta === null) ||
    arrayIO(out).ta === null;
  const run = buffered ? Math.min(RUN, out.size) : 0;
  const sides = [...ins, out].map((a) => side(a, shape, run));
  const loop = loopFor({
    ufunc,
    loop: signature.map(kindOf),
    operands: sides.map((s) => s.kind),
  });
  const nin = ins.length;
  const o = sides[nin];
  const first = (s: Side) => (s.base + s.offset) / s.unit;
  if (
    !buffered &&
    computeOverlaid(ufunc, signature, ins, out, (from, count) => {
      const args = [...ins, out].flatMap((a, k) => {
        const s = sides[k], fixed = a.size === 1;
        return [s.ta, s.words, first(s) + (fixed ? 0 : from), fixed ? 0 : 1];
      });
      loop(count, ...args);
    })
  ) {
    return;
  }
  const operands: Operand[] = [o, ...sides.slice(0, nin)].map((s) => ({
    offset: s.offset,
    strides: s.strides,
  }));
  const args: unknown[] = new Array(4 * (nin + 1));
  const place = (
    s: Side,
    k: number,
    off: number,
    stride: number,
    n: number,
  ) => {
    let index: number, step: number;
    if (!s.buffered) {
      index = (s.base + off) / s.unit;
      step = stride / s.unit;
    } else {
      const parts = s.kind.family === "complex" ? 2 : 1;
      index = 0;
      step = stride === 0 ? 0 : parts;
      if (k < nin) {
        gatherBytes(s.io, off, stride, stride === 0 ? 1 : n, s.scratch!);
      }
    }
    args[4 * k] = s.ta;
    args[4 * k + 1] = s.words;
    args[4 * k + 2] = index;
    args[4 * k + 3] = step;
  };
  walk(
    shape,
    operands,
    (offs, count, strides) => {
      for (let k = 0; k < nin; k++) {
        place(sides[k], k, offs[k + 1], strides[k + 1], count);
      }
      place(o, nin, offs[0], strides[0], count);
      loop(count, ...args);
      if (o.buffered) {
        scatterBytes(o.io, offs[0], strides[0], count, o.scratch!);
      }
    },
    { ...windowing(out, ins), maxRun: buffered ? run : Infinity },
  );
}

/**
 * The types same-type copies move elements as, by item size (16 bytes: two
 * halves): integers, and float64 for 8 bytes, whose loads and stores keep
 * every bit (V8 converts nothing; float32 and float16 elements would go
 * through a double, which quiets signalling NaNs).
 */
const RAW: Record<number, DTypeName> = {
  1: "uint8",
  2: "uint16",
  4: "int32",
  8: "float64",
  16: "float64",
};

const rawViews = new WeakMap<ArrayBufferLike, Map<number, TypedArray>>();

/** A typed array of `ctor` over a whole buffer (cached). */
function viewOf(buffer: ArrayBufferLike, dt: DType): TypedArray {
  let views = rawViews.get(buffer);
  if (views === undefined) {
    views = new Map();
    rawViews.set(buffer, views);
  }
  let view = views.get(dt.itemsize);
  if (view === undefined || view.buffer !== buffer) {
    view = typedView(buffer, dt);
    views.set(dt.itemsize, view);
  }
  return view;
}

/**
 * Copies `src` into `dst` (same type and byte order), broadcasting `src`:
 * bytes are moved, never converted. Contiguous runs are one `set`
 * (memmove); a value broadcast over a contiguous run is written once and
 * doubled; other runs go through the generated loop of an integer type of
 * the item's size, so that no value (a NaN's payload, a signalling NaN) is
 * ever interpreted.
 */
function copyInto(dst: NDArray, src: NDArray): void {
  const dio = arrayIO(dst), sio = arrayIO(src);
  const strides = broadcastStrides(src.shape, src.strides, dst.shape);
  const isz = dst.itemsize;
  const raw = nativeDType(RAW[isz]);
  const unit = raw.itemsize;
  const aligned = [dst.byteOffset + dio.bytes.byteOffset, ...dst.strides]
    .every((x) => x % unit === 0) &&
    [src.byteOffset + sio.bytes.byteOffset, ...strides].every((x) =>
      x % unit === 0
    );
  const kind = kindOf(raw.name);
  const loop = loopFor({
    ufunc: assign,
    loop: [kind, kind],
    operands: [kind, kind],
  });
  const dta = viewOf(dio.bytes.buffer, raw),
    sta = viewOf(sio.bytes.buffer, raw);
  const dw = kind.family === "int64" ? wordsOf(dio.bytes.buffer) : null;
  const sw = kind.family === "int64" ? wordsOf(sio.bytes.buffer) : null;
  walk(
    dst.shape,
    [
      { offset: dst.byteOffset, strides: dst.strides },
      { offset: src.byteOffset, strides },
    ],
    (offs, count, st) => {
      const [d, s] = offs;
      const di = (dio.bytes.byteOffset + d) / unit;
      const si = (sio.bytes.byteOffset + s) / unit;
      if (aligned && st[1] === 0 && st[0] === isz && unit === isz) {
        // One value over a contiguous run: the typed array's own fill, of
        // the integer type of the item's size (the bits, as they are).
        (dta as Int32Array).fill(sta[si] as number, di, di + count);
        return;
      }
      if ((st[0] === isz && (st[1] === isz || st[1] === 0)) || !aligned) {
        copyRun(dio, d, st[0], sio, s, st[1], count);
        return;
      }
      const ds = st[0] / unit, ss = st[1] / unit;
      for (let part = 0; part < isz / unit; part++) {
        loop(count, sta, sw, si + part, ss, dta, dw, di + part, ds);
      }
    },
    { ...windowing(dst, [src]), maxRun: Infinity },
  );
}

/**
 * Writes `src` into `dst`, converted to `dst`'s type with NumPy's unsafe
 * casting and broadcast to its shape (`a[...] = b`). An overlapping `src`
 * is read as it was before the call. Bytes, text, raw bytes, records,
 * datetimes, timedeltas and long doubles (on either side) are copied and
 * cast element by element as `assign` does (see `assignItems`).
 *
 * @param dst The target (writable, open).
 * @param src The values.
 * @throws {TypeError} For a cast between those types that is not supported.
 */
export function castInto(dst: NDArray, src: NDArray): void {
  if (dst.size === 0) return;
  if (wantsItems(dst.dtype) || wantsItems(src.dtype)) {
    assignItems(dst, src, () => {});
    return;
  }
  if (src.dtype.equals(dst.dtype)) {
    copyInto(dst, overlaps(src, dst) ? detachedCopy(src) : src);
    return;
  }
  const t = dst.dtype.toNative().name;
  execute(assign, [t, t], [src], dst);
}

/**
 * A new C-order in-memory array holding `src` converted to `dtype`.
 *
 * @param src The values.
 * @param dtype The type of the copy.
 * @param plain In a plain `ArrayBuffer` of its own (see `empty`).
 * @returns The copy.
 */
export function castCopy(
  src: NDArray,
  dtype = src.dtype,
  plain = false,
): NDArray {
  const out = empty(src.shape, dtype, plain);
  castInto(out, src);
  return out;
}
