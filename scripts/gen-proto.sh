#!/usr/bin/env bash
# Regenerates proto/gen from the .proto files with ts-proto (a local buf plugin: no network).
set -euo pipefail
cd "$(dirname "$0")/../proto"
rm -rf gen
../node_modules/.bin/buf generate
../node_modules/.bin/prettier --log-level warn --write gen
