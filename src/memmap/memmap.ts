/**
 * `memmap()` and `Memmap`: NumPy's `numpy.memmap`, an {@linkcode NDArray}
 * over a memory-mapped file.
 *
 * @module
 */

import { guardReceivers } from "../_receivers.ts";
import { resolve } from "node:path";
import { refuseJSON } from "../_clone.ts";
import { osError } from "../ffi/os_error.ts";
import { withReadOnlyHint } from "../ffi/permissions.ts";
import {
  clearOverlay,
  cutShort,
  isMmap,
  mapIntoMemory,
  type MemoryShown,
  type Mmap,
  openFile,
  overlayMmap,
  populateMmap,
} from "../mmap/mmap.ts";
import { toPath } from "../mmap/path.ts";
import { ALLOCATIONGRANULARITY, MADV_DONTNEED } from "../mmap/constants.ts";
import {
  dtype as toDType,
  type DTypeLike,
  type DTypeName,
  type FieldsDict,
} from "./dtype.ts";
import { specOf } from "./structured.ts";
import { type GivenLayout, toLayout } from "./layout_options.ts";
import { readAheadHooks, ReadAheadRecord } from "./read_ahead.ts";
import { SCRATCH_BYTES } from "./kernels/runtime.ts";
import type { FieldNameOf, NameOf } from "./types.ts";
import { allowArrayClass, NDArray } from "./ndarray.ts";
import {
  contiguousStrides,
  formatShape,
  normalizeShape,
  shapeSize,
} from "./shape.ts";
import type { ArrayStorage } from "./storage.ts";
import {
  isDetached,
  offerMemory,
  offerOverlay,
  offerViews,
  ownStorage,
  throwClosed,
} from "./storage.ts";
import type { Index } from "./shape.ts";
import { describe, isArray, MAX_SAFE, toInt, toOptions } from "../_args.ts";

/** Options key under which a view passes the storage it shares (internal). */
const VIEW = Symbol("view");

/** What a view of a memmap shares with it. */
interface ViewOf {
  storage: ArrayStorage;
  strides: readonly number[];
}

/** NumPy's memmap modes, short and long names. */
export type MemmapMode =
  | "r"
  | "r+"
  | "w+"
  | "c"
  | "readonly"
  | "readwrite"
  | "write"
  | "copyonwrite";

/** Options of {@linkcode memmap}. */
export interface MemmapOptions<D extends DTypeLike = DTypeLike> {
  /** The element type; default `"uint8"`. */
  dtype?: D;
  /**
   * `"r"` read-only; `"r+"` read/write, writes reach the file (default);
   * `"w+"` create or overwrite the file (needs `shape`); `"c"` copy-on-write,
   * writes stay in memory. NumPy's long names are accepted too.
   */
  mode?: MemmapMode;
  /** Byte offset of the array in the file; any value (no alignment needed). Default 0. */
  offset?: number;
  /** The shape; default the rest of the file after `offset` as a 1-D array. */
  shape?: number | readonly number[];
  /** `"C"` (row-major, default) or `"F"` (column-major) layout in the file. */
  order?: "C" | "F";
  /**
   * Byte step of each axis in the file, as NumPy's `ndarray.strides` (may
   * be negative or 0); needs `shape`, replaces `order`, not with `"w+"`.
   * For reopening a view elsewhere: see {@linkcode Memmap.describe}.
   */
  strides?: readonly number[];
}

/**
 * A plain, cloneable description of a memmap or of a view of one: the
 * arguments that map the same elements of the same file again, in a
 * `Worker` (post it) or another process (`JSON.stringify` it). Reopen it
 * with `memmap(description.filename, description)`.
 */
export interface MemmapDescription extends MemmapOptions<string | FieldsDict> {
  /** The absolute path of the file. */
  filename: string;
  /**
   * The element type as NumPy's `dtype.str`, e.g. `"<f8"`; for records
   * NumPy's dict form (`names`, `formats`, `offsets`, `itemsize`, `titles`).
   */
  dtype: string | FieldsDict;
  /** `"r"`, `"r+"` or `"c"` (a `"w+"` memmap is described as `"r+"`: the file exists now). */
  mode: "r" | "r+" | "c";
  /** Where the first element lies in the file, in bytes. */
  offset: number;
  /** Length of each axis. */
  shape: number[];
  /** Byte step of each axis in the file. */
  strides: number[];
}

const MODES: Record<string, "r" | "r+" | "w+" | "c"> = {
  r: "r",
  "r+": "r+",
  "w+": "w+",
  c: "c",
  readonly: "r",
  readwrite: "r+",
  write: "w+",
  copyonwrite: "c",
};

const ACCESS = { r: "read", "r+": "write", "w+": "write", c: "copy" } as const;

/**
 * Memmaps whose map spans at least `minBytes` read and write their file
 * through a second map of it inside a `WebAssembly.Memory` of their own
 * (`mapIntoMemory` in `mmap.ts`) instead of the map's own `ArrayBuffer`,
 * so that the SIMD kernels work on it in place. The memory is made when
 * the memmap's bytes are first used (`LazyBytes` in `storage.ts`), not when
 * it is opened: V8 counts it as memory held outside its heap, and while
 * V8's limit for that is low (a process's first calls) each one made
 * starts a marking of the heap (10-15 ms of CPU time on a 2-core VM), so a
 * memmap opened and closed, or an operand a call never reads, makes none.
 * Internal; tests lower `minBytes`.
 */
export const memorySettings = { minBytes: 16 * 1024 * 1024 };

/** The second maps of memmaps' storage (see {@linkcode memorySettings}). */
const shownMaps = new WeakMap<ArrayStorage, MemoryShown>();

/**
 * The error for pages a walk asked the kernel for and could not have
 * (`EFAULT`: a hole the full disk cannot fill, or the file cut short by
 * another program; `ENOMEM`, `EIO`): thrown before the window is touched,
 * where the access itself would be a `SIGBUS`.
 */
function unreachablePages(
  cause: unknown,
  code: unknown,
  start: number,
  end: number,
  path: string,
): Error {
  const error = osError(
    "madvise",
    typeof code === "string" ? code : "EIO",
    `bytes ${start}..${end} of the map cannot be read or written: the file ` +
      "has holes the disk has no room to fill, or was cut short by another " +
      "program",
    path,
  );
  error.cause = cause;
  return error;
}

/** Everything the {@linkcode Memmap} constructor needs besides the map. */
export interface WrapOptions {
  /** The file name to report (made absolute). */
  filename: string;
  /** The normalized mode the map was opened for. */
  mode: "r" | "r+" | "w+" | "c";
  /** Byte offset of the array in the file (reported as `Memmap.offset`). */
  offset: number;
  /** Byte offset of the array within the map (`offset - map.offset`). */
  start: number;
  /** The element type. */
  dtype: DTypeLike;
  /** The shape. */
  shape: readonly number[];
  /** Layout; default `"C"`. */
  order?: "C" | "F";
  /** Byte strides; default contiguous in `order`. */
  strides?: readonly number[];
}

/** Whether a value is a {@linkcode Memmap} (its private field's brand). */
let isMemmap: (value: unknown) => boolean;

/**
 * An array whose elements live in a memory-mapped file, as NumPy's
 * `numpy.memmap`. Created by {@linkcode memmap} (or by `openMemmap()` /
 * `load()` for `.npy` files).
 *
 * Views (`slice()`, `reshape()`, `T` ...) share the map. `close()` unmaps
 * the file; after it, the memmap and every view of it throw
 * `Deno.errors.BadResource` instead of reading. Whole-array reductions and
 * `assign()` walk the map in 16 MiB windows and release finished windows
 * (`madvise(MADV_DONTNEED)`, not in mode `"c"`), so that summing a file
 * larger than RAM keeps memory use small. On Linux, `sum()`, `mean()`,
 * `min()` and `max()` of 16 MiB or more of contiguous little-endian float64
 * or float32 data read the file's pages in place with WebAssembly SIMD
 * kernels (same result as the loop, bit for bit), and so do sums along
 * the outer axis of C-order arrays and reductions along the innermost axis;
 * a stray write through
 * `data` of a mode `"r"` memmap (which stays private and never reaches the
 * file) is not seen by those reductions.
 *
 * Safety: the library never cuts the file under this map (mode `"w+"` or a
 * shrinking resize elsewhere is `Deno.errors.Busy` while it is open), and a
 * file grown for it has its blocks reserved. Another program truncating the
 * file while it is mapped makes access to the lost pages crash the process
 * (SIGBUS); no library can prevent that.
 *
 * @example Write, flush, reopen read-only
 * ```ts
 * import { memmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/data.bin`;
 * {
 *   using fp = memmap(path, { dtype: "float32", mode: "w+", shape: [3, 4] });
 *   fp.slice(1).assign([1, 2, 3, 4]);
 *   fp.flush();
 * }
 * using ro = memmap(path, { dtype: "float32", mode: "r", shape: [3, 4] });
 * assert.equal(ro.sum(), 10);
 * assert.throws(() => ro.set(0, 0, 1), TypeError);
 * ro.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
// Covariant in N: TypeScript cannot measure it through the conditional
// result types (a Memmap<"int32"> is a Memmap), so it is declared.
// @ts-expect-error: TS2636, the variance the checker cannot prove
export class Memmap<out N extends DTypeName = DTypeName> extends NDArray<N>
  implements Disposable {
  /** The absolute path of the mapped file. */
  readonly filename: string;
  /** Byte offset of the array in the file. */
  readonly offset: number;
  /** The mode, normalized to NumPy's short name. */
  readonly mode: "r" | "r+" | "w+" | "c";
  #mmap: Mmap;

  static {
    isMemmap = (value) =>
      typeof value === "object" && value !== null && #mmap in value;
  }

  /**
   * Not for use: a memmap is made by {@linkcode memmap}, `openMemmap()` or
   * `load()`, which alone know the mode the map was opened for (the
   * options here would otherwise be trusted to say whether the map may be
   * written).
   *
   * @param mmap The map holding the array.
   * @param options Where the array is and what it holds.
   * @throws {TypeError} Always, when called from outside the library.
   */
  constructor(mmap: Mmap, options: WrapOptions) {
    const ours = constructing;
    constructing = false;
    if (
      !ours || !isMmap(mmap) || typeof options !== "object" || options === null
    ) {
      throw new TypeError(
        "Cannot construct a Memmap directly: use memmap(), openMemmap() or load()",
      );
    }
    if (mmap.closed) {
      throw new Deno.errors.BadResource(
        "Cannot make a Memmap over a closed Mmap",
      );
    }
    const dt = toDType(options.dtype);
    const shape = normalizeShape(options.shape);
    const mode = options.mode;
    const view = (options as WrapOptions & { [VIEW]?: ViewOf })[VIEW];
    if (view !== undefined) {
      super(view.storage, dt, shape, view.strides, options.start);
      this.filename = options.filename;
      this.offset = options.offset;
      this.mode = mode;
      this.#mmap = mmap;
      Object.freeze(this);
      return;
    }
    // Read and written in place either way: through a second map in a
    // memory of its own when the map is large (see memorySettings), made
    // when the bytes are first used (a map opened and closed, or one a
    // call never reads, makes none), else through the map's own buffer.
    let shown: MemoryShown | null = null;
    const lazy = mmap.length >= Math.max(memorySettings.minBytes, 1);
    let bytesMade = !lazy;
    // The file must still cover the map (an fstat): what a read of pages
    // read ahead before needs (see read_ahead.ts).
    const readAhead = new ReadAheadRecord(mmap.length);
    const verify = (): void => {
      const cut = cutShort(mmap);
      if (cut !== null) {
        // The cut dropped the pages past the new end: a file grown again
        // has holes there, not pages read ahead (asked for again next time,
        // a page-in the read-ahead makes an error rather than the kernels'
        // reads).
        readAhead.remove(0, mmap.length);
        throw osError(
          "fstat",
          "EFAULT",
          `the file was cut short by another program: it has ${cut.size} ` +
            `bytes, the map needs ${cut.needed}`,
          options.filename,
        );
      }
    };
    // Frozen, hooks guarded (ownStorage): `readOnly` and the hooks cannot be
    // changed through `a.storage`, and the hooks of a closed map throw
    // BadResource before touching it.
    const storage: ArrayStorage = ownStorage({
      bytes: lazy
        ? {
          length: mmap.length,
          make: () => {
            shown = mapIntoMemory(mmap, memorySettings.minBytes, SCRATCH_BYTES);
            return shown?.bytes ?? mmap.bytes;
          },
          made: () => {
            bytesMade = true;
            if (shown === null) return;
            shownMaps.set(storage, shown);
            offerMemory(storage, shown.memory, shown.spare);
          },
        }
        : mmap.bytes,
      readOnly: mode === "r",
      label: options.filename,
      closed: () => mmap.closed,
      release: mode === "c" ? undefined : (start: number, length: number) => {
        // Whole pages only: ALLOCATIONGRANULARITY is a multiple of the real
        // page size on every platform (PAGESIZE is the table's assumption).
        const a = Math.max(
          0,
          Math.ceil(start / ALLOCATIONGRANULARITY) * ALLOCATIONGRANULARITY,
        );
        const b = Math.min(
          mmap.length,
          Math.floor((start + length) / ALLOCATIONGRANULARITY) *
            ALLOCATIONGRANULARITY,
        );
        // Nothing to let go of before the bytes are made.
        if (b <= a || !bytesMade) return;
        readAhead.remove(a, b - a);
        if (shown !== null) shown.release(a, b - a);
        else mmap.madvise(MADV_DONTNEED, a, b - a);
      },
      // Map the next window's pages in one call instead of one fault per
      // page (writes: one per 4 KiB page, each costing more than the page's
      // work). Copy-on-write maps are only read ahead: a write-populate
      // would copy pages the walk may not change.
      prefetch: (start: number, length: number, write?: boolean) => {
        const a = Math.max(
          0,
          Math.floor(start / ALLOCATIONGRANULARITY) * ALLOCATIONGRANULARITY,
        );
        if (start + length <= a) return;
        // The pages read ahead are those of the bytes the walk will read.
        if (!bytesMade) void storage.bytes;
        // Pages read ahead before and not let go since: only the file's
        // size can make reading them fault.
        if (write !== true && readAhead.covers(a, start + length - a)) {
          verify();
        } else {
          try {
            if (shown !== null) {
              shown.populate(a, start + length - a, write === true);
            } else populateMmap(mmap, a, start + length - a, write === true);
            readAhead.add(a, start + length - a);
          } catch (error) {
            readAhead.remove(0, mmap.length); // (see verify)
            const code = (error as { code?: unknown }).code;
            throw unreachablePages(
              error,
              code,
              a,
              Math.min(start + length, mmap.length),
              options.filename,
            );
          }
        }
        readAheadHooks.afterReadAhead?.(a, start + length - a);
      },
      // Elements anywhere (take, put): the file must still cover the map.
      verify,
    });
    if (mode !== "c") {
      // The file holds what the map shows (but in mode "c": private changes).
      offerOverlay(storage, {
        show: (target, start, length) => {
          try {
            return overlayMmap(mmap, target, start, length);
          } catch (error) {
            const code = (error as { code?: unknown }).code;
            if (code === "EFAULT" || code === "EIO") {
              throw unreachablePages(
                error,
                code,
                start,
                start + length,
                options.filename,
              );
            }
            throw error;
          }
        },
        clear: clearOverlay,
      });
    }
    super(
      storage,
      dt,
      shape,
      options.strides ??
        contiguousStrides(shape, dt.itemsize, options.order ?? "C"),
      options.start,
    );
    const filename = resolve(options.filename);
    this.filename = filename;
    this.offset = options.offset;
    this.mode = mode;
    this.#mmap = mmap;
    // Views (slices, reshapes, transposes) are memmaps of the same map, each
    // with the file offset of its own first element.
    const mapOffset = options.offset - options.start;
    offerViews(
      storage,
      (dtype, viewShape, strides, byteOffset) =>
        wrapMmap(mmap, {
          filename,
          mode,
          offset: mapOffset + byteOffset,
          start: byteOffset,
          dtype,
          shape: viewShape,
          [VIEW]: { storage, strides },
        } as WrapOptions),
    );
    Object.freeze(this);
  }

  /**
   * Refuses `JSON.stringify`, as Python's `json.dumps` refuses a
   * `np.memmap`: a memmap is a file's memory, not a JSON value. Convert its
   * values instead: `JSON.stringify(m.toArray())`.
   *
   * @returns Never.
   * @throws {Deno.errors.BadResource} If it is closed (checked first).
   * @throws {TypeError} Otherwise, always, naming `toArray()`.
   */
  override toJSON(): never {
    if (isDetached(this.storage)) throwClosed(this.storage);
    return refuseJSON(
      "a Memmap",
      "convert its values instead, JSON.stringify(m.toArray()) (as NumPy's json.dumps(m.tolist()))",
    );
  }

  /**
   * A view, as {@linkcode NDArray.slice}: a memmap of the same file, with
   * its own `offset` (where its first element lies in the file).
   *
   * @param index One index per axis, as {@linkcode NDArray.slice} takes.
   * @returns The view.
   *
   * @example A row of a memmap knows where it lies in the file
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * using fp = memmap(`${dir}/a.bin`, { dtype: "int32", mode: "w+", shape: [3, 4] });
   * const row = fp.slice(2);
   * assert.equal(row.offset, 2 * 4 * 4);
   * assert.equal(row.filename, fp.filename);
   * fp.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  override slice(...index: Index[]): Memmap<N> {
    return super.slice(...index) as Memmap<N>;
  }

  /**
   * The view of one field of a record memmap, as {@linkcode NDArray.field}:
   * a memmap of the same file, with the field's own `offset`.
   *
   * @param name The field's name or title.
   * @returns The view.
   *
   * @example The records of a file, one column at a time
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * using fp = memmap(`${dir}/r.bin`, {
   *   dtype: [["id", "<u4"], ["x", "<f4"]], mode: "w+", shape: [3],
   * });
   * const x = fp.field("x");
   * x.assign([0.5, 1.5, 2.5]);
   * assert.equal(x.offset, 4);
   * assert.deepEqual(fp.get(2), { id: 0, x: 2.5 });
   * fp.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  override field<const K extends string>(
    name: K,
  ): Memmap<FieldNameOf<N, K>> {
    return super.field(name) as Memmap<FieldNameOf<N, K>>;
  }

  /**
   * A reshaped view (or copy, when the strides do not allow a view; a copy
   * is an in-memory `NDArray`), as {@linkcode NDArray.reshape}.
   *
   * @param shape The new shape.
   * @returns The reshaped array.
   *
   * @example Reshape a memmap
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * using fp = memmap(`${dir}/a.bin`, { mode: "w+", shape: [6] });
   * assert.deepEqual(fp.reshape(2, 3).shape, [2, 3]);
   * fp.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  override reshape(
    ...shape: number[] | [readonly number[]]
  ): Memmap<N> | NDArray<N> {
    return super.reshape(...shape);
  }

  /**
   * A view with permuted axes, as {@linkcode NDArray.transpose}: a memmap.
   *
   * @param axes A permutation of the axes; default reversed.
   * @returns The view.
   *
   * @example Transpose a memmap
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * using fp = memmap(`${dir}/a.bin`, { mode: "w+", shape: [2, 3] });
   * assert.deepEqual(fp.transpose().shape, [3, 2]);
   * fp.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  override transpose(...axes: number[]): Memmap<N> {
    return super.transpose(...axes) as Memmap<N>;
  }

  /**
   * A view without axes of length 1, as {@linkcode NDArray.squeeze}: a memmap.
   *
   * @param axis An axis or a list of axes; all axes of length 1 when omitted.
   * @returns The view.
   *
   * @example Drop a leading axis
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * using fp = memmap(`${dir}/a.bin`, { mode: "w+", shape: [1, 4] });
   * assert.deepEqual(fp.squeeze().shape, [4]);
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  override squeeze(axis?: number | readonly number[] | null): Memmap<N> {
    return super.squeeze(axis) as Memmap<N>;
  }

  /**
   * A view with a new axis of length 1, as {@linkcode NDArray.expandDims}: a memmap.
   *
   * @param axis The position of the new axis, or a list of positions.
   * @returns The view.
   *
   * @example A column view
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * using fp = memmap(`${dir}/a.bin`, { mode: "w+", shape: [4] });
   * assert.deepEqual(fp.expandDims(1).shape, [4, 1]);
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  override expandDims(axis: number | readonly number[]): Memmap<N> {
    return super.expandDims(axis) as Memmap<N>;
  }

  /**
   * A view with two axes exchanged, as {@linkcode NDArray.swapaxes}: a memmap.
   *
   * @param axis1 One axis.
   * @param axis2 The other.
   * @returns The view.
   *
   * @example Swap the axes of a matrix
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * using fp = memmap(`${dir}/a.bin`, { mode: "w+", shape: [2, 3] });
   * assert.deepEqual(fp.swapaxes(0, 1).shape, [3, 2]);
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  override swapaxes(axis1: number, axis2: number): Memmap<N> {
    return super.swapaxes(axis1, axis2) as Memmap<N>;
  }

  /**
   * The transpose, a memmap view.
   *
   * @returns The view.
   *
   * @example Columns become rows
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * using fp = memmap(`${dir}/a.bin`, { mode: "w+", shape: [1, 2] });
   * assert.deepEqual(fp.T.shape, [2, 1]);
   * fp.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  override get T(): Memmap<N> {
    return this.transpose();
  }

  /**
   * A plain, cloneable description of this memmap (or view): file, dtype,
   * mode, offset, shape and strides, so that another `Worker` or process
   * maps the same elements with `memmap(d.filename, d)` — sharing the file's
   * pages, not copying them. Posting the `Memmap` itself is refused: a map
   * cannot move between threads. NumPy users pass the same arguments to
   * `np.memmap` in a child process; a C-contiguous description works there
   * as is (`np.memmap(filename, dtype, mode, offset, shape)`).
   *
   * @returns The description.
   * @throws {Deno.errors.BadResource} If the memmap is closed.
   *
   * @example Hand rows of a memmap to a Worker
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * using fp = memmap(`${dir}/a.bin`, { dtype: "float32", mode: "w+", shape: [4, 3] });
   * fp.slice(2).fill(1);
   * const d = fp.slice("2:").describe(); // worker.postMessage(d) ...
   * assert.deepEqual([d.offset, d.shape, d.mode], [24, [2, 3], "r+"]);
   * using rows = memmap(d.filename, d); // ... and in the worker
   * assert.equal(rows.sum(), 3);
   * rows.close();
   * fp.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  describe(): MemmapDescription {
    if (this.closed) throwClosed(this.storage);
    return {
      filename: this.filename,
      // A memmap's own type is never a subarray (its axes are the array's).
      dtype: specOf(this.dtype) as string | FieldsDict,
      mode: this.mode === "w+" ? "r+" : this.mode,
      offset: this.offset,
      shape: [...this.shape],
      strides: [...this.strides],
    };
  }

  /**
   * Writes changes to the file (`msync`); nothing to do in modes `"r"` and `"c"`.
   *
   * @throws {Deno.errors.BadResource} If the memmap is closed.
   *
   * @example Flush after writing
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * using fp = memmap(`${dir}/a.bin`, { mode: "w+", shape: 4 });
   * fp.fill(7);
   * fp.flush();
   * assert.deepEqual([...Deno.readFileSync(`${dir}/a.bin`)], [7, 7, 7, 7]);
   * fp.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  flush(): void {
    if (isDetached(this.storage) || this.#mmap.closed) {
      throwClosed(this.storage);
    }
    this.#mmap.flush();
  }

  /**
   * Unmaps the file (NumPy has no `close()`; here it frees the map at once).
   * Changes in modes `"r+"`/`"w+"` stay in the file. Idempotent.
   *
   * @example Views are closed too
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * const fp = memmap(`${dir}/a.bin`, { mode: "w+", shape: [2, 2] });
   * const row = fp.slice(0);
   * fp.close();
   * assert.throws(() => row.get(0), Deno.errors.BadResource);
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  close(): void {
    shownMaps.get(this.storage)?.close();
    this.#mmap.close();
  }

  /** Closes the memmap, for `using`. See {@linkcode Memmap.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

// The only subclass of NDArray that may be constructed; its methods cannot be
// replaced.
allowArrayClass(Memmap);
guardReceivers(Memmap.prototype, "Memmap", isMemmap, "a Memmap");
Object.freeze(Memmap.prototype);

/** Set by {@linkcode wrapMmap} for the one constructor call it makes. */
let constructing = false;

/**
 * Makes a memmap over an open map: the only way to call the `Memmap`
 * constructor; not exported by `mod.ts`. The memmap owns the map from now
 * on and closes it in `close()`.
 *
 * @param mmap The map holding the array, opened for `options.mode`.
 * @param options Where the array is and what it holds.
 * @returns The memmap.
 * @throws {RangeError} If the array does not fit in the map.
 * @throws {Deno.errors.BadResource} If the map is closed.
 */
export function wrapMmap(mmap: Mmap, options: WrapOptions): Memmap {
  constructing = true;
  try {
    return new Memmap(mmap, options);
  } finally {
    constructing = false;
  }
}

/**
 * Normalizes a memmap mode.
 *
 * @param mode A short or long NumPy mode name.
 * @returns The short name.
 * @throws {TypeError} If the mode is unknown.
 */
export function normalizeMode(mode: unknown): "r" | "r+" | "w+" | "c" {
  const m = typeof mode === "string" && Object.hasOwn(MODES, mode)
    ? MODES[mode]
    : undefined;
  if (m === undefined) {
    throw new TypeError(
      `Cannot open a memmap in mode ${
        describe(mode)
      }: mode must be one of "r", "r+", "w+", "c", "readonly", "readwrite", "write", "copyonwrite"`,
    );
  }
  return m;
}

/**
 * Maps an array in a binary file, as NumPy's `numpy.memmap(filename, dtype,
 * mode, offset, shape, order)`: the file holds raw elements (no header) at
 * `offset`, which may be any byte value. Mode `"w+"` creates or overwrites
 * the file with exactly `offset + nbytes` zero bytes; `"r+"` grows a file
 * that is too short; `"r"` and `"c"` need the whole array in the file.
 * Bytes the call adds have their disk blocks reserved; if anything fails
 * (the size is too large for the file system or the disk), the file is
 * left as it was.
 *
 * @param filename The file, as a path or `file:` URL.
 * @param options Type, mode, offset, shape and order.
 * @returns The memmap (an {@linkcode NDArray}); close it (or `using`) to unmap.
 * @throws {TypeError} For an unknown mode or type, a bad shape, or `"w+"` without `shape`.
 * @throws {RangeError} If `offset` is negative, the file is too short in mode
 * `"r"`/`"c"`, or (without `shape`) the bytes after `offset` are not a
 * whole number of elements.
 * @throws {Deno.errors.NotFound} If the file does not exist (modes other than `"w+"`).
 * @throws {Deno.errors.NotCapable} Without `--allow-read`, `--allow-write` (for writing modes) or `--allow-ffi`.
 *
 * @example The NumPy memmap walk-through
 * ```ts
 * import { memmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const filename = `${dir}/newfile.dat`;
 * const fp = memmap(filename, { dtype: "float32", mode: "w+", shape: [3, 4] });
 * fp.assign([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
 * fp.flush();
 * fp.close();
 * using newfp = memmap(filename, { dtype: "float32", mode: "r", shape: [3, 4] });
 * assert.deepEqual(newfp.slice(-1).toArray(), [8, 9, 10, 11]);
 * using fpo = memmap(filename, { dtype: "float32", mode: "r", offset: 16 });
 * assert.deepEqual(fpo.slice("-4:").toArray(), [8, 9, 10, 11]);
 * using fpc = memmap(filename, { dtype: "float32", mode: "c", shape: [3, 4] });
 * fpc.slice(0).fill(0);
 * assert.equal(newfp.get(0, 1), 1);
 * newfp.close(); fpo.close(); fpc.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function memmap<const D extends DTypeLike = "uint8">(
  filename: string | URL,
  options?: MemmapOptions<D>,
): Memmap<NameOf<D>>;
export function memmap(
  filename: string | URL,
  options?: MemmapOptions,
): Memmap {
  const call = "map an array";
  const path = toPath(filename);
  // Each option is read once, and all are checked before the file is touched.
  const o = toOptions(options, call);
  const modeOption = o.mode;
  // Read in this order: dtype, offset, shape, order, strides.
  const asGiven: GivenLayout = {
    dtype: o.dtype,
    offset: o.offset,
    shape: o.shape,
    order: o.order,
  };
  const stridesOption = o.strides;
  const mode = normalizeMode(modeOption === undefined ? "r+" : modeOption);
  const layout = toLayout(asGiven, call);
  const { dt, offset, order } = layout;
  const given = layout.shape;
  if (given !== undefined) {
    const nbytes = shapeSize(given) * dt.itemsize;
    if (offset + nbytes > MAX_SAFE) {
      throw new RangeError(
        `Cannot ${call} of shape ${
          formatShape(given)
        } ${dt.name} at offset ${offset}: it would end past byte 2**53 - 1`,
      );
    }
  }
  if (mode === "w+" && given === undefined) {
    throw new TypeError(
      `Cannot open "${path}" in mode "w+" without a shape: shape must be given`,
    );
  }
  let shape = given;
  const strides = stridesFor(stridesOption, shape, mode, path);
  // The bytes the array spans around `offset`: [offset + low, offset + high).
  const { low, high } = strides === undefined
    ? { low: 0, high: 0 }
    : extent(shape!, strides, dt.itemsize);
  if (offset + low < 0 || offset + high > MAX_SAFE) {
    throw new RangeError(
      `Cannot map with strides ${
        formatShape(strides!)
      } at offset ${offset}: elements would lie ${
        offset + low < 0 ? "before the start of" : "past byte 2**53 - 1 of"
      } "${path}"`,
    );
  }
  const first = offset + low;
  const start = first - (first % ALLOCATIONGRANULARITY);
  // The shape and the checks against the file's size use the size of the
  // file as opened: no other file can take its place in between.
  const lengthFor = (size: number, device: boolean): number => {
    if (shape === undefined) {
      const rest = size - offset;
      if (rest < 0) {
        throw new RangeError(
          `Cannot map at offset ${offset}: "${path}" has only ${size} bytes`,
        );
      }
      if (rest % dt.itemsize !== 0) {
        throw new RangeError(
          `Cannot map ${rest} bytes after offset ${offset} of "${path}" as ${dt.name}: size is not a multiple of the item size ${dt.itemsize}`,
        );
      }
      shape = [rest / dt.itemsize];
    }
    const end = strides === undefined
      ? offset + shapeSize(shape) * dt.itemsize
      : offset + high;
    // A character device (`/dev/zero`) has no size: the shape given is
    // mapped, as NumPy maps it in every mode.
    if ((mode === "r" || mode === "c") && end > size && !device) {
      throw new RangeError(
        `Cannot map ${
          formatShape(shape)
        } ${dt.name} at offset ${offset} of "${path}": needs ${end} bytes but the file has ${size} (mode "${mode}" cannot grow it)`,
      );
    }
    return Math.max(end - start, 0);
  };
  // NumPy's default mode is "r+"; a read-only job that forgot to say so is
  // told both fixes (the flag, or mode: "r").
  const mmap = withReadOnlyHint(
    () =>
      openFile(path, {
        access: ACCESS[mode],
        offset: start,
        length: lengthFor,
        create: mode === "w+",
        overwrite: mode === "w+",
      }),
    modeOption === undefined,
    'mode: "r"',
  );
  try {
    return wrapMmap(mmap, {
      filename: path,
      mode,
      offset,
      start: offset - start,
      dtype: dt,
      shape: shape!,
      order,
      strides,
    });
  } catch (error) {
    mmap.close();
    throw error;
  }
}

/** Checks the `strides` option against the shape and mode. */
function stridesFor(
  value: unknown,
  shape: readonly number[] | undefined,
  mode: string,
  path: string,
): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (shape === undefined || mode === "w+") {
    throw new TypeError(
      `Cannot map "${path}" with strides ${
        describe(value)
      }: strides need a shape and a mode other than "w+"`,
    );
  }
  if (!isArray(value) || value.length !== shape.length) {
    throw new TypeError(
      `Cannot map "${path}" with strides ${
        describe(value)
      }: expected one integer per axis (${shape.length})`,
    );
  }
  return Array.from(
    value,
    (s) => toInt(s, `map "${path}"`, "stride"),
  );
}

/**
 * The bytes an array spans around its first element: `low` (<= 0) to
 * `high` (past the last byte), both 0 when it has no elements.
 */
function extent(
  shape: readonly number[],
  strides: readonly number[],
  itemsize: number,
): { low: number; high: number } {
  if (shapeSize(shape) === 0) return { low: 0, high: 0 };
  let low = 0, high = itemsize;
  for (let k = 0; k < shape.length; k++) {
    const span = (shape[k] - 1) * strides[k];
    if (span < 0) low += span;
    else high += span;
  }
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
    throw new RangeError(
      `Cannot map shape ${formatShape(shape)} with strides ${
        formatShape(strides)
      }: it spans more than 2**53 - 1 bytes`,
    );
  }
  return { low, high };
}
