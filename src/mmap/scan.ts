/**
 * Substring search and line-end indexing at SIMD speed without a call into
 * C: the bytes are copied into the WebAssembly memory of `scan_kernels.ts`
 * a chunk (64 KiB) at a time, where they stay in the CPU's cache while the
 * kernels scan them 16 bytes at a time. A search only compares, in
 * TypeScript over the map's own bytes, the places where the needle's first
 * byte and a later byte both match.
 *
 * Every function returns `undefined` where WebAssembly SIMD is not
 * available, and the caller uses its plain TypeScript path.
 *
 * @module
 */

import type { OverlayTarget } from "../ffi/sys.ts";
import { scanModule } from "./scan_kernels.ts";

/** Bytes scanned per kernel call. */
export const CHUNK = 64 * 1024;
/**
 * Bytes of a file's lines indexed at once where its pages can be shown in
 * the kernels' memory in place (no copy).
 */
export const WINDOW = 4 << 20;
/** The farthest the second byte of a search's filter stands from the first. */
const GAP_MAX = 4096;
/** Where the index of line ends is written (after the chunk, its gap and slack). */
const OUT_AT = 2 * CHUNK;
/** The most line ends held at once (a window of very short lines stops early). */
const ENDS_MAX = 1 << 18;
/** Where a file's pages are shown (after the line ends). */
const OVERLAY_AT = OUT_AT + 4 * ENDS_MAX;
/** A window and the 4 MiB an overlay needs to align it to 2 MiB pages. */
const OVERLAY_LENGTH = WINDOW + (4 << 20);
const PAGES = (OVERLAY_AT + OVERLAY_LENGTH) / 65536;

type Kernel3 = (p: number, n: number, byte: number, out: number) => number;
type Pair = (
  p: number,
  n: number,
  b0: number,
  b1: number,
  gap: number,
) => number;

interface Scanner {
  /** Where {@linkcode lineEndsWindow} shows a file's pages. */
  overlay: OverlayTarget;
  bytes: Uint8Array;
  ends: Int32Array;
  indexByte: Kernel3;
  findPair: Pair;
  findPairLast: Pair;
  findByte: (p: number, n: number, byte: number) => number;
}

let scanner: Scanner | null | undefined;
/** Counts the fills of the shared line-end array, so that a reader can tell its chunk is still there. */
let ticket = 0;
/** The ticket of a {@linkcode LineIndex} that copied its unread ends out of the shared array. */
const KEPT = -2;
/**
 * The {@linkcode LineIndex} whose ends the shared array holds, held weakly
 * (a forgotten iterator may go): the next fill by another index first lets
 * it copy the ends it has not read yet.
 */
let holder: WeakRef<LineIndex> | undefined;

function load(): Scanner | null {
  if (scanner !== undefined) return scanner;
  try {
    const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
    const { exports } = new WebAssembly.Instance(
      new WebAssembly.Module(scanModule()),
      { env: { memory } },
    );
    scanner = {
      overlay: { memory, start: OVERLAY_AT, length: OVERLAY_LENGTH },
      bytes: new Uint8Array(memory.buffer),
      ends: new Int32Array(memory.buffer, OUT_AT, ENDS_MAX),
      indexByte: exports.indexByte as Kernel3,
      findPair: exports.findPair as Pair,
      findPairLast: exports.findPairLast as Pair,
      findByte: exports.findByte as Scanner["findByte"],
    };
  } catch {
    scanner = null; // no WebAssembly SIMD: callers search in TypeScript
  }
  return scanner;
}

/** Whether `needle` occurs at `i` of `hay`. */
function equalAt(hay: Uint8Array, needle: Uint8Array, i: number): boolean {
  const n = needle.length;
  let j = 0;
  while (j < n && hay[i + j] === needle[j]) j++;
  return j === n;
}

/** Whether `needle` occurs at `i` of `hay` (its first byte already matched). */
function matchesAt(hay: Uint8Array, needle: Uint8Array, i: number): boolean {
  const n = needle.length;
  let j = 1;
  while (j < n && hay[i + j] === needle[j]) j++;
  return j === n;
}

/**
 * Stops a search whose candidates cost more to compare than a linear
 * search would (a needle such as `"aaab"` in a run of `"a"`s).
 */
function overBudget(compared: number, scanned: number): boolean {
  return compared > 4 * scanned + 65536;
}

/** Result of a search the chunked scan gave up on: search another way. */
export const GAVE_UP = -2;

/**
 * First index of `needle` in `hay[from, to)`.
 *
 * @param hay The bytes.
 * @param needle A non-empty needle.
 * @param from First index (clamped).
 * @param to End index, exclusive (clamped).
 * @param rare The index of a needle byte that seldom occurs in text, to
 * look for alone; -1 to look for the first and a later byte together.
 * @returns The index, -1, {@linkcode GAVE_UP} when the candidates turned out
 * too many to compare in linear time, or `undefined` without WebAssembly SIMD.
 */
export function findChunked(
  hay: Uint8Array,
  needle: Uint8Array,
  from: number,
  to: number,
  rare = -1,
): number | undefined {
  const s = load();
  if (s === null) return undefined;
  const n = needle.length;
  const lastStart = to - n;
  const { bytes } = s;
  let compared = 0;
  if (rare >= 0) {
    // One byte that seldom occurs: places where it stands are the candidates.
    const { findByte } = s;
    const byte = needle[rare];
    for (let a = from; a <= lastStart; a += CHUNK) {
      const count = Math.min(CHUNK, lastStart + 1 - a);
      bytes.set(hay.subarray(a + rare, a + rare + count), 0);
      for (let k = 0; k < count;) {
        const r = findByte(k, count - k, byte);
        if (r < 0) break;
        const i = a + k + r;
        if (equalAt(hay, needle, i)) return i;
        compared += n;
        if (overBudget(compared, i - from)) return GAVE_UP;
        k += r + 1;
      }
    }
    return -1;
  }
  const gap = n - 1 < GAP_MAX ? n - 1 : GAP_MAX;
  const b0 = needle[0];
  const b1 = needle[gap];
  const { findPair } = s;
  for (let a = from; a <= lastStart; a += CHUNK) {
    const count = Math.min(CHUNK, lastStart + 1 - a);
    bytes.set(hay.subarray(a, a + count + gap), 0);
    for (let k = 0; k < count;) {
      const r = findPair(k, count - k, b0, b1, gap);
      if (r < 0) break;
      const i = a + k + r;
      if (matchesAt(hay, needle, i)) return i;
      compared += n;
      if (overBudget(compared, i - from)) return GAVE_UP;
      k += r + 1;
    }
  }
  return -1;
}

/**
 * Last index of `needle` in `hay[from, to)`.
 *
 * @param hay The bytes.
 * @param needle A non-empty needle.
 * @param from First index (clamped).
 * @param to End index, exclusive (clamped).
 * @returns The index, -1, {@linkcode GAVE_UP}, or `undefined` without
 * WebAssembly SIMD.
 */
export function findLastChunked(
  hay: Uint8Array,
  needle: Uint8Array,
  from: number,
  to: number,
): number | undefined {
  const s = load();
  if (s === null) return undefined;
  const n = needle.length;
  const gap = n - 1 < GAP_MAX ? n - 1 : GAP_MAX;
  const b0 = needle[0];
  const b1 = needle[gap];
  const { bytes, findPairLast } = s;
  let compared = 0;
  // Candidates [a, b), a chunk at a time from the end down.
  for (let b = to - n + 1; b > from; b -= CHUNK) {
    const a = Math.max(from, b - CHUNK);
    bytes.set(hay.subarray(a, b + gap), 0);
    for (let m = b - a; m > 0;) {
      const r = findPairLast(0, m, b0, b1, gap);
      if (r < 0) break;
      if (matchesAt(hay, needle, a + r)) return a + r;
      compared += n;
      if (overBudget(compared, to - (a + r))) return GAVE_UP;
      m = r;
    }
  }
  return -1;
}

/**
 * The line ends (indices just past each `"\n"`) in `hay[from, from + CHUNK)`
 * (or to the end), written into an array that the next call overwrites.
 *
 * @param hay The bytes.
 * @param from Where to start.
 * @returns The ends (`count` of them, ascending) and where the chunk ended,
 * or `undefined` without WebAssembly SIMD.
 */
export function lineEndsChunk(
  hay: Uint8Array,
  from: number,
): { ends: Int32Array; count: number; to: number } | undefined {
  const s = load();
  if (s === null) return undefined;
  const to = Math.min(from + CHUNK, hay.length);
  ticket++;
  s.bytes.set(hay.subarray(from, to), 0);
  const count = s.indexByte(0, to - from, 10, OUT_AT);
  const { ends } = s;
  for (let i = 0; i < count; i++) ends[i] += from + 1;
  return { ends, count, to };
}

/**
 * Shows bytes `[start, start + length)` of a map's file read-only in place
 * in `target`; returns where byte `start` landed, or -1 when the map's
 * bytes are not its file's (see `overlayMmap`).
 */
export type ShowFile = (
  target: OverlayTarget,
  start: number,
  length: number,
) => number;

/**
 * The line ends in `hay[from, from + span)` (or to the end), found over
 * the file's own pages shown in the kernels' memory (no copy), which are
 * put back to zeros before it returns: nothing of the file stays mapped.
 *
 * @param hay The map's bytes.
 * @param from Where to start.
 * @param show Shows the map's file (see {@linkcode ShowFile}).
 * @param clear Puts zeros back over what `show` used.
 * @param span How many bytes to show, at most {@linkcode WINDOW}.
 * @returns As {@linkcode lineEndsChunk}; `null` when the file cannot be
 * shown (then copy chunks instead).
 * @throws {Error} `EFAULT` (or `EIO`) when the file no longer has the bytes
 * (cut short by another program since it was mapped).
 */
export function lineEndsWindow(
  hay: Uint8Array,
  from: number,
  show: ShowFile,
  clear: (target: OverlayTarget) => void,
  span: number = WINDOW,
): { ends: Int32Array; count: number; to: number } | undefined | null {
  const s = load();
  if (s === null) return undefined;
  const to = Math.min(from + span, hay.length);
  let at: number;
  try {
    at = show(s.overlay, from, to - from);
  } catch (error) {
    // Bytes the file no longer has (cut short by another program): reading
    // them through the map would fault, so the error goes to the caller.
    const code = (error as { code?: unknown }).code;
    if (code === "EFAULT" || code === "EIO") {
      clear(s.overlay);
      throw error;
    }
    return null; // no address space for it, say: copy instead
  }
  if (at < 0) return null;
  ticket++;
  const { ends, indexByte } = s;
  let count = 0;
  let end = from;
  try {
    // A chunk at a time while a chunk's ends (at most one per byte) fit.
    // (The kernel reads up to 63 bytes past: the range's slack, zeros.)
    while (end < to && count + CHUNK <= ENDS_MAX) {
      const n = Math.min(CHUNK, to - end);
      const found = indexByte(at + end - from, n, 10, OUT_AT + 4 * count);
      for (let i = count; i < count + found; i++) ends[i] += end + 1;
      count += found;
      end += n;
    }
  } finally {
    clear(s.overlay);
  }
  return { ends, count, to: end };
}

/**
 * The line ends of one `lines()` iteration, found a chunk ahead. The shared
 * array the kernel fills is read in place until another index fills it,
 * which first lets this one copy the ends it has not read (so that two
 * iterators stepped in turn, a zip of two files, each scan their bytes
 * once); the ends are trusted while the map has not been written through
 * its own methods (`version`) and the position is where the previous line
 * ended.
 */
export class LineIndex {
  #ends: Int32Array | undefined;
  #count = 0;
  #cursor = 0;
  #to = 0;
  #ticket = -1;
  #version = -1;
  #next = -1;
  #show: ShowFile | undefined;
  #clear: (target: OverlayTarget) => void;
  #prepare: ((start: number, length: number) => void) | undefined;
  #verify: (() => void) | undefined;
  /** Bytes `[#readyFrom, #ready)` of `#readyHay` were asked for by `#prepare`. */
  #readyHay: Uint8Array | undefined;
  #readyFrom = 0;
  #ready = 0;
  /** Bytes to show next: less than a window where lines are short. */
  #span = WINDOW;

  /**
   * @param show Shows the map's file in place (see {@linkcode ShowFile}),
   * so that long stretches are indexed a window at a time without a copy.
   * @param clear Puts zeros back over what `show` used.
   * @param prepare Asks for the map's pages of a range before they are
   * copied (where they cannot be shown), so that bytes the file no longer
   * has are an error, not a fault.
   * @param verify Throws when the file no longer covers the map (an
   * `fstat`): called before each chunk of a window `prepare` asked for
   * before, as the file may have been cut since (between two lines).
   */
  constructor(
    show?: ShowFile,
    clear: (target: OverlayTarget) => void = () => {},
    prepare?: (start: number, length: number) => void,
    verify?: () => void,
  ) {
    this.#show = show;
    this.#clear = clear;
    this.#prepare = prepare;
    this.#verify = verify;
  }

  /**
   * The end of the line at `pos` (just past its `"\n"`, or `hay.length`).
   *
   * @param hay The map's bytes; `pos < hay.length`.
   * @param pos Where the line starts.
   * @param version Changes whenever the map is written through its methods.
   * @returns The end, or `undefined` without WebAssembly SIMD.
   */
  end(hay: Uint8Array, pos: number, version: number): number | undefined {
    if (
      pos === this.#next && version === this.#version &&
      (ticket === this.#ticket || this.#ticket === KEPT) &&
      this.#cursor < this.#count
    ) {
      const end = this.#ends![this.#cursor++];
      this.#next = end;
      return end;
    }
    return this.#refill(hay, pos, version);
  }

  #refill(hay: Uint8Array, pos: number, version: number): number | undefined {
    const length = hay.length;
    if (
      pos !== this.#next || version !== this.#version ||
      (ticket !== this.#ticket && this.#ticket !== KEPT)
    ) {
      if (this.#fill(hay, pos) === undefined) return undefined;
      this.#version = version;
    }
    while (this.#cursor >= this.#count) {
      if (this.#to >= length) {
        this.#next = length;
        return length;
      }
      this.#fill(hay, this.#to);
    }
    const end = this.#ends![this.#cursor++];
    this.#next = end;
    return end;
  }

  /** Copies the ends not read yet out of the shared array, which another index is about to fill. */
  #keep(): void {
    if (this.#ticket === ticket && this.#cursor < this.#count) {
      this.#ends = this.#ends!.slice(this.#cursor, this.#count);
      this.#count -= this.#cursor;
      this.#cursor = 0;
      this.#ticket = KEPT;
    }
  }

  #fill(hay: Uint8Array, from: number): true | undefined {
    const last = holder?.deref();
    if (last !== this) {
      if (last !== undefined) last.#keep();
      holder = new WeakRef(this);
    }
    let chunk: ReturnType<typeof lineEndsWindow> = null;
    // A window's mmap calls cost less than copying it (about half); once
    // over a large map, every window (its tail too) is shown, so that bytes
    // the file no longer has are an error, not a fault in a copy.
    if (this.#show !== undefined && hay.length >= WINDOW / 2) {
      chunk = lineEndsWindow(hay, from, this.#show, this.#clear, this.#span);
      if (chunk === null) this.#show = undefined; // cannot show: copy
      else if (
        chunk !== undefined && chunk.to < from + this.#span &&
        chunk.to < hay.length
      ) {
        // Lines so short that the ends overflowed: show what fits.
        this.#span = Math.max(CHUNK, chunk.to - from);
      }
    }
    if (chunk === null) {
      if (
        this.#prepare !== undefined &&
        (hay !== this.#readyHay || from < this.#readyFrom ||
          Math.min(from + CHUNK, hay.length) > this.#ready)
      ) {
        // A window at a time, not a call per chunk.
        const length = Math.min(WINDOW, hay.length - from);
        this.#prepare(from, length);
        this.#readyHay = hay;
        this.#readyFrom = from;
        this.#ready = from + length;
      } else if (this.#prepare !== undefined) this.#verify?.();
      chunk = lineEndsChunk(hay, from);
    }
    if (chunk === undefined) return undefined;
    this.#ends = chunk.ends;
    this.#count = chunk.count;
    this.#to = chunk.to;
    this.#cursor = 0;
    this.#ticket = ticket;
    return true;
  }
}
