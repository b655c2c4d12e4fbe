// Command flux-health evaluates Flux kustomize-controller healthCheckExprs against one Kubernetes
// object (JSON on stdin) with cel-go, set up as Flux's runtime/cel package sets it up for status
// evaluation (parsed, not type-checked, with the same environment options), and applies Flux's
// order: a status.observedGeneration that differs from metadata.generation is InProgress before any
// expression runs; then inProgress, failed and current, first true wins; none true is InProgress.
// An evaluation error is printed as status Unknown with the error, which is what kstatus' generic
// status reader makes of it (Flux then keeps polling).
//
// Usage: flux-health -current EXPR [-failed EXPR] [-in-progress EXPR] < object.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

type result struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

func main() {
	current := flag.String("current", "", "CEL expression: the object is Current")
	failed := flag.String("failed", "", "CEL expression: the object has Failed")
	inProgress := flag.String("in-progress", "", "CEL expression: the object is InProgress")
	flag.Parse()
	if *current == "" {
		fmt.Fprintln(os.Stderr, "flux-health: -current is required")
		os.Exit(2)
	}
	out, err := run(os.Stdin, []check{{*inProgress, "InProgress"}, {*failed, "Failed"}, {*current, "Current"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "flux-health:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}

type check struct {
	expr   string
	status string
}

func newEnv() (*cel.Env, error) {
	return cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Sets(),
		ext.Encoders(),
	)
}

func run(in io.Reader, checks []check) (result, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return result{}, err
	}
	object := &unstructured.Unstructured{}
	if err := object.UnmarshalJSON(data); err != nil {
		return result{}, fmt.Errorf("stdin is not a Kubernetes object: %w", err)
	}
	content := object.UnstructuredContent()
	observed, found, err := unstructured.NestedInt64(content, "status", "observedGeneration")
	if err != nil {
		return result{}, err
	}
	if found {
		generation, ok, err := unstructured.NestedInt64(content, "metadata", "generation")
		if err != nil {
			return result{}, err
		}
		if ok && generation != observed {
			return result{Status: "InProgress"}, nil
		}
	}
	env, err := newEnv()
	if err != nil {
		return result{}, err
	}
	for _, c := range checks {
		if c.expr == "" {
			continue
		}
		ast, issues := env.Parse(c.expr)
		if issues != nil && issues.Err() != nil {
			return result{}, fmt.Errorf("parsing %q: %w", c.expr, issues.Err())
		}
		program, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.InterruptCheckFrequency(100))
		if err != nil {
			return result{}, err
		}
		value, _, err := program.Eval(content)
		if err != nil {
			return result{Status: "Unknown", Error: err.Error()}, nil
		}
		truth, ok := value.(types.Bool)
		if !ok {
			return result{Status: "Unknown", Error: fmt.Sprintf("%q is not a boolean", c.expr)}, nil
		}
		if truth {
			return result{Status: c.status}, nil
		}
	}
	return result{Status: "InProgress"}, nil
}
