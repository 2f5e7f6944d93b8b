package personcertification_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

const hrExample = "../../examples/hr-onboarding"

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

// The HR example on the real CLI: the first apply against a pre-seeded mock adopts what
// exists and leaves exactly the CSV's set; the second plan is empty; a row removed from
// the CSV deletes exactly that certification.
func TestAccHROnboardingExample(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tf, reattach := acctest.NewCLI(t, dir)
	checkCLIVersion(t, tf, tfversion.SkipBelow(tfversion.Version1_7_0)) // import blocks with for_each
	s, provider := acctest.Mock(t)
	if err := s.SeedFile(filepath.Join(hrExample, "mock-seed.json")); err != nil {
		t.Fatal(err)
	}
	seeded, err := serverKeys(s)
	if err != nil || len(seeded) == 0 {
		t.Fatalf("the seed created nothing to adopt (%v)", err)
	}
	for _, name := range []string{"main.tf", "certifications.csv"} {
		b, err := os.ReadFile(filepath.Join(hrExample, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The example's provider block reads the environment; the override points it at this
	// test's mock without touching the process environment.
	if err := os.WriteFile(filepath.Join(dir, "mock_override.tf"), []byte(provider), 0o600); err != nil {
		t.Fatal(err)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "certifications.csv"))

	ctx := context.Background()
	r := tfexec.Reattach(reattach)
	if err := tf.Init(ctx, r); err != nil {
		t.Fatal(err)
	}
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

// checkCLIVersion applies a terraform-plugin-testing version check (tfversion.SkipBelow, ...)
// to the CLI of a test that drives it through terraform-exec: such a test has no TestCase,
// so no TerraformVersionChecks, and this gives it the same checks and messages.
func checkCLIVersion(t *testing.T, tf *tfexec.Terraform, check tfversion.TerraformVersionCheck) {
	t.Helper()
	v, _, err := tf.Version(context.Background(), true)
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var resp tfversion.CheckTerraformVersionResponse
	check.CheckTerraformVersion(context.Background(), tfversion.CheckTerraformVersionRequest{TerraformVersion: v}, &resp)
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	if resp.Skip != "" {
		t.Skip(resp.Skip)
	}
}
