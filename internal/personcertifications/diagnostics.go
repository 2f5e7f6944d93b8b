package personcertifications

import (
	"fmt"
	"sort"
	"strings"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// dedupeWarnings keeps one of each warning (flatten's, once per certification).
func dedupeWarnings(diags diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	seen := map[string]bool{}
	for _, d := range diags {
		k := d.Summary() + "\x00" + d.Detail()
		if !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}

// keyList names keys for a message: the first 20, then a count.
func keyList(keys []string) string {
	sort.Strings(keys)
	const most = 20
	quoted := make([]string, 0, min(len(keys), most))
	for _, k := range keys[:min(len(keys), most)] {
		quoted = append(quoted, fmt.Sprintf("%q", k))
	}
	s := strings.Join(quoted, ", ")
	if len(keys) > most {
		s += fmt.Sprintf(" and %d more", len(keys)-most)
	}
	return s
}

// bulkError is one error for many failed keys: the first 20 with what Graph said, then a count.
// id is the caller, for the next step that fits its sign-in.
func bulkError(id *graph.Identity, action, what string, failed map[string]error, userOf func(key string) string) diag.Diagnostic {
	keys := sortedKeys(failed)
	var b strings.Builder
	if len(keys) == 1 {
		what = strings.TrimSuffix(what, "s")
	}
	fmt.Fprintf(&b, "%d %s failed: %s.\n", len(keys), what, keyList(append([]string(nil), keys...)))
	hints := map[string]bool{}
	for i, k := range keys {
		if i >= 20 {
			break
		}
		fmt.Fprintf(&b, "\n%q: %v", k, failed[k])
		if h := personcertification.NextStepAs(id, action, userOf(k), graph.StatusOf(failed[k])); h != "" {
			hints[h] = true
		}
	}
	for _, h := range sortedKeys(hints) {
		b.WriteString("\n\n" + h)
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("Error %s person certifications", action), b.String())
}

func diagText(d diag.Diagnostics) string {
	var parts []string
	for _, x := range d.Errors() {
		parts = append(parts, x.Summary()+": "+x.Detail())
	}
	return strings.Join(parts, "; ")
}
