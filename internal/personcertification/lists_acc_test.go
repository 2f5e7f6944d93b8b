package personcertification_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// Graph's docs for listing certifications document $top and $skip, not @odata.nextLink.
// These tests run every reader of whole lists against a mock that writes no next link,
// with 250 certifications for one user: three pages of the provider's $top=100.

const pagedCount = 250

// pagedMock is a mock without next links, holding pagedCount certifications of OtherID
// (every tenth issued by "ISC2", the others by "Microsoft"); their ids in Graph's order.
func pagedMock(t *testing.T) (*mockgraph.Server, string, []string) {
	t.Helper()
	s, provider := acctest.Mock(t)
	s.SetNextLinks(false)
	ids := seed(t, s, mockgraph.OtherID, pagedCount, func(i int) map[string]any {
		authority := "Microsoft"
		if i%10 == 0 {
			authority = "ISC2"
		}
		return map[string]any{"displayName": fmt.Sprintf("Paged %03d", i), "issuingAuthority": authority}
	})
	return s, provider, ids
}

// pagedBySkip fails unless the provider asked for the third page itself ($skip=200), as it
// must when Graph writes no next link.
func pagedBySkip(s *mockgraph.Server) error {
	for _, r := range acctest.AllRequests(s) {
		if q := r.Query(); q.Get("$skip") == "200" && q.Get("$top") == "100" {
			return nil
		}
	}
	return fmt.Errorf("no list page was asked for with $top=100 and $skip=200")
}

// The data source graph_person_certifications lists every page, filtered or not.
func TestAccPersonCertificationsDataSource_pagesWithoutNextLinks(t *testing.T) {
	s, provider, ids := pagedMock(t)
	var microsoft []string
	for i, id := range ids {
		if i%10 != 0 {
			microsoft = append(microsoft, id)
		}
	}
	acctest.ParallelTest(t, nil, []resource.TestStep{
		{
			Config: listConfig(provider, mockgraph.OtherUPN, ""),
			Check:  resource.ComposeTestCheckFunc(listHolds(&ids), func(*terraform.State) error { return pagedBySkip(s) }),
		},
		{
			PreConfig: s.ResetRequests,
			Config:    listConfig(provider, mockgraph.OtherUPN, `  issuing_authority = "Microsoft"`),
			Check: resource.ComposeTestCheckFunc(listHolds(&microsoft), func(*terraform.State) error {
				for _, r := range acctest.AllRequests(s) {
					if sentFilter(r, "issuingAuthority eq 'Microsoft'") && r.Query().Get("$skip") == "200" {
						return nil
					}
				}
				return fmt.Errorf("the third page of the filtered list was not asked for with the filter and $skip=200")
			}),
		},
	})
}

// The list resource (terraform query) returns every certification.
func TestAccPersonCertificationList_pagesWithoutNextLinks(t *testing.T) {
	s, provider, ids := pagedMock(t)
	const all = "graph_person_certification.all"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{{
			Query: true,
			Config: provider + fmt.Sprintf(`
list "graph_person_certification" "all" {
  provider = graph
  limit    = 1000 # Terraform's default is 100 results
  config {
    user_id = %q
  }
}
`, mockgraph.OtherUPN),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(all, pagedCount),
				querycheck.ExpectIdentity(all, map[string]knownvalue.Check{
					"user_id": knownvalue.StringExact(mockgraph.OtherUPN), "id": knownvalue.StringExact(ids[0]),
				}),
				querycheck.ExpectIdentity(all, map[string]knownvalue.Check{
					"user_id": knownvalue.StringExact(mockgraph.OtherUPN), "id": knownvalue.StringExact(ids[pagedCount-1]),
				}),
			},
		}},
	})
	if err := pagedBySkip(s); err != nil {
		t.Error(err)
	}
}

// Import of graph_person_certifications by a list of users takes every certification,
// and a matching configuration then plans empty (its refresh reads every page too).
func TestAccPersonCertifications_importByUsersWithoutNextLinks(t *testing.T) {
	s, provider, ids := pagedMock(t)
	entries := make([]acctest.BulkEntry, len(ids))
	for i, id := range ids {
		authority := "Microsoft"
		if i%10 == 0 {
			authority = "ISC2"
		}
		entries[i] = acctest.BulkEntry{Key: mockgraph.OtherUPN + "/" + id, User: mockgraph.OtherUPN,
			Name: fmt.Sprintf("Paged %03d", i), Extra: fmt.Sprintf("issuing_authority = %q", authority)}
	}
	cfg := provider + acctest.BulkConfig("", entries...)
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, mockgraph.OtherID), []resource.TestStep{
		{
			Config:             cfg,
			ResourceName:       acctest.BulkAddr,
			ImportState:        true,
			ImportStateId:      mockgraph.OtherUPN,
			ImportStatePersist: true,
			ImportStateCheck: func(is []*terraform.InstanceState) error {
				if len(is) != 1 {
					return fmt.Errorf("import made %d instances, want 1", len(is))
				}
				got := 0
				for k := range is[0].Attributes {
					if strings.HasPrefix(k, "entries.") && strings.HasSuffix(k, ".id") {
						got++
					}
				}
				if got != pagedCount {
					return fmt.Errorf("imported %d entries, want all %d", got, pagedCount)
				}
				return pagedBySkip(s)
			},
		},
		{
			PreConfig: s.ResetRequests,
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error { return acctest.WritesAre(s, 0, 0, 0) },
		},
	})
}

// exclusive = true plans the deletion of every certification the map does not hold, on
// every page, and the apply deletes exactly those.
func TestAccPersonCertifications_exclusiveWithoutNextLinks(t *testing.T) {
	s, provider, _ := pagedMock(t)
	entries := []acctest.BulkEntry{
		{Key: "megan/AZ-305", User: mockgraph.OtherUPN, Name: "Azure Solutions Architect Expert", CertID: "AZ-305"},
		{Key: "megan/AZ-104", User: mockgraph.OtherUPN, Name: "Azure Administrator Associate", CertID: "AZ-104"},
	}
	cfg := provider + acctest.BulkConfig(fmt.Sprintf("exclusive = true\n  max_deletions = %d", pagedCount), entries...)
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, mockgraph.OtherID), []resource.TestStep{
		{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(acctest.BulkAddr, tfjsonpath.New("exclusive_deletions"), knownvalue.MapSizeExact(pagedCount)),
				},
			},
			Check: resource.ComposeTestCheckFunc(
				acctest.Holds(s, map[string]int{mockgraph.OtherID: len(entries)}),
				func(*terraform.State) error {
					if err := acctest.WritesAre(s, len(entries), 0, pagedCount); err != nil {
						return err
					}
					return pagedBySkip(s)
				},
			),
		},
		{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
	})
}

// list "graph_person_certification" lists a user's certifications with their identities,
// honours the filters and limit, and with include_resource returns the whole object.
func TestAccPersonCertificationList_query(t *testing.T) {
	s, provider := acctest.Mock(t)
	ids := seed(t, s, "me", 3, func(i int) map[string]any {
		return map[string]any{"displayName": fmt.Sprintf("Cert %d", i), "certificationId": fmt.Sprintf("C-%d", i), "issuingAuthority": "Microsoft"}
	})
	other := seed(t, s, mockgraph.OtherID, 2, func(i int) map[string]any {
		return map[string]any{"displayName": fmt.Sprintf("Other %d", i)}
	})
	const all, filtered, limited = "graph_person_certification.all", "graph_person_certification.filtered", "graph_person_certification.limited"
	query := provider + fmt.Sprintf(`
list "graph_person_certification" "all" {
  provider         = graph
  include_resource = true
  config {
    user_id = "me"
  }
}

list "graph_person_certification" "filtered" {
  provider = graph
  config {
    user_id          = "me"
    certification_id = "C-1"
  }
}

list "graph_person_certification" "limited" {
  provider = graph
  limit    = 1
  config {
    user_id = %q
  }
}
`, mockgraph.OtherUPN)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{{
			Query:  true,
			Config: query,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(all, 3),
				querycheck.ExpectIdentity(all, map[string]knownvalue.Check{
					"user_id": knownvalue.StringExact("me"), "id": knownvalue.StringExact(ids[0]),
				}),
				querycheck.ExpectIdentity(all, map[string]knownvalue.Check{
					"user_id": knownvalue.StringExact("me"), "id": knownvalue.StringExact(ids[2]),
				}),
				querycheck.ExpectResourceDisplayName(all, queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
					"user_id": knownvalue.StringExact("me"), "id": knownvalue.StringExact(ids[1]),
				}), knownvalue.StringExact("Cert 1 (C-1)")),
				querycheck.ExpectResourceKnownValues(all, queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
					"user_id": knownvalue.StringExact("me"), "id": knownvalue.StringExact(ids[1]),
				}), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("issuing_authority"), KnownValue: knownvalue.StringExact("Microsoft")},
					{Path: tfjsonpath.New("allowed_audiences"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("organization")})},
					{Path: tfjsonpath.New("created_date_time"), KnownValue: knownvalue.NotNull()},
				}),
				querycheck.ExpectLength(filtered, 1),
				querycheck.ExpectIdentity(filtered, map[string]knownvalue.Check{
					"user_id": knownvalue.StringExact("me"), "id": knownvalue.StringExact(ids[1]),
				}),
				querycheck.ExpectLength(limited, 1),
				querycheck.ExpectIdentity(limited, map[string]knownvalue.Check{
					"user_id": knownvalue.StringExact(mockgraph.OtherUPN), "id": knownvalue.StringExact(other[0]),
				}),
			},
		}},
	})
	// The filter travelled to Graph.
	sawFilter := false
	for _, r := range acctest.AllRequests(s) {
		if r.Method == "GET" && sentFilter(r, "certificationId eq 'C-1'") {
			sawFilter = true
		}
	}
	if !sawFilter {
		t.Error("no list request carried $filter=certificationId eq 'C-1'")
	}
}

// sentFilter reports whether r asked Graph for $filter=want, directly or as a batch item
// (whose query travels in its path).
func sentFilter(r mockgraph.Request, want string) bool {
	return r.Query().Get("$filter") == want
}
