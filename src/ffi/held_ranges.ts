/**
 * Address ranges of maps that are gone but whose memory a buffer may still
 * reach.
 *
 * Detaching a map's `ArrayBuffer` on `close()` stops every JavaScript view,
 * but not an operation already in flight: an async `FsFile.write(view)` or a
 * stream's pending chunk holds the buffer's backing store, not the view, and
 * goes on reading the memory after `close()` returns. If the range were
 * unmapped, the next map could be placed at the same address and the pending
 * operation would copy that file's bytes (or fault). So a POSIX backend puts
 * private zero pages over such a range (no memory, no file: only address
 * space) and holds it here; late readers see zeros.
 *
 * Held ranges are given back (unmapped) oldest first once more than
 * {@linkcode HELD_RANGES} of them or {@linkcode HELD_BYTES} bytes are held,
 * but only ranges held for at least {@linkcode HELD_SECONDS} seconds (an
 * operation reading one has had that long to finish), so that neither the
 * kernel's count of mappings (`vm.max_map_count`) nor the address space
 * runs out however many maps a program opens and drops. Past
 * {@linkcode HARD_FACTOR} times the count or 1.5 times the bytes, the oldest
 * go whatever their age: the process must not run out of address space or
 * of mappings (the kernel's default `vm.max_map_count`, 65530, is less than
 * 16 times both accounts' counts together, and the engine aborts when it
 * cannot map).
 * A range whose buffer was moved to another owner by a transfer is not held
 * here: the moved buffer may be read for as long as it lives, so its zero
 * pages stay for the life of the process.
 *
 * @module
 */

/** How many ranges are held before the oldest is given back. */
export const HELD_RANGES = 1024;

/** How many bytes of address space are held before the oldest range is given back (16 TiB). */
export const HELD_BYTES = 2 ** 44;

/** How many times the count limit the ranges held go whatever their age. */
export const HARD_FACTOR = 4;

/** How long a range is held at least, below the hard limits. */
export const HELD_SECONDS = 60;

interface Range {
  readonly address: bigint;
  readonly length: number;
  /** When it was held, in milliseconds (`performance.now()`). */
  readonly since: number;
}

/** The ranges held by one backend, oldest first. */
export class HeldRanges {
  readonly #unmap: (address: bigint, length: number) => void;
  readonly #maxRanges: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #ranges: Range[] = [];
  #first = 0;
  #bytes = 0;

  /**
   * @param unmap Gives a range back to the system (`munmap`).
   * @param maxRanges How many ranges to hold at most.
   * @param maxBytes How many bytes to hold at most.
   * @param now The clock, in milliseconds.
   */
  constructor(
    unmap: (address: bigint, length: number) => void,
    maxRanges: number = HELD_RANGES,
    maxBytes: number = HELD_BYTES,
    now: () => number = () => performance.now(),
  ) {
    this.#unmap = unmap;
    this.#maxRanges = maxRanges;
    this.#maxBytes = maxBytes;
    this.#now = now;
  }

  /** How many ranges are held now. */
  get count(): number {
    return this.#ranges.length - this.#first;
  }

  /** How many bytes are held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Holds a range already covered by zero pages, then gives back the oldest
   * ones past the limits.
   */
  hold(address: bigint, length: number): void {
    const now = this.#now();
    this.#ranges.push({ address, length, since: now });
    this.#bytes += length;
    while (this.count > 1) {
      const oldest = this.#ranges[this.#first];
      const over = this.count > this.#maxRanges ||
        this.#bytes > this.#maxBytes;
      const farOver = this.count > HARD_FACTOR * this.#maxRanges ||
        this.#bytes > 1.5 * this.#maxBytes;
      const old = now - oldest.since >= HELD_SECONDS * 1000;
      if (!farOver && !(over && old)) break;
      this.#first++;
      this.#bytes -= oldest.length;
      try {
        this.#unmap(oldest.address, oldest.length);
      } catch {
        // The range stays held by the system; nothing else refers to it.
      }
    }
    if (this.#first > 64 && this.#first * 2 > this.#ranges.length) {
      this.#ranges = this.#ranges.slice(this.#first);
      this.#first = 0;
    }
  }
}
