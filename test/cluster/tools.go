//go:build tools

// Keeps upstream kubectl's dependencies in go.mod/go.sum so build.sh can build
// k8s.io/kubernetes/cmd/kubectl at the same version as the API server (no version skew,
// and no reliance on whatever kubectl a machine happens to have).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kubectl"
)
