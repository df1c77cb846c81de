import assert from "node:assert/strict";
import {
  dtype,
  load,
  type Memmap,
  memmap,
  NDArray,
  save,
  zeros,
} from "../../mod.ts";

// Views of arrays of 0-byte elements step by 0 bytes; a reversed or
// negatively stepped axis computes -1 * 0, which must be 0 as NumPy's
// `(0,)` (attack12 B7): no view's strides or offset hold -0, however it
// is made (every view is made in one place, the NDArray constructor).

const TYPES = ["V0", "S0", "U0", "(0,)f8", "(3,0)f4"];

/** The views to check, each of an array of 0-byte elements. */
const VIEWS: Record<string, (a: NDArray) => NDArray> = {
  "::-1": (a) => a.slice("::-1"),
  "::-2": (a) => a.slice("::-2"),
  "-2::-3": (a) => a.slice("-2::-3"),
  "3:0:-1": (a) => a.slice("3:0:-1"),
  "::-1, ::-1": (a) => a.slice("::-1", "::-1"),
  "::-1 then 1": (a) => a.slice("::-1").slice(1),
  "::-1 then ::-1": (a) => a.slice("::-1").slice("::-1"),
  T: (a) => a.slice("::-1").T,
  transpose: (a) => a.slice("::-1", "::-1").transpose(),
  swapaxes: (a) => a.slice("::-1").swapaxes(0, 1),
  expandDims: (a) => a.slice("::-1").expandDims(0),
  squeeze: (a) => a.slice(":1").slice("::-1").squeeze(),
  reshape: (a) => a.slice("::-1").reshape(-1, 1),
  ravel: (a) => a.slice("::-1").ravel(),
};

/** Whether no stride or the offset of `v` is -0. */
function check(v: NDArray, what: string): void {
  for (const [k, s] of v.strides.entries()) {
    assert.ok(!Object.is(s, -0), `${what}: stride ${k} is -0`);
  }
  assert.ok(!Object.is(v.byteOffset, -0), `${what}: byteOffset is -0`);
}

Deno.test("views of arrays of 0-byte elements never have a stride or offset of -0", () => {
  const dir = Deno.makeTempDirSync();
  // Maps are closed before the files are removed (Windows refuses that
  // while a map is open).
  const maps: Memmap[] = [];
  const mapped = (m: Memmap) => (maps.push(m), m);
  try {
    for (const [i, t] of TYPES.entries()) {
      const path = `${dir}/${i}.npy`;
      save(path, zeros([5, 4], { dtype: t as "V0" }));
      const bases: Record<string, () => NDArray> = {
        zeros: () => zeros([5, 4], { dtype: t as "V0" }),
        "new NDArray": () =>
          new NDArray(
            { bytes: new Uint8Array(0), readOnly: false },
            dtype(t),
            [5, 4],
          ),
        load: () => load(path) as NDArray,
        "load mapped": () => mapped(load(path, { mmapMode: "r" }) as Memmap),
        "memmap of a record field": () =>
          mapped(memmap(`${dir}/${i}.bin`, {
            mode: "w+",
            dtype: { names: ["a", "b"], formats: [t, "V0"] },
            shape: [5, 4],
          })).field("a"),
      };
      for (const [base, make] of Object.entries(bases)) {
        const a = make();
        for (const [name, view] of Object.entries(VIEWS)) {
          check(view(a), `${t} ${base} ${name}`);
        }
      }
    }
  } finally {
    for (const m of maps) m.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
