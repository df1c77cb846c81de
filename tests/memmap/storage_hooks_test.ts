import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  array,
  type ArrayStorage,
  frombuffer,
  full,
  load,
  type Memmap,
  memmap,
  Mmap,
  NDArray,
  NpzFile,
  save,
  savez,
  SharedMemory,
} from "../../mod.ts";
import { isContractError } from "../_hostile.ts";
import { tempDir } from "../test_util.ts";

// The read-ahead and release hooks of a map's storage are reachable through
// `a.storage`: whatever they are called with, they check their arguments
// (the library's TypeError, not an engine message) and never reach memory
// outside the map.

/** Arrays whose storage has hooks: a memmap (r+ and c) and a SharedMemory array. */
function withHooked(fn: (name: string, a: NDArray) => void): void {
  using dir = tempDir();
  const path = `${dir.path}/hooks.bin`;
  Deno.writeFileSync(path, new Uint8Array(1 << 16).fill(7));
  for (const mode of ["r+", "c"] as const) {
    using a = memmap(path, { dtype: "uint8", mode });
    fn(`memmap ${mode}`, a);
  }
  // 17 MiB: a memmap read through its own memory (see mapIntoMemory).
  const large = `${dir.path}/large.bin`;
  Deno.writeFileSync(large, new Uint8Array(17 << 20).fill(7));
  for (const mode of ["r+", "r"] as const) {
    using a = memmap(large, { dtype: "uint8", mode });
    fn(`large memmap ${mode}`, a);
  }
  const shm = new SharedMemory({ create: true, size: 1 << 16 });
  try {
    fn("SharedMemory", shm.ndarray());
  } finally {
    shm.close();
    shm.unlink();
  }
}

const BAD = [NaN, 1.5, Infinity, "0", 0n, {}, undefined, null];

Deno.test("a storage's hooks refuse arguments that are not integers with the library's TypeError", () => {
  withHooked((name, a) => {
    const s = a.storage;
    for (const hook of ["prefetch", "release"] as const) {
      const f = s[hook];
      if (f === undefined) continue;
      for (const bad of BAD) {
        assert.throws(
          () => f.call(s, bad as number, 10),
          (e: Error) =>
            e instanceof TypeError && e.message.startsWith("Cannot"),
          `${name} ${hook}(${String(bad)}, 10)`,
        );
        assert.throws(
          () => f.call(s, 0, bad as number),
          (e: Error) =>
            e instanceof TypeError && e.message.startsWith("Cannot"),
          `${name} ${hook}(0, ${String(bad)})`,
        );
      }
    }
  });
});

Deno.test("a storage's read-ahead and release clip ranges to the map: before it, past it or huge, nothing else is touched", () => {
  withHooked((name, a) => {
    const s = a.storage;
    for (
      const [start, length] of [
        [-(2 ** 40), 2 ** 40 + 4096],
        [-(2 ** 20), 2 ** 20],
        [1 << 16, 1 << 20],
        [0, 2 ** 52],
        [-5, 3],
      ]
    ) {
      for (const write of [false, true]) {
        s.prefetch?.(start, length, write);
      }
      s.release?.(start, length);
    }
    s.verify?.();
    assert.equal(a.get(100), name === "SharedMemory" ? 0 : 7, name);
    assert.equal(a.sum(), BigInt(name === "SharedMemory" ? 0 : 7 * a.size));
  });
});

// ---------------------------------------------------------------------------
// Issue 10: no crash, a failed call changes nothing, contract errors only.
// Every library storage kind x every hook x every state (open, closed, a
// hook closing the map mid-walk, fields changed through `a.storage`).

/** One array of a library storage kind, and how to close what it views. */
interface Made {
  a: NDArray;
  /** Closes the map (or detaches the memory) the array views; undefined: cannot be closed. */
  close?: () => void;
  /** Whether the array must refuse writes. */
  readOnly: boolean;
  /** Frees what is left (unlink, remove). */
  cleanup?: () => void;
}

const SMALL = 1 << 16;
const LARGE = 17 << 20; // a memmap read through its own memory (mapIntoMemory)

/** Every kind of storage the library makes, by name. */
function kinds(dir: string): Record<string, () => Made> {
  const file = (name: string, size: number) => {
    const path = `${dir}/${name}`;
    try {
      Deno.statSync(path);
    } catch {
      Deno.writeFileSync(path, new Uint8Array(size).fill(7));
    }
    return path;
  };
  const mm = (mode: "r" | "r+" | "c", size: number) => (): Made => {
    const a = memmap(file(`f${size}.bin`, size), { dtype: "uint8", mode });
    return { a, close: () => a.close(), readOnly: mode === "r" };
  };
  const npy = `${dir}/a.npy`;
  save(npy, full([SMALL], 7, { dtype: "uint8" }));
  const npz = `${dir}/a.npz`;
  savez(npz, { x: full([SMALL], 7, { dtype: "uint8" }) });
  return {
    "memmap r": mm("r", SMALL),
    "memmap r+": mm("r+", SMALL),
    "memmap c": mm("c", SMALL),
    "memmap w+": () => {
      const a = memmap(`${dir}/w${crypto.randomUUID()}.bin`, {
        dtype: "uint8",
        mode: "w+",
        shape: [SMALL],
      });
      a.fill(7);
      return { a, close: () => a.close(), readOnly: false };
    },
    "large memmap r": mm("r", LARGE),
    "large memmap r+": mm("r+", LARGE),
    "load(mmapMode r)": () => {
      const a = load(npy, { mmapMode: "r" }) as Memmap;
      return { a, close: () => a.close(), readOnly: true };
    },
    "load(mmapMode r+)": () => {
      const a = load(npy, { mmapMode: "r+" }) as Memmap;
      return { a, close: () => a.close(), readOnly: false };
    },
    "NpzFile member (mmapMode r)": () => {
      const z = new NpzFile(npz, { mmapMode: "r" });
      const a = z.get("x") as Memmap;
      return {
        a,
        close: () => {
          a.close();
          z.close();
        },
        readOnly: true,
        cleanup: () => z.close(),
      };
    },
    "SharedMemory array": () => {
      const shm = new SharedMemory({ create: true, size: SMALL });
      const a = shm.ndarray();
      a.fill(7);
      return {
        a,
        close: () => shm.close(),
        readOnly: false,
        cleanup: () => {
          shm.close();
          shm.unlink();
        },
      };
    },
    "Mmap-backed array": () => {
      const m = Mmap.anonymous(SMALL);
      const a = frombuffer(m.bytes);
      a.fill(7);
      return { a, close: () => m.close(), readOnly: false };
    },
    "in-memory array": () => ({
      a: full([SMALL], 7, { dtype: "uint8" }),
      readOnly: false,
    }),
    "given storage with hooks": () => {
      const buffer = new ArrayBuffer(SMALL);
      const bytes = new Uint8Array(buffer).fill(7);
      const a = new NDArray(
        {
          bytes,
          readOnly: false,
          prefetch() {},
          release() {},
          verify() {},
        },
        "uint8",
        [SMALL],
      );
      return { a, close: () => void buffer.transfer(0), readOnly: false };
    },
  };
}

/** Runs `fn` over a fresh array of every kind. */
function eachKind(fn: (name: string, made: Made) => void): void {
  using dir = tempDir();
  for (const [name, make] of Object.entries(kinds(dir.path))) {
    const made = make();
    try {
      fn(name, made);
    } finally {
      try {
        made.close?.();
      } catch { /* closed already */ }
      made.cleanup?.();
    }
  }
}

const HOOKS = ["prefetch", "release", "verify"] as const;
type Hook = typeof HOOKS[number];

/** Calls a storage hook with a valid range. */
function callHook(s: ArrayStorage, hook: Hook, start = 0, length = 16): void {
  if (hook === "verify") s.verify!();
  else if (hook === "prefetch") s.prefetch!(start, length, true);
  else s.release!(start, length);
}

/** Whether `e` is `Deno.errors.BadResource` with the library's message. */
function badResource(e: unknown): boolean {
  return e instanceof Deno.errors.BadResource && isContractError(e);
}

Deno.test("every library storage is frozen: readOnly, bytes, label and hooks cannot be changed, nor a.storage replaced", () => {
  eachKind((name, { a, readOnly }) => {
    const s = a.storage;
    assert.ok(Object.isFrozen(s), `${name}: storage frozen`);
    assert.equal(s.readOnly, readOnly, `${name}: readOnly`);
    const before = { ...s };
    const changes: Record<string, unknown> = {
      readOnly: !readOnly,
      bytes: new Uint8Array(SMALL),
      label: "other",
      releaseThreshold: 0,
      prefetch: () => {},
      release: () => {},
      verify: () => {},
    };
    for (const [field, value] of Object.entries(changes)) {
      assert.throws(
        () => ((s as unknown as Record<string, unknown>)[field] = value),
        TypeError,
        `${name}: storage.${field} = ...`,
      );
    }
    assert.throws(
      () => ((a as { storage: unknown }).storage = { ...s, readOnly: false }),
      TypeError,
      `${name}: a.storage = ...`,
    );
    assert.deepEqual({ ...a.storage }, before, `${name}: storage unchanged`);
    assert.equal(a.storage, s, `${name}: same storage`);
  });
});

/** Writes of every kind (the element-wise walks, fill, set, put, sort). */
const WRITES: Record<string, (a: NDArray) => unknown> = {
  fill: (a) => a.fill(1),
  set: (a) => a.set(0, 1),
  assign: (a) => a.assign(1),
  "add(out=a)": (a) => a.add(1, { out: a }),
  put: (a) => a.put([0, 5], [1, 1]),
  putmask: (a) => a.putmask(a.eq(7), 1),
  sort: (a) => a.sort(),
};

Deno.test("read-only arrays refuse every write with the library's TypeError after their storage's fields were tried", () => {
  eachKind((name, { a, readOnly }) => {
    if (!readOnly) return;
    try {
      (a.storage as { readOnly: boolean }).readOnly = false;
    } catch { /* frozen */ }
    for (const [what, write] of Object.entries(WRITES)) {
      assert.throws(
        () => write(a),
        (e: Error) => e instanceof TypeError && /^Cannot write/.test(e.message),
        `${name}: ${what}`,
      );
    }
    assert.equal(a.sum(), BigInt(7 * a.size), `${name}: unchanged`);
  });
});

Deno.test("a storage's hooks work while it is open, and throw the library's BadResource once it is closed (range checked first)", () => {
  eachKind((name, made) => {
    const s = made.a.storage;
    for (const hook of HOOKS) {
      if (s[hook] !== undefined) callHook(s, hook);
    }
    if (made.close === undefined) return;
    made.close();
    assert.equal(made.a.closed, true, `${name}: closed`);
    for (const hook of HOOKS) {
      if (s[hook] === undefined) continue;
      for (const [start, length] of [[0, 16], [0, 2 ** 40], [-5, 3]]) {
        assert.throws(
          () => callHook(s, hook, start, length),
          badResource,
          `${name}: ${hook}(${start}, ${length}) after close`,
        );
      }
      if (hook !== "verify") {
        assert.throws(
          () => callHook(s, hook, NaN, 1),
          (e: Error) => e instanceof TypeError && isContractError(e),
          `${name}: ${hook}(NaN, 1) after close: arguments first`,
        );
      }
    }
  });
});

/** Walks of every kind over a float64 array `a` (`m`: a second array). */
const WALKS: Record<string, (a: NDArray) => unknown> = {
  sum: (a) => a.sum(),
  max: (a) => a.max(),
  argmax: (a) => a.argmax(),
  "sum(axis=0)": (a) => a.reshape(64, -1).sum(0),
  var: (a) => a.var(),
  cumsum: (a) => a.cumsum(),
  "add(a, out=a)": (a) => a.add(a, { out: a }),
  "mul(2, out=a)": (a) => a.mul(2, { out: a }),
  "add (new)": (a) => a.add(1),
  fill: (a) => a.fill(3),
  assign: (a) => a.assign(array([1])),
  copy: (a) => a.copy(),
  "astype(float32)": (a) => a.astype("float32"),
  take: (a) => a.take([0, 5, 9]),
  put: (a) => a.put([0, 5], [1, 2]),
  sort: (a) => a.sort(),
  "T.copy": (a) => a.reshape(64, -1).T.copy(),
};

Deno.test("a given storage's hook that closes the map under it fails the call with the library's BadResource: every walk, every map kind", () => {
  const fired = new Set<string>();
  using dir = tempDir();
  const all = kinds(dir.path);
  for (const [kind, make] of Object.entries(all)) {
    if (kind === "in-memory array" || kind.startsWith("large")) continue;
    for (const hook of HOOKS) {
      for (const [walk, run] of Object.entries(WALKS)) {
        const made = make();
        try {
          let calls = 0;
          const at = made.a.byteOffset; // (a .npy file's header before it)
          const storage: ArrayStorage = {
            bytes: made.a.storage.bytes.subarray(at, at + SMALL),
            readOnly: false,
            releaseThreshold: 0,
            [hook]: () => {
              calls++;
              made.close!();
            },
          };
          const a = new NDArray(storage, "float64", [SMALL / 8]);
          let error: unknown;
          try {
            run(a);
          } catch (e) {
            error = e;
          }
          const what = `${kind}: ${hook} closes, ${walk}`;
          if (calls === 0 && made.readOnly && error !== undefined) {
            // A read-access map's memory gives read-only arrays whatever
            // readOnly says: a write is refused before any hook runs.
            assert.ok(
              error instanceof TypeError &&
                /^Cannot write to the array: its memory is a read-only map's/
                  .test(error.message),
              `${what}: ${error}`,
            );
          } else if (calls === 0) {
            assert.equal(error, undefined, `${what}: no hook call, no error`);
          } else {
            assert.ok(badResource(error), `${what}: ${error}`);
            fired.add(walk);
          }
        } finally {
          try {
            made.close!();
          } catch { /* closed */ }
          made.cleanup?.();
        }
      }
    }
  }
  assert.deepEqual(
    Object.keys(WALKS).filter((w) => !fired.has(w)),
    [],
    "walks no hook reached",
  );
});

Deno.test("a hook that closes the map of a large memmap, or of another operand, fails the call with BadResource", () => {
  using dir = tempDir();
  const path = `${dir.path}/large.bin`;
  Deno.writeFileSync(path, new Uint8Array(LARGE));
  for (const [walk, run] of Object.entries(WALKS)) {
    // The hook's own storage views the map's memory.
    {
      const m = memmap(path, { dtype: "uint8", mode: "r+" });
      const a = new NDArray(
        {
          bytes: m.storage.bytes,
          readOnly: false,
          prefetch: () => m.close(),
          verify: () => m.close(),
        },
        "float64",
        [LARGE / 8],
      );
      assert.throws(() => run(a), badResource, `large, own: ${walk}`);
      m.close();
    }
    // Another operand: the hook's storage is plain memory.
    {
      const m = memmap(path, { dtype: "float64", mode: "r+" });
      const u = new NDArray(
        {
          bytes: new Uint8Array(LARGE),
          readOnly: false,
          prefetch: () => m.close(),
          verify: () => m.close(),
        },
        "float64",
        [LARGE / 8],
      );
      assert.throws(
        () => m.add(u, { out: m }),
        badResource,
        `other operand: ${walk}`,
      );
      m.close();
    }
  }
});

Deno.test("an error thrown by a given storage's hook propagates as it is", () => {
  const thrown = new Error("hook failed");
  for (const hook of HOOKS) {
    const a = new NDArray(
      {
        bytes: new Uint8Array(64),
        readOnly: false,
        releaseThreshold: 0,
        [hook]: () => {
          throw thrown;
        },
      },
      "float64",
      [8],
    );
    assert.throws(() => callHook(a.storage, hook), (e) => e === thrown, hook);
    assert.throws(
      () => hook === "verify" ? a.take([1]) : a.sum(),
      (e) => e === thrown,
      `${hook} in a walk`,
    );
  }
});

Deno.test("a given storage is read once: changing it afterwards changes neither the array's storage nor its hooks", () => {
  const calls: string[] = [];
  const given = {
    bytes: new Uint8Array(64),
    readOnly: true,
    label: "mine",
    prefetch(this: unknown) {
      calls.push(this === given ? "given" : "other");
    },
  };
  const a = new NDArray(given, "float64", [8]);
  given.readOnly = false;
  given.bytes = new Uint8Array(8);
  given.prefetch = () => void calls.push("replaced");
  assert.equal(a.storage.readOnly, true);
  assert.equal(a.storage.bytes.length, 64);
  assert.equal(a.storage.label, "mine");
  assert.throws(() => a.fill(1), TypeError);
  a.storage.prefetch!(0, 8);
  assert.deepEqual(
    calls,
    ["given"],
    "the given hook, called on the given object",
  );
});

Deno.test("a given storage's hooks, label and releaseThreshold of the wrong type are the library's TypeError", () => {
  const bytes = new Uint8Array(8);
  for (
    const [field, value] of [
      ["prefetch", 1],
      ["release", "x"],
      ["verify", {}],
      ["label", 5],
      ["releaseThreshold", "big"],
      ["releaseThreshold", NaN],
    ] as const
  ) {
    assert.throws(
      () =>
        new NDArray(
          { bytes, readOnly: false, [field]: value } as unknown as ArrayStorage,
          "u1",
          [8],
        ),
      (e: Error) => e instanceof TypeError && isContractError(e),
      `${field}: ${String(value)}`,
    );
  }
});

Deno.test("memory whose pages cannot be written gives read-only arrays whatever readOnly says (a subprocess: a write would fault)", () => {
  const child = fileURLToPath(
    new URL("./_storage_child.ts", import.meta.url),
  );
  const out = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", child],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const results = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    case: string;
    error: string | null;
    message: string;
    unchanged: boolean;
  }[];
  if (results.length === 0) return; // no write-protected memory here
  for (const r of results) {
    assert.equal(r.error, "TypeError", `${r.case}: ${r.message}`);
    assert.match(r.message, /^Cannot write/, r.case);
    assert.ok(r.unchanged, `${r.case}: memory unchanged`);
  }
});
