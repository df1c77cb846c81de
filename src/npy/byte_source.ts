/**
 * Random access to bytes, from memory or from an open file, so that the
 * `.npy` and zip readers read only the parts they need.
 *
 * @module
 */

/** Something bytes can be read from at any offset. */
export interface ByteSource {
  /** Total number of bytes. */
  readonly size: number;
  /**
   * Reads `length` bytes at `offset`.
   *
   * @param offset Where to start; `offset + length` must be at most `size`.
   * @param length How many bytes.
   * @returns Exactly `length` bytes (may be a view of shared memory).
   */
  read(offset: number, length: number): Uint8Array;
}

/**
 * A source over bytes in memory; reads are zero-copy views.
 *
 * @param bytes The bytes.
 * @returns The source.
 */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset: number, length: number): Uint8Array {
      checkRange(offset, length, bytes.length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/**
 * A source over an open file. The size is taken once, when it is made.
 *
 * @param file The open file; the caller keeps ownership.
 * @param where The file's name for error messages.
 * @returns The source.
 */
export function fileSource(file: Deno.FsFile, where: string): ByteSource {
  const size = file.statSync().size;
  return {
    size,
    read(offset: number, length: number): Uint8Array {
      checkRange(offset, length, size);
      const out = new Uint8Array(length);
      file.seekSync(offset, Deno.SeekMode.Start);
      let done = 0;
      while (done < length) {
        const n = file.readSync(
          out.subarray(done, Math.min(length, done + (1 << 30))),
        );
        if (n === null || n === 0) {
          throw new Deno.errors.InvalidData(
            `File ended early, expected ${length} bytes but got ${done}, in ${where} at byte ${
              offset + done
            }`,
          );
        }
        done += n;
      }
      return out;
    },
  };
}

function checkRange(offset: number, length: number, size: number): void {
  if (
    !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 || offset + length > size
  ) {
    throw new RangeError(
      `Cannot read ${length} bytes at ${offset}: range must be within 0..${size}`,
    );
  }
}
