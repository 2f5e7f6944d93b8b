package personcertification_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	pacctest "github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// TestMain serves the sweepers (go test ./internal/personcertification -sweep=tenant)
// and runs the tests as usual otherwise.
func TestMain(m *testing.M) { resource.TestMain(m) }

func init() {
	resource.AddTestSweepers("graph_person_certification", &resource.Sweeper{
		Name: "graph_person_certification",
		F:    sweepCertifications,
	})
}

// sweepCertifications deletes, from the profile the tenant tests write to, every
// certification whose display name carries the test prefix: what a failed or
// interrupted run left behind. It touches nothing else.
func sweepCertifications(string) error {
	ctx := context.Background()
	c, err := pacctest.TenantClient(ctx)
	if err != nil {
		return err
	}
	user := pacctest.TenantUser()
	certs, err := c.ListCertifications(ctx, user, graph.ListFilter{})
	if err != nil {
		return fmt.Errorf("listing the certifications of %s: %w", user, err)
	}
	var failed []string
	for _, cert := range certs {
		name, id := cert.GetDisplayName(), cert.GetId()
		if name == nil || id == nil || !strings.HasPrefix(*name, pacctest.NamePrefix) {
			continue
		}
		if err := c.DeleteCertification(ctx, user, *id); err != nil && !graph.IsNotFound(err) {
			failed = append(failed, fmt.Sprintf("%s (%s): %v", *name, *id, err))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("could not delete %d leftover(s): %s", len(failed), strings.Join(failed, "; "))
	}
	return nil
}

// The life of one certification, the test that runs against the mock and, with
// GRAPH_ACC_REAL_TENANT=1, against a real tenant: create, read back, update in place,
// import, the data source, destroy.
func TestAccPersonCertification_lifecycle(t *testing.T) {
	s, provider, user := pacctest.Target(t)
	name := pacctest.NamePrefix + acctest.RandString(8)
	cfg := func(desc string) string {
		return provider + fmt.Sprintf(`
resource "graph_person_certification" "test" {
  user_id           = %[1]q
  display_name      = %[2]q
  certification_id  = "TFACC-1"
  description       = %[3]q
  issued_date       = "2024-01-10"
  end_date          = "2027-01-14"
  web_url           = "https://example.com/certifications/tfacc"
  allowed_audiences = ["me"]
  inference = {
    confidence_score = 0.92
  }
}

data "graph_person_certification" "test" {
  user_id = graph_person_certification.test.user_id
  id      = graph_person_certification.test.id
}
`, user, name, desc)
	}
	pacctest.ParallelTest(t, pacctest.CheckNoCertificationsLeft(s, user), []resource.TestStep{
		{
			Config: cfg("created by an acceptance test"),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("display_name", knownvalue.StringExact(name)),
				expect("id", knownvalue.NotNull()),
				expect("created_date_time", knownvalue.NotNull()),
				statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), "data.graph_person_certification.test", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.CompareValuePairs(addr, tfjsonpath.New("description"), "data.graph_person_certification.test", tfjsonpath.New("description"), compare.ValuesSame()),
			},
		},
		{
			Config: cfg("changed by an acceptance test"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{expect("description", knownvalue.StringExact("changed by an acceptance test"))},
		},
		{
			Config:            cfg("changed by an acceptance test"),
			ResourceName:      addr,
			ImportState:       true,
			ImportStateIdFunc: importID,
			ImportStateVerify: true,
		},
	})
}

// The sweeper deletes the test-prefixed certifications of the tenant user and nothing
// else, signing in from the environment as the provider does.
func TestSweeper_deletesOnlyPrefixed(t *testing.T) {
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken("sweeper-token")
	for _, name := range []string{pacctest.NamePrefix + "left-behind", pacctest.NamePrefix + "another", "Azure Solutions Architect Expert"} {
		if _, err := s.Seed("me", map[string]any{"displayName": name}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Seed(mockgraph.OtherID, map[string]any{"displayName": pacctest.NamePrefix + "other user"}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GRAPH_ENDPOINT", s.URL)
	t.Setenv("GRAPH_ACCESS_TOKEN", "sweeper-token")
	t.Setenv(pacctest.EnvUser, "")
	if err := sweepCertifications(""); err != nil {
		t.Fatal(err)
	}
	left := s.Certifications("me")
	if len(left) != 1 || left[0]["displayName"] != "Azure Solutions Architect Expert" {
		t.Errorf("after the sweep the user holds %v, want only the unprefixed certification", left)
	}
	if n := len(s.Certifications(mockgraph.OtherID)); n != 1 {
		t.Errorf("the sweeper touched another user's profile: %d left, want 1", n)
	}
}
