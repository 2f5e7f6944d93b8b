package personcertification_test

import (
	"bytes"
	"context"
	"crypto/sha1" //nolint:gosec // the example's bucket function, not security
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
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

// What examples/hr-onboarding/mock-seed.json holds, besides rows of the CSV: a newer twin of
// one row, and a certification the CSV does not name.
const (
	hrTwinUser, hrTwinCertID = "adele.vance@contoso.example", "AZ-305-7781"
	hrTwinKey                = hrTwinUser + "/" + hrTwinCertID
	hrExtraUser, hrExtraCert = "lynne.robbins@contoso.example", "PSM-I-30112"
	hrAdoptedKey             = "megan.bowen@contoso.example/KB-1235466333663322" // seeded with other values
)

// hrSeed is the seeded mock's content: every certification by Graph id (with its user
// under "_user"), and the ids the example must adopt or leave alone.
type hrSeed struct {
	byID            map[string]map[string]any
	oldest, twin    string // the two hrTwinKey certifications, oldest first
	extra, adoptees string // hrExtraCert's id; megan's certification, adopted and rewritten
}

func seedHR(t *testing.T, s *mockgraph.Server) hrSeed {
	t.Helper()
	if err := s.SeedFile(filepath.Join(hrExample, "mock-seed.json")); err != nil {
		t.Fatal(err)
	}
	seed := hrSeed{byID: serverByID(t, s)}
	for _, c := range s.Certifications(hrTwinUser) { // oldest first
		if c["certificationId"] == hrTwinCertID {
			if seed.oldest == "" {
				seed.oldest = acctest.As[string](t, c["id"])
			} else {
				seed.twin = acctest.As[string](t, c["id"])
			}
		}
	}
	for id, c := range seed.byID {
		switch fmt.Sprint(c["_user"]) + "/" + fmt.Sprint(c["certificationId"]) {
		case hrExtraUser + "/" + hrExtraCert:
			seed.extra = id
		case hrAdoptedKey:
			seed.adoptees = id
		}
	}
	if seed.oldest == "" || seed.twin == "" || seed.extra == "" || seed.adoptees == "" {
		t.Fatalf("mock-seed.json no longer holds a twin of %s, %s of %s and %s (got %+v)", hrTwinKey, hrExtraCert, hrExtraUser, hrAdoptedKey, seed)
	}
	return seed
}

// serverByID returns everything the server holds for the HR users, by Graph id.
func serverByID(t *testing.T, s *mockgraph.Server) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, u := range hrUsers {
		for _, c := range s.Certifications(u) {
			c["_user"] = u
			out[acctest.As[string](t, c["id"])] = c
		}
	}
	return out
}

// serverCount counts the server's certifications by "<user>/<certificationId>".
func serverCount(s *mockgraph.Server) map[string]int {
	n := map[string]int{}
	for _, u := range hrUsers {
		for _, c := range s.Certifications(u) {
			n[u+"/"+fmt.Sprint(c["certificationId"])]++
		}
	}
	return n
}

// csvKeys returns the "<user>/<certification_id>" of every row, sorted; with buckets, only
// the rows of users in them (the example's user_buckets filter).
func csvKeys(csv string, buckets ...string) []string {
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(csv), "\n")[1:] {
		f := strings.Split(line, ",")
		if len(buckets) > 0 && !slices.Contains(buckets, userBucket(f[0])) {
			continue
		}
		keys = append(keys, f[0]+"/"+f[2])
	}
	sort.Strings(keys)
	return keys
}

// userBucket is the example's bucket of a user: the first hex digit of sha1(lower(user)).
func userBucket(user string) string {
	return fmt.Sprintf("%x", sha1.Sum([]byte(strings.ToLower(user))))[:1]
}

// hrIDs reads the example's output: Graph id by "<user>/<certification_id>".
func hrIDs(t *testing.T, tf *tfexec.Terraform) map[string]string {
	t.Helper()
	outputs, err := tf.Output(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids map[string]string
	if err := json.Unmarshal(outputs["certification_ids"].Value, &ids); err != nil {
		t.Fatalf("output certification_ids: %v (%s)", err, outputs["certification_ids"].Value)
	}
	return ids
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// requireManaged checks that the output names exactly the wanted keys, that every id in it
// is on the server under that key, that each wanted key exists on the server once (twice
// for the seeded twin, when it is kept), and that ids in keep did not change.
func requireManaged(t *testing.T, s *mockgraph.Server, ids map[string]string, want []string, twinKept bool, keep map[string]string) {
	t.Helper()
	if got := sortedKeys(ids); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("the output names\n%s\nwant the CSV's\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	onServer := serverByID(t, s)
	for k, id := range ids {
		c, ok := onServer[id]
		if !ok || fmt.Sprint(c["_user"])+"/"+fmt.Sprint(c["certificationId"]) != k {
			t.Errorf("%s: id %s is not that certification on the server (%v)", k, id, c)
		}
		if old, ok := keep[k]; ok && old != id {
			t.Errorf("%s has id %s, want %s kept (adopted or kept, not created again)", k, id, old)
		}
	}
	count := serverCount(s)
	for _, k := range want {
		n := 1
		if k == hrTwinKey && twinKept {
			n = 2
		}
		if count[k] != n {
			t.Errorf("the server holds %d of %s, want %d", count[k], k, n)
		}
	}
}

// requireUntouched checks that the server still holds these seeded certifications exactly
// as they were seeded.
func requireUntouched(t *testing.T, s *mockgraph.Server, seed hrSeed, ids ...string) {
	t.Helper()
	now := serverByID(t, s)
	for _, id := range ids {
		if !reflect.DeepEqual(now[id], seed.byID[id]) {
			t.Errorf("%s changed:\nseeded %v\nnow    %v", id, seed.byID[id], now[id])
		}
	}
}

// startHRExample sets the HR example up as both its tests start: a mock seeded from the
// example's mock-seed.json, and the example's configuration and CSV in dir, pointed at the
// mock and initialised. csv is the example's CSV.
func startHRExample(t *testing.T) (dir string, tf *tfexec.Terraform, r *tfexec.ReattachOption, s *mockgraph.Server, seed hrSeed, csv []byte) {
	t.Helper()
	dir = t.TempDir()
	tf, reattach := acctest.NewCLI(t, dir)
	s, provider := acctest.Mock(t)
	seed = seedHR(t, s)
	r = tfexec.Reattach(reattach)
	acctest.CopyExample(t, dir, hrExample, provider, "main.tf", "certifications.csv")
	csv, err := os.ReadFile(filepath.Join(dir, "certifications.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tf.Init(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return dir, tf, r, s, seed, csv
}

// The HR example on the real CLI against the seeded mock: the first apply adopts what exists
// (the oldest of the twins, with a warning naming the other) and creates the rest, so Graph
// holds each row once and nothing seeded is left a twin of the CSV's making; the second plan
// is empty; the plan of exclusive = true lists what the CSV does not name; a row removed from
// the CSV deletes exactly that certification; destroy leaves what the example never managed.
func TestAccHROnboardingExample(t *testing.T) {
	t.Parallel()
	dir, tf, r, s, seed, csv := startHRExample(t)
	ctx := context.Background()
	destroyed := false
	t.Cleanup(func() {
		if !destroyed {
			_ = tf.Destroy(ctx, r)
		}
	})

	var out bytes.Buffer
	tf.SetStdout(&out)
	if err := tf.Apply(ctx, r); err != nil {
		t.Fatalf("apply: %v\n%s", err, out.String())
	}
	tf.SetStdout(nil)
	// The adoption warning names the entry, the certification it adopts and the twin it leaves alone.
	warning := regexp.MustCompile(`\s+`).ReplaceAllString(out.String(), " ")
	for _, want := range []string{"Warning", hrTwinKey, seed.oldest, seed.twin} {
		if !strings.Contains(warning, want) {
			t.Errorf("the apply output does not say %q:\n%s", want, out.String())
		}
	}
	first := hrIDs(t, tf)
	requireManaged(t, s, first, csvKeys(string(csv)), true, map[string]string{hrTwinKey: seed.oldest, hrAdoptedKey: seed.adoptees})
	requireUntouched(t, s, seed, seed.twin, seed.extra)
	// The adopted certification now holds the CSV's values: what the row leaves empty is cleared.
	if c, _ := s.Certification("megan.bowen@contoso.example", seed.adoptees); c["displayName"] != "Marketing Blackbelt - Brand Management" ||
		c["issuingAuthority"] != "International Academy of Marketing Excellence" || c["description"] != nil {
		t.Errorf("the adopted %s was not rewritten to the CSV's row: %v", hrAdoptedKey, c)
	}

	changes, err := tf.Plan(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if changes {
		t.Fatal("the second plan is not empty")
	}

	// exclusive = true would delete the twin and the certification the CSV does not name, and
	// the plan says so before anything is applied.
	planFile := filepath.Join(dir, "exclusive.tfplan")
	if _, err := tf.Plan(ctx, r, tfexec.Var("exclusive=true"), tfexec.Var("max_deletions=2"), tfexec.Out(planFile)); err != nil {
		t.Fatal(err)
	}
	plan, err := tf.ShowPlanFile(ctx, planFile, r)
	if err != nil {
		t.Fatal(err)
	}
	var deletions map[string]any
	for _, rc := range plan.ResourceChanges {
		if rc.Address == "graph_person_certifications.hr" && rc.Change != nil {
			if after, ok := rc.Change.After.(map[string]any); ok {
				deletions, _ = after["exclusive_deletions"].(map[string]any)
			}
		}
	}
	wantDeletions := []string{hrTwinUser + "/" + seed.twin, hrExtraUser + "/" + seed.extra}
	sort.Strings(wantDeletions)
	if got := sortedKeys(deletions); strings.Join(got, ",") != strings.Join(wantDeletions, ",") {
		t.Errorf("exclusive_deletions planned %v, want %v", deletions, wantDeletions)
	}
	requireUntouched(t, s, seed, seed.twin, seed.extra)

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
	after := hrIDs(t, tf)
	requireManaged(t, s, after, csvKeys(csv2), true, first)
	if len(after) != len(first)-1 || serverCount(s)["alex.wilber@contoso.example/P2P-99120"] != 0 {
		t.Fatalf("%d certifications managed after removing one row, want %d, and P2P-99120 gone (%v)", len(after), len(first)-1, serverCount(s))
	}

	if err := tf.Destroy(ctx, r); err != nil {
		t.Fatal(err)
	}
	destroyed = true
	left := serverByID(t, s)
	if got, want := sortedKeys(left), sortedKeys(map[string]bool{seed.twin: true, seed.extra: true}); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("after destroy the server holds %v, want only what the example never managed (%v)", left, want)
	}
	requireUntouched(t, s, seed, seed.twin, seed.extra)
}

// The example split across workspaces: user_buckets keeps the rows of the users whose hash
// bucket is listed, and exclusive = true deletes what the CSV does not name for those users
// only (here the twin and the extra certification), never for a user of another bucket.
func TestAccHROnboardingExample_bucketExclusive(t *testing.T) {
	t.Parallel()
	_, tf, r, s, seed, csv := startHRExample(t)
	ctx := context.Background()
	buckets := []string{userBucket(hrTwinUser), userBucket(hrExtraUser)}
	if buckets[0] == userBucket("megan.bowen@contoso.example") || buckets[1] == userBucket("megan.bowen@contoso.example") {
		t.Fatal("megan.bowen shares a bucket with the users under test; pick other users")
	}
	// Two deletions: more than the default limit for this small map, so allowed explicitly.
	vars := []string{"exclusive=true", fmt.Sprintf(`user_buckets=["%s","%s"]`, buckets[0], buckets[1]), "max_deletions=2"}
	t.Cleanup(func() { _ = tf.Destroy(ctx, r, tfexec.Var(vars[0]), tfexec.Var(vars[1]), tfexec.Var(vars[2])) })

	if err := tf.Apply(ctx, r, tfexec.Var(vars[0]), tfexec.Var(vars[1]), tfexec.Var(vars[2])); err != nil {
		t.Fatal(err)
	}
	want := csvKeys(string(csv), buckets...)
	if len(want) == 0 || len(want) == len(csvKeys(string(csv))) {
		t.Fatalf("the buckets %v select %d of the CSV's rows; the test needs some, not all", buckets, len(want))
	}
	requireManaged(t, s, hrIDs(t, tf), want, false, map[string]string{hrTwinKey: seed.oldest})
	now := serverByID(t, s)
	for _, id := range []string{seed.twin, seed.extra} {
		if _, ok := now[id]; ok {
			t.Errorf("exclusive = true left %s (%v) on the server", id, now[id])
		}
	}
	// Megan is in another bucket: her certification is neither adopted nor deleted.
	requireUntouched(t, s, seed, seed.adoptees)

	changes, err := tf.Plan(ctx, r, tfexec.Var(vars[0]), tfexec.Var(vars[1]), tfexec.Var(vars[2]))
	if err != nil {
		t.Fatal(err)
	}
	if changes {
		t.Error("the second plan is not empty")
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

	before := len(acctest.AllRequests(s))
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
	for _, rq := range acctest.AllRequests(s)[before:] {
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
