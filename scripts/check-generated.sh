#!/usr/bin/env bash
# Fails when committed generated files (proto/gen, crds/, the chart's CRD copy) differ from what
# their sources generate now.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/gen-proto.sh
node operator/src/api/generate-crds.ts
if ! git diff --exit-code --stat -- proto/gen crds charts/ensign/crds; then
  echo "generated files are out of date: run 'npm run gen' and commit the result" >&2
  exit 1
fi
untracked=$(git ls-files --others --exclude-standard -- proto/gen crds charts/ensign/crds)
if [ -n "$untracked" ]; then
  echo "generated files are not committed:" >&2
  echo "$untracked" >&2
  exit 1
fi
