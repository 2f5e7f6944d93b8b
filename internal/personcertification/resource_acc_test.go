package personcertification_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
)

const addr = "graph_person_certification.test"

// fullConfig sets every writable attribute, on the signed-in user's profile.
func fullConfig() string {
	return `
resource "graph_person_certification" "test" {
  user_id           = "me"
  display_name      = "Marketing Blackbelt - Brand Management"
  certification_id  = "KB-1235466333663322"
  description       = "Blackbelt in Marketing - Brand Management"
  issuing_authority = "International Academy of Marketing Excellence"
  issuing_company   = "IAME Ltd"
  start_date        = "2024-01-15"
  end_date          = "2027-01-14"
  issued_date       = "2024-01-10"
  thumbnail_url     = "https://iame.io/dfhdfdfd334.jpg"
  web_url           = "https://www.iame.io/blackbelt"
  allowed_audiences = ["everyone", "organization"]
  inference = {
    confidence_score           = 0.75
    user_has_verified_accuracy = true
  }
  source = {
    type = ["User", "HR"]
  }
}
`
}

// fullWire is what the server must hold for fullConfig, property by property.
var fullWire = personcertification.FullWire()

var writableKeys = []string{"displayName", "certificationId", "description", "issuingAuthority", "issuingCompany",
	"startDate", "endDate", "issuedDate", "thumbnailUrl", "webUrl", "allowedAudiences", "inference", "source"}

// serverHolds checks every writable property on the server: the wanted value, or null.
func serverHolds(s *mockgraph.Server, want map[string]any) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		obj, err := acctest.ServerObject(s, st, addr)
		if err != nil {
			return err
		}
		for _, k := range writableKeys {
			got := withoutAnnotations(obj[k])
			if !reflect.DeepEqual(got, want[k]) {
				return fmt.Errorf("server %s = %#v, want %#v", k, got, want[k])
			}
		}
		return nil
	}
}

// withoutAnnotations drops @odata.* members of nested objects, which Graph accepts and ignores.
func withoutAnnotations(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		if !strings.HasPrefix(k, "@") {
			out[k] = x
		}
	}
	return out
}

func meIdentity() knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"application": knownvalue.Null(),
		"device":      knownvalue.Null(),
		"user": knownvalue.ObjectExact(map[string]knownvalue.Check{
			"display_name": knownvalue.StringExact("Adele Vance"),
			"id":           knownvalue.StringExact(mockgraph.MeID),
		}),
	})
}

func expect(path string, c knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(path), c)
}

func TestAccPersonCertification_full(t *testing.T) {
	s, provider := acctest.Mock(t)
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{
		{
			Config: provider + fullConfig(),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("id", knownvalue.StringRegexp(acctest.GUIDPattern)),
				expect("user_id", knownvalue.StringExact("me")),
				expect("display_name", knownvalue.StringExact("Marketing Blackbelt - Brand Management")),
				expect("certification_id", knownvalue.StringExact("KB-1235466333663322")),
				expect("description", knownvalue.StringExact("Blackbelt in Marketing - Brand Management")),
				expect("issuing_authority", knownvalue.StringExact("International Academy of Marketing Excellence")),
				expect("issuing_company", knownvalue.StringExact("IAME Ltd")),
				expect("start_date", knownvalue.StringExact("2024-01-15")),
				expect("end_date", knownvalue.StringExact("2027-01-14")),
				expect("issued_date", knownvalue.StringExact("2024-01-10")),
				expect("thumbnail_url", knownvalue.StringExact("https://iame.io/dfhdfdfd334.jpg")),
				expect("web_url", knownvalue.StringExact("https://www.iame.io/blackbelt")),
				expect("allowed_audiences", knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("organization"), knownvalue.StringExact("everyone")})),
				expect("inference", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"confidence_score":           knownvalue.Float64Exact(0.75),
					"user_has_verified_accuracy": knownvalue.Bool(true),
				})),
				expect("source", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"type": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("User"), knownvalue.StringExact("HR")}),
				})),
				expect("created_date_time", knownvalue.StringRegexp(acctest.RFC3339Pattern)),
				expect("last_modified_date_time", knownvalue.StringRegexp(acctest.RFC3339Pattern)),
				expect("created_by", meIdentity()),
				expect("last_modified_by", meIdentity()),
				expect("timeouts", knownvalue.Null()),
			},
			Check: serverHolds(s, fullWire),
		},
		{
			// A re-apply of the same configuration plans nothing.
			Config: provider + fullConfig(),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
		{
			ResourceName:      addr,
			ImportState:       true,
			ImportStateVerify: true,
			ImportStateIdFunc: importID,
		},
	})
}

func importID(st *terraform.State) (string, error) {
	rs, ok := st.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	return rs.Primary.Attributes["user_id"] + "/" + rs.Primary.ID, nil
}

func minimalConfig(user, extra string) string {
	return fmt.Sprintf(`
resource "graph_person_certification" "test" {
  user_id      = %q
  display_name = "Azure Solutions Architect Expert"
%s
}
`, user, extra)
}

func TestAccPersonCertification_updateInPlaceAndClear(t *testing.T) {
	s, provider := acctest.Mock(t)
	createdKept := statecheck.CompareValue(compare.ValuesSame())
	modifiedBumped := statecheck.CompareValue(compare.ValuesDiffer())
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{
		{
			Config: provider + fullConfig(),
			ConfigStateChecks: []statecheck.StateCheck{
				createdKept.AddStateValue(addr, tfjsonpath.New("created_date_time")),
				modifiedBumped.AddStateValue(addr, tfjsonpath.New("last_modified_date_time")),
			},
			Check: serverHolds(s, fullWire),
		},
		{
			// Every optional attribute removed: the plan is an in-place update, and the
			// PATCH clears each one on the server with an explicit null.
			Config: provider + minimalConfig("me", `  description = "Designs solutions on Azure"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("last_modified_date_time")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("created_date_time"), knownvalue.NotNull()),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				expect("description", knownvalue.StringExact("Designs solutions on Azure")),
				expect("web_url", knownvalue.Null()),
				expect("inference", knownvalue.Null()),
				expect("source", knownvalue.Null()),
				expect("end_date", knownvalue.Null()),
				// Removing allowed_audiences resets it to Graph's default: it is a
				// privacy setting, and "everyone" must not outlive the configuration.
				expect("allowed_audiences", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("organization")})),
				createdKept.AddStateValue(addr, tfjsonpath.New("created_date_time")),
				modifiedBumped.AddStateValue(addr, tfjsonpath.New("last_modified_date_time")),
			},
			Check: resource.ComposeTestCheckFunc(
				serverHolds(s, map[string]any{
					"displayName":      "Azure Solutions Architect Expert",
					"description":      "Designs solutions on Azure",
					"allowedAudiences": "organization",
				}),
				lastPatchSendsNull(s, "webUrl", "inference", "source", "endDate", "certificationId"),
				lastPatchSends(s, "allowedAudiences", `"organization"`),
			),
		},
		{
			Config: provider + minimalConfig("me", `  description = "Designs solutions on Azure"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
	})
}

// lastPatchSendsNull checks the wire: the last PATCH body carries "key": null for each key.
// lastPatch is the body of the last PATCH the server received.
func lastPatch(s *mockgraph.Server) (map[string]json.RawMessage, error) {
	var body []byte
	for _, r := range s.Requests() {
		if r.Method == "PATCH" {
			body = r.Body
		}
	}
	if body == nil {
		return nil, fmt.Errorf("no PATCH reached the server")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("PATCH body is not JSON: %w: %s", err, body)
	}
	return m, nil
}

func lastPatchSendsNull(s *mockgraph.Server, keys ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m, err := lastPatch(s)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if v, ok := m[k]; !ok || string(v) != "null" {
				return fmt.Errorf("PATCH body %v: want %q: null", m, k)
			}
		}
		return nil
	}
}

// lastPatchSends checks that the last PATCH sent key with the JSON value raw.
func lastPatchSends(s *mockgraph.Server, key, raw string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m, err := lastPatch(s)
		if err != nil {
			return err
		}
		if v, ok := m[key]; !ok || string(v) != raw {
			return fmt.Errorf("PATCH sent %s = %s, want %s", key, v, raw)
		}
		return nil
	}
}

// captureID keeps the certification's id for a later step's PreConfig (an out-of-band
// change needs it); comparing values across steps is statecheck.CompareValue's job.
func captureID(dst *string) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		*dst = st.RootModule().Resources[addr].Primary.ID
		if *dst == "" {
			return fmt.Errorf("the id is empty")
		}
		return nil
	}
}

func TestAccPersonCertification_replaceOnUserChange(t *testing.T) {
	s, provider := acctest.Mock(t)
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherID), []resource.TestStep{
		{Config: provider + minimalConfig("me", "")},
		{
			Config: provider + minimalConfig(mockgraph.OtherID, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			Check: func(*terraform.State) error {
				if n := len(s.Certifications("me")); n != 0 {
					return fmt.Errorf("the old user still holds %d certification(s)", n)
				}
				if n := len(s.Certifications(mockgraph.OtherID)); n != 1 {
					return fmt.Errorf("the new user holds %d certification(s), want 1", n)
				}
				return nil
			},
		},
	})
}

func TestAccPersonCertification_driftIsCorrected(t *testing.T) {
	s, provider := acctest.Mock(t)
	var id string
	cfg := provider + minimalConfig("me", `  description = "Original"`)
	acctest.ParallelTest(t, nil, []resource.TestStep{
		{Config: cfg, Check: captureID(&id)},
		{
			PreConfig: func() {
				if err := s.Mutate("me", id, map[string]any{"description": "Changed in the portal", "webUrl": "https://example.com/x"}); err != nil {
					t.Fatal(err)
				}
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("Original")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("web_url"), knownvalue.Null()),
				},
			},
			Check: serverHolds(s, map[string]any{
				"displayName": "Azure Solutions Architect Expert", "description": "Original", "allowedAudiences": "organization",
			}),
		},
	})
}

func TestAccPersonCertification_disappears(t *testing.T) {
	s, provider := acctest.Mock(t)
	var id string
	cfg := provider + minimalConfig("me", "")
	acctest.ParallelTest(t, nil, []resource.TestStep{
		{Config: cfg, Check: captureID(&id)},
		// A persisted refresh that sees the object ends the post-create lag window.
		{RefreshState: true},
		{
			PreConfig: func() {
				if !s.Remove("me", id) {
					t.Fatal("out-of-band delete found nothing to delete")
				}
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
			},
			Check: func(st *terraform.State) error {
				list := s.Certifications("me")
				if len(list) != 1 || list[0]["id"] == id {
					return fmt.Errorf("want exactly one new certification, server holds %v", list)
				}
				return nil
			},
		},
	})
}

// The /me and UPN forms reach Graph's /me and /users/{upn} paths.
func TestAccPersonCertification_userForms(t *testing.T) {
	s, provider := acctest.Mock(t)
	cfg := provider + `
resource "graph_person_certification" "me" {
  user_id      = "me"
  display_name = "For me"
}
resource "graph_person_certification" "upn" {
  user_id      = "` + mockgraph.OtherUPN + `"
  display_name = "For Megan by UPN"
}
resource "graph_person_certification" "oid" {
  user_id      = "` + mockgraph.OtherID + `"
  display_name = "For Megan by id"
}
`
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherID), []resource.TestStep{
		{
			Config: cfg,
			Check: func(*terraform.State) error {
				seen := map[string]bool{}
				for _, r := range s.Requests() {
					if r.Method == "POST" {
						seen[r.Path] = true
					}
				}
				for _, p := range []string{
					"/beta/me/profile/certifications",
					"/beta/users/" + mockgraph.OtherUPN + "/profile/certifications",
					"/beta/users/" + mockgraph.OtherID + "/profile/certifications",
				} {
					if !seen[p] {
						return fmt.Errorf("no POST to %s; saw %v", p, seen)
					}
				}
				if n := len(s.Certifications(mockgraph.OtherID)); n != 2 {
					return fmt.Errorf("Megan holds %d certifications, want 2", n)
				}
				return nil
			},
		},
		{
			ResourceName:      "graph_person_certification.upn",
			ImportState:       true,
			ImportStateVerify: true,
			ImportStateIdFunc: func(st *terraform.State) (string, error) {
				return mockgraph.OtherUPN + "/" + st.RootModule().Resources["graph_person_certification.upn"].Primary.ID, nil
			},
		},
	})
}

// A POST throttled twice is retried and arrives each time as valid JSON: the pipeline's
// fixed order never sends a body whose label does not match it.
func TestAccPersonCertification_throttledCreateRetries(t *testing.T) {
	s, provider := acctest.Mock(t)
	s.Inject(mockgraph.Fault{Op: "create", Status: 429, RetryAfter: "0", Times: 2})
	acctest.ParallelTest(t, nil, []resource.TestStep{{
		Config: provider + fullConfig(),
		Check: resource.ComposeTestCheckFunc(
			serverHolds(s, fullWire),
			func(*terraform.State) error {
				var statuses []int
				for _, r := range s.Requests() {
					if r.Method != "POST" {
						continue
					}
					statuses = append(statuses, r.Status)
					var v map[string]any
					if err := json.Unmarshal(r.Body, &v); err != nil {
						return fmt.Errorf("POST (attempt %d, %s) body is not valid JSON: %w", len(statuses), r.Header.Get("Content-Encoding"), err)
					}
					if len(statuses) > 1 && r.Header.Get("Retry-Attempt") == "" {
						return fmt.Errorf("retried POST has no Retry-Attempt header")
					}
				}
				if !reflect.DeepEqual(statuses, []int{429, 429, 201}) {
					return fmt.Errorf("POST statuses %v, want [429 429 201]", statuses)
				}
				if n := len(s.Certifications("me")); n != 1 {
					return fmt.Errorf("server holds %d certifications, want 1", n)
				}
				return nil
			},
		),
	}})
}

func TestAccPersonCertification_errorDiagnostics(t *testing.T) {
	cases := []struct {
		name  string
		fault mockgraph.Fault
		user  string
		want  string
	}{
		{"forbidden me", mockgraph.Fault{Op: "create", Status: 403}, "me",
			`403 Forbidden \(ErrorAccessDeniedForRole\).*request-id: [0-9a-f-]{36}.*delegated permission User\.ReadWrite \(user_id = "me"\)`},
		{"forbidden other", mockgraph.Fault{Op: "create", Status: 403}, mockgraph.OtherUPN,
			`ErrorAccessDeniedForRole.*User\.ReadWrite\.All`},
		{"bad request", mockgraph.Fault{Op: "create", Status: 400, Code: "UnknownError", Message: ""}, "me",
			`Error creating person certification.*400 Bad Request \(UnknownError\).*request-id.*Check the values`},
		{"unknown user", mockgraph.Fault{}, "nobody@contoso.example",
			`404 Not Found \(Request_ResourceNotFound\).*The user "nobody@contoso.example" was not found`},
		{"throttled past retries", mockgraph.Fault{Op: "create", Status: 429, RetryAfter: "0", Times: 100}, "me",
			`429 Too Many Requests.*after 9 attempts.*Run apply again later`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, provider := acctest.Mock(t)
			if tc.fault.Status != 0 {
				s.Inject(tc.fault)
			}
			acctest.ParallelTest(t, nil, []resource.TestStep{{
				Config:      provider + minimalConfig(tc.user, ""),
				ExpectError: acctest.Wrapped(tc.want),
			}})
			if n := len(s.Certifications("me")) + len(s.Certifications(mockgraph.OtherID)); n != 0 {
				t.Fatalf("a failed create left %d certification(s) on the server", n)
			}
		})
	}
}

// max_retries bounds the attempts: with 1, a create meets the second 429 and gives up.
// (A create is retried only after a 429, which Graph answers before doing anything.)
func TestAccPersonCertification_maxRetries(t *testing.T) {
	s, _ := acctest.Mock(t)
	s.Inject(mockgraph.Fault{Op: "create", Status: 429, RetryAfter: "0", Times: 5})
	provider := fmt.Sprintf("provider \"graph\" {\n  endpoint     = %q\n  access_token = %q\n  max_retries  = 1\n  max_retry_delay = \"1s\"\n}\n", s.URL, acctest.Token)
	acctest.ParallelTest(t, nil, []resource.TestStep{{
		Config:      provider + minimalConfig("me", ""),
		ExpectError: acctest.Wrapped(`429 Too Many Requests.*after 2 attempts`),
	}})
	posts := 0
	for _, r := range s.Requests() {
		if r.Method == "POST" {
			posts++
		}
	}
	// 2 attempts of the first POST; the lost-answer search does not apply to a 429.
	if posts != 2 {
		t.Fatalf("%d POSTs reached the server, want 2", posts)
	}
}
