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
 * `beforeCheck` is called right before each check of the file's size a
 * walk makes between windows of its work (`PageCheck` in `storage.ts`): a
 * test cuts the file there, after every window was asked for, to check
 * that the walk does not read on unchecked; `afterCheck` right after such a
 * check found the file whole: a test cuts the part of the file the walk has
 * not reached yet there, to check that the walk reads forward (the next
 * check, not a read, meets the cut).
 */
export const readAheadHooks: {
  afterReadAhead: ((start: number, length: number) => void) | null;
  windowShown: ((start: number, length: number) => void) | null;
  beforeCheck: (() => void) | null;
  afterCheck: (() => void) | null;
} = {
  afterReadAhead: null,
  windowShown: null,
  beforeCheck: null,
  afterCheck: null,
};

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

/**
 * Bytes of work (elements read or written, times their size) between two
 * checks of a {@linkcode PageCheck}: an `fstat` (about 0.5 µs) per MiB
 * costs well under 1% of any walk's work.
 */
export const CHECK_BYTES: number = 1024 * 1024;

/**
 * The check of a memory map's file made again as work goes through pages
 * asked for before (see `prepareWhole` in `storage.ts`): the storage's `verify`
 * (whether the file still covers the map, an `fstat`) before the first
 * part of the work and then before each part that follows
 * {@linkcode CHECK_BYTES} bytes of work after the last check. Pages asked
 * for up front are dropped when another program cuts the file; a cut that
 * lands between two checks is then `EFAULT` at the next one, instead of a
 * `SIGBUS` at the next read, and only a cut landing within one part's work
 * still faults. Walks that go through the pages in an order of their own
 * (along an axis, transposed, sorts, gathers, products) call
 * {@linkcode PageCheck.before} with each part's size (a line, a block, a
 * run), never per element.
 */
export class PageCheck {
  /** Bytes of work left before the next check (none: check first). */
  #left = 0;
  readonly #verify: () => void;

  /** @param verify The storage's check (throws `EFAULT` for a file cut short). */
  constructor(verify: () => void) {
    this.#verify = verify;
  }

  /**
   * Checks the file when the work done since the last check reached
   * {@linkcode CHECK_BYTES}, before `bytes` more bytes of work.
   *
   * @param bytes The size of the next part of the work.
   */
  before(bytes: number): void {
    this.#left -= bytes;
    if (this.#left >= 0) return;
    this.#left = CHECK_BYTES - bytes;
    readAheadHooks.beforeCheck?.();
    this.#verify();
    readAheadHooks.afterCheck?.();
  }

  /**
   * Notes that the pages of the next `bytes` bytes of work were just asked
   * for (which checks the file): the next check is due
   * {@linkcode CHECK_BYTES} after them.
   *
   * @param bytes The size of the next part of the work.
   */
  asked(bytes: number): void {
    this.#left = CHECK_BYTES - bytes;
  }
}
