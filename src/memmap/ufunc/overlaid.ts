/**
 * Element-wise operations and casts on memory maps through the vector
 * kernels (`kernels/elementwise.ts`, `kernels/cast_kernels.ts`): a contiguous input over a memory map
 * is shown in place in WebAssembly memory a window at a time (its file's
 * pages mapped over a region of the memory, as the reductions read maps),
 * so that the kernel reads it where JavaScript would have read it through
 * the map; the output is an array in a WebAssembly memory of its own. Several
 * maps are shown at once, each in the region of its own kernel instance.
 *
 * Reading a map's pages with vector loads (as NumPy does) instead of the
 * JavaScript loop's one element at a time is what pays: the map's 4 KiB
 * pages make the scalar loop wait on memory twice as long as over an
 * in-memory array.
 *
 * A memmap whose file is mapped inside a memory of its own (large maps:
 * `memorySettings` in `memmap.ts`) is read there in place, each window
 * read ahead first (the storage's `prefetch`: a file cut short is an error
 * there, not a `SIGBUS` in the kernel); its pages stay mapped between calls,
 * as NumPy's map keeps them.
 *
 * @module
 */

import { castKernel } from "../kernels/cast_kernels.ts";
import { kernelFor, type KernelInput } from "../kernels/elementwise.ts";
import {
  dataMemory,
  kernels,
  KernelsLost,
  settings,
  type Shower,
  shower,
  WINDOW_BYTES,
} from "../kernels/runtime.ts";
import { arrayIO, type NDArray } from "../ndarray.ts";
import { isCContiguous } from "../shape.ts";
import {
  type ArrayStorage,
  memoryOf,
  overlayOf,
  releaseFor,
} from "../storage.ts";
import type { Signature, Ufunc } from "./table.ts";

/**
 * The end of the bytes the kernels may read in a memory (their addresses
 * are kept below 2 GiB, as arrays' own memories are: `arrayMemory`).
 */
const KERNEL_ADDRESS_MAX = 2 ** 31;

/** How the kernel reads one input. */
type Plan =
  | { kind: "fixed"; value: number | bigint }
  | { kind: "memory"; memory: WebAssembly.Memory; address: number }
  | {
    kind: "mapped";
    storage: ArrayStorage;
    memory: WebAssembly.Memory;
    address: number;
    offset: number;
    release?: (start: number, length: number) => void;
  }
  | {
    kind: "shown";
    shower: Shower;
    memory: WebAssembly.Memory;
    offset: number;
  };

/** The plan of input `a` (slot `slot` for a shower), or undefined where the kernel cannot read it. */
function planOf(
  a: NDArray,
  out: NDArray,
  slot: number,
): Plan | undefined {
  const io = arrayIO(a);
  if (io.ta === null) return undefined;
  const unit = io.ta.BYTES_PER_ELEMENT;
  const offset = io.bytes.byteOffset + a.byteOffset;
  if (a.size === 1) {
    return { kind: "fixed", value: io.ta[offset / unit] };
  }
  const same = a.ndim === out.ndim &&
    a.shape.every((n, k) => n === out.shape[k]) &&
    isCContiguous(a.shape, a.strides, a.itemsize);
  if (!same) return undefined;
  const bytes = a.size * a.itemsize;
  const memory = dataMemory(io.bytes.buffer, offset + bytes);
  if (memory !== undefined) return { kind: "memory", memory, address: offset };
  const home = memoryOf(a.storage);
  if (
    home !== undefined && a.storage.prefetch !== undefined &&
    offset + bytes <= KERNEL_ADDRESS_MAX && !settings.off
  ) {
    return {
      kind: "mapped",
      storage: a.storage,
      memory: home,
      address: offset,
      offset: a.byteOffset,
      release: releaseFor(a.storage, bytes),
    };
  }
  const overlay = overlayOf(a.storage);
  const k = kernels(slot);
  if (overlay === undefined || k === null || bytes < settings.overlayMinBytes) {
    return undefined;
  }
  const release = releaseFor(a.storage, bytes);
  return {
    kind: "shown",
    shower: shower(k, io.bytes, overlay, release),
    memory: k.memory,
    offset: a.byteOffset,
  };
}

function close(plans: (Plan | undefined)[]): void {
  for (const p of plans) {
    if (p?.kind !== "shown") continue;
    try {
      p.shower.close();
    } catch (e) {
      // A lost memory only matters to the next call, which makes a new one.
      if (!(e instanceof KernelsLost)) throw e;
    }
  }
}

/**
 * Computes `ufunc` of its inputs into `out` with the vector kernel of the
 * loop's types when at least one input is a memory map it can show in
 * place and `out` is a contiguous array in a WebAssembly memory; returns
 * false (nothing done) otherwise. `tail(from, count)` computes elements
 * the kernel leaves (a window's last few) with the JavaScript loop.
 *
 * @param ufunc The operation.
 * @param signature The loop's types.
 * @param inputs The inputs (of the loop's types, a cast's of any; native and aligned).
 * @param out The output (of the loop's type).
 * @param tail Computes elements `[from, from + count)` of `out` in C order.
 * @returns Whether it computed `out`.
 */
export function computeOverlaid(
  ufunc: Ufunc,
  signature: Signature,
  inputs: readonly NDArray[],
  out: NDArray,
  tail: (from: number, count: number) => void,
): boolean {
  const operands = [...inputs, out];
  if (
    (!ufunc.isCast &&
      !operands.every((a, k) => a.dtype.name === signature[k])) ||
    !inputs.some((a) =>
      overlayOf(a.storage) !== undefined || memoryOf(a.storage) !== undefined
    ) ||
    !isCContiguous(out.shape, out.strides, out.itemsize)
  ) {
    return false;
  }
  const kernel = ufunc.isCast
    ? castKernel(inputs[0].dtype.name, out.dtype.name)
    : kernelFor(ufunc.simd, signature);
  const oio = arrayIO(out);
  const n = out.size;
  const po = oio.bytes.byteOffset + out.byteOffset;
  const mo = oio.ta === null
    ? undefined
    : dataMemory(oio.bytes.buffer, po + n * out.itemsize);
  if (mo === undefined || kernel === null) return false;
  const plans = inputs.map((a, k) => planOf(a, out, k));
  try {
    if (
      plans.some((p) => p === undefined) ||
      !plans.some((p) => p?.kind === "shown" || p?.kind === "mapped")
    ) {
      return false;
    }
    const widest = Math.max(...operands.map((a) => a.itemsize));
    const chunk = Math.floor(WINDOW_BYTES / widest);
    for (let e = 0; e < n; e += chunk) {
      const m = Math.min(chunk, n - e);
      const xs = (plans as Plan[]).map((p, k): KernelInput => {
        const size = inputs[k].itemsize;
        switch (p.kind) {
          case "fixed":
            return { value: p.value };
          case "memory":
            return { memory: p.memory, address: p.address + e * size };
          case "shown": {
            const start = p.offset + e * size;
            return {
              memory: p.memory,
              address: p.shower.show(start, m * size),
            };
          }
          case "mapped":
            // Read ahead first: a file cut short is an error here, not a
            // SIGBUS in the kernel.
            p.storage.prefetch!(p.offset + e * size, m * size, false);
            return { memory: p.memory, address: p.address + e * size };
        }
      });
      const done = kernel.at(m, xs, mo, po + e * out.itemsize);
      if (done < m) tail(e + done, m - done);
      for (const [k, p] of (plans as Plan[]).entries()) {
        if (p.kind === "mapped" && p.release !== undefined) {
          const size = inputs[k].itemsize;
          p.release(p.offset + e * size, m * size);
        }
      }
    }
    return true;
  } finally {
    close(plans);
  }
}
