package personcertification_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

func coalesceConfig(cName string) string {
	return fmt.Sprintf(`
resource "graph_person_certification" "a" {
  user_id      = "me"
  display_name = "Cert A"
}
resource "graph_person_certification" "b" {
  user_id      = "me"
  display_name = "Cert B"
}
resource "graph_person_certification" "c" {
  user_id      = "me"
  display_name = %q
}
resource "graph_person_certification" "d" {
  user_id      = %q
  display_name = "Cert D"
}
`, cName, mockgraph.OtherUPN)
}

var itemPath = regexp.MustCompile(`(?i)/profile/certifications/[^/]+$`)

// checkRefreshByLists fails when any certification was read by its own GET: with
// coalesced reads a refresh of known certifications costs one list per user, sent alone
// or inside a $batch.
func checkRefreshByLists(s *mockgraph.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var lists, gets int
		var all []mockgraph.Request
		for _, r := range s.Requests() {
			all = append(all, r)
			all = append(all, r.Batch...) // lists of several users travel in one $batch
		}
		for _, r := range all {
			if r.Method != "GET" {
				continue
			}
			if itemPath.MatchString(r.Path) {
				gets++
			} else {
				lists++
			}
		}
		if gets != 0 || lists == 0 {
			return fmt.Errorf("refresh made %d item GETs and %d lists; want only lists", gets, lists)
		}
		return nil
	}
}

func idOf(st *terraform.State, addr string) string {
	return st.RootModule().Resources[addr].Primary.ID
}

// Coalesced reads still see everything a per-item GET saw: an out-of-band change
// between two plans, an out-of-band delete, and a write of the apply itself.
func TestAccPersonCertification_coalescedRefresh(t *testing.T) {
	s, provider := acctest.Mock(t)
	var st *terraform.State
	keep := func(got *terraform.State) error { st = got; return nil }
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherUPN), []resource.TestStep{{
		Config: provider + coalesceConfig("Cert C"),
		Check:  keep,
	}, {
		// Out of band, between two plans: a is changed on the server.
		PreConfig: func() {
			s.ResetRequests()
			if err := s.Mutate("me", idOf(st, "graph_person_certification.a"), map[string]any{"displayName": "changed in the portal"}); err != nil {
				t.Fatal(err)
			}
		},
		Config: provider + coalesceConfig("Cert C"),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("graph_person_certification.a", plancheck.ResourceActionUpdate),
			plancheck.ExpectResourceAction("graph_person_certification.b", plancheck.ResourceActionNoop),
			plancheck.ExpectResourceAction("graph_person_certification.d", plancheck.ResourceActionNoop),
		}},
		Check: resource.ComposeAggregateTestCheckFunc(keep, checkRefreshByLists(s),
			resource.TestCheckResourceAttr("graph_person_certification.a", "display_name", "Cert A")),
	}, {
		// Out of band: b is deleted; the refresh must drop it and plan its creation.
		PreConfig: func() {
			if !s.Remove("me", idOf(st, "graph_person_certification.b")) {
				t.Fatal("could not remove b on the server")
			}
		},
		Config: provider + coalesceConfig("Cert C"),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("graph_person_certification.b", plancheck.ResourceActionCreate),
			plancheck.ExpectResourceAction("graph_person_certification.a", plancheck.ResourceActionNoop),
		}},
		Check: keep,
	}, {
		// A write of the apply: c is renamed; the plan after the apply (its refresh
		// coalesced again) is empty only if the refresh sees the write.
		Config: provider + coalesceConfig("Cert C renamed"),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("graph_person_certification.c", plancheck.ResourceActionUpdate)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		Check: func(got *terraform.State) error {
			obj, err := acctest.ServerObject(s, got, "graph_person_certification.c")
			if err != nil {
				return err
			}
			if obj["displayName"] != "Cert C renamed" {
				return fmt.Errorf("server holds %v", obj["displayName"])
			}
			return nil
		},
	}})
}

// A destroy sends its DELETEs in Graph JSON batches: fewer HTTP requests than
// certifications, every certification gone, and no DELETE sent twice.
func TestAccPersonCertification_batchedDestroy(t *testing.T) {
	s, provider := acctest.Mock(t)
	config := provider + `
resource "graph_person_certification" "mine" {
  count        = 6
  user_id      = "me"
  display_name = "Batched ${count.index}"
}
resource "graph_person_certification" "theirs" {
  count        = 4
  user_id      = "` + mockgraph.OtherUPN + `"
  display_name = "Batched ${count.index}"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				s.ResetRequests() // what follows is the test's destroy
				return nil
			},
		}},
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherUPN),
			func(*terraform.State) error {
				var requests, deletes int
				seen := map[string]bool{}
				for _, r := range s.Requests() {
					requests++
					for _, d := range append([]mockgraph.Request{r}, r.Batch...) {
						if d.Method == "DELETE" {
							deletes++
							if seen[d.Path] {
								return fmt.Errorf("%s deleted twice", d.Path)
							}
							seen[d.Path] = true
						}
					}
				}
				if deletes != 10 || requests >= 10 {
					return fmt.Errorf("destroy of 10: %d DELETEs in %d HTTP requests; want 10 DELETEs in fewer than 10 requests", deletes, requests)
				}
				return nil
			}),
	})
}
