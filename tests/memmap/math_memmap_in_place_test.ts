import assert from "node:assert/strict";
import { frombuffer, memmap, type NDArray, zeros } from "../../mod.ts";
import {
  MATH_KERNELS,
  MATH_ULPS,
  mathSettings,
} from "../../src/memmap/kernels/math_kernels.ts";
import { readableMemory } from "../../src/memmap/kernels/runtime.ts";
import { tempDir } from "../test_util.ts";

// The math kernels (exp, log, sin...) read a memmap of 16 MiB or more in
// place in the WebAssembly memory that holds its second map of the file
// (the walk reads each window ahead), instead of copying the arguments
// through the kernels' own memory a chunk at a time: the same bits either
// way, on every view.

const LINUX = Deno.build.os === "linux";

/** Arguments over every function's interesting range, large ones (partial kernels' lanes) and specials included. */
function args(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const u = seed / 2147483648;
    out[i] = i % 97 === 0 ? (u - 0.5) * 1e7 : (u - 0.3) * 60;
  }
  out[5] = NaN;
  out[6] = Infinity;
  out[7] = -Infinity;
  out[8] = -0;
  return out;
}

/** An array's bytes. */
function bytesOf(a: NDArray): Uint8Array {
  const t = a.toTypedArray() as Float64Array | Float32Array;
  return new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
}

Deno.test({
  name:
    "math kernels read large memmaps in place and give the bits of the copying path on every view",
  ignore: !LINUX,
  fn() {
    using dir = tempDir();
    for (const dtype of ["float32", "float64"] as const) {
      // Past one 16 MiB window, a tail that is not a whole step.
      const n = (dtype === "float32" ? 5 : 3) * 1024 * 1024 + 3;
      const typed = dtype === "float32"
        ? Float32Array.from(args(n + 1, 3))
        : Float64Array.from(args(n + 1, 3));
      const path = `${dir.path}/${dtype}.bin`;
      Deno.writeFileSync(path, new Uint8Array(typed.buffer));
      const size = typed.BYTES_PER_ELEMENT;
      using m = memmap(path, { dtype, mode: "r", shape: [n] });
      // From the second element: the arguments' address is not the file's.
      using shifted = memmap(path, {
        dtype,
        mode: "r",
        offset: size,
        shape: [n],
      });
      const data = m.data as Float32Array | Float64Array;
      assert.ok(
        readableMemory(data.buffer, data.byteOffset + data.byteLength),
        `${dtype}: a large memmap is in a memory of its own`,
      );
      const views: [string, NDArray][] = [
        ["whole", m],
        ["offset", shifted],
        ["slice", m.slice("3:-5")],
        ["reversed", m.slice("::-1")],
        ["strided", m.slice("1::3")],
        ["2-D", m.slice(":-3").reshape(1024, -1)],
      ];
      for (const name of MATH_KERNELS) {
        if (MATH_ULPS[name][dtype] === undefined) continue;
        for (const [label, v] of views) {
          const got = v[name]();
          mathSettings.copy = true;
          let want: NDArray;
          try {
            want = v[name]();
          } finally {
            mathSettings.copy = false;
          }
          assert.deepEqual(
            bytesOf(got),
            bytesOf(want),
            `${name} ${dtype} ${label}`,
          );
        }
        // out= an array the library allocated, and a caller's buffer.
        const out = zeros([n], { dtype });
        m[name]({ out });
        const buffer = frombuffer(
          new (dtype === "float32" ? Float32Array : Float64Array)(n).buffer,
          { dtype },
        );
        m[name]({ out: buffer });
        const ref = m[name]();
        assert.deepEqual(bytesOf(out), bytesOf(ref), `${name} ${dtype} out=`);
        assert.deepEqual(
          bytesOf(buffer),
          bytesOf(ref),
          `${name} ${dtype} out= a caller's buffer`,
        );
      }
    }
  },
});

Deno.test({
  name:
    "readableMemory gives a large memmap's memory while it is open, and nothing for other buffers",
  ignore: !LINUX,
  fn() {
    using dir = tempDir();
    const path = `${dir.path}/m.bin`;
    Deno.writeFileSync(path, new Uint8Array(17 * 1024 * 1024));
    const m = memmap(path, { dtype: "float64", mode: "r" });
    const data = m.data as Float64Array;
    const end = data.byteOffset + data.byteLength;
    const memory = readableMemory(data.buffer, end);
    assert.ok(memory instanceof WebAssembly.Memory);
    assert.equal(memory.buffer, data.buffer);
    m.close();
    // Closing detaches the buffer: nothing may read it in place any more.
    assert.equal(readableMemory(data.buffer, end), undefined);
    assert.equal(readableMemory(new ArrayBuffer(64), 64), undefined);
    const small = `${dir.path}/small.bin`;
    Deno.writeFileSync(small, new Uint8Array(4096));
    using s = memmap(small, { dtype: "float64", mode: "r" });
    const sd = s.data as Float64Array;
    assert.equal(
      readableMemory(sd.buffer, sd.byteOffset + sd.byteLength),
      undefined,
    );
  },
});
