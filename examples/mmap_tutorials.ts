/**
 * The Python `mmap` tutorials, redone with `Mmap`: hello.txt, lorem.txt
 * (read, slice, find and replace, copy mode) and the vocabulary file
 * (readline, count lines, find, update, append + resize).
 *
 * Run alone with `deno run -A examples/mmap_tutorials.ts`.
 *
 * @module
 */

import { ACCESS_COPY, ACCESS_READ, ACCESS_WRITE, Mmap } from "../mod.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();
/** Python's `repr()` of bytes, so the output reads like the tutorials'. */
export function repr(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    if (b === 10) out += "\\n";
    else if (b === 39) out += "\\'";
    else if (b === 92) out += "\\\\";
    else if (b >= 32 && b < 127) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return `b'${out}'`;
}

/** Runs the walkthroughs in `dir`, printing each step. */
export function mmapTutorials(
  dir: string,
  log: (line: string) => void = console.log,
): void {
  // --- hello.txt (tutorial 000) ---
  log("## hello.txt: readline, slice, edit in place");
  const hello = `${dir}/hello.txt`;
  Deno.writeTextFileSync(hello, "Hello Python!\n");
  {
    using mm = Mmap.open(hello); // size 0: the whole file
    log(repr(mm.readline())); // b'Hello Python!\n'
    log(repr(mm.slice(0, 5))); // b'Hello'
    mm.set(6, encoder.encode(" world!\n")); // mm[6:] = b" world!\n"
    mm.seek(0);
    log(repr(mm.readline())); // b'Hello  world!\n'
  }
  log(`file now: ${JSON.stringify(Deno.readTextFileSync(hello))}`);

  log("\n## anonymous memory");
  {
    using mm = Mmap.anonymous(13);
    mm.write("Hello world!");
    log(repr(mm.slice())); // b'Hello world!\x00'
  }

  // --- lorem.txt (tutorial 001) ---
  log("\n## lorem.txt: read vs slice");
  const lorem = `${dir}/lorem.txt`;
  Deno.writeTextFileSync(
    lorem,
    "Lorem ipsum dolor sit amet, consectetuer adipiscing elit.\nDonec odio. Quisque volutpat mattis eros.\n",
  );
  {
    using m = Mmap.open(lorem, { access: ACCESS_READ });
    log(`First 10 bytes via read : ${repr(m.read(10))}`);
    log(`First 10 bytes via slice: ${repr(m.slice(0, 10))}`);
    log(`2nd   10 bytes via read : ${repr(m.read(10))}`);
  }

  log("\n## lorem_copy.txt: find and replace in place (ACCESS_WRITE)");
  const word = encoder.encode("consectetuer");
  const reversed = word.slice().reverse();
  const copy1 = `${dir}/lorem_copy.txt`;
  Deno.copyFileSync(lorem, copy1);
  {
    using m = Mmap.open(copy1, { access: ACCESS_WRITE });
    log(`Before:\n${repr(m.readline().subarray(0, -1))}`);
    m.seek(0);
    const loc = m.find(word);
    m.set(loc, reversed);
    m.flush();
    m.seek(0);
    log(`After :\n${repr(m.readline().subarray(0, -1))}`);
  }
  log(`File  :\n${Deno.readTextFileSync(copy1).split("\n")[0]}`);

  log("\n## lorem_copy_2.txt: ACCESS_COPY leaves the file untouched");
  const copy2 = `${dir}/lorem_copy_2.txt`;
  Deno.copyFileSync(lorem, copy2);
  {
    using m = Mmap.open(copy2, { access: ACCESS_COPY });
    log(`Memory Before:\n${repr(m.readline().subarray(0, -1))}`);
    m.seek(0);
    const loc = m.find(word);
    m.set(loc, reversed);
    m.seek(0);
    log(`Memory After :\n${repr(m.readline().subarray(0, -1))}`);
  }
  log(`File After   :\n${Deno.readTextFileSync(copy2).split("\n")[0]}`);

  // --- vocab.txt (tutorial 003) ---
  log("\n## vocab.txt: read, slice, readline, count, find, update, append");
  const vocab = `${dir}/vocab.txt`;
  Deno.writeTextFileSync(
    vocab,
    "VOCABULARY\ncastaña\nthe\ncat\nwas\nnot\na\ncaterpilar\n",
  );
  {
    using m = Mmap.open(vocab, { access: ACCESS_WRITE });
    const txt = m.read();
    log(`Data read from file in byte format is:\n${repr(txt)}`);
    log(`Text data is:\n${decoder.decode(txt)}`);
    log(`${repr(m.slice(0, 4))} ${repr(m.slice(0))}`);
    log(
      `${repr(m.slice(11, 20))} -> ${decoder.decode(m.slice(11, 20)).trim()}`,
    );
  }
  {
    using m = Mmap.open(vocab, { access: ACCESS_READ });
    log(Deno.inspect(m));
    for (let line = m.readline(); line.length > 0; line = m.readline()) {
      log(`\t${Deno.inspect(m)}  ${repr(line)}`);
    }
    m.seek(0);
    let lines = 0;
    for (const _ of m.lines()) lines++;
    log(
      `number of lines: ${lines} (Python's get_len counts the final empty read too: ${
        lines + 1
      })`,
    );
    m.seek(0);
    const at = m.find("cat");
    log(`start position for b'cat' is ${at}: ${repr(m.slice(at, at + 3))}`);
  }
  {
    using m = Mmap.open(vocab, { access: ACCESS_WRITE });
    m.set(0, encoder.encode("XXX"));
    m.flush();
    log(`after update: ${repr(m.slice(0))}`);
    // Append with ordinary file I/O while the map is open, then resize to see it.
    Deno.writeTextFileSync(
      vocab,
      ["dog", "house", "sheep", "conjuración"].map((w) => `${w}\n`).join(""),
      {
        append: true,
      },
    );
    log(`map length ${m.length}, file size ${m.size()}`);
    m.resize(m.size());
    m.seek(49);
    log(
      `new words: ${
        [...m.lines()].map((l) => decoder.decode(l).trim()).join(", ")
      }`,
    );
  }
  log(`cat vocab.txt:\n${Deno.readTextFileSync(vocab)}`);
}

if (import.meta.main) {
  const dir = Deno.makeTempDirSync({ prefix: "mmap-demo-" });
  try {
    mmapTutorials(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
