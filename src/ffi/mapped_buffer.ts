/**
 * The lifetime of the one `ArrayBuffer` over a mapping, shared by every
 * backend:
 *
 * - it is made on first use (a map opened, searched and closed never pays
 *   for one) and holds its owner, so any live view keeps the mapping alive
 *   (and so registered with the finalization backstop);
 * - `release()` detaches it, so every view reads as length 0 before the
 *   memory goes away;
 * - it cannot be moved: its own `transfer()` and `transferToFixedLength()`
 *   throw. A move by `structuredClone`/`postMessage` with a transfer list
 *   cannot be refused; `release()` then reports that the memory has a
 *   foreign owner, and the backend must leave it readable (POSIX puts an
 *   empty anonymous map in its place) instead of freeing it. Once the owner
 *   is collected the move can no longer be seen, so the backends' backstops
 *   treat every buffer that was made as possibly moved.
 *
 * @module
 */

import type { MapRequest } from "./sys.ts";

const OWNER = Symbol("mapping");
const detach = ArrayBuffer.prototype.transfer;

function refuseTransfer(): never {
  throw new TypeError(
    "Cannot transfer the memory of a mapping: close() unmaps it; copy it with slice() instead",
  );
}

const GUARD: PropertyDescriptorMap = {
  transfer: { value: refuseTransfer },
  transferToFixedLength: { value: refuseTransfer },
};

/** How many buffers `release()` detached so far (see {@linkcode closures}). */
let released = 0;

/**
 * How many mapping buffers were detached so far (maps closed or resized):
 * a walk compares the count before and after calling a storage hook it did
 * not write, to learn that the hook closed a map under it.
 *
 * @returns The count.
 */
export function closures(): number {
  return released;
}

/** Counts a buffer detached elsewhere (a map's second view in a memory). */
export function noteClosure(): void {
  released++;
}

/**
 * Buffers over memory that must not be written: maps whose pages cannot be
 * written (W^X maps: read + exec; a write faults) and read-access maps (kind
 * `"readonly"`: on POSIX a write would land in a private page and never
 * reach the file; on Windows it faults).
 */
const readOnly = new WeakSet<ArrayBufferLike>();

/**
 * Whether `buffer` is the buffer of a read-only mapping: a read-access map
 * (`access: "read"`, memmap mode `"r"`) or one whose pages cannot be written.
 * Library calls that would write into it (arrays over it, as NumPy's
 * `frombuffer()` of a read-only buffer; `readInto()`) treat it as read-only.
 *
 * @param buffer Any buffer.
 * @returns `true` for such a mapping's buffer.
 */
export function isReadOnlyMemory(buffer: ArrayBufferLike): boolean {
  return readOnly.has(buffer);
}

/**
 * Whether `buffer` is (or was, before it was detached) the buffer of a
 * mapping: a memory map's, a shared-memory block's. Messages about a
 * detached buffer name a closed map only for these.
 *
 * @param buffer Any buffer.
 * @returns `true` for a mapping's buffer.
 */
export function isMappedMemory(buffer: ArrayBufferLike): boolean {
  return Object.hasOwn(buffer, OWNER);
}

/** The buffer of one mapping. */
export class MappedBuffer {
  #make: () => ArrayBuffer | null;
  #owner: { readonly request: MapRequest };
  #buffer: ArrayBuffer | undefined;
  #released = false;
  #writable: boolean;

  /**
   * @param owner The mapping the buffer keeps alive (a read-access request,
   * kind `"readonly"`, makes its buffer read-only).
   * @param make Makes the buffer over the memory, or returns `null` while the
   * mapping is empty.
   * @param writable `false` when the memory's pages cannot be written.
   */
  constructor(
    owner: { readonly request: MapRequest },
    make: () => ArrayBuffer | null,
    writable = true,
  ) {
    this.#owner = owner;
    this.#make = make;
    this.#writable = writable;
  }

  /** The buffer; empty once released or for an empty mapping. */
  get buffer(): ArrayBuffer {
    if (this.#buffer === undefined) {
      const buffer = this.#released ? null : this.#make();
      if (buffer === null) {
        this.#buffer = new ArrayBuffer(0);
      } else {
        Object.defineProperty(buffer, OWNER, { value: this.#owner });
        Object.defineProperties(buffer, GUARD);
        if (!this.#writable || this.#owner.request.kind === "readonly") {
          readOnly.add(buffer);
        }
        this.#buffer = buffer;
      }
    }
    return this.#buffer;
  }

  /** Whether `release()` was called (and not undone). */
  get released(): boolean {
    return this.#released;
  }

  /**
   * Whether the buffer was moved away by a structured clone's transfer list
   * (only `release()` detaches it otherwise): the memory now belongs to
   * whoever holds the moved buffer, and the mapping can no longer be used.
   */
  get moved(): boolean {
    return this.#buffer !== undefined && this.#buffer.detached;
  }

  /**
   * Detaches the buffer; views read as length 0 from now on.
   *
   * @returns `false` when the buffer had been moved away beforehand: another
   * `ArrayBuffer` may still point at the memory, which must then stay
   * readable.
   */
  release(): boolean {
    this.#released = true;
    noteClosure();
    const buffer = this.#buffer;
    if (buffer === undefined) return true;
    this.#buffer = undefined;
    // Only this method detaches the buffer: detached already means moved away.
    if (buffer.detached) return false;
    detach.call(buffer, 0);
    return true;
  }

  /** Undoes `release()` when the memory turned out to stay mapped. */
  restore(): void {
    this.#released = false;
    this.#buffer = undefined;
  }
}
