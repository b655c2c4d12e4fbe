#!/usr/bin/env bash
# Regenerates go.mod/go.sum for a Kubernetes version, using only the Go module proxy.
#
# k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/apiserver, ...) at the
# unpublished version v0.0.0 and replaces them with ./staging paths, so a consumer must replace
# each one with its published v0.<minor>.<patch> tag. The list of staging modules drifts between
# minors, so it is read from the go.mod of the requested version instead of being maintained by hand.
#
# Usage: bash test/cluster/update-gomod.sh 1.32.13
set -euo pipefail
cd "$(dirname "$0")"
kv="${1:?usage: update-gomod.sh <kubernetes version without v, e.g. 1.32.13>}"
staging_version="v0.${kv#1.}"

kube_gomod=$(go mod download -json "k8s.io/kubernetes@v$kv" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
[ -f "$kube_gomod" ] || { echo "could not download k8s.io/kubernetes@v$kv" >&2; exit 1; }

# Start from a clean module so replaces from an older version do not linger.
go_directive=$(sed -n 's/^go \(.*\)/\1/p' "$kube_gomod")
cat > go.mod <<MOD
module ensign.dev/test/cluster

go $go_directive
MOD
rm -f go.sum
# Only the main module's godebug lines count; copy Kubernetes' own so the server keeps the
# runtime behaviour it was released with even when built by a newer Go.
sed -n 's/^godebug /godebug /p' "$kube_gomod" >> go.mod

modules=$(sed -n 's|^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*|\1|p' "$kube_gomod")
count=0
for m in $modules; do
  go mod edit "-replace=$m=$m@$staging_version"
  count=$((count + 1))
done
echo "replaced $count staging modules with $staging_version"

go get "k8s.io/kubernetes@v$kv"
go mod tidy
echo "go.mod now requires k8s.io/kubernetes v$kv and etcd $(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
