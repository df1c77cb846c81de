// Child of larger_than_ram_test.ts: multiplies a sparse float64 file in
// place and reports its own RSS (VmRSS before, VmHWM after) and times.
import { memmap } from "../../../mod.ts";

const [path, bytesText] = Deno.args;
const status = (key: string): number =>
  Number(
    new RegExp(`${key}:\\s+(\\d+)`).exec(
      Deno.readTextFileSync("/proc/self/status"),
    )![1],
  ) * 1024;
{
  using file = Deno.openSync(path, {
    create: true,
    write: true,
    truncate: true,
  });
  file.truncateSync(Number(bytesText));
}
using m = memmap(path, { dtype: "float64", mode: "r+" });
const last = m.size - 1;
m.set(0, 1.5);
const middle = Math.floor(last / 2);
m.set(middle, -2);
m.set(last, 2.5);
const before = status("VmRSS");
const start = performance.now();
m.mul(2, { out: m });
const computed = performance.now();
m.flush();
const flushed = performance.now();
console.log(JSON.stringify({
  before,
  peak: status("VmHWM"),
  after: status("VmRSS"),
  seconds: (flushed - start) / 1000,
  mulSeconds: (computed - start) / 1000,
  values: [m.get(0), m.get(middle), m.get(last), m.get(12345)],
}));
