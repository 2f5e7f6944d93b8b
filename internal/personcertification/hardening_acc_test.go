package personcertification_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// countRequests counts the requests the server received whose method is method and whose
// path ends in suffix ("" = any path), batch items included.
func countRequests(s *mockgraph.Server, method, suffix string) int {
	n := 0
	for _, r := range acctest.AllRequests(s) {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// 0.92 from the configuration and Graph's double 0.92 are the same value: a write is
// confirmed by its answer, with no re-read for a "stale" value and no warning.
func TestAccPersonCertification_fractionalScoreNeedsNoReRead(t *testing.T) {
	s, provider := acctest.Mock(t)
	var id string
	cfg := func(desc string) string {
		return provider + minimalConfig("me", fmt.Sprintf(`  description = %q
  inference = {
    confidence_score           = 0.92
    user_has_verified_accuracy = true
  }`, desc))
	}
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{
		{
			Config: cfg("first"),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("inference", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"confidence_score":           knownvalue.Float64Exact(0.92),
					"user_has_verified_accuracy": knownvalue.Bool(true),
				})),
			},
			Check: captureID(&id),
		},
		{
			PreConfig: s.ResetRequests,
			Config:    cfg("second"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
			},
			Check: func(*terraform.State) error {
				if n := countRequests(s, "PATCH", ""); n != 1 {
					return fmt.Errorf("%d PATCH requests, want 1", n)
				}
				// Before numbers were compared as doubles, the update re-read the
				// certification six times, waiting for a 0.92 that had long arrived.
				if n := countRequests(s, "GET", "/"+id); n != 0 {
					return fmt.Errorf("%d GETs of the certification after its PATCH, want 0", n)
				}
				return nil
			},
		},
		{Config: cfg("second"), PlanOnly: true}, // no perpetual difference
	})
}

// Lost create answers with fractional scores: the search recognises each created
// certification (0.92 sent, Graph's double 0.92 found), so no twin is posted.
func TestAccPersonCertification_fractionalScoresUnderLostAnswers(t *testing.T) {
	const n = 20
	s, provider := acctest.Mock(t)
	s.SetChaos(mockgraph.Chaos{Rate: 0.3, Kinds: []mockgraph.Kind{mockgraph.KindResetAfter}, Seed: 11})
	cfg := provider + fmt.Sprintf(`
resource "graph_person_certification" "many" {
  count        = %d
  user_id      = "me"
  display_name = "Certification ${count.index}"
  inference = {
    confidence_score = 0.9 + count.index / 1000
  }
}
`, n)
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{{
		Config: cfg,
		Check: func(st *terraform.State) error {
			if s.FaultCounts()[mockgraph.KindResetAfter] == 0 {
				return fmt.Errorf("no answer was lost: %s", s.FaultSummary())
			}
			onServer := map[string]bool{}
			for _, c := range s.Certifications("me") {
				onServer[acctest.As[string](t, c["id"])] = true
			}
			if len(onServer) != n {
				return fmt.Errorf("the server holds %d certifications, want exactly %d (%s)", len(onServer), n, s.FaultSummary())
			}
			for i := range n {
				rs := st.RootModule().Resources[fmt.Sprintf("graph_person_certification.many.%d", i)]
				if rs == nil || !onServer[rs.Primary.ID] {
					return fmt.Errorf("graph_person_certification.many[%d] does not track a certification on the server", i)
				}
			}
			return nil
		},
	}})
}

// allowed_audiences is a privacy setting: when the configuration leaves it out, the
// provider manages Graph's default, and a widening made elsewhere shows as drift.
func TestAccPersonCertification_audiencesDefaultAndDrift(t *testing.T) {
	s, provider := acctest.Mock(t)
	var id string
	cfg := provider + minimalConfig("me", "")
	organizationOnly := knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("organization")})
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{
		{
			Config:            cfg,
			ConfigStateChecks: []statecheck.StateCheck{expect("allowed_audiences", organizationOnly)},
			Check: resource.ComposeTestCheckFunc(captureID(&id),
				serverHolds(s, map[string]any{"displayName": "Azure Solutions Architect Expert", "allowedAudiences": "organization"})),
		},
		{
			PreConfig: func() {
				if err := s.Mutate("me", id, map[string]any{"allowedAudiences": "organization,everyone"}); err != nil {
					t.Fatal(err)
				}
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("allowed_audiences"), organizationOnly),
				},
			},
			Check: serverHolds(s, map[string]any{"displayName": "Azure Solutions Architect Expert", "allowedAudiences": "organization"}),
		},
		{
			Config: provider + minimalConfig("me", `  allowed_audiences = ["everyone"]`),
			Check:  serverHolds(s, map[string]any{"displayName": "Azure Solutions Architect Expert", "allowedAudiences": "everyone"}),
		},
		{
			// Removing the attribute resets Graph to its default.
			Config:            cfg,
			ConfigStateChecks: []statecheck.StateCheck{expect("allowed_audiences", organizationOnly)},
			Check:             serverHolds(s, map[string]any{"displayName": "Azure Solutions Architect Expert", "allowedAudiences": "organization"}),
		},
	})
}

// User addressing is case-insensitive, and "me", an object id and a userPrincipalName of
// one person are one user: none of those changes replaces the certification.
func TestAccPersonCertification_userIDFormsOfOneUser(t *testing.T) {
	s, provider := acctest.Mock(t)
	var id string
	inPlace := func(user string) resource.TestStep {
		return resource.TestStep{
			PreConfig: s.ResetRequests,
			Config:    provider + minimalConfig(user, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{expect("user_id", knownvalue.StringExact(user))},
			Check: func(st *terraform.State) error {
				if w := countRequests(s, "POST", "") + countRequests(s, "PATCH", "") + countRequests(s, "DELETE", ""); w != 0 {
					return fmt.Errorf("%d writes for a user_id that names the same user, want 0", w)
				}
				if got := st.RootModule().Resources[addr].Primary.ID; got != id {
					return fmt.Errorf("id %s, want the original %s", got, id)
				}
				if n := len(s.Certifications(mockgraph.OtherID)); n != 1 {
					return fmt.Errorf("the user holds %d certifications, want 1", n)
				}
				return nil
			},
		}
	}
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherID), []resource.TestStep{
		{Config: provider + minimalConfig(mockgraph.OtherUPN, ""), Check: captureID(&id)},
		inPlace(strings.ToUpper(mockgraph.OtherUPN[:1]) + mockgraph.OtherUPN[1:6] + strings.ToUpper(mockgraph.OtherUPN[6:])),
		inPlace(strings.ToUpper(mockgraph.OtherID)),
		inPlace(mockgraph.OtherUPN),
		{
			// Another user: the certification moves, delete then create.
			Config: provider + minimalConfig("me", ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			Check: func(*terraform.State) error {
				if n := len(s.Certifications(mockgraph.OtherID)); n != 0 {
					return fmt.Errorf("the old user still holds %d certification(s)", n)
				}
				return nil
			},
		},
	})
}

// An import that names the user as "me" while the configuration uses the
// userPrincipalName adopts the certification in place.
func TestAccPersonCertification_importNamesUserInAnotherForm(t *testing.T) {
	s, provider := acctest.Mock(t)
	seeded, err := s.Seed("me", map[string]any{"displayName": "Azure Solutions Architect Expert"})
	if err != nil {
		t.Fatal(err)
	}
	id := acctest.As[string](t, seeded["id"])
	cfg := provider + minimalConfig(mockgraph.MeUPN, "") + fmt.Sprintf("import {\n  to = %s\n  id = \"me/%s\"\n}\n", addr, id)
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{{
		Config: cfg,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
		},
		Check: func(st *terraform.State) error {
			if got := st.RootModule().Resources[addr].Primary.ID; got != id {
				return fmt.Errorf("state id %s, want the imported %s", got, id)
			}
			if n := len(s.Certifications("me")); n != 1 {
				return fmt.Errorf("the server holds %d certifications, want the imported one only", n)
			}
			return nil
		},
	}})
}

// A server that answers without an id never gets a null id into state: an import or a
// data source read is an error, and a create is looked for as a lost answer.
func TestAccPersonCertification_answerWithoutID(t *testing.T) {
	t.Run("import", func(t *testing.T) {
		s, provider := acctest.Mock(t)
		seeded, err := s.Seed("me", map[string]any{"displayName": "Azure Solutions Architect Expert"})
		if err != nil {
			t.Fatal(err)
		}
		s.InjectKind(mockgraph.KindNoID, "", 20)
		acctest.ParallelTest(t, nil, []resource.TestStep{{
			Config:      provider + minimalConfig("me", "") + fmt.Sprintf("import {\n  to = %s\n  id = \"me/%s\"\n}\n", addr, seeded["id"]),
			ExpectError: acctest.Wrapped(`object that has no id`),
		}})
	})
	t.Run("data source", func(t *testing.T) {
		s, provider := acctest.Mock(t)
		seeded, err := s.Seed("me", map[string]any{"displayName": "Azure Solutions Architect Expert"})
		if err != nil {
			t.Fatal(err)
		}
		s.InjectKind(mockgraph.KindNoID, "get", 5)
		acctest.ParallelTest(t, nil, []resource.TestStep{{
			Config:      provider + fmt.Sprintf("data \"graph_person_certification\" \"x\" {\n  user_id = \"me\"\n  id = %q\n}\n", seeded["id"]),
			ExpectError: acctest.Wrapped(`object that has no id`),
		}})
	})
	t.Run("create", func(t *testing.T) {
		s, provider := acctest.Mock(t)
		s.InjectKind(mockgraph.KindNoID, "create", 1)
		acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{{
			Config: provider + minimalConfig("me", ""),
			Check: resource.ComposeTestCheckFunc(exactlyOne(s), func(*terraform.State) error {
				if s.FaultCounts()[mockgraph.KindNoID] != 1 {
					return fmt.Errorf("the fault never fired: %s", s.FaultSummary())
				}
				return nil
			}),
		}})
	})
}

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
			// The lag is 3 reads: the refresh's list misses the object once, then GETs
			// answer 404 until it shows.
			if got404 < 2 || got200 == 0 {
				return fmt.Errorf("GETs: %d 404s and %d 200s; want the lag's 404s absorbed and then a 200", got404, got200)
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
				expect("last_modified_date_time", knownvalue.StringRegexp(acctest.RFC3339Pattern)),
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

// Graph has been seen answering allowedAudiences as a number ("8" for organization, its
// schema's numbering); that is read as its flags, never as drift. Every answer here is a
// number: each step's apply, refresh and plan (which must be empty) read only numbers.
func TestAccPersonCertification_numericAudiences(t *testing.T) {
	s, provider := acctest.Mock(t)
	s.InjectKind(mockgraph.KindAudienceNumber, "", 10000)
	audiences := func(names ...string) statecheck.StateCheck {
		checks := make([]knownvalue.Check, len(names))
		for i, n := range names {
			checks[i] = knownvalue.StringExact(n)
		}
		return expect("allowed_audiences", knownvalue.SetExact(checks))
	}
	step := func(hcl string, names ...string) resource.TestStep {
		return resource.TestStep{
			Config:            provider + minimalConfig("me", hcl),
			ConfigStateChecks: []statecheck.StateCheck{audiences(names...)},
		}
	}
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{
		step("", "organization"), // Graph's default, answered "8"
		step(`  allowed_audiences = ["organization", "everyone"]`, "organization", "everyone"), // "40"
		step(`  allowed_audiences = ["family"]`, "family"),                                     // "1"
		step(`  allowed_audiences = ["federatedOrganizations"]`, "federatedOrganizations"),     // "16"
		step(`  allowed_audiences = ["me"]`, "me"),                                             // "0"
		{
			Config: provider + minimalConfig("me", `  allowed_audiences = ["me"]`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				if n := s.FaultCounts()[mockgraph.KindAudienceNumber]; n < 10 {
					return fmt.Errorf("%d numeric answers, want every answer numeric", n)
				}
				return nil
			},
		},
	})
}

// "me" with another audience is refused at plan time, with the reason, by both resources
// (Graph numbers "me" 0 and would drop it), and nothing is sent.
func TestAccPersonCertification_meWithOthersRefused(t *testing.T) {
	s, provider := acctest.Mock(t)
	acctest.ParallelTest(t, nil, []resource.TestStep{
		{
			Config:      provider + minimalConfig("me", `  allowed_audiences = ["me", "organization"]`),
			ExpectError: regexp.MustCompile(`allowed_audiences[\s\S]*"me"\s+cannot\s+be\s+combined\s+with\s+"organization"[\s\S]*Graph\s+numbers\s+"me"\s+as\s+0`),
		},
		{
			Config: provider + `
resource "graph_person_certifications" "test" {
  certifications = {
    "a" = {
      user_id           = "me"
      display_name      = "x"
      allowed_audiences = ["everyone", "me"]
    }
  }
}
`,
			ExpectError: regexp.MustCompile(`certifications\["a"\]\.allowed_audiences[\s\S]*"me"\s+cannot\s+be\s+combined\s+with\s+"everyone"`),
		},
	})
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent for a refused configuration, want 0", n)
	}
}
