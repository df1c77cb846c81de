// A memmap's WebAssembly memory (its second map of the file,
// `mapIntoMemory` in mmap.ts) is made when its bytes are first used, not
// when it is opened: a map opened and closed, or one a call never reads,
// makes none; the first use makes one, and later uses none; a map closed
// before its first use throws BadResource from every path and makes none;
// a view kept after its memmap was collected makes it and reads the file.
import assert from "node:assert/strict";
import { memmap, type NDArray, openMemmap } from "../../mod.ts";
import { memorySettings } from "../../src/memmap/memmap.ts";
import { memoryOf } from "../../src/memmap/storage.ts";
import { memoriesShown } from "../../src/mmap/mmap.ts";
import { CAN_SPAWN_DENO, denoRun, tempDir } from "../test_util.ts";

const LINUX = Deno.build.os === "linux";
/** Memories one first use makes: one a map on Linux, none elsewhere. */
const ONE = LINUX ? 1 : 0;

/** Runs `body` with every memmap shown in a memory (threshold 0), then restores it. */
function shownAlways<T>(body: () => T): T {
  const saved = memorySettings.minBytes;
  memorySettings.minBytes = 0;
  try {
    return body();
  } finally {
    memorySettings.minBytes = saved;
  }
}

/** A float64 file of 0, 1, 2 ... (n values), as a path in `dir`. */
function countingFile(dir: string, n: number): string {
  const path = `${dir}/f8.bin`;
  Deno.writeFileSync(
    path,
    new Uint8Array(Float64Array.from({ length: n }, (_, i) => i).buffer),
  );
  return path;
}

/** Opens the file as a memmap each way the library has. */
const OPENS: [string, (dir: string) => NDArray & Disposable][] = [
  [
    "memmap r",
    (dir) => memmap(countingFile(dir, 4096), { dtype: "float64", mode: "r" }),
  ],
  [
    "memmap r+",
    (dir) => memmap(countingFile(dir, 4096), { dtype: "float64", mode: "r+" }),
  ],
  [
    "memmap c",
    (dir) => memmap(countingFile(dir, 4096), { dtype: "float64", mode: "c" }),
  ],
  ["openMemmap w+", (dir) =>
    openMemmap(`${dir}/a.npy`, {
      mode: "w+",
      dtype: "float64",
      shape: [64, 64],
    })],
];

/** What may be done with a memmap without reading its elements. */
const UNREAD: [string, (a: NDArray) => unknown][] = [
  ["nothing", () => undefined],
  ["views", (a) => [a.slice("1:"), a.reshape(-1, 2).T, a.slice("::-3")]],
  ["metadata", (a) => [a.shape, a.strides, a.dtype.name, a.closed, a.size]],
];

Deno.test("a memmap opened and closed without reading its elements makes no memory", () => {
  using dir = tempDir();
  shownAlways(() => {
    for (const [open, make] of OPENS) {
      for (const [label, use] of UNREAD) {
        const before = memoriesShown();
        {
          using a = make(dir.path);
          use(a);
        }
        assert.equal(memoriesShown(), before, `${open}, ${label}`);
      }
    }
  });
});

/** Uses that read a memmap's elements: each makes its memory on first use. */
const READS: [string, (a: NDArray) => unknown][] = [
  ["get", (a) => a.get(5)],
  ["sum", (a) => a.sum()],
  ["mul", (a) => a.mul(2).get(7)],
  ["view's get", (a) => a.slice("3:").get(0)],
  ["data", (a) => a.data[9]],
  ["toArray", (a) => (a.toArray() as number[])[4]],
  ["exp", (a) => a.slice(":2").exp().get(1)],
];

Deno.test("the first read of a memmap makes its memory once; the values are the file's", () => {
  using dir = tempDir();
  shownAlways(() => {
    // Mode "c" is never shown in a memory: its bytes, the map's own buffer,
    // are made on first use the same way.
    for (const mode of ["r", "c"] as const) {
      const one = mode === "r" ? ONE : 0;
      for (const [label, read] of READS) {
        using a = memmap(countingFile(dir.path, 4096), {
          dtype: "float64",
          mode,
        });
        const before = memoriesShown();
        const value = read(a);
        const what = `${label}, mode ${mode}`;
        assert.equal(memoriesShown(), before + one, what);
        assert.equal(memoryOf(a.storage) !== undefined, one === 1, what);
        read(a);
        assert.equal(a.get(4095), 4095, what);
        assert.equal(a.slice("::-1").get(0), 4095, what);
        assert.equal(memoriesShown(), before + one, `${what}, again`);
        assert.ok(typeof value === "number" && value > 0, what);
      }
    }
  });
});

Deno.test("a memmap's operand that a call does not read makes no memory (a.mul(2) with b open)", () => {
  using dir = tempDir();
  shownAlways(() => {
    const path = countingFile(dir.path, 4096);
    const before = memoriesShown();
    using a = memmap(path, { dtype: "float64", mode: "r" }),
      b = memmap(path, { dtype: "float64", mode: "r" });
    assert.equal(a.mul(2).get(10), 20);
    assert.equal(memoriesShown(), before + ONE);
    assert.equal(b.add(a).get(10), 20);
    assert.equal(memoriesShown(), before + 2 * ONE);
  });
});

Deno.test("writes through a memory made on first use reach the file", () => {
  using dir = tempDir();
  shownAlways(() => {
    const path = countingFile(dir.path, 4096);
    {
      using a = memmap(path, { dtype: "float64", mode: "r+" });
      const row = a.slice("100:");
      row.set(0, -1);
      a.slice("::2").mul(3, { out: a.slice("::2") });
      a.flush();
    }
    const back = new Float64Array(Deno.readFileSync(path).buffer);
    assert.equal(back[100], -3);
    assert.equal(back[2], 6);
    assert.equal(back[3], 3);
  });
});

/** Every path a closed memmap must refuse with BadResource. */
const CLOSED: [string, (a: NDArray) => unknown][] = [
  ["get", (a) => a.get(0)],
  ["set", (a) => a.set(0, 1)],
  ["data", (a) => a.data],
  ["sum", (a) => a.sum()],
  ["mul", (a) => a.mul(2)],
  ["add", (a) => a.add(a)],
  ["copy", (a) => a.copy()],
  ["toTypedArray", (a) => a.toTypedArray()],
  ["toArray", (a) => a.toArray()],
  ["fill", (a) => a.fill(1)],
  ["assign", (a) => a.assign(2)],
  ["exp", (a) => a.exp()],
  ["iterate", (a) => [...a]],
  ["flush", (a) => (a as unknown as { flush(): void }).flush()],
];

Deno.test("a memmap closed before its first read throws BadResource from every path and makes no memory", () => {
  using dir = tempDir();
  shownAlways(() => {
    for (const [label, use] of CLOSED) {
      for (const view of [false, true]) {
        const a = memmap(countingFile(dir.path, 4096), {
          dtype: "float64",
          mode: "r+",
        });
        const v = view ? a.slice("2:") : a;
        const before = memoriesShown();
        a.close();
        assert.equal(v.closed, true, label);
        assert.throws(() => use(v), Deno.errors.BadResource, label);
        assert.equal(memoriesShown(), before, `${label}, view ${view}`);
        assert.equal(memoryOf(v.storage), undefined, label);
      }
    }
  });
});

Deno.test("a memmap closed after its first read throws BadResource from every path", () => {
  using dir = tempDir();
  shownAlways(() => {
    for (const [label, use] of CLOSED) {
      const a = memmap(countingFile(dir.path, 4096), {
        dtype: "float64",
        mode: "r+",
      });
      // A view made before the first read and one after.
      const early = a.slice("1:");
      a.sum();
      const late = a.slice("2:");
      const data = a.data;
      a.close();
      assert.equal(data.length, 0, "the data's buffer is detached");
      for (const v of [a, early, late]) {
        assert.throws(() => use(v), Deno.errors.BadResource, label);
      }
    }
  });
});

Deno.test(
  "a view kept after its memmap was collected makes the memory and reads the file; both maps go once it is collected",
  { ignore: !LINUX || !CAN_SPAWN_DENO },
  () => {
    using dir = tempDir();
    const path = countingFile(dir.path, 1 << 16);
    const result = denoRun(
      ["-A", "--v8-flags=--expose-gc"],
      `
    import { memmap } from "MOD";
    const { memorySettings } = await import(new URL("./src/memmap/memmap.ts", "MOD").href);
    const { memoriesShown } = await import(new URL("./src/mmap/mmap.ts", "MOD").href);
    memorySettings.minBytes = 0;
    const gc = (globalThis as unknown as { gc: () => void }).gc;
    const maps = () =>
      Deno.readTextFileSync("/proc/self/maps").split("\\n")
        .filter((l) => l.endsWith(${JSON.stringify(path)})).length;
    const settle = async (done: () => boolean) => {
      const deadline = Date.now() + 10_000;
      do {
        gc();
        await new Promise((r) => setTimeout(r, 25));
      } while (!done() && Date.now() < deadline);
    };
    let view = (() => memmap(${
        JSON.stringify(path)
      }, { dtype: "float64", mode: "r" }).slice("10:"))();
    const before = memoriesShown();
    const opened = maps();
    await settle(() => false);
    const got = [view.get(0), view.sum(), view.mul(2).get(5)];
    const made = memoriesShown() - before;
    const shown = maps();
    view = undefined as never;
    await settle(() => maps() === 0);
    console.log(JSON.stringify({ opened, got, made, shown, after: maps() }));
    `,
    );
    assert.equal(result.code, 0, result.stderr);
    const { opened, got, made, shown, after } = JSON.parse(result.stdout);
    const n = 1 << 16;
    assert.equal(opened, 1, "one map of the file while unread");
    assert.deepEqual(got, [10, (n * (n - 1)) / 2 - 45, 30]);
    assert.equal(made, 1);
    assert.equal(shown, 2, "the map and its second map in the memory");
    assert.equal(after, 0, "both maps are gone once the view is collected");
  },
);
