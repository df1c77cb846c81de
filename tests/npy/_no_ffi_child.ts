// Child of permissions_test.ts: run with --allow-read only.
import { load, type NDArray, save } from "../../mod.ts";

const report = (f: () => unknown): string => {
  try {
    f();
    return "ok";
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
};
const a = load(Deno.args[0]) as NDArray;
console.log(JSON.stringify({
  shape: a.shape,
  sum: a.sum(),
  mmap: report(() => load(Deno.args[0], { mmapMode: "r" })),
  save: report(() => save(`${Deno.args[1]}/x.npy`, a)),
}));
