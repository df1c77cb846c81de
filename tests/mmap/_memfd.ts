/**
 * Linux memfds with seals, for the tests of what a sealed file refuses
 * (resize_refused, resize_future_write, grow_sealed).
 */

export const F_ADD_SEALS = 1033;
export const F_SEAL_SHRINK = 2;
export const F_SEAL_GROW = 4;
export const F_SEAL_WRITE = 8;
export const F_SEAL_FUTURE_WRITE = 16;

/** The libc calls the tests make on a memfd. */
export function libc() {
  return Deno.dlopen("libc.so.6", {
    memfd_create: { parameters: ["buffer", "u32"], result: "i32" },
    fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
    ftruncate: { parameters: ["i32", "i64"], result: "i32" },
    pread: { parameters: ["i32", "buffer", "usize", "i64"], result: "isize" },
    lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
    close: { parameters: ["i32"], result: "i32" },
  });
}

/** The library {@linkcode libc} opens. */
export type Libc = ReturnType<typeof libc>;

/** A new memfd (sealing allowed) of `size` bytes, `fill` in each byte. */
export function memfd(lib: Libc, size: number, fill = 0): number {
  const fd = lib.symbols.memfd_create(
    new TextEncoder().encode("sealed\0"),
    2, // MFD_ALLOW_SEALING
  );
  if (fd < 0) throw new Error("memfd_create failed");
  if (lib.symbols.ftruncate(fd, BigInt(size)) !== 0) {
    throw new Error("ftruncate failed");
  }
  if (fill !== 0) {
    const m = new Uint8Array(size).fill(fill);
    const w = Deno.openSync(`/proc/self/fd/${fd}`, { write: true });
    try {
      w.writeSync(m);
    } finally {
      w.close();
    }
  }
  return fd;
}

/** Adds `seals` to the memfd `fd`. */
export function seal(lib: Libc, fd: number, seals: number): void {
  if (lib.symbols.fcntl(fd, F_ADD_SEALS, seals) !== 0) {
    throw new Error(`F_ADD_SEALS ${seals} failed`);
  }
}

/** The size of the file behind `fd`. */
export function sizeOf(lib: Libc, fd: number): number {
  return Number(lib.symbols.lseek(fd, 0n, 2));
}

/** The whole content of the file behind `fd`. */
export function contentOf(lib: Libc, fd: number): Uint8Array {
  const bytes = new Uint8Array(sizeOf(lib, fd));
  if (bytes.length > 0) {
    lib.symbols.pread(fd, bytes, BigInt(bytes.length), 0n);
  }
  return bytes;
}
