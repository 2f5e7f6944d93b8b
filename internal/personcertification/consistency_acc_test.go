package personcertification_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// A read that 404s right after a create is replication lag, not a delete: the provider
// polls until the object shows, and the plan after apply stays empty.
func TestAccPersonCertification_readLagAfterCreate(t *testing.T) {
	s, provider := acctest.Mock(t)
	s.SetChaos(mockgraph.Chaos{LagGETs: 3})
	s.InjectKind(mockgraph.KindReadLag, "create", 1)
	acctest.ParallelTest(t, nil, []resource.TestStep{{
		Config: provider + minimalConfig("me", ""),
	}, {
		// The refresh after the first apply met the lag; this step looks at what it did.
		Config:           provider + minimalConfig("me", ""),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		Check: func(*terraform.State) error {
			var got404, got200 int
			for _, r := range s.Requests() {
				if r.Method == "GET" {
					switch r.Status {
					case 404:
						got404++
					case 200:
						got200++
					}
				}
			}
			if got404 < 3 || got200 == 0 {
				return fmt.Errorf("GETs: %d 404s and %d 200s; want the lag's 3 404s absorbed and then a 200", got404, got200)
			}
			if n := len(s.Certifications("me")); n != 1 {
				return fmt.Errorf("server holds %d certifications, want 1", n)
			}
			return nil
		},
	}})
}

// Graph documents 200 on PATCH; a 204 is followed by a GET so state still reflects Graph.
func TestAccPersonCertification_patchNoContent(t *testing.T) {
	s, provider := acctest.Mock(t)
	s.InjectKind(mockgraph.KindPatch204, "update", 100)
	acctest.ParallelTest(t, nil, []resource.TestStep{
		{Config: provider + minimalConfig("me", "")},
		{
			Config: provider + minimalConfig("me", `  description = "after 204"`),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("description", knownvalue.StringExact("after 204")),
				expect("last_modified_date_time", knownvalue.StringRegexp(rfc3339RE)),
			},
			Check: func(*terraform.State) error {
				reqs := s.Requests()
				for i, r := range reqs {
					if r.Method == "PATCH" && r.Status == 204 {
						if i+1 < len(reqs) && reqs[i+1].Method == "GET" {
							return nil
						}
						return fmt.Errorf("the 204 PATCH was not followed by a GET")
					}
				}
				return fmt.Errorf("no PATCH answered 204")
			},
		},
	})
}

// Graph has been seen answering allowedAudiences as a number; that is read as its flags,
// never as drift.
func TestAccPersonCertification_numericAudiences(t *testing.T) {
	s, provider := acctest.Mock(t)
	s.InjectKind(mockgraph.KindAudienceNumber, "", 10000)
	cfg := provider + minimalConfig("me", `  allowed_audiences = ["me", "organization"]`)
	acctest.ParallelTest(t, nil, []resource.TestStep{
		{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				expect("allowed_audiences", knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("me"), knownvalue.StringExact("organization")})),
			},
		},
		{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
	})
}
