/**
 * Every numeric argument of `Mmap` goes through one conversion: a safe
 * integer (number or bigint) in its documented range, checked before the
 * map's state; not an integer is a TypeError, out of range a RangeError,
 * and a failed call changes nothing.
 */
import assert from "node:assert/strict";
import { MAP_PRIVATE, MAP_SHARED, Mmap, PROT_READ } from "../../mod.ts";
import { tempDir, writeFile } from "../test_util.ts";
import { describe } from "../../src/_args.ts";
import { NOT_INTEGERS, OUT_OF_RANGE } from "../_hostile.ts";

type Call = (m: Mmap, value: unknown) => unknown;

/** Each numeric argument of each method, with values only it refuses. */
const ARGUMENTS: [string, Call, unknown[], unknown[]][] = [
  // [name, call, also TypeError, also RangeError]
  ["read(n)", (m, v) => m.read(v as number), [], []],
  ["seek(pos)", (m, v) => m.seek(v as number), [null], []],
  ["find(sub, start)", (m, v) => m.find("x", v as number), [null], []],
  ["find(sub, 0, end)", (m, v) => m.find("x", 0, v as number), [null], []],
  ["rfind(sub, start)", (m, v) => m.rfind("x", v as number), [null], []],
  ["rfind(sub, 0, end)", (m, v) => m.rfind("x", 0, v as number), [null], []],
  ["get(index)", (m, v) => m.get(v as number), [null, undefined], []],
  ["set(index, 1)", (m, v) => m.set(v as number, 1), [null], []],
  ["set(0, value)", (m, v) => m.set(0, v as number), [null], [256, -1]],
  ["writeByte(byte)", (m, v) => m.writeByte(v as number), [null], [256, -1]],
  ["slice(start)", (m, v) => m.slice(v as number), [], []],
  ["slice(0, end)", (m, v) => m.slice(0, v as number), [], []],
  ["slice(0, 4, step)", (m, v) => m.slice(0, 4, v as number), [], [0]],
  ["flush(offset)", (m, v) => m.flush(v as number), [null], [-1]],
  ["flush(0, size)", (m, v) => m.flush(0, v as number), [null], [-1]],
  ["madvise(option)", (m, v) => m.madvise(v as number), [null], [-1]],
  ["madvise(0, start)", (m, v) => m.madvise(0, v as number), [null], []],
  ["madvise(0, 0, n)", (m, v) => m.madvise(0, 0, v as number), [null], [-1]],
  ["move(dest)", (m, v) => m.move(v as number, 0, 1), [null], [-1]],
  ["move(0, src)", (m, v) => m.move(0, v as number, 1), [null], [-1]],
  ["move(0, 0, count)", (m, v) => m.move(0, 0, v as number), [null], [-1]],
  ["resize(newSize)", (m, v) => m.resize(v as number), [null], [-1]],
  [
    "readInto(buffer, position)",
    (m, v) => m.readInto(new Uint8Array(4), v as number),
    [null],
    [-1],
  ],
  [
    "readable({ start })",
    (m, v) => m.readable({ start: v as number }),
    [null],
    [],
  ],
  ["readable({ end })", (m, v) => m.readable({ end: v as number }), [null], []],
  [
    "readable({ chunkSize })",
    (m, v) => m.readable({ chunkSize: v as number }),
    [null],
    [0, -1],
  ],
];

function assertError(fn: () => unknown, cls: typeof Error, label: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(
      error instanceof cls,
      `${label}: ${String(error)} is not a ${cls.name}`,
    );
    assert.match((error as Error).message, /^Cannot /, label);
    return true;
  }, label);
}

Deno.test("Mmap methods refuse numbers that are not integers (TypeError) or out of range (RangeError), changing nothing", () => {
  using m = Mmap.anonymous(4096);
  m.write("abcdefgh");
  m.seek(3);
  const before = m.slice();
  for (const [name, call, moreTypes, moreRanges] of ARGUMENTS) {
    for (const value of [...NOT_INTEGERS, ...moreTypes]) {
      assertError(
        () => call(m, value),
        TypeError,
        `${name} with ${describe(value)}`,
      );
    }
    for (const value of [...OUT_OF_RANGE, ...moreRanges]) {
      assertError(
        () => call(m, value),
        RangeError,
        `${name} with ${describe(value)}`,
      );
    }
    assert.equal(m.tell(), 3, name);
    assert.equal(m.length, 4096, name);
    assert.deepEqual(m.slice(), before, name);
  }
});

Deno.test("Mmap methods take bigints within range as integers", () => {
  using m = Mmap.anonymous(8);
  m.write("abcabc");
  assert.equal(m.find("c", 3n as unknown as number), 5);
  assert.equal(m.get(-1n as unknown as number), 0);
  m.set(7n as unknown as number, 100n as unknown as number);
  assert.equal(m.get(7), 100);
  assert.deepEqual(
    [...m.slice(0n as unknown as number, 3n as unknown as number)],
    [97, 98, 99],
  );
  assert.equal(m.seek(2n as unknown as number), 2);
  using n = Mmap.anonymous(4096n as unknown as number);
  assert.equal(n.length, 4096);
});

Deno.test("Mmap.anonymous(), open() and fromFd() check length, offset, flags and prot before mapping", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "f.bin", new Uint8Array(8192).fill(65));
  const opens: [string, (v: unknown) => unknown, unknown[], unknown[]][] = [
    ["anonymous(length)", (v) => Mmap.anonymous(v as number), [], [-1]],
    ["anonymous flags", (v) => Mmap.anonymous(8, { flags: v as number }), [
      null,
    ], [-1]],
    [
      "anonymous prot",
      (v) => Mmap.anonymous(8, { prot: v as number }),
      [null],
      [-1],
    ],
    ["open length", (v) => Mmap.open(path, { length: v as number }), [null], [
      -1,
    ]],
    [
      "open offset",
      (v) => Mmap.open(path, { offset: v as number, length: 4096 }),
      [null],
      [-1],
    ],
    ["open flags", (v) => Mmap.open(path, { flags: v as number }), [null], [
      -1,
    ]],
    ["open prot", (v) => Mmap.open(path, { prot: v as number }), [null], [-1]],
    ["fromFd(fd)", (v) => Mmap.fromFd(v as number), [null], [2 ** 31]],
  ];
  for (const [name, call, moreTypes, moreRanges] of opens) {
    for (const value of [...NOT_INTEGERS, ...moreTypes]) {
      assertError(
        () => call(value),
        TypeError,
        `${name} with ${describe(value)}`,
      );
    }
    for (const value of [...OUT_OF_RANGE, ...moreRanges]) {
      assertError(
        () => call(value),
        RangeError,
        `${name} with ${describe(value)}`,
      );
    }
  }
  // The file was never touched: same size, same bytes.
  assert.deepEqual(Deno.readFileSync(path), new Uint8Array(8192).fill(65));
});

Deno.test("Mmap refuses flags and prot with unknown bits, and MAP_SHARED with MAP_PRIVATE", () => {
  assertError(() => Mmap.anonymous(8, { prot: 0x100 }), TypeError, "prot bit");
  assertError(() => Mmap.anonymous(8, { flags: 0x10 }), TypeError, "MAP_FIXED");
  assertError(
    () => Mmap.anonymous(8, { flags: MAP_SHARED | MAP_PRIVATE }),
    TypeError,
    "shared and private",
  );
  using r = Mmap.anonymous(8, { prot: PROT_READ });
  assert.equal(r.access, "read");
});

Deno.test("Mmap options must be an object, read once", () => {
  for (const options of [null, 3, "read", true]) {
    assertError(
      () => Mmap.anonymous(8, options as unknown as object),
      TypeError,
      String(options),
    );
  }
  let reads = 0;
  const options = {
    get flags() {
      reads++;
      return MAP_PRIVATE;
    },
  };
  using m = Mmap.anonymous(8, options);
  assert.equal(m.access, "copy");
  assert.equal(reads, 1);
});

Deno.test("Mmap.find(), write() and set() take bytes only as a Uint8Array or a string", () => {
  using m = Mmap.anonymous(16);
  for (
    const bad of [
      42,
      null,
      undefined,
      [97],
      new Uint16Array(1),
      {},
      new DataView(new ArrayBuffer(1)),
    ]
  ) {
    assertError(() => m.find(bad as string), TypeError, `find ${String(bad)}`);
    assertError(
      () => m.write(bad as string),
      TypeError,
      `write ${String(bad)}`,
    );
  }
  assertError(
    () => m.set(0, [97] as unknown as Uint8Array),
    TypeError,
    "set array",
  );
  assert.equal(m.tell(), 0);
});
