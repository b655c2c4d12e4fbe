// Command kstatus reads one Kubernetes object as JSON on stdin and prints the status that
// sigs.k8s.io/cli-utils kstatus computes for it, the rules Flux's health checks and Helm 4's
// --wait apply: {"status": "Current|InProgress|Failed|Terminating|NotFound|Unknown", "message": "..."}.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type result struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	object := &unstructured.Unstructured{}
	if err := object.UnmarshalJSON(data); err != nil {
		return fmt.Errorf("stdin is not a Kubernetes object: %w", err)
	}
	computed, err := status.Compute(object)
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(result{Status: computed.Status.String(), Message: computed.Message})
}
