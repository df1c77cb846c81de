#!/usr/bin/env bash
# The test suite on Windows x64: the Windows build of Deno (npm package
# @deno/win32-x64, deno.exe) under Wine 10. Debian 12's Wine 8 cannot start
# Deno (V8 reserves memory with MEM_RESERVE_PLACEHOLDER, which Wine 8
# refuses), so Wine comes from Debian 13 (trixie), installed in a chroot made
# with debootstrap from the mirror this machine's apt already uses.
#
# The chroot lives in $SEED_MMAP_CI_CACHE/wine (default
# /var/cache/seed-mmap-ci/wine) and is reused; it is made when missing (about
# 7 minutes). Needs root. The clone is bind-mounted into the chroot (as Z:\src
# for Windows) in a private mount namespace, so nothing stays mounted.
#
# Usage: .ci/wine.sh [deno test arguments]   (default: the whole suite)
# Prints, last, "wine: N passed, N failed", or "wine: not run: <reason>".
set -uo pipefail
cd "$(dirname "$0")/.."
LABEL=wine
. .ci/_common.sh

ROOT=$CACHE/wine
STAMP="trixie wine deno-$DENO_VERSION v1"
SUITE=trixie

[ "$(id -u)" -eq 0 ] || not_run "needs root (debootstrap, chroot)"
mkdir -p "$CACHE" || not_run "cannot create $CACHE"

# The mirror apt uses here (deb822 sources first, then one-line sources).
mirror() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources |
    awk '{print $2}' | grep -v security | head -n 1)
  [ -z "$uri" ] && uri=$(grep -hsE '^deb ' /etc/apt/sources.list \
    /etc/apt/sources.list.d/*.list | awk '{print $2}' |
    grep -v security | head -n 1)
  echo "$uri"
}

# In the chroot, with /proc, /dev and the clone mounted.
in_root() {
  unshare --mount --propagation private bash -c '
    root=$1 src=$2; shift 2
    mount -t proc proc "$root/proc" &&
      mount --rbind /dev "$root/dev" &&
      mkdir -p "$root/src" && mount --bind "$src" "$root/src" || exit 97
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/bin:/bin \
      LANG=C.UTF-8 NO_COLOR=1 XDG_RUNTIME_DIR=/run/user/0 WINEPREFIX=/root/.wine WINEDEBUG=-all \
      WINEDLLOVERRIDES="mscoree,mshtml=" "$@"
  ' in_root "$ROOT" "$PWD" "$@"
}

setup() {
  local t0 t1 uri
  t0=$(now)
  echo "wine: setting up $ROOT (debootstrap $SUITE, apt-get install wine, wineboot)"
  command -v debootstrap >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; } ||
    return 1
  uri=$(mirror)
  [ -n "$uri" ] || { echo "wine: no Debian mirror in apt's sources"; return 1; }
  rm -rf "$ROOT"
  debootstrap --variant=minbase "$SUITE" "$ROOT" "$uri" >"$CACHE/wine-debootstrap.log" 2>&1 ||
    { tail -n 5 "$CACHE/wine-debootstrap.log"; return 1; }
  t1=$(now)
  echo "wine: debootstrap took $((t1 - t0)) s"
  in_root sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null' ||
    return 1
  echo "wine: apt-get install wine took $(($(now) - t1)) s"
  t1=$(now)
  mkdir -p -m 700 "$ROOT/run/user/0" && npm_unpack @deno/win32-x64 "$ROOT/opt/deno" || return 1
  in_root sh -c 'wineboot --init >/dev/null 2>&1; wineserver -w' || return 1
  in_root sh -c 'wine /opt/deno/deno.exe --version; s=$?; wineserver -k; exit $s' ||
    return 1
  echo "wine: deno.exe and wineboot took $(($(now) - t1)) s"
  echo "$STAMP" >"$ROOT/.seed-mmap-ready"
  echo "wine: cold setup took $(($(now) - t0)) s"
}

(
  flock 9
  if [ "$(cat "$ROOT/.seed-mmap-ready" 2>/dev/null)" != "$STAMP" ]; then
    setup || exit 1
  else
    echo "wine: reusing $ROOT"
  fi
) 9>"$CACHE/wine.lock" || not_run "setting up Wine 10 in $ROOT failed"

[ $# -gt 0 ] || set -- tests/
log=$(mktemp)
t0=$(now)
# The type check runs natively; here the code only runs.
in_root sh -c 'cd /src && timeout 20m wine /opt/deno/deno.exe test -A --no-check "$@"; s=$?; wineserver -k; exit $s' \
  sh "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
echo "wine: the run took $(($(now) - t0)) s"
summarise "$log" "$status"
rm -f "$log"
