package personcertification_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// The shipped examples these tests run on the real CLI, as a user would.
const (
	hrExample    = "../../examples/hr-onboarding"
	adoptExample = "../../examples/adopt-existing"
)

var hrUsers = []string{"adele.vance@contoso.example", "megan.bowen@contoso.example", "alex.wilber@contoso.example", "lynne.robbins@contoso.example"}

// serverKeys maps "<user>/<certificationId>" to the Graph id of everything the server
// holds, and fails on a duplicate.
func serverKeys(s *mockgraph.Server) (map[string]string, error) {
	out := map[string]string{}
	for _, u := range hrUsers {
		for _, c := range s.Certifications(u) {
			k := u + "/" + fmt.Sprint(c["certificationId"])
			if _, dup := out[k]; dup {
				return nil, fmt.Errorf("duplicate on the server: %s", k)
			}
			id, ok := c["id"].(string)
			if !ok {
				return nil, fmt.Errorf("%s: id %v is not a string", k, c["id"])
			}
			out[k] = id
		}
	}
	return out, nil
}

func csvKeys(csv string) []string {
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(csv), "\n")[1:] {
		f := strings.Split(line, ",")
		keys = append(keys, f[0]+"/"+f[2])
	}
	sort.Strings(keys)
	return keys
}

// requireExactly checks that the server holds exactly the CSV's certifications, once each,
// and that those in keep still carry the same ids (adopted or kept, not recreated).
func requireExactly(t *testing.T, s *mockgraph.Server, csv string, keep map[string]string) map[string]string {
	t.Helper()
	got, err := serverKeys(s)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := csvKeys(csv); strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Fatalf("server holds\n%s\nwant the CSV's\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	for k, id := range keep {
		if now, ok := got[k]; ok && now != id {
			t.Fatalf("%s has id %s, want %s kept", k, now, id)
		}
	}
	return got
}

// copyHRExample puts the example's configuration and CSV into dir, pointed at the mock,
// runs terraform init there, and returns the CSV.
func copyHRExample(t *testing.T, tf *tfexec.Terraform, r *tfexec.ReattachOption, dir, provider string) []byte {
	t.Helper()
	acctest.CopyExample(t, dir, hrExample, provider, "main.tf", "certifications.csv")
	csv, err := os.ReadFile(filepath.Join(dir, "certifications.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tf.Init(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return csv
}

// hrExampleSetup is what both HR example tests start from: a CLI in dir that runs import
// blocks with for_each, and a mock seeded from the example's mock-seed.json.
func hrExampleSetup(t *testing.T, dir string) (*tfexec.Terraform, tfexec.ReattachInfo, *mockgraph.Server, string) {
	t.Helper()
	tf, reattach := acctest.NewCLI(t, dir)
	acctest.CheckCLIVersion(t, tf, tfversion.SkipBelow(tfversion.Version1_7_0))
	s, provider := acctest.Mock(t)
	if err := s.SeedFile(filepath.Join(hrExample, "mock-seed.json")); err != nil {
		t.Fatal(err)
	}
	return tf, reattach, s, provider
}

// The HR example on the real CLI: the first apply against a pre-seeded mock adopts what
// exists and leaves exactly the CSV's set; the second plan is empty; a row removed from
// the CSV deletes exactly that certification.
func TestAccHROnboardingExample(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tf, reattach, s, provider := hrExampleSetup(t, dir)
	seeded, err := serverKeys(s)
	if err != nil || len(seeded) == 0 {
		t.Fatalf("the seed created nothing to adopt (%v)", err)
	}
	ctx := context.Background()
	r := tfexec.Reattach(reattach)
	csv := copyHRExample(t, tf, r, dir, provider)
	destroyed := false
	t.Cleanup(func() {
		if !destroyed {
			_ = tf.Destroy(ctx, r)
		}
	})

	if err := tf.Apply(ctx, r); err != nil {
		t.Fatal(err)
	}
	afterFirst := requireExactly(t, s, string(csv), seeded)

	changes, err := tf.Plan(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if changes {
		t.Fatal("the second plan is not empty")
	}

	var kept []string
	for _, line := range strings.Split(string(csv), "\n") {
		if !strings.HasPrefix(line, "alex.wilber@contoso.example,PRINCE2") {
			kept = append(kept, line)
		}
	}
	csv2 := strings.Join(kept, "\n")
	if csv2 == string(csv) {
		t.Fatal("the CSV has no PRINCE2 row to remove")
	}
	if err := os.WriteFile(filepath.Join(dir, "certifications.csv"), []byte(csv2), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := tf.Apply(ctx, r); err != nil {
		t.Fatal(err)
	}
	after := requireExactly(t, s, csv2, afterFirst)
	if len(after) != len(afterFirst)-1 {
		t.Fatalf("%d certifications after removing one row, want %d", len(after), len(afterFirst)-1)
	}

	if err := tf.Destroy(ctx, r); err != nil {
		t.Fatal(err)
	}
	destroyed = true
	if err := acctest.CheckNoCertificationsLeft(s, hrUsers...)(nil); err != nil {
		t.Fatal(err)
	}
}

// Graph may hold two certifications with the same certification_id for one person (it
// does not keep the field unique). The HR example adopts the oldest, warns with both ids,
// creates no third, and leaves the newer twin as it was.
func TestAccHROnboardingExample_duplicateInGraph(t *testing.T) {
	t.Parallel()
	const user, certID = "adele.vance@contoso.example", "AZ-305-7781"
	const key = user + "/" + certID
	dir := t.TempDir()
	tf, reattach, s, provider := hrExampleSetup(t, dir)
	// The twin comes second, so it is the newer; its text differs from the CSV's, so an
	// update sent to it would show.
	twin, err := s.Seed(user, map[string]any{"displayName": "Azure Solutions Architect (typed again)", "certificationId": certID})
	if err != nil {
		t.Fatal(err)
	}
	twinID := acctest.As[string](t, twin["id"])
	var oldestID string
	for _, c := range s.Certifications(user) { // oldest first
		if c["certificationId"] == certID {
			oldestID = acctest.As[string](t, c["id"])
			break
		}
	}
	if oldestID == "" || oldestID == twinID {
		t.Fatalf("the seed holds no older %s for %s (oldest %q, twin %q)", certID, user, oldestID, twinID)
	}
	twinBefore, _ := s.Certification(user, twinID)
	ctx := context.Background()
	r := tfexec.Reattach(reattach)
	csv := copyHRExample(t, tf, r, dir, provider)
	t.Cleanup(func() { _ = tf.Destroy(ctx, r) })

	var out bytes.Buffer
	tf.SetStdout(&out)
	if err := tf.Apply(ctx, r); err != nil {
		t.Fatalf("apply with a twin in Graph: %v\n%s", err, out.String())
	}
	tf.SetStdout(nil)
	// The check block's warning names the adopted certification and the one left alone.
	warning := regexp.MustCompile(`\s+`).ReplaceAllString(out.String(), " ")
	for _, want := range []string{"Check block assertion failed", key + ": Graph holds 2 certifications", oldestID + ", is adopted", twinID + " left untouched"} {
		if !strings.Contains(warning, want) {
			t.Errorf("the apply output does not say %q:\n%s", want, out.String())
		}
	}

	// State holds the oldest.
	st, err := tf.Show(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	var inState string
	if st.Values != nil {
		for _, res := range st.Values.RootModule.Resources {
			if res.Address == `graph_person_certification.hr["`+key+`"]` {
				inState, _ = res.AttributeValues["id"].(string)
			}
		}
	}
	if inState != oldestID {
		t.Errorf("state holds %s as %q, want the oldest, %s (the twin is %s)", key, inState, oldestID, twinID)
	}

	// No third one was created, and every other row exists exactly once.
	count := map[string]int{}
	for _, u := range hrUsers {
		for _, c := range s.Certifications(u) {
			count[u+"/"+fmt.Sprint(c["certificationId"])]++
		}
	}
	for _, k := range csvKeys(string(csv)) {
		want := 1
		if k == key {
			want = 2
		}
		if count[k] != want {
			t.Errorf("the server holds %d of %s, want %d", count[k], k, want)
		}
	}
	if twinAfter, ok := s.Certification(user, twinID); !ok || !reflect.DeepEqual(twinAfter, twinBefore) {
		t.Errorf("the twin changed:\nbefore %v\nafter  %v", twinBefore, twinAfter)
	}

	// The output says the same, for scripts.
	outputs, err := tf.Output(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var dups map[string]struct {
		Adopted string   `json:"adopted"`
		Ignored []string `json:"ignored"`
	}
	if err := json.Unmarshal(outputs["duplicates"].Value, &dups); err != nil {
		t.Fatalf("output duplicates: %v (%s)", err, outputs["duplicates"].Value)
	}
	if len(dups) != 1 || dups[key].Adopted != oldestID || !reflect.DeepEqual(dups[key].Ignored, []string{twinID}) {
		t.Errorf("output duplicates = %+v, want %s adopted %s, ignored [%s]", dups, key, oldestID, twinID)
	}

	changes, err := tf.Plan(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if changes {
		t.Error("the second plan is not empty")
	}

	// Destroy removes what the configuration manages; the twin was never managed.
	if err := tf.Destroy(ctx, r); err != nil {
		t.Fatal(err)
	}
	left := s.Certifications(user)
	if len(left) != 1 || left[0]["id"] != twinID {
		t.Errorf("after destroy %s holds %v, want only the twin %s", user, left, twinID)
	}
}

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
