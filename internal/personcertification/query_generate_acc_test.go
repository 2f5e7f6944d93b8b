package personcertification_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

const adoptExample = "../../examples/adopt-existing"

// The brownfield path, as examples/adopt-existing ships it: terraform query over several
// users writes resource and import blocks that plan as imports and nothing else, apply
// without creating anything, and then plan empty.
func TestAccAdoptExistingExample(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tf, reattach := acctest.NewCLI(t, dir)
	acctest.CheckCLIVersion(t, tf, tfversion.SkipBelow(tfversion.Version1_14_0)) // terraform query
	ctx := context.Background()
	s, provider := acctest.Mock(t)
	seed(t, s, mockgraph.MeUPN, 3, func(i int) map[string]any {
		body := map[string]any{"displayName": fmt.Sprintf("Existing %d", i), "certificationId": fmt.Sprintf("EX-%d", i)}
		if i == 0 { // every kind of value, so generated configuration covers them
			body["allowedAudiences"] = "organization,everyone"
			body["issuedDate"] = "2024-01-10"
			body["endDate"] = "2027-01-14"
			body["webUrl"] = "https://www.iame.io/blackbelt"
			body["inference"] = map[string]any{"confidenceScore": 0.92, "userHasVerifiedAccuracy": true}
			body["source"] = map[string]any{"type": []any{"HR"}}
		}
		return body
	})
	seed(t, s, mockgraph.OtherUPN, 2, func(i int) map[string]any {
		return map[string]any{"displayName": fmt.Sprintf("Other %d", i)}
	})
	const existing = 5
	acctest.CopyExample(t, dir, adoptExample, provider, "main.tf", "certifications.tfquery.hcl")
	r := tfexec.Reattach(reattach)
	if err := tf.Init(ctx, r); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tf.Destroy(ctx, r) })

	msgs, err := tf.QueryJSON(ctx, tfexec.GenerateConfigOut("generated.tf"), r)
	if err != nil {
		t.Fatal(err)
	}
	for m := range msgs {
		if m.Err != nil {
			t.Fatalf("terraform query: %v", m.Err)
		}
	}
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatalf("terraform query wrote no configuration: %v", err)
	}
	if n := strings.Count(string(generated), "import {"); n != existing {
		t.Fatalf("generated.tf holds %d import blocks, want %d:\n%s", n, existing, generated)
	}

	before := len(allRequests(s))
	if _, err := tf.Plan(ctx, r, tfexec.Out("plan")); err != nil {
		t.Fatalf("plan of the generated configuration: %v\n%s", err, generated)
	}
	plan, err := tf.ShowPlanFile(ctx, "plan", r)
	if err != nil {
		t.Fatal(err)
	}
	imports := 0
	for _, rc := range plan.ResourceChanges {
		if !rc.Change.Actions.NoOp() {
			t.Errorf("%s: actions %v, want only an import\n%s", rc.Address, rc.Change.Actions, generated)
		}
		if rc.Change.Importing != nil {
			imports++
		}
	}
	if imports != existing {
		t.Errorf("%d imports planned, want %d", imports, existing)
	}
	if err := tf.Apply(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, rq := range allRequests(s)[before:] {
		if rq.Method != "GET" && rq.Method != "POST" || rq.Method == "POST" && !strings.HasSuffix(rq.Path, "$batch") {
			t.Errorf("adopting sent %s %s; it should only read", rq.Method, rq.Path)
		}
	}
	if n := len(s.Certifications(mockgraph.MeUPN)) + len(s.Certifications(mockgraph.OtherUPN)); n != existing {
		t.Fatalf("the server holds %d certifications after adopting, want %d", n, existing)
	}
	changes, err := tf.Plan(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if changes {
		t.Fatal("the plan after adopting is not empty")
	}
}
