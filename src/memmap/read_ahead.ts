/**
 * Which parts of a memmap were read ahead already, so that a walk over
 * pages still mapped does not ask the kernel for them again.
 *
 * A memmap's walks read each window ahead first (`MADV_POPULATE_READ`:
 * pages of a file cut short by another program are then an error instead
 * of a `SIGBUS`). Asking again for pages that are mapped costs a walk of
 * the page tables (about 2.4 ms for 51 MB on a 2-core VM, as much as
 * NumPy's whole `sum(axis=1)` of it), and a cosine similarity through the
 * array API walks the matrix three times. Once a range was read ahead, a
 * read of it needs only what can make a read fault: the file cut below the
 * map's end, which the storage's `verify` (an `fstat`) tells. Released
 * ranges (`MADV_DONTNEED`, walks past the release threshold) are read
 * ahead again; writes always are (they fill holes and make pages
 * writable).
 *
 * @module
 */

/**
 * For tests only (not exported by `mod.ts`): `afterReadAhead` is called
 * with each range a memmap's storage read ahead (or, for a range read ahead
 * before, checked with `fstat`), once it was, before the caller reads it;
 * `windowShown` with each window a reduction kernel reading a map in place
 * moves to, right before it reads it. A test cuts the file there to check
 * that the next window is asked for again before it is read.
 */
export const readAheadHooks: {
  afterReadAhead: ((start: number, length: number) => void) | null;
  windowShown: ((start: number, length: number) => void) | null;
} = { afterReadAhead: null, windowShown: null };

/** Bytes a record entry stands for. */
export const READ_AHEAD_CHUNK: number = 2 * 1024 * 1024;

/** The chunks of a map of `length` bytes read ahead and not released since. */
export class ReadAheadRecord {
  #done: Uint8Array | null = null;
  readonly #length: number;

  /** @param length The map's length in bytes. */
  constructor(length: number) {
    this.#length = length;
  }

  /** Whether every chunk `[start, start + length)` touches was read ahead. */
  covers(start: number, length: number): boolean {
    const done = this.#done;
    if (done === null || !(length > 0)) return false;
    const first = Math.floor(Math.max(start, 0) / READ_AHEAD_CHUNK);
    const end = Math.ceil(
      Math.min(start + length, this.#length) / READ_AHEAD_CHUNK,
    );
    if (end <= first) return false;
    for (let c = first; c < end; c++) if (done[c] === 0) return false;
    return true;
  }

  /** Records `[start, start + length)` as read ahead (the chunks it covers whole, and the map's last). */
  add(start: number, length: number): void {
    const end = Math.min(start + length, this.#length);
    const first = Math.ceil(Math.max(start, 0) / READ_AHEAD_CHUNK);
    const last = end === this.#length
      ? Math.ceil(end / READ_AHEAD_CHUNK)
      : Math.floor(end / READ_AHEAD_CHUNK);
    if (last <= first) return;
    this.#done ??= new Uint8Array(Math.ceil(this.#length / READ_AHEAD_CHUNK));
    this.#done.fill(1, first, last);
  }

  /** Forgets the chunks `[start, start + length)` touches (their pages were let go). */
  remove(start: number, length: number): void {
    const done = this.#done;
    if (done === null || !(length > 0)) return;
    const first = Math.floor(Math.max(start, 0) / READ_AHEAD_CHUNK);
    const end = Math.ceil(
      Math.min(start + length, this.#length) / READ_AHEAD_CHUNK,
    );
    if (end > first) done.fill(0, first, end);
  }
}
