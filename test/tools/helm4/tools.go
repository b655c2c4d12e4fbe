//go:build tools

// Helm 4, to lint and render the chart with the Helm line users run today (the control plane's
// helm is v3). Built by test/tools/build.sh from packages.txt.
package tools

import _ "helm.sh/helm/v4/cmd/helm"
