/**
 * `SharedMemory`: a named block of memory that several processes map at
 * once, as Python's `multiprocessing.shared_memory.SharedMemory`.
 *
 * @module
 */

import { guardReceivers } from "../_receivers.ts";
import { inspectText } from "../_inspect.ts";
import { cloneRefusal, refuseJSON } from "../_clone.ts";
import { sys } from "../ffi/platform.ts";
import type { FileHandle, Mapping } from "../ffi/sys.ts";
import type { NDArray } from "../memmap/ndarray.ts";
import type { DTypeLike } from "../memmap/dtype.ts";
import type { NameOf } from "../memmap/types.ts";
import { checkName, randomName } from "./name.ts";
import { describe, isRevoked, toSize } from "../_args.ts";
import { arrayOver, type SharedArrayOptions } from "./shared_array.ts";
import type { StorageFields } from "../memmap/storage.ts";
import { osError } from "../ffi/os_error.ts";

export type { SharedArrayOptions } from "./shared_array.ts";

/** Options of the {@linkcode SharedMemory} constructor. */
export interface SharedMemoryOptions {
  /**
   * The block's name; one leading slash is allowed and names the same block
   * (`"/x"` is `"x"`, as in Python). Required to attach; with `create` it may
   * be omitted to get a fresh random `psm_` name.
   */
  name?: string;
  /** Make a new block; fails with `AlreadyExists` if the name is taken. */
  create?: boolean;
  /** Size in bytes of a new block; ignored when attaching. */
  size?: number;
}

/** What posting or cloning a block fails with (see cloneRefusal). */
const NOT_CLONEABLE = cloneRefusal(
  "Cannot post a SharedMemory to a Worker (post its name and attach there with new SharedMemory({ name })): this SharedMemory",
);

/** Attempts at a free random name before giving up. */
const NAME_ATTEMPTS = 100;

function checkOptions(options: unknown): {
  name: string | undefined;
  create: boolean;
  size: number;
} {
  if (typeof options !== "object" || options === null || isRevoked(options)) {
    throw new TypeError(
      `Cannot open shared memory with options ${
        describe(options)
      }: expected an object with name, create and size`,
    );
  }
  const { name, create = false, size: sizeOption } =
    options as SharedMemoryOptions;
  const call = "open shared memory";
  if (typeof create !== "boolean") {
    throw new TypeError(
      `Cannot ${call} with create ${
        describe(create)
      }: create must be a boolean`,
    );
  }
  const size = sizeOption === undefined ? 0 : toSize(sizeOption, call, "size");
  if (create && size === 0) {
    throw new RangeError(
      `Cannot create a shared memory block of ${size} bytes: size must be positive`,
    );
  }
  if (name === undefined && !create) {
    throw new TypeError(
      "Cannot attach to shared memory without a name: give name, or create: true",
    );
  }
  return {
    name: name === undefined ? undefined : checkName(name),
    create,
    size,
  };
}

/** Creates a block under a fresh random name, retrying on collisions. */
function openRandom(): { name: string; file: FileHandle } {
  for (let attempt = 1;; attempt++) {
    const name = randomName();
    try {
      return {
        name,
        file: sys.openShared(name, { create: true, exclusive: true }),
      };
    } catch (error) {
      if (
        !(error instanceof Deno.errors.AlreadyExists) ||
        attempt >= NAME_ATTEMPTS
      ) {
        throw error;
      }
    }
  }
}

/** Whether a value is a {@linkcode SharedMemory} (its private field's brand). */
let isSharedMemory: (value: unknown) => boolean;

/**
 * A block of memory with a name, which other processes (Deno or Python, or
 * workers of this one) attach to by that name: writes through one `buf` are
 * seen at once through every other. It mirrors Python's
 * `multiprocessing.shared_memory.SharedMemory`, and the names are the same:
 * a block Python made with `SharedMemory(name="x", create=True, size=n)`
 * opens here as `new SharedMemory({ name: "x" })`, and the other way round.
 * On Linux a block is the file `/dev/shm/<name>` (POSIX `shm_open`).
 *
 * A block lives until it is unlinked, even after every process has closed
 * it: `close()` only detaches this process, and exactly one process (usually
 * the creator) should call `unlink()` once no one needs the name any more.
 * Unlike Python, this library does not unlink blocks when a process exits.
 *
 * To share a block with a `Worker`, post its `name` and attach to it in the
 * worker: `new SharedMemory({ name })`. Posting `buf` itself sends a copy.
 *
 * Permissions: `--allow-ffi`, and `--allow-read` and `--allow-write` for
 * `/dev/shm` (or for `/dev/shm/<name>` of each block) on Linux.
 *
 * **Safety.** `close()` detaches `buf` and every view made from it before
 * the memory is unmapped, so a stale view reads as length 0 and never
 * touches unmapped memory. A new block has its memory reserved when it is
 * created, so a full `/dev/shm` is an `ENOSPC` error then, not a fault on
 * first write; while mapped, the block is claimed, so this library never
 * shrinks it (through its `/dev/shm` file, say). What no library can
 * prevent: another program shrinking the block while it is mapped, or
 * `/dev/shm` running out of space for unreserved pages of a block another
 * program made, makes the access fault (`SIGBUS`), as in every language. `buf.buffer.transfer()` throws; a
 * buffer moved away by a `postMessage`/`structuredClone` transfer list keeps
 * readable (zeroed) memory after `close()` instead of the block's. Post the
 * block's name instead.
 *
 * @example Create a block, attach to it again by name, and clean up
 * ```ts
 * import { SharedMemory } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const writer = new SharedMemory({ create: true, size: 16 });
 * writer.buf.set([1, 2, 3]);
 * {
 *   using reader = new SharedMemory({ name: writer.name });
 *   assert.deepEqual([...reader.buf.subarray(0, 3)], [1, 2, 3]);
 *   reader.buf[3] = 4;
 * }
 * assert.equal(writer.buf[3], 4);
 * writer.close();
 * writer.unlink();
 * ```
 *
 * @example Hand a block to a worker (worker.ts attaches by name)
 * ```ts ignore
 * import { SharedMemory } from "@seed/mmap";
 * // main.ts
 * const shm = new SharedMemory({ create: true, size: 1024 });
 * const worker = new Worker(new URL("./worker.ts", import.meta.url), {
 *   type: "module",
 * });
 * worker.postMessage(shm.name);
 * // worker.ts
 * self.onmessage = (event: MessageEvent<string>) => {
 *   using shm = new SharedMemory({ name: event.data });
 *   shm.buf[0] = 42; // seen at once by main.ts
 *   self.postMessage("done");
 * };
 * ```
 */
export class SharedMemory implements Disposable {
  #name: string;
  #size: number;
  #mapping: Mapping;
  /**
   * The block, open while mapped (as in Python): its claim keeps this
   * library from cutting the block under the map (a `Mmap.open()` of its
   * `/dev/shm` file and a `resize()`, say).
   */
  #file: FileHandle;
  /** Made on first use: a block that is only opened and closed needs none. */
  #buf: Uint8Array<ArrayBuffer> | undefined;
  #closed = false;

  static {
    isSharedMemory = (value) =>
      typeof value === "object" && value !== null && #mapping in value;
  }

  /**
   * Creates a block (`create: true`) or attaches to an existing one by name.
   * A new block is `size` bytes of zeros; an attached block's `size` is its
   * real size, whatever `size` says.
   *
   * @param options `name`, `create` and `size`.
   * @throws {Deno.errors.AlreadyExists} If `create` is set and the name is taken.
   * @throws {Deno.errors.NotFound} When attaching to a name no block has.
   * @throws {RangeError} If `create` is set and `size` is 0 or negative.
   * @throws {TypeError} For a name that is empty, holds `/` (but for one
   * leading slash: `"/x"` is the block `"x"`, as in Python) or is longer than
   * the platform allows (255 bytes on Linux), for a missing name without
   * `create`, or for options of the wrong type.
   * @throws {Deno.errors.NotCapable} Without `--allow-ffi`, or without
   * `--allow-read` and `--allow-write` for the block's path (`/dev/shm/<name>`).
   *
   * @example Attaching to a missing block fails
   * ```ts
   * import { SharedMemory } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.throws(
   *   () => new SharedMemory({ name: "no_such_block_here" }),
   *   Deno.errors.NotFound,
   * );
   * ```
   */
  constructor(options: SharedMemoryOptions) {
    // structuredClone/postMessage stop at this own property instead of
    // silently sending an empty object.
    (this as { notCloneable?: object }).notCloneable = NOT_CLONEABLE;
    const { name, create, size } = checkOptions(options);
    let opened: { name: string; file: FileHandle };
    if (name === undefined) {
      opened = openRandom();
    } else {
      opened = {
        name,
        file: sys.openShared(name, { create, exclusive: create }),
      };
    }
    const { file } = opened;
    try {
      // A new block is sized with its memory reserved: a full /dev/shm is
      // an error here, not a fault on first write.
      const length = create ? size : sys.size(file);
      this.#mapping = sys.mapFile(
        { file, length, offset: 0, kind: "shared" },
        create ? { size } : undefined,
      );
    } catch (error) {
      sys.close(file);
      if (create) {
        try {
          sys.unlinkShared(opened.name);
        } catch { /* the first error is the one to report */ }
      }
      throw error;
    }
    this.#file = file;
    this.#name = opened.name;
    this.#size = this.#mapping.length;
  }

  /**
   * The block's name, as Python shows it: as given (a random one has no
   * leading slash); pass it to another process or worker to attach there.
   *
   * @example A fresh block has a random psm_ name
   * ```ts
   * import { SharedMemory } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const shm = new SharedMemory({ create: true, size: 8 });
   * assert.match(shm.name, /^psm_[0-9a-f]{8}$/);
   * shm.close();
   * shm.unlink();
   * ```
   */
  get name(): string {
    return this.#name;
  }

  /**
   * Size of the block in bytes (still readable after `close()`).
   *
   * @example The size of a new block
   * ```ts
   * import { SharedMemory } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const shm = new SharedMemory({ create: true, size: 100 });
   * assert.equal(shm.size, 100);
   * shm.close();
   * shm.unlink();
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * A zero-copy view of the whole block. Views made from it (typed arrays
   * over `buf.buffer`) see other processes' writes at once. It is detached
   * (length 0) by `close()`.
   *
   * @throws {Deno.errors.BadResource} If the block is closed.
   *
   * @example Look at the block as float64 numbers
   * ```ts
   * import { SharedMemory } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const shm = new SharedMemory({ create: true, size: 32 });
   * const numbers = new Float64Array(shm.buf.buffer, 0, 4);
   * numbers[1] = 2.5;
   * assert.equal(new DataView(shm.buf.buffer).getFloat64(8, true), 2.5);
   * shm.close();
   * assert.equal(numbers.length, 0);
   * shm.unlink();
   * ```
   */
  get buf(): Uint8Array<ArrayBuffer> {
    this.#check();
    return this.#buf ??= new Uint8Array(this.#mapping.buffer);
  }

  /**
   * Whether `close()` has been called.
   *
   * @example After close
   * ```ts
   * import { SharedMemory } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const shm = new SharedMemory({ create: true, size: 8 });
   * shm.close();
   * assert.equal(shm.closed, true);
   * shm.unlink();
   * ```
   */
  get closed(): boolean {
    return this.#closed || this.#mapping.moved;
  }

  /**
   * An array over the block's memory, shared with every process attached to
   * it, as NumPy's `np.ndarray(shape, dtype, buffer=shm.buf, offset=offset,
   * order=order)`. Writes through it are seen by the others at once. The
   * array and its views throw `Deno.errors.BadResource` once this block is
   * closed.
   *
   * @param options `dtype` (default `"uint8"`), `shape` (default: the rest of
   * the block after `offset`, 1-D), `offset` in bytes (default 0) and `order`.
   * @returns The array.
   * @throws {Deno.errors.BadResource} If the block is closed.
   * @throws {TypeError} For an unknown type or order, a bad shape or a non-integer offset.
   * @throws {RangeError} If the array does not fit in the block, or (without
   * `shape`) the bytes after `offset` are not a whole number of elements.
   *
   * @example Two views of one block work on one array
   * ```ts
   * import { SharedMemory } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const shm = new SharedMemory({ create: true, size: 6 * 8 });
   * const a = shm.ndarray({ dtype: "float64", shape: [2, 3] });
   * a.assign([[1, 2, 3], [4, 5, 6]]);
   * using other = new SharedMemory({ name: shm.name });
   * const b = other.ndarray({ dtype: "float64", shape: [2, 3] });
   * b.set(1, 2, 60);
   * assert.equal(a.sum(), 75);
   * shm.close();
   * assert.throws(() => a.get(0, 0), Deno.errors.BadResource);
   * shm.unlink();
   * ```
   */
  ndarray<const D extends DTypeLike = "uint8">(
    options?: SharedArrayOptions<D>,
  ): NDArray<NameOf<D>>;
  ndarray(options: SharedArrayOptions = {}): NDArray {
    // Options first (their getters may close this block), then the state.
    return arrayOver(() => this.buf, this.#name, options, this.#pages());
  }

  /**
   * The read-ahead and check hooks of arrays over the block (see
   * `ArrayStorage`): another program may cut the block short, and a walk
   * over pages it no longer has is then an error (`EFAULT`), as for memmaps.
   */
  #pages(): Pick<StorageFields, "prefetch" | "verify" | "closed"> {
    const mapping = this.#mapping, file = this.#file, name = this.#name;
    const fail = (error: unknown, what: string, call: string): never => {
      const code = (error as { code?: unknown } | undefined)?.code;
      const e = osError(
        call,
        typeof code === "string" ? code : "EFAULT",
        `${what} of shared memory "${name}" cannot be read or written: the ` +
          "block was cut short by another program, or has no room left",
      );
      e.cause = error;
      throw e;
    };
    return {
      closed: () => this.#closed || mapping.moved,
      prefetch: (start: number, length: number, write?: boolean) => {
        const from = Math.max(0, start);
        const end = Math.min(start + length, mapping.length);
        if (this.#closed || mapping.moved || !(end > from)) return;
        try {
          sys.populate?.(mapping, from, end - from, write === true);
        } catch (error) {
          fail(error, `bytes ${from}..${end}`, "madvise");
        }
      },
      verify: () => {
        if (this.#closed || mapping.moved) return;
        const size = sys.size(file);
        if (size < mapping.length) {
          fail(
            undefined,
            `the block (${size} of ${mapping.length} bytes)`,
            "fstat",
          );
        }
      },
    };
  }

  /**
   * Detaches this process from the block: `buf` and every view of it read
   * as length 0, then the memory is unmapped. The block itself, and other
   * processes' maps of it, stay. Idempotent.
   *
   * @example Close twice
   * ```ts
   * import { SharedMemory } from "@seed/mmap";
   * const shm = new SharedMemory({ create: true, size: 8 });
   * shm.close();
   * shm.close();
   * shm.unlink();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#buf = undefined;
    try {
      sys.unmap(this.#mapping);
    } finally {
      sys.close(this.#file);
    }
  }

  /**
   * Removes the block's name, so no one can attach to it any more; the
   * memory is freed once every process has closed it. Call it once, from
   * one process, as in Python; it may be called before or after `close()`.
   *
   * @throws {Deno.errors.NotFound} If the name was already removed.
   * @throws {Deno.errors.NotCapable} Without `--allow-ffi`, `--allow-read`
   * and `--allow-write` for the block's path.
   *
   * @example Unlink, then attaching fails
   * ```ts
   * import { SharedMemory } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const shm = new SharedMemory({ create: true, size: 8 });
   * shm.close();
   * shm.unlink();
   * assert.throws(
   *   () => new SharedMemory({ name: shm.name }),
   *   Deno.errors.NotFound,
   * );
   * ```
   */
  unlink(): void {
    sys.unlinkShared(this.#name);
  }

  /**
   * Closes the block, for `using`; does not unlink it. See
   * {@linkcode SharedMemory.close}.
   */
  [Symbol.dispose](): void {
    this.close();
  }

  #check(): void {
    if (this.#closed) {
      throw new Deno.errors.BadResource(
        `Cannot use shared memory "${this.#name}": it is closed`,
      );
    }
    // As for an Mmap: memory moved away is as good as closed.
    if (this.#mapping.moved) {
      throw new Deno.errors.BadResource(
        `Cannot use shared memory "${this.#name}": its memory was moved to another thread or buffer (a transfer of buf.buffer); close() it, or post its name instead`,
      );
    }
  }

  /**
   * Refuses `JSON.stringify`: a shared block is memory, not a JSON value
   * (Python's `json.dumps` refuses a `SharedMemory` too).
   *
   * @returns Never.
   * @throws {Deno.errors.BadResource} If it is closed (checked first).
   * @throws {TypeError} Otherwise, always, naming what to convert instead.
   */
  toJSON(): never {
    this.#check();
    return refuseJSON(
      "a SharedMemory",
      "a shared block is memory, not a value; convert its name (to attach with new SharedMemory({ name })) or a copy of its bytes instead",
    );
  }

  /** Shows `SharedMemory { name, size, closed }` in `console.log`. */
  [Symbol.for("Deno.customInspect")](
    inspect: (value: unknown, options: unknown) => string,
    options: unknown,
  ): string {
    const state = { name: this.#name, size: this.#size, closed: this.#closed };
    return inspectText("SharedMemory", state, inspect, options);
  }
}

// A method or getter called on anything but a block throws the library's
// TypeError.
guardReceivers(
  SharedMemory.prototype,
  "SharedMemory",
  isSharedMemory,
  "a SharedMemory",
);
