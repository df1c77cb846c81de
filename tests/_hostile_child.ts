/**
 * Calls every public method that takes a number, a string, an options
 * object or bytes with every hostile and wrong value of `_hostile.ts`, on a
 * fresh victim each time; the hostile values close or resize the victim
 * while they are converted. Prints one JSON line: how many calls ran and
 * every call that threw something other than a contract error. A crash ends
 * the process instead (the parent test checks the exit code).
 *
 * Usage: deno run -A tests/_hostile_child.ts <dir> [section ...]
 *
 * @module
 */

import {
  arange,
  array,
  concatenate,
  dtype,
  empty,
  frombuffer,
  full,
  load,
  Memmap,
  memmap,
  Mmap,
  NDArray,
  norm,
  NpzFile,
  openMemmap,
  save,
  savez,
  SharedMemory,
  stack,
  where,
  zeros,
} from "../mod.ts";
import { HOSTILE, isContractError, WRONG } from "./_hostile.ts";

const dir = Deno.args[0];
const sections = new Set(Deno.args.slice(1));

let calls = 0;
const violations: string[] = [];

/**
 * A `-0` among the integers of what a call returned (an array's shape,
 * strides, byte offset; a map's length, position, offset), where NumPy
 * has `0`.
 */
function negativeZeros(result: unknown): string[] {
  if (typeof result !== "object" || result === null) return [];
  const found: string[] = [];
  for (
    const key of [
      "shape",
      "strides",
      "byteOffset",
      "offset",
      "length",
      "size",
      "ndim",
    ]
  ) {
    let value: unknown;
    try {
      value = (result as Record<string, unknown>)[key];
    } catch {
      continue; // A closed object's getters may refuse.
    }
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => Object.is(v, -0))) found.push(key);
  }
  return found;
}

function attempt(label: string, fn: () => unknown): void {
  calls++;
  try {
    const zeros = negativeZeros(fn());
    if (zeros.length > 0) {
      violations.push(`${label}: returned -0 in its ${zeros.join(", ")}`);
    }
  } catch (error) {
    if (!isContractError(error)) {
      violations.push(
        `${label}: ${(error as Error)?.constructor?.name} ${
          String((error as Error)?.message ?? error).slice(0, 200)
        }`,
      );
    }
  }
}

/** Every argument of a victim's methods, as `(victim, value) => call`. */
type Site<V> = [string, (victim: V, value: unknown) => unknown];

function runSites<V extends { close(): void }>(
  what: string,
  make: () => V,
  acts: Record<string, (victim: V) => void>,
  sites: Site<V>[],
): void {
  for (const [name, call] of sites) {
    for (const [actName, act] of Object.entries(acts)) {
      for (const [hostileName, hostile] of Object.entries(HOSTILE)) {
        const victim = make();
        const label = `${what}.${name} with ${hostileName} that ${actName}`;
        try {
          let acted = false;
          const value = hostile(() => {
            if (acted) return;
            acted = true;
            act(victim);
          });
          const before = acted;
          attempt(label, () => {
            call(victim, value);
            // Returning normally after the victim was closed during the
            // call means the call went on with a closed object.
            if (!before && acted && actName === "closes" && what !== "") {
              violations.push(`${label}: returned after the victim closed`);
            }
          });
        } finally {
          victim.close();
        }
      }
    }
    const victim = make();
    try {
      for (const [wrongName, value] of Object.entries(WRONG)) {
        attempt(`${what}.${name} with ${wrongName}`, () => call(victim, value));
      }
    } finally {
      victim.close();
    }
  }
}

const file = `${dir}/victim.bin`;
Deno.writeFileSync(file, new Uint8Array(3 * 4096).fill(120));

// deno-lint-ignore no-explicit-any
type Any = any;

if (sections.size === 0 || sections.has("first")) {
  // The examples of the issue, first, in a fresh process: a use of unmapped
  // memory here crashes reliably (later, the address may be mapped again).
  const m = Mmap.open(file);
  attempt(
    "Mmap.find() with a valueOf that closes the map",
    () =>
      m.find("zzz", {
        valueOf() {
          m.close();
          return 0;
        },
      } as Any),
  );
  m.close();
}

if (sections.size === 0 || sections.has("mmap")) {
  const sites: Site<Mmap>[] = [
    ["read(n)", (m, v) => m.read(v as Any)],
    ["write(data)", (m, v) => m.write(v as Any)],
    ["writeByte(byte)", (m, v) => m.writeByte(v as Any)],
    ["seek(pos)", (m, v) => m.seek(v as Any)],
    ["seek(0, whence)", (m, v) => m.seek(0, v as Any)],
    ["find(sub)", (m, v) => m.find(v as Any)],
    ["find(sub, start)", (m, v) => m.find("zzz", v as Any)],
    ["find(sub, 0, end)", (m, v) => m.find("zzz", 0, v as Any)],
    ["rfind(sub)", (m, v) => m.rfind(v as Any)],
    ["rfind(sub, start)", (m, v) => m.rfind("zzz", v as Any)],
    ["rfind(sub, 0, end)", (m, v) => m.rfind("zzz", 0, v as Any)],
    ["get(index)", (m, v) => m.get(v as Any)],
    ["set(index, 1)", (m, v) => m.set(v as Any, 1)],
    ["set(0, value)", (m, v) => m.set(0, v as Any)],
    ["slice(start)", (m, v) => m.slice(v as Any)],
    ["slice(0, end)", (m, v) => m.slice(0, v as Any)],
    ["slice(0, 9, step)", (m, v) => m.slice(0, 9, v as Any)],
    ["flush(offset)", (m, v) => m.flush(v as Any)],
    ["flush(0, size)", (m, v) => m.flush(0, v as Any)],
    ["madvise(option)", (m, v) => m.madvise(v as Any)],
    ["madvise(4, start)", (m, v) => m.madvise(4, v as Any)],
    ["madvise(4, 0, length)", (m, v) => m.madvise(4, 0, v as Any)],
    ["move(dest)", (m, v) => m.move(v as Any, 0, 1)],
    ["move(0, src)", (m, v) => m.move(0, v as Any, 1)],
    ["move(0, 0, count)", (m, v) => m.move(0, 0, v as Any)],
    ["resize(newSize)", (m, v) => m.resize(v as Any)],
    ["readInto(buffer)", (m, v) => m.readInto(v as Any)],
    [
      "readInto(buffer, position)",
      (m, v) => m.readInto(new Uint8Array(9), v as Any),
    ],
    ["readable(options)", (m, v) => m.readable(v as Any)],
    ["readable({ start })", (m, v) => m.readable({ start: v as Any })],
    ["readable({ end })", (m, v) => m.readable({ end: v as Any })],
    ["readable({ chunkSize })", (m, v) => m.readable({ chunkSize: v as Any })],
    ["readable({ copy })", (m, v) => m.readable({ copy: v as Any })],
  ];
  runSites("Mmap", () => Mmap.open(file), {
    closes: (m) => m.close(),
    shrinks: (m) => m.resize(1),
  }, sites);
  const own = Mmap.open(file);
  attempt("Mmap.find(own bytes)", () => own.find(own.bytes.subarray(5, 9)));
  attempt("Mmap.write(own bytes)", () => own.write(own.bytes.subarray(0, 9)));
  own.close();
  const openers: Site<{ close(): void }>[] = [
    ["Mmap.open(path, options)", (_, v) => Mmap.open(file, v as Any).close()],
    [
      "Mmap.open(path, { length })",
      (_, v) => Mmap.open(file, { length: v as Any }).close(),
    ],
    [
      "Mmap.open(path, { offset })",
      (_, v) => Mmap.open(file, { offset: v as Any }).close(),
    ],
    [
      "Mmap.open(path, { access })",
      (_, v) => Mmap.open(file, { access: v as Any }).close(),
    ],
    [
      "Mmap.open(path, { flags })",
      (_, v) => Mmap.open(file, { flags: v as Any }).close(),
    ],
    [
      "Mmap.open(path, { prot })",
      (_, v) => Mmap.open(file, { prot: v as Any }).close(),
    ],
    [
      "Mmap.open(path, { create })",
      (_, v) => Mmap.open(file, { create: v as Any }).close(),
    ],
    ["Mmap.anonymous(length)", (_, v) => Mmap.anonymous(v as Any).close()],
    [
      "Mmap.anonymous(8, options)",
      (_, v) => Mmap.anonymous(8, v as Any).close(),
    ],
    ["Mmap.fromFd(fd)", (_, v) => Mmap.fromFd(v as Any).close()],
  ];
  runSites("", () => Mmap.open(file), { closes: (m) => m.close() }, openers);
}

if (sections.size === 0 || sections.has("arrays")) {
  const arrayFile = `${dir}/array.bin`;
  Deno.writeFileSync(arrayFile, new Uint8Array(6 * 4 * 8));
  const make = () =>
    memmap(arrayFile, { dtype: "float64", shape: [6, 4], mode: "r+" });
  const sites: Site<Memmap>[] = [
    ["get(i, 0)", (a, v) => a.get(v as Any, 0)],
    ["set(i, 0, 1)", (a, v) => a.set(v as Any, 0, 1)],
    ["set(0, 0, value)", (a, v) => a.set(0, 0, v as Any)],
    ["slice(index)", (a, v) => a.slice(v as Any)],
    ["reshape(shape)", (a, v) => a.reshape(v as Any)],
    ["reshape(d, -1)", (a, v) => a.reshape(v as Any, -1)],
    ["transpose(axis, 0)", (a, v) => a.transpose(v as Any, 0)],
    ["sum(axis)", (a, v) => a.sum(v as Any)],
    ["mean(axis)", (a, v) => a.mean(v as Any)],
    ["min(axis)", (a, v) => a.min(v as Any)],
    ["max(axis)", (a, v) => a.max(v as Any)],
    ["assign(value)", (a, v) => a.assign(v as Any)],
    ["fill(value)", (a, v) => a.fill(v as Any)],
    ["add(x)", (a, v) => a.add(v as Any)],
    ["sub(x)", (a, v) => a.sub(v as Any)],
    ["mul(x)", (a, v) => a.mul(v as Any)],
    ["div(x)", (a, v) => a.div(v as Any)],
    ["astype(dtype)", (a, v) => a.astype(v as Any)],
    ["norm(victim, options)", (a, v) => norm(a, v as Any)],
    ["norm(victim, { ord })", (a, v) => norm(a, { ord: v as Any })],
    ["norm(victim, { axis })", (a, v) => norm(a, { axis: v as Any })],
    [
      "norm(victim, { axis: [0, a] })",
      (a, v) => norm(a, { axis: [0, v] as Any }),
    ],
    ["norm(victim, { keepdims })", (a, v) => norm(a, { keepdims: v as Any })],
  ];
  runSites("Memmap", make, { closes: (a) => a.close() }, sites);
  const other = make();
  attempt("Memmap.assign(its own view)", () => other.assign(other.T.T));
  attempt(
    "Memmap.add(its own bytes)",
    () => other.add(new Float64Array(other.data.buffer, 0, 4)),
  );
  other.close();
  const bytes = () => ({ bytes: new Uint8Array(8), readOnly: false });
  const openers: Site<Memmap>[] = [
    ["memmap(path, options)", (_, v) => memmap(arrayFile, v as Any).close()],
    [
      "memmap { mode }",
      (_, v) => memmap(arrayFile, { mode: v as Any }).close(),
    ],
    [
      "memmap { dtype }",
      (_, v) => memmap(arrayFile, { dtype: v as Any }).close(),
    ],
    [
      "memmap { offset }",
      (_, v) => memmap(arrayFile, { offset: v as Any }).close(),
    ],
    [
      "memmap { shape }",
      (_, v) => {
        const a = memmap(arrayFile, { shape: v as Any });
        a.close();
        return a;
      },
    ],
    ["zeros(shape)", (_, v) => zeros(v as Any)],
    ["empty([2, d])", (_, v) => empty([2, v] as Any)],
    ["full(shape, 1)", (_, v) => full(v as Any, 1)],
    ["arange(stop)", (_, v) => arange(v as Any)],
    [
      "memmap { order }",
      (_, v) => memmap(arrayFile, { order: v as Any }).close(),
    ],
    ["array(data)", (_, v) => array(v as Any)],
    ["norm(data)", (_, v) => norm(v as Any)],
    [
      "array(data, { dtype: int8 })",
      (_, v) => array(v as Any, { dtype: "int8" }),
    ],
    ["array([1], options)", (_, v) => array([1], v as Any)],
    ["array([1], { shape })", (_, v) => array([1], { shape: v as Any })],
    ["frombuffer(buffer)", (_, v) => frombuffer(v as Any)],
    [
      "frombuffer(bytes, options)",
      (_, v) => frombuffer(new Uint8Array(8), v as Any),
    ],
    [
      "frombuffer { count }",
      (_, v) => frombuffer(new Uint8Array(8), { count: v as Any }),
    ],
    [
      "frombuffer { offset }",
      (_, v) => frombuffer(new Uint8Array(8), { offset: v as Any }),
    ],
    ["dtype(like)", (_, v) => dtype(v as Any)],
    ["new NDArray(storage)", (_, v) => new NDArray(v as Any, "u1", [1])],
    ["new NDArray(_, dtype)", (_, v) => new NDArray(bytes(), v as Any, [1])],
    [
      "new NDArray(_, _, shape)",
      (_, v) => new NDArray(bytes(), "u1", v as Any),
    ],
    [
      "new NDArray(_, _, _, strides)",
      (_, v) => new NDArray(bytes(), "u1", [1], v as Any),
    ],
    [
      "new NDArray(_, _, _, _, byteOffset)",
      (_, v) => new NDArray(bytes(), "u1", [1], undefined, v as Any),
    ],
  ];
  runSites("", make, { closes: (a) => a.close() }, openers);
}

if (sections.size === 0 || sections.has("npy")) {
  const npy = `${dir}/a.npy`;
  save(npy, array([[1, 2], [3, 4]], { dtype: "int32" }));
  savez(`${dir}/n.npz`, { x: array([1, 2]) });
  const make = () => openMemmap(npy, { mode: "r+" });
  const w = `${dir}/w.npy`;
  const sites: Site<Memmap>[] = [
    ["load(path, options)", (_, v) => load(npy, v as Any)],
    ["load { mmapMode }", (_, v) => {
      const r = load(npy, { mmapMode: v as Any });
      if ("close" in r) r.close();
    }],
    ["openMemmap(path, options)", (_, v) => openMemmap(npy, v as Any).close()],
    [
      "openMemmap { mode }",
      (_, v) => openMemmap(npy, { mode: v as Any }).close(),
    ],
    [
      "openMemmap w+ { shape }",
      (_, v) => openMemmap(w, { mode: "w+", shape: v as Any }).close(),
    ],
    [
      "openMemmap w+ { dtype }",
      (_, v) =>
        openMemmap(w, { mode: "w+", shape: [2], dtype: v as Any }).close(),
    ],
    [
      "openMemmap w+ { fortranOrder }",
      (_, v) =>
        openMemmap(w, { mode: "w+", shape: [2], fortranOrder: v as Any })
          .close(),
    ],
    [
      "openMemmap w+ { version }",
      (_, v) =>
        openMemmap(w, { mode: "w+", shape: [2], version: v as Any }).close(),
    ],
    ["save(path, array)", (_, v) => save(`${dir}/s.npy`, v as Any)],
    ["savez(path, arrays)", (_, v) => savez(`${dir}/z.npz`, v as Any)],
    ["savez(path, { a })", (_, v) => savez(`${dir}/z.npz`, { a: v as Any })],
    [
      "savez(path, { victim, a })",
      (a, v) => savez(`${dir}/z.npz`, { v: a, a: v as Any }),
    ],
    [
      "NpzFile(path, options)",
      (_, v) => new NpzFile(`${dir}/n.npz`, v as Any).close(),
    ],
    ["NpzFile.get(name)", (_, v) => {
      using z = new NpzFile(`${dir}/n.npz`);
      z.get(v as Any);
    }],
    ["SharedMemory(options)", (_, v) => new SharedMemory(v as Any).close()],
    ["SharedMemory { size }", (_, v) => {
      const s = new SharedMemory({ create: true, size: v as Any });
      s.close();
      s.unlink();
    }],
    ["SharedMemory.ndarray(options)", (_, v) => {
      const s = new SharedMemory({ create: true, size: 64 });
      try {
        s.ndarray(v as Any);
      } finally {
        s.close();
        s.unlink();
      }
    }],
  ];
  runSites("", make, { closes: (a) => a.close() }, sites);
}

/**
 * Item-typed victims of the "every-<family>" sections, by family. Each type
 * is tried as a memmap over a file, as an array over an `Mmap`'s bytes
 * (closing the map detaches them) and as an array in memory, which nothing
 * closes: there the values themselves (a revoked Proxy, a detached
 * Uint8Array, a Uint8Array with its own length) reach the conversions of the
 * compare and write paths and must be refused with the library's errors.
 */
const ITEM_VICTIMS: Record<string, [string, unknown][]> = {
  bytes: [["S4", "S4"], ["V4", "V4"]],
  text: [["U2", "<U2"]],
  records: [
    ["record", [["a", "<i4"], ["b", "S3"]]],
    [
      "record of dates, text, a subarray and raw bytes",
      [["t", "<M8[s]"], ["u", "<U2"], ["v", "(2,)<f4"], ["w", "V3"]],
    ],
  ],
  dates: [["M8[s]", "<M8[s]"], ["m8[D]", "<m8[D]"]],
};

/** An object under test, how to close it and whether that closes it. */
type Victim = {
  target: Record<string, (...a: unknown[]) => unknown>;
  close(): void;
  closes: boolean;
};

/** A kind of victim: its name, a maker, the methods to call, the values. */
type VictimKind = {
  what: string;
  make: () => Victim;
  methods: string[];
  /** Whether the plain wrong values are tried too (once per type is enough). */
  wrong: boolean;
};

const everySections = [...sections].filter((s) => s.startsWith("every"));
if (sections.size === 0) everySections.push("every");
for (const section of everySections) {
  // Every method of the classes, found by name (so that methods added later
  // are covered too), with each value as its first and as its second argument
  // (and, on item-typed victims, after one of their own elements).
  const family = section === "every" ? undefined : section.slice(6);
  const skip = new Set(["constructor", "close", "unlink", "readable"]);
  const methodsOf = (proto: object) =>
    Object.getOwnPropertyNames(proto).filter((name) => {
      const d = Object.getOwnPropertyDescriptor(proto, name)!;
      return typeof d.value === "function" && !skip.has(name);
    });
  const arrayFile = `${dir}/every.bin`;
  Deno.writeFileSync(arrayFile, new Uint8Array(4 * 3 * 40));
  const ndarrayMethods = methodsOf(NDArray.prototype);
  const arrayMethods = [
    ...new Set([...ndarrayMethods, ...methodsOf(Memmap.prototype)]),
  ];
  const closable = (target: { close(): void }): Victim => ({
    target: target as unknown as Victim["target"],
    close: () => target.close(),
    closes: true,
  });
  const victims: VictimKind[] = family === undefined
    ? [
      {
        what: "Mmap",
        make: () => closable(Mmap.open(file)),
        methods: methodsOf(Mmap.prototype),
        wrong: true,
      },
      {
        what: "Memmap",
        make: () =>
          closable(memmap(arrayFile, { dtype: "float64", shape: [4, 3] })),
        methods: arrayMethods,
        wrong: true,
      },
    ]
    : ITEM_VICTIMS[family].flatMap(([name, type]): VictimKind[] => {
      const dt = dtype(type as Any);
      const overMmap = (): Victim => {
        const m = Mmap.open(arrayFile);
        const a = new NDArray({ bytes: m.bytes, readOnly: false }, dt, [4, 3]);
        return {
          target: a as unknown as Victim["target"],
          close: () => m.close(),
          closes: true,
        };
      };
      const inMemory = (): Victim => ({
        target: new NDArray(
          { bytes: new Uint8Array(12 * dt.itemsize), readOnly: false },
          dt,
          [4, 3],
        ) as unknown as Victim["target"],
        close: () => {},
        closes: false,
      });
      return [
        {
          what: `Memmap<${name}>`,
          make: () => closable(memmap(arrayFile, { dtype: dt, shape: [4, 3] })),
          methods: arrayMethods,
          wrong: true,
        },
        {
          what: `NDArray<${name}> over an Mmap`,
          make: overMmap,
          methods: ndarrayMethods,
          wrong: false,
        },
        {
          what: `NDArray<${name}> in memory`,
          make: inMemory,
          methods: ndarrayMethods,
          wrong: false,
        },
      ];
    });
  // [name, value, positions]: position 0 is the first argument, 1 the second
  // after 0, 2 the second after one of the victim's own elements (so that
  // calls which refuse 0 as an element, comparisons and fill, reach their
  // options too).
  const hostilePositions = family === undefined ? [0, 1] : [0, 1, 2];
  const hostile = Object.entries(HOSTILE).map(([k, h]) =>
    [k, h, hostilePositions] as const
  );
  const wrong = Object.entries(WRONG).map(([k, v]) =>
    [k, () => v, [0, 1]] as const
  );
  for (const { what, make, methods, wrong: tryWrong } of victims) {
    const values = tryWrong ? [...hostile, ...wrong] : hostile;
    for (const method of methods) {
      for (const [valueName, value, positions] of values) {
        for (const position of positions) {
          const victim = make();
          // Read before the value is made: some values act when made.
          const element = position === 2 ? victim.target.get(0, 0) : 0;
          let acted = false;
          const v = value(() => {
            if (acted) return;
            acted = true;
            victim.close();
          });
          const before = acted;
          const args = position === 0 ? [v] : [element, v];
          const label = `${what}.${method}(${
            ["", "0, ", "an element, "][position]
          }${valueName})`;
          try {
            attempt(label, () => {
              const result = victim.target[method](...args);
              // Returning normally after the victim was closed during the
              // call means the call went on with a closed object.
              if (!before && acted && victim.closes) {
                violations.push(`${label}: returned after the victim closed`);
              }
              return result;
            });
          } finally {
            victim.close();
          }
        }
      }
    }
  }
  if (family === undefined) continue;
  // The victim as the source of another array's write or of a free function,
  // the hostile value elsewhere in the same call: the value closes the
  // victim before its bytes are read.
  for (const [name, type] of ITEM_VICTIMS[family]) {
    const dt = dtype(type as Any);
    const other = () =>
      new NDArray(
        { bytes: new Uint8Array(12 * dt.itemsize), readOnly: false },
        dt,
        [4, 3],
      ) as Any;
    const src = (victim: Victim): Any => victim.target;
    const sites: Site<Victim>[] = [
      [
        "where(cond, victim, victim)",
        (a, v) => where(v as Any, src(a), src(a)),
      ],
      ["where(true, victim, y)", (a, v) => where(true, src(a), v as Any)],
      [
        "where(cond, x, victim)",
        (a, v) => where([true, false, true], v as Any, src(a)),
      ],
      ["concatenate([victim, x])", (a, v) => concatenate([src(a), v] as Any)],
      ["concatenate([x, victim])", (a, v) => concatenate([v, src(a)] as Any)],
      [
        "concatenate([victim, victim], axis)",
        (a, v) => concatenate([src(a), src(a)] as Any, v as Any),
      ],
      ["stack([victim, x])", (a, v) => stack([src(a), v] as Any)],
      ["norm(victim, { axis })", (a, v) => norm(src(a), { axis: v as Any })],
      [
        "stack([victim, victim], axis)",
        (a, v) => stack([src(a), src(a)] as Any, v as Any),
      ],
      ["other.put(indices, victim)", (a, v) => other().put(v as Any, src(a))],
      [
        "other.putmask(mask, victim)",
        (a, v) => other().putmask(v as Any, src(a)),
      ],
      [
        "other.assign(victim) after other.fill(value)",
        (a, v) => other().fill(v as Any).assign(src(a)),
      ],
      ["other.eq(victim, options)", (a, v) => other().eq(src(a), v as Any)],
      [
        "victim.eq(other, options)",
        (a, v) => src(a).eq(other(), v as Any),
      ],
    ];
    const memmapVictim = (): Victim => {
      const a = memmap(arrayFile, { dtype: dt, shape: [4, 3] });
      return { target: a as Any, close: () => a.close(), closes: true };
    };
    const overMmap = (): Victim => {
      const m = Mmap.open(arrayFile);
      const a = new NDArray({ bytes: m.bytes, readOnly: false }, dt, [4, 3]);
      return { target: a as Any, close: () => m.close(), closes: true };
    };
    const closes = { closes: (victim: Victim) => victim.close() };
    runSites(`Memmap<${name}> as a source:`, memmapVictim, closes, sites);
    runSites(
      `NDArray<${name}> over an Mmap as a source:`,
      overMmap,
      closes,
      sites,
    );
  }
}

console.log(JSON.stringify({ calls, violations }));
