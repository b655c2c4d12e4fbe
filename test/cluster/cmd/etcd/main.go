// Command etcd is the etcd server at the version k8s.io/kubernetes requires, built from Go
// modules (etcd's own server module carries replace directives, so `go install` cannot build it).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
