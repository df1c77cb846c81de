/**
 * The constants of Python's `mmap` module, with this platform's values.
 *
 * @module
 */

import { PLATFORM } from "../ffi/constants.ts";
import { loadedPageSize } from "../ffi/platform.ts";

/** How a map treats writes, as Python's `mmap.ACCESS_*`. */
export type Access = "read" | "write" | "copy" | "default";

/**
 * Read-only access: writes through the API throw `TypeError`.
 *
 * @example Open read-only
 * ```ts
 * import { ACCESS_READ } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.equal(ACCESS_READ, "read");
 * ```
 */
export const ACCESS_READ = "read" as const;
/**
 * Write-through access: writes reach the file.
 *
 * @example The value
 * ```ts
 * import { ACCESS_WRITE } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.equal(ACCESS_WRITE, "write");
 * ```
 */
export const ACCESS_WRITE = "write" as const;
/**
 * Copy-on-write access: writes stay in memory, the file never changes.
 *
 * @example The value
 * ```ts
 * import { ACCESS_COPY } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.equal(ACCESS_COPY, "copy");
 * ```
 */
export const ACCESS_COPY = "copy" as const;
/**
 * The default: shared read/write, or what `flags` and `prot` say.
 *
 * @example The value
 * ```ts
 * import { ACCESS_DEFAULT } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.equal(ACCESS_DEFAULT, "default");
 * ```
 */
export const ACCESS_DEFAULT = "default" as const;

/**
 * The memory page size, as Python's `mmap.PAGESIZE`: 4096 on x86_64 and on
 * Windows, 16384 on Apple silicon. On Linux aarch64 (4, 16 or 64 KiB pages,
 * chosen when the kernel is built) it is read from the system when the
 * library loads, if `--allow-ffi` is granted by then (it is never prompted
 * for); without it, 4096. `flush()` and `madvise()` align to the real page
 * size themselves.
 *
 * @example Page-aligned offsets
 * ```ts
 * import { PAGESIZE } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.ok(PAGESIZE >= 4096);
 * ```
 */
export const PAGESIZE: number = loadedPageSize();

/**
 * Map offsets must be multiples of this: the page size on Unix (64 KiB on
 * Linux aarch64, covering every page size its kernels use), 64 KiB on Windows.
 *
 * @example Map from the second granule
 * ```ts
 * import { ALLOCATIONGRANULARITY } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.equal(ALLOCATIONGRANULARITY % 4096, 0);
 * ```
 */
export const ALLOCATIONGRANULARITY: number = PLATFORM.allocationGranularity;

/**
 * Unix `MAP_SHARED`: writes reach the file.
 *
 * @example Flags instead of access
 * ```ts
 * import { Mmap, MAP_PRIVATE, MAP_SHARED } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * using m = Mmap.anonymous(8, { flags: MAP_PRIVATE });
 * assert.equal(m.access, "copy");
 * assert.notEqual(MAP_SHARED, MAP_PRIVATE);
 * ```
 */
export const MAP_SHARED: number = PLATFORM.MAP_SHARED;
/**
 * Unix `MAP_PRIVATE`: copy-on-write.
 *
 * @example Private anonymous memory
 * ```ts
 * import { MAP_PRIVATE, Mmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * using m = Mmap.anonymous(8, { flags: MAP_PRIVATE });
 * assert.equal(m.access, "copy");
 * ```
 */
export const MAP_PRIVATE: number = PLATFORM.MAP_PRIVATE;
/**
 * Unix `MAP_ANONYMOUS`: memory with no file (implied by `Mmap.anonymous`).
 *
 * @example Accepted in flags
 * ```ts
 * import { MAP_ANONYMOUS, MAP_SHARED, Mmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * using m = Mmap.anonymous(8, { flags: MAP_SHARED | MAP_ANONYMOUS });
 * assert.equal(m.length, 8);
 * ```
 */
export const MAP_ANONYMOUS: number = PLATFORM.MAP_ANONYMOUS;
/**
 * Linux `MAP_POPULATE`: read the pages in up front (0 elsewhere).
 *
 * @example Prefault anonymous memory
 * ```ts
 * import { MAP_POPULATE, MAP_SHARED, Mmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * using m = Mmap.anonymous(65536, { flags: MAP_SHARED | MAP_POPULATE });
 * assert.equal(m.get(65535), 0);
 * ```
 */
export const MAP_POPULATE: number = PLATFORM.MAP_POPULATE;
/**
 * Unix `MAP_NORESERVE`: no swap is reserved (0 where not supported).
 *
 * @example A large private map without a reservation
 * ```ts
 * import { MAP_NORESERVE, MAP_PRIVATE, Mmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * using m = Mmap.anonymous(1 << 30, { flags: MAP_PRIVATE | MAP_NORESERVE });
 * assert.equal(m.length, 1 << 30);
 * ```
 */
export const MAP_NORESERVE: number = PLATFORM.MAP_NORESERVE;
/**
 * Unix `PROT_READ`.
 *
 * @example A read-only map by protection
 * ```ts
 * import { Mmap, PROT_READ } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * using m = Mmap.anonymous(8, { prot: PROT_READ });
 * assert.equal(m.access, "read");
 * ```
 */
export const PROT_READ: number = PLATFORM.PROT_READ;
/**
 * Unix `PROT_WRITE`.
 *
 * @example A writable map by protection
 * ```ts
 * import { Mmap, PROT_READ, PROT_WRITE } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * using m = Mmap.anonymous(8, { prot: PROT_READ | PROT_WRITE });
 * assert.equal(m.access, "default");
 * ```
 */
export const PROT_WRITE: number = PLATFORM.PROT_WRITE;
/**
 * Unix `PROT_EXEC`: executable pages.
 *
 * @example The value
 * ```ts
 * import { PROT_EXEC, PROT_READ, PROT_WRITE } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.equal(PROT_EXEC & (PROT_READ | PROT_WRITE), 0);
 * ```
 */
export const PROT_EXEC: number = PLATFORM.PROT_EXEC;

const ADVICE = PLATFORM.madvise;

/**
 * `madvise` advice: no special treatment.
 *
 * @example Advise sequential reading
 * ```ts
 * import { Mmap, MADV_SEQUENTIAL } from "@seed/mmap";
 * using m = Mmap.anonymous(65536);
 * m.madvise(MADV_SEQUENTIAL);
 * ```
 */
export const MADV_NORMAL: number = ADVICE.MADV_NORMAL;
/**
 * `madvise` advice: expect random access.
 *
 * @example Advise a map
 * ```ts
 * import { MADV_RANDOM, Mmap } from "@seed/mmap";
 * using m = Mmap.anonymous(65536);
 * m.madvise(MADV_RANDOM);
 * ```
 */
export const MADV_RANDOM: number = ADVICE.MADV_RANDOM;
/**
 * `madvise` advice: expect sequential access.
 *
 * @example Advise a map
 * ```ts
 * import { MADV_SEQUENTIAL, Mmap } from "@seed/mmap";
 * using m = Mmap.anonymous(65536);
 * m.madvise(MADV_SEQUENTIAL);
 * ```
 */
export const MADV_SEQUENTIAL: number = ADVICE.MADV_SEQUENTIAL;
/**
 * `madvise` advice: read ahead now.
 *
 * @example Advise a map
 * ```ts
 * import { MADV_WILLNEED, Mmap } from "@seed/mmap";
 * using m = Mmap.anonymous(65536);
 * m.madvise(MADV_WILLNEED);
 * ```
 */
export const MADV_WILLNEED: number = ADVICE.MADV_WILLNEED;
/**
 * `madvise` advice: the pages are not needed now. A shared map (file or
 * anonymous) reads the same data again later; a private map loses its
 * changes (file pages read the file again, anonymous pages read zeros).
 *
 * @example On Linux, private anonymous pages read zeros afterwards
 * ```ts
 * import { MADV_DONTNEED, MAP_PRIVATE, Mmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * using m = Mmap.anonymous(65536, { flags: MAP_PRIVATE });
 * m.set(0, 7);
 * m.madvise(MADV_DONTNEED);
 * assert.equal(m.get(0), 0);
 * ```
 */
export const MADV_DONTNEED: number = ADVICE.MADV_DONTNEED;

/**
 * Every `MADV_*` advice this platform has, by Python's names (Linux adds
 * `MADV_FREE`, `MADV_HUGEPAGE`, `MADV_DONTDUMP`, ...).
 *
 * @example Platform extras
 * ```ts
 * import { MADVISE } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.equal(typeof MADVISE.MADV_DONTNEED, "number");
 * ```
 */
export const MADVISE: Readonly<Record<string, number>> = ADVICE;
