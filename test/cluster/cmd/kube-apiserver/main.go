// Command kube-apiserver is the upstream Kubernetes API server, built from the published
// k8s.io/kubernetes module so integration tests run against the real thing (see ../../README.md).
package main

import (
	"os"
	_ "time/tzdata" // CronJob time zones, as in the upstream command

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
