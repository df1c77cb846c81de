/**
 * Copies of small byte ranges, carved out of shared 64 KiB pool buffers.
 *
 * Every `ArrayBuffer` Deno allocates costs a few hundred nanoseconds, more
 * than copying a short line, so `read`, `readline` and `slice` hand out
 * copies of up to {@linkcode MAX_POOLED} bytes as views of a pool buffer, as
 * Node's `Buffer` pool does. A copy never aliases the mapping or another
 * copy; it only shares its `ArrayBuffer` with other small copies (`.slice()`
 * it for a buffer of its own). Each copy starts at a multiple of 8 bytes in
 * the pool.
 *
 * A pool buffer cannot be moved, as Node marks its pool untransferable:
 * it is the buffer of a one-page `WebAssembly.Memory`, which the engine
 * refuses to detach, so `postMessage(copy, [copy.buffer])` or
 * `copy.buffer.transfer()` throws instead of emptying every other copy of
 * the pool (and every later copy) at once.
 *
 * @module
 */

const POOL_SIZE = 64 * 1024;
/**
 * Copies larger than this get an `ArrayBuffer` of their own. A pool is
 * fresh memory (a new `WebAssembly.Memory` whose pages fault in one by one,
 * about 1.4 us per 4 KiB here) while the engine's own allocations reuse
 * memory freed by the collector: above a few hundred bytes a buffer of the
 * copy's own costs less (100k random copies of 4 KiB: 150 ms against 460
 * ms from pools; of 512 bytes 78 ms against 96 ms; of 256, 63 ms against 59
 * ms). Fewer bytes pooled also means a kept copy holds less of a pool.
 */
const MAX_POOLED = 256;

/**
 * Zeroed memory whose buffer cannot be detached (the buffer of an unshared
 * `WebAssembly.Memory`, whole 64 KiB pages), for copies handed out as views
 * of one buffer.
 *
 * @param n At least this many bytes (at most 1 GiB).
 * @returns The bytes, `n` long.
 */
export function untransferable(n: number): Uint8Array<ArrayBuffer> {
  const pages = Math.max(1, Math.ceil(n / POOL_SIZE));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  // An unshared memory: its buffer is an ArrayBuffer, never shared.
  return new Uint8Array(memory.buffer as ArrayBuffer, 0, n);
}

/** A fresh pool: 64 KiB (one WebAssembly page) that cannot be detached. */
function newPool(): Uint8Array<ArrayBuffer> {
  return untransferable(POOL_SIZE);
}

let pool = newPool();
let used = 0;

/**
 * A copy of `source[start, end)`.
 *
 * @param source The bytes to copy from.
 * @param start First index (within bounds).
 * @param end End index, exclusive (within bounds, `>= start`).
 * @returns A new array holding the bytes.
 */
export function copyRange(
  source: Uint8Array,
  start: number,
  end: number,
): Uint8Array<ArrayBuffer> {
  const n = end - start;
  if (n > MAX_POOLED) {
    try {
      return source.slice(start, end);
    } catch {
      throw tooLarge(n);
    }
  }
  if (used + n > POOL_SIZE) {
    pool = newPool();
    used = 0;
  }
  const at = used;
  used = (at + n + 7) & ~7;
  if (n <= 32) {
    for (let i = 0; i < n; i++) pool[at + i] = source[start + i];
  } else {
    // Views made with the constructor: subarray() looks up a species
    // constructor and takes about twice as long.
    pool.set(new Uint8Array(source.buffer, source.byteOffset + start, n), at);
  }
  return new Uint8Array(pool.buffer, at, n);
}

/**
 * An array of `n` zeroed bytes to fill in, from the pool when small.
 *
 * @param n Its length.
 * @returns The array.
 */
export function allocate(n: number): Uint8Array<ArrayBuffer> {
  if (n > MAX_POOLED) {
    try {
      return new Uint8Array(n);
    } catch {
      throw tooLarge(n);
    }
  }
  if (used + n > POOL_SIZE) {
    pool = newPool();
    used = 0;
  }
  const at = used;
  used = (at + n + 7) & ~7;
  const out = pool.subarray(at, at + n);
  out.fill(0);
  return out;
}

/** The error for a copy the engine cannot allocate (instead of its own message). */
function tooLarge(n: number): RangeError {
  return new RangeError(
    `Cannot copy ${n} bytes: the memory cannot be allocated (use the zero-copy bytes view instead)`,
  );
}
