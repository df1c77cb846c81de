/**
 * `NpzFile`: the members of a `.npz` archive, as NumPy's `NpzFile`, with
 * stored members memory-mapped in place on request.
 *
 * @module
 */

import { guardReceivers } from "../_receivers.ts";
import type { Memmap } from "../memmap/memmap.ts";
import { NDArray } from "../memmap/ndarray.ts";
import { quotePath } from "./_errors.ts";
import { toPath } from "./_files.ts";
import { bytesSource, openFileSource } from "./byte_source.ts";
import { NPY_MAGIC, toMaxHeaderSize } from "./header.ts";
import { mapNpyFile, readNpyArray } from "./npy_array.ts";
import {
  LOCAL_MAX,
  ZIP_STORED,
  type ZipEntry,
  ZipReader,
} from "./zip_reader.ts";
import { describe, toOptions } from "../_args.ts";

/** How `.npz` members may be mapped: read-only or copy-on-write. */
export type NpzMmapMode = "r" | "c";

/** Options of the {@linkcode NpzFile} constructor. */
export interface NpzFileOptions {
  /**
   * Map stored members instead of reading them: `"r"` read-only, `"c"`
   * copy-on-write; `null`/omitted reads every member into memory.
   * Deflate members are always read into memory.
   */
  mmapMode?: NpzMmapMode | null;
  /**
   * Longest `.npy` header accepted in a member, in characters (NumPy's
   * `max_header_size`); default 10,000.
   */
  maxHeaderSize?: number;
}

/** Whether a value is an {@linkcode NpzFile} (its private field's brand). */
let isNpzFile: (value: unknown) => boolean;

/**
 * The arrays of a `.npz` archive (NumPy `NpzFile`), read lazily member by
 * member. Returned by `load()` for `.npz` files.
 *
 * Unlike NumPy, which ignores `mmap_mode` for archives and copies every
 * member, an `NpzFile` opened with `mmapMode` maps each stored (uncompressed,
 * `savez`) member in place: `get()` returns a {@linkcode Memmap} whose
 * `offset` is the absolute offset of the data in the archive. That works
 * whatever the member's alignment: members written by NumPy usually start at
 * odd offsets. Mapped members are not checked against their CRC-32 (that
 * would read them); members read into memory are, and their sizes too.
 * Deflate members are inflated straight into one buffer of their declared
 * size, the archive read 1 MiB at a time: the peak memory of `get()` is
 * about the member's size.
 *
 * Mode `"r+"` is refused for archives: writing through a map would leave the
 * member's CRC-32 stale, and NumPy would then refuse the archive.
 *
 * No file descriptor is held between calls: the directory is read when
 * the archive is opened, and each member read (or mapped) opens the file
 * again, checks that it is still the same file (device, inode, size,
 * modification time; for a mapped member, its size and the member's local
 * header) and reads the member's header and data through that one open
 * file. So an archive dropped without `close()` holds nothing, and
 * `load(f).get("x")` in a loop (NumPy's `np.load(f)["x"]`) never runs out
 * of descriptors; an archive replaced or changed since it was opened is
 * refused (`BadResource`) rather than read as a mix of two files.
 *
 * `close()` closes the archive; arrays already returned stay usable (mapped
 * ones until they are closed themselves).
 *
 * @example List and read members
 * ```ts
 * import { array, NDArray, NpzFile, savez } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   savez(`${dir}/a.npz`, { w: array([1.5, 2.5]), b: array([7], { dtype: "int8" }) });
 *   using npz = new NpzFile(`${dir}/a.npz`);
 *   assert.deepEqual(npz.files, ["w", "b"]);
 *   assert.deepEqual(npz.get("w").toArray(), [1.5, 2.5]);
 *   assert.equal(npz.get("b.npy").dtype.name, "int8");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export class NpzFile implements Disposable, Iterable<string> {
  /** The member names, without the `.npy` extension (as NumPy's `files`). */
  readonly files: string[];
  /** The archive's path. */
  readonly filename: string;
  /** The mapping mode for stored members, or `null` to read into memory. */
  readonly mmapMode: NpzMmapMode | null;
  #closed = false;
  /** What the archive was when its directory was read (see `FileSource.identity`). */
  readonly #identity: string;
  readonly #size: number;
  readonly #zip: ZipReader;
  readonly #where: string;

  static {
    isNpzFile = (value) =>
      typeof value === "object" && value !== null && #zip in value;
  }
  readonly #byName = new Map<string, ZipEntry>();
  readonly #maxHeaderSize: number;

  /**
   * Opens an archive and reads its directory.
   *
   * @param path The `.npz` file, a path or `file:` URL.
   * @param options Whether to map stored members.
   * @throws {Deno.errors.InvalidData} If the file is not a valid zip archive.
   * @throws {TypeError} For a bad path or an `mmapMode` other than `"r"`, `"c"` or null.
   * @throws {Deno.errors.NotFound} If the file does not exist.
   */
  constructor(path: string | URL, options?: NpzFileOptions) {
    this.filename = toPath(path);
    const o = toOptions(options, "open an archive");
    this.mmapMode = npzMmapMode(o.mmapMode);
    this.#maxHeaderSize = toMaxHeaderSize(o.maxHeaderSize, "open an archive");
    this.#where = quotePath(this.filename);
    {
      using file = openFileSource(this.filename, this.#where);
      this.#zip = new ZipReader(file, this.#where);
      this.#identity = file.identity;
      this.#size = file.size;
    }
    this.files = this.#zip.entries.map((e) => {
      this.#byName.set(e.name, e);
      return e.name.endsWith(".npy") ? e.name.slice(0, -4) : e.name;
    });
  }

  /** Whether {@linkcode NpzFile.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Reads one member: `name` as listed in {@linkcode NpzFile.files} or with
   * its `.npy` extension. With `mmapMode`, a stored member is mapped in
   * place (a {@linkcode Memmap}); otherwise it is read into memory, its
   * CRC-32 checked. A member whose bytes start with NumPy's magic string is
   * an array, whatever its name (as NumPy reads it); any other member that
   * is not named `.npy` comes back as a 1-D `uint8` array of its bytes.
   *
   * @param name The member name.
   * @returns The array.
   * @throws {RangeError} If there is no such member.
   * @throws {Deno.errors.InvalidData} If the member is malformed (bad zip
   *   entry, CRC mismatch, bad `.npy` content).
   * @throws {TypeError} If the member's dtype is not supported (object arrays never are).
   * @throws {Deno.errors.BadResource} If the archive is closed.
   *
   * @example Map a member in place
   * ```ts
   * import { array, type Memmap, NpzFile, savez } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * try {
   *   savez(`${dir}/a.npz`, { x: array([1, 2, 3], { dtype: "int16" }) });
   *   using npz = new NpzFile(`${dir}/a.npz`, { mmapMode: "r" });
   *   using x = npz.get("x") as Memmap;
   *   assert.equal(x.mode, "r");
   *   assert.deepEqual(x.toArray(), [1, 2, 3]);
   *   assert.throws(() => x.set(0, 5), TypeError);
   * } finally {
   *   Deno.removeSync(dir, { recursive: true });
   * }
   * ```
   */
  get(name: string): NDArray | Memmap {
    if (typeof name !== "string") {
      throw new TypeError(
        `Cannot read member ${describe(name)}: expected a string name`,
      );
    }
    if (this.#closed) {
      throw new Deno.errors.BadResource(
        `Cannot read member ${
          JSON.stringify(name)
        }: the archive ${this.#where} is closed`,
      );
    }
    const entry = this.#byName.get(name) ?? this.#byName.get(`${name}.npy`);
    if (entry === undefined) {
      throw new RangeError(
        `Cannot read member ${JSON.stringify(name)}: ${this.#where} has ${
          this.files.map((f) => JSON.stringify(f)).join(", ") || "no members"
        }`,
      );
    }
    const where = `${this.#where} member ${JSON.stringify(entry.name)}`;
    let isNpy = entry.name.endsWith(".npy");
    this.#zip.checkSupported(entry);
    const max = this.#maxHeaderSize;
    if (this.mmapMode !== null && entry.method === ZIP_STORED) {
      return this.#map(entry, where);
    }
    let data: Uint8Array;
    {
      using file = openFileSource(this.filename, this.#where);
      if (file.identity !== this.#identity) this.#replaced(name);
      data = this.#zip.read(entry, file);
    }
    isNpy ||= startsWithMagic(data);
    if (!isNpy) {
      return new NDArray({ bytes: data.slice(), readOnly: false }, "u1", [
        data.length,
      ]);
    }
    return readNpyArray(bytesSource(data), 0, data.length, where, max);
  }

  /**
   * Tells whether the archive has a member of that name (as listed in
   * {@linkcode NpzFile.files}, or its full name in the archive), as NumPy's
   * `name in npz`.
   *
   * @param name The member name.
   * @returns `true` when {@linkcode NpzFile.get} would find it.
   *
   * @example Look before reading
   * ```ts
   * import { array, NpzFile, savez } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * savez(`${dir}/a.npz`, { x: array([1]) });
   * using npz = new NpzFile(`${dir}/a.npz`);
   * assert.ok(npz.has("x") && npz.has("x.npy") && !npz.has("y"));
   * npz.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  has(name: string): boolean {
    return typeof name === "string" &&
      (this.#byName.has(name) || this.files.includes(name));
  }

  /**
   * The member names, as {@linkcode NpzFile.files} (NumPy's `npz.keys()`).
   *
   * @returns An iterator over the names.
   *
   * @example Names in archive order
   * ```ts
   * import { array, NpzFile, savez } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * savez(`${dir}/a.npz`, { b: array([1]), a: array([2]) });
   * using npz = new NpzFile(`${dir}/a.npz`);
   * assert.deepEqual([...npz.keys()], ["b", "a"]);
   * npz.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  keys(): IterableIterator<string> {
    return this.files.values();
  }

  /**
   * The members' arrays, each read (or mapped) when the iterator reaches it,
   * as NumPy's `npz.values()`.
   *
   * @returns An iterator over the arrays.
   * @throws {Deno.errors.BadResource} If the archive is closed when a member is read.
   *
   * @example Sum every member
   * ```ts
   * import { array, NpzFile, savez } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * savez(`${dir}/a.npz`, { a: array([1, 2]), b: array([3]) });
   * using npz = new NpzFile(`${dir}/a.npz`);
   * let total = 0;
   * for (const a of npz.values()) total += a.sum() as number;
   * assert.equal(total, 6);
   * npz.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  *values(): IterableIterator<NDArray | Memmap> {
    for (const name of this.files) yield this.get(name);
  }

  /**
   * `[name, array]` pairs, each member read (or mapped) when the iterator
   * reaches it, as NumPy's `npz.items()`.
   *
   * @returns An iterator over the pairs.
   * @throws {Deno.errors.BadResource} If the archive is closed when a member is read.
   *
   * @example Into a plain object
   * ```ts
   * import { array, NpzFile, savez } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * savez(`${dir}/a.npz`, { x: array([1]), y: array([2]) });
   * using npz = new NpzFile(`${dir}/a.npz`);
   * const all = Object.fromEntries(npz.entries());
   * assert.deepEqual(Object.keys(all), ["x", "y"]);
   * npz.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  *entries(): IterableIterator<[string, NDArray | Memmap]> {
    for (const name of this.files) yield [name, this.get(name)];
  }

  /**
   * Iterates over the member names, as iterating over NumPy's `NpzFile`.
   *
   * @returns An iterator over the names.
   */
  [Symbol.iterator](): IterableIterator<string> {
    return this.keys();
  }

  /**
   * Maps a stored member through one open file: its local header, its
   * `.npy` header and its data are read from the mapped bytes.
   */
  #map(entry: ZipEntry, where: string): Memmap {
    const mode = this.mmapMode!;
    // The local header (at most LOCAL_MAX bytes) and the data, within the
    // members' part of the archive.
    const to = Math.min(
      this.#zip.directoryOffset,
      entry.headerOffset + LOCAL_MAX + entry.compressedSize,
    );
    return mapNpyFile(this.filename, mode, where, this.#maxHeaderSize, {
      from: entry.headerOffset,
      to: (size) => {
        if (size !== this.#size) this.#replaced(entry.name);
        return to;
      },
      locate: (source) => {
        const start = this.#zip.dataOffset(entry, source);
        const head = source.read(start, Math.min(NPY_MAGIC.length, entry.size));
        const raw = !entry.name.endsWith(".npy") && !startsWithMagic(head);
        return { start, end: start + entry.size, raw };
      },
    });
  }

  #replaced(name: string): never {
    throw new Deno.errors.BadResource(
      `Cannot read member ${
        JSON.stringify(name)
      }: the archive ${this.#where} was replaced or changed since it was opened; open it again`,
    );
  }

  /** Closes the archive. Idempotent; arrays already returned stay usable. */
  close(): void {
    this.#closed = true;
  }

  /** Closes the archive, for `using`. See {@linkcode NpzFile.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

// A method or getter called on anything but an archive throws the library's
// TypeError.
guardReceivers(NpzFile.prototype, "NpzFile", isNpzFile, "an NpzFile");

function startsWithMagic(head: Uint8Array): boolean {
  return head.length >= NPY_MAGIC.length &&
    NPY_MAGIC.every((b, i) => head[i] === b);
}

/**
 * Checks an `mmapMode` for an archive.
 *
 * @param mode The requested mode.
 * @returns The mode, or `null` for in-memory reads.
 * @throws {TypeError} For `"r+"` (it would break the members' CRC-32) or an unknown mode.
 */
export function npzMmapMode(mode: unknown): NpzMmapMode | null {
  if (mode === undefined || mode === null) return null;
  if (mode === "r" || mode === "readonly") return "r";
  if (mode === "c" || mode === "copyonwrite") return "c";
  if (mode === "r+" || mode === "readwrite") {
    throw new TypeError(
      `Cannot map .npz members in mode "r+": writing would leave their CRC-32 stale; use "r", "c" or save a new archive`,
    );
  }
  throw new TypeError(
    `Cannot load with mmapMode ${
      describe(mode)
    }: mmapMode must be "r", "r+", "c" or null`,
  );
}
