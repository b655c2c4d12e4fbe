#!/usr/bin/env bash
# Builds the test suite's helper tools from Go modules, or reuses them when already built.
#
# Every directory test/tools/<name>/ with a go.mod is one Go module (kept apart from
# test/cluster so that adding a tool never changes the kube-apiserver build). Its `packages.txt`
# lists the Go packages to build, one per line (`./cmd/x` for the module's own commands, or an
# import path of a required module). Binaries land in
# ${ENSIGN_TESTBIN_DIR:-${XDG_CACHE_HOME:-~/.cache}/ensign/testbin}/tools/, with one stamp per
# module (the hash of its sources), so a changed tool rebuilds only its own module. A directory
# with an install.sh instead of a go.mod takes its tool from the system (e.g. a Debian package).
#
# Prints the tools directory as the last line of stdout; progress goes to stderr.
# Options: --print-dir  print the directory and exit without building.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

root="${ENSIGN_TESTBIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ensign/testbin}"
out="$root/tools"
if [ "${1:-}" = "--print-dir" ]; then
  echo "$out"
  exit 0
fi
mkdir -p "$out"

for module in "$here"/*/; do
  module=${module%/}
  name=$(basename "$module")
  # A tool taken from the system instead (see its install.sh) is installed here too, so a CI step
  # or globalSetup pays for it once, not a test hook.
  if [ ! -f "$module/go.mod" ] && [ -f "$module/install.sh" ]; then
    # Not fatal here: only the suites that use this tool fail, naming what to install.
    bash "$module/install.sh" > /dev/null || echo "tools/build.sh: $name is not installed; its tests will fail" >&2
    continue
  fi
  [ -f "$module/go.mod" ] || continue
  [ -f "$module/packages.txt" ] || { echo "tools/build.sh: $name has no packages.txt" >&2; exit 1; }
  stamp=$(cd "$module" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum -o -name packages.txt \) \
    -print0 | sort -z | xargs -0 cat | cat - "$here/build.sh" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$out/.stamp-$name" 2>/dev/null)" = "$stamp" ]; then
    echo "tool module $name up to date" >&2
    continue
  fi
  # Two builds of one module at once (a test run and a CI step) would race on its files; other
  # modules are not held up.
  exec 9> "$out/.build-$name.lock"
  command -v flock > /dev/null && flock 9
  if [ "$(cat "$out/.stamp-$name" 2>/dev/null)" = "$stamp" ]; then
    exec 9>&-
    continue
  fi
  command -v go > /dev/null || { echo "tools/build.sh: Go is needed to build test tool $name" >&2; exit 1; }
  started=$(date +%s)
  echo "building test tool module $name..." >&2
  mapfile -t packages < <(grep -v '^[[:space:]]*\(#\|$\)' "$module/packages.txt")
  (cd "$module" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/" "${packages[@]}")
  echo "$stamp" > "$out/.stamp-$name"
  echo "built $name in $(($(date +%s) - started))s" >&2
  exec 9>&-
done
echo "$out"
