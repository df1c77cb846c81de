# Shared by .ci/wine.sh and .ci/arm64.sh (sourced, not run).
#
# CACHE is where the emulated runs keep what they set up (the Wine chroot,
# Deno builds from the npm registry): outside the clone, so a later run on the
# same machine reuses it. DENO_VERSION is the Deno every run uses.

CACHE=${SEED_MMAP_CI_CACHE:-/var/cache/seed-mmap-ci}
DENO_VERSION=2.9.6
export NO_COLOR=1

# Seconds since the epoch, for phase times.
now() { date +%s; }

# Prints "<label>: not run: <reason>" as the closing line and exits 0: a run
# that cannot be set up is skipped, and says so.
not_run() {
  echo "$LABEL: not run: $*"
  exit 0
}

# Unpacks the npm package $1 (at DENO_VERSION) into directory $2, once.
npm_unpack() {
  local pkg=$1 dir=$2 tmp
  [ -f "$dir/.unpacked" ] && return 0
  tmp=$(mktemp -d) || return 1
  if ! (cd "$tmp" && npm pack --silent "$pkg@$DENO_VERSION" >/dev/null); then
    rm -rf "$tmp"
    return 1
  fi
  mkdir -p "$dir" && tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1 &&
    touch "$dir/.unpacked"
  local status=$?
  rm -rf "$tmp"
  return $status
}

# Reads Deno's test summary from log $1 and prints the closing line
# "<label>: N passed, N failed"; exit status $2 of the run makes a run that
# ended without a summary (crash, time-out) count as one failure.
summarise() {
  local log=$1 status=$2 summary passed failed
  summary=$(grep -aE '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -n 1)
  passed=$(sed -nE 's/.*\| ([0-9]+) passed.*/\1/p' <<<"$summary")
  failed=$(sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' <<<"$summary")
  passed=${passed:-0}
  failed=${failed:-0}
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "$LABEL: the run ended with status $status without a failing test"
    failed=1
  fi
  echo "$LABEL: ${passed} passed, ${failed} failed"
}
