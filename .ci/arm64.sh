#!/usr/bin/env bash
# The test suite on Linux arm64 with 64 KiB pages: the arm64 build of Deno
# (npm package @deno/linux-arm64-glibc) under qemu-user
# (qemu-aarch64-static from Debian's qemu-user-static), with the arm64 glibc
# and libgcc from libc6-arm64-cross and libgcc-s1-arm64-cross.
# QEMU_PAGESIZE=65536 makes the program see 64 KiB pages, as on aarch64
# kernels built with 64 KiB pages: getpagesize() and map offsets are 65536.
#
# Installs the Debian packages when missing (needs root then) and keeps
# Deno in $SEED_MMAP_CI_CACHE/arm64 (default /var/cache/seed-mmap-ci/arm64).
# Tests that meet a limit of qemu-user rather than of the library are skipped
# there: they test SEED_MMAP_EMULATOR (set to "qemu-user" here).
#
# Usage: .ci/arm64.sh [test file or folder[::deno test --filter]]...
# (default: below). Files run one Deno process each; their counts are added.
# Prints, last, "arm64: N passed, N failed", or "arm64: not run: <reason>".
set -uo pipefail
cd "$(dirname "$0")/.."
LABEL=arm64
. .ci/_common.sh

DIR=$CACHE/arm64
PREFIX=/usr/aarch64-linux-gnu
PAGE=${SEED_MMAP_PAGESIZE:-65536}

mkdir -p "$CACHE" || not_run "cannot create $CACHE"
(
  flock 9
  t0=$(now)
  if ! command -v qemu-aarch64-static >/dev/null || [ ! -e "$PREFIX/lib/libgcc_s.so.1" ]; then
    echo "arm64: installing qemu-user-static, libc6-arm64-cross, libgcc-s1-arm64-cross"
    [ "$(id -u)" -eq 0 ] || { echo "arm64: needs root to install them"; exit 1; }
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends qemu-user-static libc6-arm64-cross libgcc-s1-arm64-cross >/dev/null; } || exit 1
  fi
  if [ ! -f "$DIR/deno/.unpacked" ]; then
    echo "arm64: unpacking @deno/linux-arm64-glibc@$DENO_VERSION"
    npm_unpack @deno/linux-arm64-glibc "$DIR/deno" || exit 1
  fi
  echo "arm64: setup took $(($(now) - t0)) s"
) 9>"$CACHE/arm64.lock" || not_run "setting up qemu-aarch64-static failed"

qemu() {
  QEMU_PAGESIZE=$PAGE QEMU_LD_PREFIX=$PREFIX SEED_MMAP_EMULATOR=qemu-user \
    qemu-aarch64-static "$DIR/deno/deno" "$@"
}
qemu eval 'console.log(`arm64: ${Deno.build.arch}, Deno ${Deno.version.deno}`)' ||
  not_run "the arm64 Deno does not start under qemu-aarch64-static"

# What runs by default: every file that maps at page-size-dependent offsets
# (tests/mmap, memmap's offsets and windows), and the whole-array reductions
# that overlay file pages onto WebAssembly memory at page-aligned places (the
# other overlay tests take 10+ minutes under qemu: left out to keep CI
# within 30 minutes).
OVERLAYS="/read the file in place|failed overlay/"
if [ $# -eq 0 ]; then
  set -- tests/mmap tests/memmap/memmap_test.ts \
    "tests/memmap/reduce_kernels_test.ts::$OVERLAYS"
fi

# One Deno process per test file, so that a crash of the emulator costs one
# file's run, not the whole suite's.
files=()
for arg in "$@"; do
  path=${arg%%::*}
  if [ -d "$path" ]; then
    while IFS= read -r f; do files+=("$f${arg#"$path"}"); done \
      < <(find "$path" -name '*_test.ts' | sort)
  else
    files+=("$arg")
  fi
done

log=$(mktemp)
t0=$(now)
passed=0
failed=0
for entry in "${files[@]}"; do
  file=${entry%%::*}
  # A test file that moved must not pass as a crash of the emulator.
  if [ ! -f "$file" ]; then
    echo "arm64: $file: no such test file"
    failed=$((failed + 1))
    continue
  fi
  filter=()
  [ "$entry" = "$file" ] || filter=(--filter "${entry#*::}")
  # The type check runs natively; here the code only runs. qemu-user
  # sometimes kills the arm64 Deno with SIGSEGV at exit after every test
  # passed (the same files pass on the next run): a file whose process dies
  # of a signal runs once more, and both runs are shown.
  for try in 1 2; do
    timeout 10m bash -c "$(declare -f qemu); PAGE=$PAGE PREFIX=$PREFIX DIR=$DIR; qemu test -A --no-check \"\$@\"" \
      sh "${filter[@]}" "$file" >"$log" 2>&1
    status=$?
    cat "$log"
    [ "$status" -ge 128 ] && [ "$status" -ne 143 ] && [ "$try" -eq 1 ] || break
    echo "arm64: $entry: the process died of signal $((status - 128)); running it again"
  done
  # A process that dies after its summary (status >= 128) counts as a failure.
  result=$(summarise "$log" "$status")
  line=$(tail -n 1 <<<"$result")
  p=$(sed -nE 's/.*: ([0-9]+) passed.*/\1/p' <<<"$line")
  f=$(sed -nE 's/.*, ([0-9]+) failed$/\1/p' <<<"$line")
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$(wc -l <<<"$result")" -eq 1 ] || head -n -1 <<<"$result"
  echo "arm64: $entry: $p passed, $f failed"
done
rm -f "$log"
echo "arm64: the run took $(($(now) - t0)) s"
echo "arm64: ${passed} passed, ${failed} failed"
