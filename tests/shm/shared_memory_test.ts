import assert from "node:assert/strict";
import { SharedMemory } from "../../mod.ts";
import {
  openDescriptors,
  removeShm,
  shmExists,
  shmMappings,
  uniqueName,
} from "./_helpers.ts";
import { denoRun, OS_NAMES, WINDOWS } from "../test_util.ts";
import { PAGESIZE } from "../../mod.ts";
import { sys } from "../../src/ffi/platform.ts";

const linuxOnly = Deno.build.os !== "linux";

/**
 * The size a block of `size` bytes has when attached by name: Windows (and
 * Python there) sees whole pages.
 */
function attachedSize(size: number): number {
  return WINDOWS ? Math.ceil(size / PAGESIZE) * PAGESIZE : size;
}

Deno.test("SharedMemory with create and no name makes a zeroed psm_ block", () => {
  const shm = new SharedMemory({ create: true, size: 1000 });
  try {
    assert.match(shm.name, /^psm_[0-9a-f]{8}$/);
    assert.equal(shm.size, 1000);
    assert.equal(shm.buf.length, 1000);
    assert.ok(shm.buf.every((byte) => byte === 0));
    assert.equal(shm.closed, false);
  } finally {
    shm.close();
    shm.unlink();
  }
});

Deno.test("SharedMemory names of new blocks differ", () => {
  const blocks = Array.from(
    { length: 20 },
    () => new SharedMemory({ create: true, size: 1 }),
  );
  try {
    assert.equal(new Set(blocks.map((b) => b.name)).size, 20);
  } finally {
    for (const b of blocks) {
      b.close();
      b.unlink();
    }
  }
});

Deno.test({
  name: "SharedMemory with create makes /dev/shm/<name> of exactly size bytes",
  ignore: linuxOnly,
  fn() {
    const name = uniqueName("file");
    const shm = new SharedMemory({ name, create: true, size: 5000 });
    try {
      assert.equal(shm.name, name);
      const info = Deno.statSync(`/dev/shm/${name}`);
      assert.equal(info.size, 5000);
      assert.equal((info.mode ?? 0) & 0o777, 0o600);
    } finally {
      shm.close();
      shm.unlink();
    }
  },
});

Deno.test("SharedMemory attached by name shares the bytes both ways", () => {
  const a = new SharedMemory({ create: true, size: 64 });
  try {
    const b = new SharedMemory({ name: a.name });
    assert.equal(b.name, a.name);
    a.buf.set([10, 20, 30], 5);
    assert.deepEqual([...b.buf.subarray(5, 8)], [10, 20, 30]);
    new Float64Array(b.buf.buffer, 8, 3).set([1.5, -2, 1e300]);
    assert.deepEqual([...new Float64Array(a.buf.buffer, 8, 3)], [
      1.5,
      -2,
      1e300,
    ]);
    b.close();
    assert.deepEqual([...a.buf.subarray(5, 8)], [10, 20, 30]);
  } finally {
    a.close();
    a.unlink();
  }
});

Deno.test("SharedMemory attached by name has the block's real size, whatever size says", () => {
  const a = new SharedMemory({ create: true, size: 12345 });
  try {
    using b = new SharedMemory({ name: a.name, size: 10 });
    assert.equal(b.size, attachedSize(12345));
    assert.equal(b.buf.length, attachedSize(12345));
    using c = new SharedMemory({ name: a.name, create: false });
    assert.equal(c.size, attachedSize(12345));
  } finally {
    a.close();
    a.unlink();
  }
});

Deno.test({
  name:
    "SharedMemory attached to a block a plain file grew has the file's size",
  ignore: linuxOnly,
  fn() {
    const name = uniqueName("grown");
    Deno.writeFileSync(`/dev/shm/${name}`, new Uint8Array([7, 8, 9]));
    try {
      using shm = new SharedMemory({ name });
      assert.equal(shm.size, 3);
      assert.deepEqual([...shm.buf], [7, 8, 9]);
    } finally {
      removeShm(name);
    }
  },
});

Deno.test({
  name: "SharedMemory attached to an empty block has size 0 and an empty buf",
  ignore: linuxOnly,
  fn() {
    const name = uniqueName("empty");
    Deno.writeFileSync(`/dev/shm/${name}`, new Uint8Array(0));
    try {
      const shm = new SharedMemory({ name });
      assert.equal(shm.size, 0);
      assert.equal(shm.buf.length, 0);
      assert.deepEqual(shm.ndarray({ dtype: "float64" }).shape, [0]);
      shm.close();
      assert.throws(() => shm.buf, Deno.errors.BadResource);
      shm.unlink();
      assert.equal(shmExists(name), false);
    } finally {
      removeShm(name);
    }
  },
});

Deno.test("SharedMemory.close() detaches buf and views made from it", () => {
  const shm = new SharedMemory({ create: true, size: 32 });
  const buf = shm.buf;
  const floats = new Float64Array(shm.buf.buffer);
  shm.close();
  assert.equal(shm.closed, true);
  assert.equal(buf.length, 0);
  assert.equal(floats.length, 0);
  assert.equal(buf[0], undefined);
  shm.close();
  shm.unlink();
});

Deno.test("SharedMemory.buf after close() throws BadResource mentioning closed", () => {
  const shm = new SharedMemory({ create: true, size: 8 });
  shm.close();
  assert.throws(() => shm.buf, (e: unknown) => {
    assert.ok(e instanceof Deno.errors.BadResource);
    assert.match((e as Error).message, /closed/);
    assert.match((e as Error).message, new RegExp(shm.name));
    return true;
  });
  assert.equal(shm.size, 8, "size stays readable, as in Python");
  assert.equal(shm.name.startsWith("psm_"), true);
  shm.unlink();
});

Deno.test({
  name: "SharedMemory [Symbol.dispose] closes but keeps the name",
  // A Windows block lives while a handle or view of it is open, in any
  // process (as Python's there): closing the last one frees it by design.
  ignore: WINDOWS,
}, () => {
  let name = "";
  {
    using shm = new SharedMemory({ create: true, size: 8 });
    name = shm.name;
    shm.buf[0] = 99;
  }
  const again = new SharedMemory({ name });
  try {
    assert.equal(again.buf[0], 99);
  } finally {
    again.close();
    again.unlink();
  }
});

Deno.test({
  name: "SharedMemory.unlink() removes /dev/shm/<name> and later attaches fail",
  ignore: linuxOnly,
  fn() {
    const shm = new SharedMemory({ create: true, size: 100 });
    assert.ok(shmExists(shm.name));
    shm.buf[0] = 1;
    shm.unlink();
    assert.equal(shmExists(shm.name), false);
    assert.equal(shm.buf[0], 1, "the memory stays mapped until close()");
    assert.throws(
      () => new SharedMemory({ name: shm.name }),
      Deno.errors.NotFound,
    );
    assert.throws(() => shm.unlink(), (e: unknown) => {
      assert.ok(e instanceof Deno.errors.NotFound);
      assert.equal(
        (e as Deno.errors.NotFound & { code: string }).code,
        "ENOENT",
      );
      assert.match((e as Error).message, /shm_unlink\(\)/);
      return true;
    });
    shm.close();
  },
});

Deno.test("SharedMemory with create on a taken name throws AlreadyExists and leaves the block", () => {
  const name = uniqueName("taken");
  const first = new SharedMemory({ name, create: true, size: 16 });
  try {
    first.buf[0] = 5;
    assert.throws(
      () => new SharedMemory({ name, create: true, size: 32 }),
      Deno.errors.AlreadyExists,
    );
    using again = new SharedMemory({ name });
    assert.equal(again.size, attachedSize(16));
    assert.equal(again.buf[0], 5);
  } finally {
    first.close();
    first.unlink();
  }
});

Deno.test("SharedMemory attaching to a missing name throws NotFound naming it", () => {
  const name = uniqueName("missing");
  assert.throws(() => new SharedMemory({ name }), (e: unknown) => {
    assert.ok(e instanceof Deno.errors.NotFound);
    const { openShared, notFound } = OS_NAMES;
    assert.match(
      (e as Error).message,
      new RegExp(`^${openShared}\\(\\).*${notFound}`),
    );
    assert.match((e as Error).message, new RegExp(name));
    return true;
  });
});

Deno.test("SharedMemory with create and a size of 0 or less throws RangeError", () => {
  for (const size of [0, -1, -4096]) {
    assert.throws(
      () => new SharedMemory({ create: true, size }),
      RangeError,
      `size ${size}`,
    );
  }
  assert.throws(() => new SharedMemory({ create: true }), {
    name: "RangeError",
    message:
      "Cannot create a shared memory block of 0 bytes: size must be positive",
  });
  assert.throws(
    () => new SharedMemory({ create: true, size: 2 ** 60 }),
    RangeError,
  );
  assert.throws(() => new SharedMemory({ name: "psm_00000000", size: -1 }), {
    name: "RangeError",
    message:
      "Cannot open shared memory with size -1: size must be within 0..9007199254740991",
  });
});

Deno.test({
  name: "SharedMemory with a bad size or name creates nothing",
  ignore: linuxOnly,
  fn() {
    const name = uniqueName("bad");
    assert.throws(() => new SharedMemory({ name, create: true, size: 0 }));
    assert.throws(() => new SharedMemory({ name, create: true, size: 1.5 }));
    assert.equal(shmExists(name), false);
  },
});

Deno.test({
  name:
    'SharedMemory "/x" is the block "x", as in Python; its name is shown as given',
  ignore: linuxOnly,
  fn() {
    const name = uniqueName("slash");
    try {
      using created = new SharedMemory({
        name: `/${name}`,
        create: true,
        size: 16,
      });
      assert.equal(created.name, `/${name}`);
      assert.ok(shmExists(name));
      created.buf[3] = 33;
      using attached = new SharedMemory({ name });
      assert.equal(attached.buf[3], 33);
      using again = new SharedMemory({ name: created.name });
      assert.equal(again.buf[3], 33);
      assert.throws(
        () => new SharedMemory({ name, create: true, size: 16 }),
        Deno.errors.AlreadyExists,
      );
      created.unlink();
      assert.equal(shmExists(name), false);
    } finally {
      removeShm(name);
    }
  },
});

Deno.test("SharedMemory names with / or beyond the system's limit throw TypeError", () => {
  const limit = sys.sharedNameMax ?? 255; // 255 bytes on Linux, 260 on Windows
  const bad = [
    "a/b",
    "//two",
    "/a/b",
    "/",
    "/..",
    "trailing/",
    "",
    ".",
    "..",
    "nul\0byte",
    "x".repeat(limit + 1),
    "é".repeat(Math.ceil((limit + 1) / 2)), // over the limit in UTF-8 bytes
  ];
  for (const name of bad) {
    assert.throws(
      () => new SharedMemory({ name, create: true, size: 8 }),
      TypeError,
      JSON.stringify(name),
    );
    assert.throws(() => new SharedMemory({ name }), TypeError);
  }
  assert.throws(() => new SharedMemory({ name: "x".repeat(300) }), {
    name: "TypeError",
    message:
      `Cannot use a shared memory name of 300 bytes: the limit is ${limit}`,
  });
});

Deno.test({
  name: "SharedMemory accepts a name of exactly 255 bytes",
  ignore: linuxOnly,
  fn() {
    const name = uniqueName("long").padEnd(255, "z");
    const shm = new SharedMemory({ name, create: true, size: 8 });
    try {
      assert.ok(shmExists(name));
    } finally {
      shm.close();
      shm.unlink();
    }
  },
});

Deno.test("SharedMemory options of the wrong type throw TypeError", () => {
  const cases: unknown[] = [
    undefined,
    null,
    "psm_x",
    {},
    { create: false },
    { name: 42 },
    { create: "yes", size: 8 },
    { create: true, size: "8" },
    { create: true, size: 1.5 },
    { create: true, size: NaN },
  ];
  for (const options of cases) {
    assert.throws(
      () =>
        new SharedMemory(
          options as ConstructorParameters<typeof SharedMemory>[0],
        ),
      TypeError,
      JSON.stringify(options),
    );
  }
});

Deno.test("SharedMemory shows name, size and closed in console.log", () => {
  const shm = new SharedMemory({ create: true, size: 8 });
  try {
    assert.equal(
      Deno.inspect(shm),
      `SharedMemory { name: "${shm.name}", size: 8, closed: false }`,
    );
  } finally {
    shm.close();
    shm.unlink();
  }
  assert.match(Deno.inspect(shm), /closed: true/);
});

Deno.test({
  name:
    "SharedMemory leaks no names, descriptors or mappings over 1,000 create/attach/close/unlink cycles",
  ignore: linuxOnly,
  fn() {
    const fds = openDescriptors();
    const maps = shmMappings();
    const names: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const shm = new SharedMemory({ create: true, size: 4096 });
      const other = new SharedMemory({ name: shm.name });
      other.buf[i % 4096] = 1;
      assert.equal(shm.buf[i % 4096], 1);
      other.close();
      shm.close();
      shm.unlink();
      names.push(shm.name);
    }
    assert.equal(openDescriptors(), fds);
    assert.equal(shmMappings(), maps);
    assert.deepEqual(names.filter(shmExists), []);
  },
});

Deno.test("SharedMemory needs --allow-ffi", () => {
  const result = denoRun(
    ["--allow-read", "--allow-write"],
    `import { SharedMemory } from "MOD";
     try { new SharedMemory({ create: true, size: 8 }); }
     catch (e) { console.log(e.constructor.name, e.message); }`,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^NotCapable .*--allow-ffi/);
});

Deno.test({
  name: "SharedMemory needs --allow-read and --allow-write for /dev/shm",
  ignore: linuxOnly,
  fn() {
    const code = `import { SharedMemory } from "MOD";
      try { new SharedMemory({ name: "${
      uniqueName("perm")
    }", create: true, size: 8 }); }
      catch (e) { console.log(e.constructor.name, e.message); }`;
    const noRead = denoRun(["--allow-ffi"], code);
    assert.match(noRead.stdout, /^NotCapable .*--allow-read/);
    const noWrite = denoRun(["--allow-ffi", "--allow-read"], code);
    assert.match(noWrite.stdout, /^NotCapable .*--allow-write/);
    const scoped = denoRun(
      ["--allow-ffi", "--allow-read=/dev/shm", "--allow-write=/dev/shm"],
      `import { SharedMemory } from "MOD";
       const shm = new SharedMemory({ create: true, size: 8 });
       shm.buf[0] = 1; shm.close(); shm.unlink(); console.log("ok", shm.name);`,
    );
    assert.match(scoped.stdout, /^ok psm_[0-9a-f]{8}/, scoped.stderr);
  },
});

Deno.test("SharedMemory: posting or cloning a block throws a DataCloneError saying to post its name", () => {
  using shm = new SharedMemory({ create: true, size: 16 });
  try {
    assert.throws(() => structuredClone(shm), (error: unknown) => {
      assert.ok(error instanceof DOMException);
      assert.equal(error.name, "DataCloneError");
      assert.match(error.message, /post its name/);
      return true;
    });
  } finally {
    shm.unlink();
  }
});

Deno.test("SharedMemory whose buf.buffer was moved away is closed: buf and ndarray() throw BadResource", () => {
  const shm = new SharedMemory({ create: true, size: 4096 });
  try {
    shm.buf[0] = 7;
    const buffer = shm.buf.buffer;
    const moved = new Uint8Array(
      structuredClone(buffer, { transfer: [buffer] }),
    );
    assert.equal(moved[0], 7);
    assert.equal(shm.closed, true);
    for (
      const [name, use] of [
        ["buf", () => shm.buf],
        ["ndarray()", () => shm.ndarray()],
      ] as const
    ) {
      assert.throws(use, Deno.errors.BadResource, name);
    }
  } finally {
    shm.close();
    shm.unlink();
  }
});
