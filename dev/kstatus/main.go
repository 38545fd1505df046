// kstatus prints what Flux (and every tool built on sigs.k8s.io/cli-utils' kstatus) concludes about
// Kubernetes objects: one JSON object (or a List) on stdin, one line per object on stdout:
//   <kind>/<name> <status> <message>
// The E2E tests (KstatusE2E) feed it the Runs and Workflows of the live cluster.
package main

import (
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	// apimachinery's json keeps integers as int64, as the API server's objects have them
	var obj map[string]interface{}
	if err := json.Unmarshal(in, &obj); err != nil {
		fail(err)
	}
	items := []map[string]interface{}{obj}
	if list, ok := obj["items"].([]interface{}); ok {
		items = items[:0]
		for _, it := range list {
			items = append(items, it.(map[string]interface{}))
		}
	}
	for _, it := range items {
		u := &unstructured.Unstructured{Object: it}
		res, err := status.Compute(u)
		if err != nil {
			fail(fmt.Errorf("%s/%s: %w", u.GetKind(), u.GetName(), err))
		}
		fmt.Printf("%s/%s %s %s\n", u.GetKind(), u.GetName(), res.Status, res.Message)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kstatus:", err)
	os.Exit(1)
}
