#!/usr/bin/env bash
# Builds the test control plane's binaries from Go modules, or reuses them when already built.
#
#   kube-apiserver, kubectl  from k8s.io/kubernetes (version pinned in go.mod)
#   etcd                     from go.etcd.io/etcd/server/v3 (the version Kubernetes requires)
#   helm                     go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION
#
# Output: ${ENSIGN_TESTBIN_DIR:-${XDG_CACHE_HOME:-~/.cache}/ensign/testbin}/<k8s version>/, laid
# out like an envtest asset directory, so it can also be used as KUBEBUILDER_ASSETS. A stamp
# file holds the hash of everything that decides the output; when it matches, this is a no-op.
# Go's build and module caches stay in Go's own default directories.
#
# Prints the asset directory as the last line of stdout; progress goes to stderr.
# Options: --print-dir  print the directory and exit without building.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

HELM_VERSION=v3.17.4
kube_version=$(sed -n 's|^[[:space:]]*k8s.io/kubernetes \(v[0-9][0-9.]*\)$|\1|p' go.mod)
[ -n "$kube_version" ] || { echo "build.sh: no k8s.io/kubernetes requirement in go.mod" >&2; exit 1; }
kube_minor=$(echo "$kube_version" | cut -d. -f2)

root="${ENSIGN_TESTBIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ensign/testbin}"
out="$root/${kube_version#v}"
if [ "${1:-}" = "--print-dir" ]; then
  echo "$out"
  exit 0
fi

stamp=$(cat go.mod go.sum build.sh tools.go cmd/*/main.go | sha256sum | cut -d' ' -f1)
up_to_date() {
  [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ] &&
    for bin in kube-apiserver etcd kubectl helm; do [ -x "$out/$bin" ] || return 1; done
}
if up_to_date; then
  echo "test binaries up to date in $out" >&2
  echo "$out"
  exit 0
fi

command -v go > /dev/null || {
  echo "build.sh: Go is needed to build kube-apiserver and etcd (https://go.dev/dl), or point" \
    "KUBEBUILDER_ASSETS at a directory with kube-apiserver, etcd and kubectl" >&2
  exit 1
}

mkdir -p "$root"
# Two builds at once (a test run and `npm run cluster`) would race on the output directory.
exec 9> "$root/.build.lock"
command -v flock > /dev/null && flock 9
if up_to_date; then
  echo "$out"
  exit 0
fi

started=$(date +%s)
staging="$(mktemp -d "$root/.build.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

# The variables upstream's hack/lib/version.sh sets, so /version reports the real release.
version_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor"
  version_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

echo "building kube-apiserver, etcd and kubectl $kube_version (a cold build takes minutes)..." >&2
# Same static, cgo-free build and tags as upstream release builds (hack/lib/golang.sh).
CGO_ENABLED=0 go build -trimpath -tags selinux,notest -ldflags "-s -w$version_ldflags" \
  -o "$staging/" ./cmd/kube-apiserver ./cmd/etcd k8s.io/kubernetes/cmd/kubectl

echo "installing helm $HELM_VERSION..." >&2
# Helm's own Makefile sets these; without them `helm template` assumes Kubernetes 1.20.
helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  helm_ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$kube_minor"
done
GOBIN="$staging" CGO_ENABLED=0 \
  go install -trimpath -ldflags "$helm_ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"

mkdir -p "$out"
for bin in kube-apiserver etcd kubectl helm; do
  mv -f "$staging/$bin" "$out/$bin"
done
echo "$stamp" > "$out/.stamp"
echo "built test binaries in $(($(date +%s) - started))s into $out" >&2
echo "$out"
