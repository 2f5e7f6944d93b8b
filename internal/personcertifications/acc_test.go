package personcertifications_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// flatEntries reads entries[k].id of the resource from the test framework's flat state.
func flatEntries(st *terraform.State) (map[string]string, error) {
	rs, ok := st.RootModule().Resources[acctest.BulkAddr]
	if !ok {
		return nil, fmt.Errorf("%s is not in state", acctest.BulkAddr)
	}
	out := map[string]string{}
	for k, v := range rs.Primary.Attributes {
		if key, ok := strings.CutPrefix(k, "entries."); ok {
			if key, ok := strings.CutSuffix(key, ".id"); ok {
				out[key] = v
			}
		}
	}
	return out, nil
}

// captureEntries keeps entries[k].id of every entry for later steps, and checks that each
// names a certification of the entry's user on the server.
func captureEntries(s *mockgraph.Server, dst map[string]string) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		ids, err := flatEntries(st)
		if err != nil {
			return err
		}
		clear(dst)
		attrs := st.RootModule().Resources[acctest.BulkAddr].Primary.Attributes
		for k, id := range ids {
			user := attrs["certifications."+k+".user_id"]
			if _, ok := s.Certification(user, id); !ok {
				return fmt.Errorf("entries[%q].id = %s is not a certification of %q on the server", k, id, user)
			}
			dst[k] = id
		}
		return nil
	}
}

// entryIDsAre checks entries[k].id against want: the same keys and, for each key in same,
// the same id as before; every other key a new id.
func entryIDsAre(before map[string]string, same ...string) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		ids, err := flatEntries(st)
		if err != nil {
			return err
		}
		if len(ids) != len(before) {
			return fmt.Errorf("state holds %d entries (%v), want %d", len(ids), ids, len(before))
		}
		for k, old := range before {
			now, ok := ids[k]
			switch {
			case !ok:
				return fmt.Errorf("entries[%q] is missing", k)
			case slicesContains(same, k) && now != old:
				return fmt.Errorf("entries[%q].id changed from %s to %s", k, old, now)
			case !slicesContains(same, k) && now == old:
				return fmt.Errorf("entries[%q].id is still %s, want a new certification", k, old)
			}
		}
		return nil
	}
}

func slicesContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func seedOne(t *testing.T, s *mockgraph.Server, user string, body map[string]any) string {
	t.Helper()
	c, err := s.Seed(user, body)
	if err != nil {
		t.Fatal(err)
	}
	return acctest.As[string](t, c["id"])
}

var (
	entryObject = knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                      knownvalue.StringRegexp(acctest.GUIDPattern),
		"created_date_time":       knownvalue.StringRegexp(acctest.RFC3339Pattern),
		"last_modified_date_time": knownvalue.StringRegexp(acctest.RFC3339Pattern),
	})
	hexRE = regexp.MustCompile(`^[0-9a-f]+$`)
)

const (
	kArch   = "megan/AZ-305"
	kAdmin  = "megan/AZ-104"
	kFundam = "adele/MS-900"
)

// threeEntries are 3 entries over 2 users; adminDesc is the description of kAdmin.
func threeEntries(adminDesc string) []certEntry {
	return []certEntry{
		{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", `description = "Designs solutions"`},
		{kAdmin, mockgraph.OtherUPN, "Azure Administrator Associate", "AZ-104", fmt.Sprintf("description = %q", adminDesc)},
		{kFundam, "me", "Microsoft 365 Fundamentals", "MS-900", ""},
	}
}

// 1. Three entries over two users; a changed field of one entry is an update that sends
// exactly one PATCH, of that entry and that property only; destroy deletes all.
func TestAccPersonCertifications_updateOneEntry(t *testing.T) {
	s, provider := acctest.Mock(t)
	ids := map[string]string{}
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherID), []resource.TestStep{
		{
			Config: provider + certsConfig("", threeEntries("Administers Azure")...),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(acctest.BulkAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(hexRE)),
				statecheck.ExpectKnownValue(acctest.BulkAddr, tfjsonpath.New("entries"), knownvalue.MapExact(map[string]knownvalue.Check{
					kArch: entryObject, kAdmin: entryObject, kFundam: entryObject,
				})),
				statecheck.ExpectKnownValue(acctest.BulkAddr, tfjsonpath.New("exclusive_deletions"), knownvalue.MapExact(map[string]knownvalue.Check{})),
			},
			Check: resource.ComposeTestCheckFunc(
				captureEntries(s, ids),
				acctest.Holds(s, map[string]int{mockgraph.OtherID: 2, "me": 1}),
			),
		},
		{
			PreConfig: s.ResetRequests,
			Config:    provider + certsConfig("", threeEntries("Administers Azure and Entra ID")...),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(acctest.BulkAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeTestCheckFunc(
				entryIDsAre(ids, kArch, kAdmin, kFundam),
				func(*terraform.State) error {
					if err := acctest.WritesAre(s, 0, 1, 0); err != nil {
						return err
					}
					p := acctest.CertRequests(s, "PATCH")[0]
					if !strings.HasSuffix(p.Path, "/"+ids[kAdmin]) {
						return fmt.Errorf("the PATCH went to %s, want certification %s of %s", p.Path, ids[kAdmin], kAdmin)
					}
					var body map[string]json.RawMessage
					if err := json.Unmarshal(p.Body, &body); err != nil {
						return fmt.Errorf("PATCH body %s: %w", p.Body, err)
					}
					var sent []string
					for k := range body {
						if !strings.HasPrefix(k, "@") {
							sent = append(sent, k)
						}
					}
					if len(sent) != 1 || sent[0] != "description" {
						return fmt.Errorf("the PATCH sent %v, want only the changed description", sent)
					}
					c, _ := s.Certification(mockgraph.OtherID, ids[kAdmin])
					if c["description"] != "Administers Azure and Entra ID" {
						return fmt.Errorf("server description %v", c["description"])
					}
					return nil
				},
			),
		},
		{
			Config: provider + certsConfig("", threeEntries("Administers Azure and Entra ID")...),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
	})
}

// 2. An out-of-band change of one entry shows in the plan; the apply PATCHes only it.
func TestAccPersonCertifications_driftOfOneEntry(t *testing.T) {
	s, provider := acctest.Mock(t)
	ids := map[string]string{}
	cfg := provider + certsConfig("", threeEntries("Administers Azure")...)
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherID), []resource.TestStep{
		{Config: cfg, Check: captureEntries(s, ids)},
		{
			PreConfig: func() {
				if err := s.Mutate(mockgraph.OtherID, ids[kAdmin], map[string]any{"description": "Changed in the portal"}); err != nil {
					t.Fatal(err)
				}
				s.ResetRequests()
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectNonEmptyPlan(),
					plancheck.ExpectResourceAction(acctest.BulkAddr, plancheck.ResourceActionUpdate),
				},
			},
			Check: resource.ComposeTestCheckFunc(
				entryIDsAre(ids, kArch, kAdmin, kFundam),
				func(*terraform.State) error {
					if err := acctest.WritesAre(s, 0, 1, 0); err != nil {
						return err
					}
					if p := acctest.CertRequests(s, "PATCH")[0]; !strings.HasSuffix(p.Path, "/"+ids[kAdmin]) {
						return fmt.Errorf("the PATCH went to %s, want the drifted %s", p.Path, ids[kAdmin])
					}
					if c, _ := s.Certification(mockgraph.OtherID, ids[kAdmin]); c["description"] != "Administers Azure" {
						return fmt.Errorf("server description %v, want the configured one back", c["description"])
					}
					return nil
				},
			),
		},
	})
}

// 3. A certification deleted out of band is dropped by refresh and re-created alone.
func TestAccPersonCertifications_outOfBandDelete(t *testing.T) {
	s, provider := acctest.Mock(t)
	ids := map[string]string{}
	cfg := provider + certsConfig("", threeEntries("Administers Azure")...)
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherID), []resource.TestStep{
		{Config: cfg, Check: captureEntries(s, ids)},
		// A persisted refresh that sees every certification ends any post-create lag window.
		{RefreshState: true},
		{
			PreConfig: func() {
				if !s.Remove(mockgraph.OtherID, ids[kAdmin]) {
					t.Fatal("the out-of-band delete found nothing to delete")
				}
				s.ResetRequests()
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(acctest.BulkAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeTestCheckFunc(
				entryIDsAre(ids, kArch, kFundam),
				acctest.Holds(s, map[string]int{mockgraph.OtherID: 2, "me": 1}),
				func(st *terraform.State) error {
					if err := acctest.WritesAre(s, 1, 0, 0); err != nil {
						return err
					}
					now, err := flatEntries(st)
					if err != nil {
						return err
					}
					c, ok := s.Certification(mockgraph.OtherID, now[kAdmin])
					if !ok || c["certificationId"] != "AZ-104" {
						return fmt.Errorf("entries[%q].id = %s is not the re-created AZ-104 (%v)", kAdmin, now[kAdmin], c)
					}
					return nil
				},
			),
		},
	})
}

// 4. Adoption when Graph holds duplicates: the oldest is adopted and PATCHed to the
// configuration, a warning names the other, which stays; nothing is posted. An entry
// without certification_id adopts by display_name.
func TestAccPersonCertifications_adoptsOldestDuplicate(t *testing.T) {
	s, provider := acctest.Mock(t)
	oldest := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Old title", "certificationId": "AZ-305"})
	twin := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Copy made by hand", "certificationId": "AZ-305"})
	scrum := seedOne(t, s, "me", map[string]any{"displayName": "Professional Scrum Master I"})
	cfg := provider + acctest.RequiredProviders + certsConfig("",
		certEntry{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""},
		certEntry{"adele/PSM-I", "me", "Professional Scrum Master I", "", `issuing_company = "Scrum.org"`},
	)
	tf, r := acctest.Workdir(t, map[string]string{"main.tf": cfg})
	ctx := context.Background()
	t.Cleanup(func() { _ = tf.Destroy(ctx, r) })
	s.ResetRequests()

	var out strings.Builder
	tf.SetStdout(&out)
	err := tf.Apply(ctx, r)
	tf.SetStdout(nil)
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out.String())
	}
	if n := len(acctest.CertRequests(s, "POST")); n != 0 {
		t.Fatalf("%d POSTs: adoption must create nothing", n)
	}
	if !strings.Contains(out.String(), twin) {
		t.Fatalf("no warning names the other candidate %s; apply printed:\n%s", twin, out.String())
	}
	entries := stateEntries(t, tf, r)
	if entries[kArch] != oldest {
		t.Fatalf("entries[%q].id = %s, want the oldest candidate %s (the other is %s)", kArch, entries[kArch], oldest, twin)
	}
	if entries["adele/PSM-I"] != scrum {
		t.Fatalf("entries[adele/PSM-I].id = %s, want %s adopted by display_name", entries["adele/PSM-I"], scrum)
	}
	if c, _ := s.Certification(mockgraph.OtherID, oldest); c["displayName"] != "Azure Solutions Architect Expert" {
		t.Fatalf("the adopted certification holds displayName %v, want the configured one", c["displayName"])
	}
	if c, _ := s.Certification("me", scrum); c["issuingCompany"] != "Scrum.org" {
		t.Fatalf("the certification adopted by name holds issuingCompany %v, want Scrum.org", c["issuingCompany"])
	}
	if c, ok := s.Certification(mockgraph.OtherID, twin); !ok || c["displayName"] != "Copy made by hand" {
		t.Fatalf("the other candidate was touched or deleted: %v", c)
	}
	if changes, err := tf.Plan(ctx, r); err != nil || changes {
		t.Fatalf("the plan after adoption is not empty (changes %v, err %v)", changes, err)
	}
	if err := tf.Destroy(ctx, r); err != nil {
		t.Fatal(err)
	}
	// Destroy deletes what the resource manages, never the twin it only warned about.
	if got := s.Certifications(mockgraph.OtherID); len(got) != 1 || got[0]["id"] != twin {
		t.Fatalf("after destroy %s holds %v, want only the twin %s", mockgraph.OtherID, got, twin)
	}
}

// 4. adopt_existing = false posts a new certification beside the existing one.
func TestAccPersonCertifications_adoptExistingFalse(t *testing.T) {
	s, provider := acctest.Mock(t)
	existing := seedOne(t, s, "me", map[string]any{"displayName": "Professional Scrum Master I", "certificationId": "PSM-I"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := s.Certifications("me"); len(got) != 1 || got[0]["id"] != existing {
				return fmt.Errorf("after destroy the server holds %v, want only the pre-existing %s", got, existing)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			PreConfig: s.ResetRequests,
			Config:    provider + certsConfig("adopt_existing = false", certEntry{"adele/PSM-I", "me", "Professional Scrum Master I", "PSM-I", ""}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(acctest.BulkAddr, tfjsonpath.New("adopt_existing"), knownvalue.Bool(false)),
			},
			Check: resource.ComposeTestCheckFunc(
				acctest.Holds(s, map[string]int{"me": 2}),
				func(st *terraform.State) error {
					if err := acctest.WritesAre(s, 1, 0, 0); err != nil {
						return err
					}
					ids, err := flatEntries(st)
					if err != nil {
						return err
					}
					if ids["adele/PSM-I"] == existing || ids["adele/PSM-I"] == "" {
						return fmt.Errorf("entries[adele/PSM-I].id = %q, want a new certification, not %s", ids["adele/PSM-I"], existing)
					}
					return nil
				},
			),
		}},
	})
}

// 5. exclusive = true: the plan lists the certifications of mapped users that are not in
// the map, the apply deletes them, and an unmapped user's certification is untouched.
func TestAccPersonCertifications_exclusive(t *testing.T) {
	s, provider := acctest.Mock(t)
	stale := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Stale certification", "certificationId": "OLD-1"})
	keep := seedOne(t, s, "me", map[string]any{"displayName": "Not managed here"})
	entries := []certEntry{
		{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""},
		{kAdmin, mockgraph.OtherUPN, "Azure Administrator Associate", "AZ-104", ""},
	}
	ids := map[string]string{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(st *terraform.State) error {
			if n := len(s.Certifications(mockgraph.OtherID)); n != 0 {
				return fmt.Errorf("%s still holds %d certification(s)", mockgraph.OtherID, n)
			}
			if _, ok := s.Certification("me", keep); !ok {
				return fmt.Errorf("destroy deleted %s of an unmapped user", keep)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: provider + certsConfig("", entries...),
				Check: resource.ComposeTestCheckFunc(captureEntries(s, ids),
					acctest.Holds(s, map[string]int{mockgraph.OtherID: 3, "me": 1})),
			},
			{
				PreConfig: s.ResetRequests,
				Config:    provider + certsConfig("exclusive = true", entries...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(acctest.BulkAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(acctest.BulkAddr, tfjsonpath.New("exclusive_deletions"), knownvalue.MapExact(map[string]knownvalue.Check{
							mockgraph.OtherUPN + "/" + stale: knownvalue.StringExact("Stale certification"),
						})),
					},
				},
				Check: resource.ComposeTestCheckFunc(
					entryIDsAre(ids, kArch, kAdmin),
					acctest.Holds(s, map[string]int{mockgraph.OtherID: 2, "me": 1}),
					func(*terraform.State) error {
						if err := acctest.WritesAre(s, 0, 0, 1); err != nil {
							return err
						}
						if _, ok := s.Certification(mockgraph.OtherID, stale); ok {
							return fmt.Errorf("the stale certification %s is still on the server", stale)
						}
						if _, ok := s.Certification("me", keep); !ok {
							return fmt.Errorf("the unmapped user's certification %s was deleted", keep)
						}
						return nil
					},
				),
			},
			{
				Config: provider + certsConfig("exclusive = true", entries...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// 6. A user_id that names another user deletes and creates that entry only.
func TestAccPersonCertifications_userChangeMovesOneEntry(t *testing.T) {
	s, provider := acctest.Mock(t)
	ids := map[string]string{}
	arch := certEntry{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""}
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherID), []resource.TestStep{
		{
			Config: provider + certsConfig("", arch, certEntry{"AZ-104", mockgraph.OtherUPN, "Azure Administrator Associate", "AZ-104", ""}),
			Check:  captureEntries(s, ids),
		},
		{
			PreConfig: s.ResetRequests,
			Config:    provider + certsConfig("", arch, certEntry{"AZ-104", "me", "Azure Administrator Associate", "AZ-104", ""}),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(acctest.BulkAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeTestCheckFunc(
				entryIDsAre(ids, kArch),
				acctest.Holds(s, map[string]int{mockgraph.OtherID: 1, "me": 1}),
				func(*terraform.State) error {
					if err := acctest.WritesAre(s, 1, 0, 1); err != nil {
						return err
					}
					if d := acctest.CertRequests(s, "DELETE")[0]; !strings.HasSuffix(d.Path, "/"+ids["AZ-104"]) {
						return fmt.Errorf("the DELETE went to %s, want the moved entry's %s", d.Path, ids["AZ-104"])
					}
					if got := s.Certifications("me"); got[0]["certificationId"] != "AZ-104" {
						return fmt.Errorf("the new user holds %v", got)
					}
					return nil
				},
			),
		},
	})
}

// stateResource is graph_person_certifications.test as terraform show has it.
func stateResource(t *testing.T, tf *tfexec.Terraform, r *tfexec.ReattachOption) *tfjson.StateResource {
	t.Helper()
	st, err := tf.Show(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if st.Values == nil || st.Values.RootModule == nil {
		return nil
	}
	for _, res := range st.Values.RootModule.Resources {
		if res.Address == acctest.BulkAddr || (res.Type == "graph_person_certifications" && strings.HasPrefix(acctest.BulkAddr, res.Type+"."+res.Name)) {
			return res
		}
	}
	return nil
}

// stateEntries maps each entry key in state to entries[key].id.
func stateEntries(t *testing.T, tf *tfexec.Terraform, r *tfexec.ReattachOption) map[string]string {
	t.Helper()
	res := stateResource(t, tf, r)
	if res == nil {
		t.Fatalf("%s is not in state", acctest.BulkAddr)
	}
	return entryIDs(t, res)
}

func entryIDs(t testing.TB, res *tfjson.StateResource) map[string]string {
	t.Helper()
	out := map[string]string{}
	raw, _ := res.AttributeValues["entries"].(map[string]any)
	for k, v := range raw {
		out[k] = acctest.As[string](t, acctest.As[map[string]any](t, v)["id"])
	}
	return out
}

// entryUsers maps each entry key in state to certifications[key].user_id.
func entryUsers(t testing.TB, res *tfjson.StateResource) map[string]string {
	t.Helper()
	out := map[string]string{}
	raw, _ := res.AttributeValues["certifications"].(map[string]any)
	for k, v := range raw {
		out[k] = acctest.As[string](t, acctest.As[map[string]any](t, v)["user_id"])
	}
	return out
}

// idsOnServer checks that every entries[k].id in state is a certification of the entry's
// user on the server, and returns the ids.
// entriesOnServer is idsOnServer of the resource in state, which must hold want entries.
func entriesOnServer(t *testing.T, s *mockgraph.Server, tf *tfexec.Terraform, r *tfexec.ReattachOption, want int) map[string]string {
	t.Helper()
	res := stateResource(t, tf, r)
	if res == nil {
		t.Fatalf("%s is not in state", acctest.BulkAddr)
	}
	ids := idsOnServer(t, s, res)
	if len(ids) != want {
		t.Fatalf("state holds %d entries, want %d", len(ids), want)
	}
	return ids
}

func idsOnServer(t testing.TB, s *mockgraph.Server, res *tfjson.StateResource) map[string]string {
	t.Helper()
	ids, users := entryIDs(t, res), entryUsers(t, res)
	for k, id := range ids {
		if _, ok := s.Certification(users[k], id); !ok {
			t.Fatalf("state entries[%q].id = %s (user %q) is not on the server", k, id, users[k])
		}
	}
	return ids
}

func writeMain(t *testing.T, tf *tfexec.Terraform, cfg string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(tf.WorkingDir(), "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

func sortedEntryKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

const ghostUPN = "ghost@contoso.example"

// addGhost makes ghostUPN exist: until then every request for that user answers 404.
func addGhost(s *mockgraph.Server) {
	s.AddUser(mockgraph.User{ID: "0fb4c1e3-7a2d-4c55-9d1e-6b7f8a9c0d1e", UserPrincipalName: ghostUPN, DisplayName: "Ghost"})
}

// 7. A failed entry in an update apply (Graph refuses its create): the error names its
// key, the resource is not tainted, the state holds the entries that succeeded with ids
// on the server, and once Graph accepts it the next apply converges with no twin.
func TestAccPersonCertifications_partialFailureOnUpdate(t *testing.T) {
	s, provider := acctest.Mock(t)
	base := []certEntry{
		{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""},
		{kAdmin, mockgraph.OtherUPN, "Azure Administrator Associate", "AZ-104", `description = "v1"`},
	}
	tf, r := acctest.Workdir(t, map[string]string{"main.tf": provider + acctest.RequiredProviders + certsConfig("", base...)})
	ctx := context.Background()
	t.Cleanup(func() { _ = tf.Destroy(ctx, r) })
	if err := tf.Apply(ctx, r); err != nil {
		t.Fatal(err)
	}
	before := stateEntries(t, tf, r)

	more := []certEntry{
		base[0],
		{kAdmin, mockgraph.OtherUPN, "Azure Administrator Associate", "AZ-104", `description = "v2"`},
		{"me/AZ-900", "me", "Azure Fundamentals", "AZ-900", ""},
	}
	writeMain(t, tf, provider+acctest.RequiredProviders+certsConfig("", more...))
	s.Inject(mockgraph.Fault{Op: "create", Status: 403, Times: 1})
	err := tf.Apply(ctx, r)
	if err == nil {
		t.Fatal("the apply whose create Graph refused succeeded")
	}
	if !strings.Contains(err.Error(), "me/AZ-900") {
		t.Fatalf("the error does not name the failed key me/AZ-900: %v", err)
	}
	if strings.Contains(err.Error(), "untaint") {
		t.Fatalf("a failed update is not tainted, yet the error says to untaint: %v", err)
	}
	res := stateResource(t, tf, r)
	if res == nil {
		t.Fatal("the failed update lost the resource from state")
	}
	if res.Tainted {
		t.Fatal("a failed update tainted the resource")
	}
	ids := idsOnServer(t, s, res)
	if got := strings.Join(sortedEntryKeys(ids), " "); got != "megan/AZ-104 megan/AZ-305" {
		t.Fatalf("state entries after the partial failure: %s", got)
	}
	if ids[kArch] != before[kArch] || ids[kAdmin] != before[kAdmin] {
		t.Fatalf("existing entries changed ids: before %v, after %v", before, ids)
	}
	if c, _ := s.Certification(mockgraph.OtherID, ids[kAdmin]); c["description"] != "v2" {
		t.Fatalf("the update of %s did not reach the server: %v", kAdmin, c["description"])
	}

	s.ResetRequests()
	if err := tf.Apply(ctx, r); err != nil {
		t.Fatalf("the apply after the fault was gone failed: %v", err)
	}
	after := idsOnServer(t, s, stateResource(t, tf, r))
	if len(after) != 3 {
		t.Fatalf("state holds %d entries, want 3: %v", len(after), after)
	}
	for k, id := range ids {
		if after[k] != id {
			t.Fatalf("the converging apply replaced %s (%s -> %s)", k, id, after[k])
		}
	}
	if err := acctest.WritesAre(s, 1, 0, 0); err != nil {
		t.Fatalf("the converging apply: %v", err)
	}
	if n, m := len(s.Certifications(mockgraph.OtherID)), len(s.Certifications("me")); n != 2 || m != 1 {
		t.Fatalf("server holds %d + %d certifications, want 2 + 1 (no twin)", n, m)
	}
	if changes, err := tf.Plan(ctx, r); err != nil || changes {
		t.Fatalf("the plan after convergence is not empty (changes %v, err %v)", changes, err)
	}
}

// 7. A failed entry in the first apply (a create Graph refuses): Terraform would taint the
// object and the next apply would replace it, deleting every certification and posting
// them again. So the failed first apply keeps nothing in state; the next plain apply
// adopts what it created and posts only what is missing: no DELETE, no twin, same ids.
func TestAccPersonCertifications_partialFailureOnCreate(t *testing.T) {
	s, provider := acctest.Mock(t)
	hand := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Azure Administrator Associate", "certificationId": "AZ-104"})
	entries := []certEntry{
		{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""},
		{kAdmin, mockgraph.OtherUPN, "Azure Administrator Associate", "AZ-104", ""},
		{kFundam, "me", "Microsoft 365 Fundamentals", "MS-900", ""},
		{"me/AZ-900", "me", "Azure Fundamentals", "AZ-900", ""},
	}
	tf, r := acctest.Workdir(t, map[string]string{"main.tf": provider + acctest.RequiredProviders + certsConfig("", entries...)})
	ctx := context.Background()
	t.Cleanup(func() { _ = tf.Destroy(ctx, r) })
	s.Inject(mockgraph.Fault{Op: "create", Status: 403, Times: 1})
	err := tf.Apply(ctx, r)
	if err == nil {
		t.Fatal("the create whose POST Graph refused succeeded")
	}
	if !acctest.Wrapped(`1 certification failed`).MatchString(err.Error()) || !acctest.Wrapped(`the next apply adopts them`).MatchString(err.Error()) {
		t.Fatalf("the error does not name the failure and the next step: %v", err)
	}
	if res := stateResource(t, tf, r); res != nil {
		t.Fatalf("the failed create left an object in state (tainted %v): the next apply would replace it", res.Tainted)
	}
	created := len(s.Certifications(mockgraph.OtherID)) + len(s.Certifications("me"))
	if created != 3 { // the hand-entered one (adopted), and 2 of the 3 posted
		t.Fatalf("server holds %d certifications after the failed create, want 3", created)
	}

	s.ResetRequests()
	if err := tf.Apply(ctx, r); err != nil {
		t.Fatalf("the next plain apply failed: %v", err)
	}
	after := idsOnServer(t, s, stateResource(t, tf, r))
	if len(after) != 4 {
		t.Fatalf("state holds %v, want 4 entries", after)
	}
	if after[kAdmin] != hand {
		t.Fatalf("the hand-entered certification lost its id: %s holds %s, want %s", kAdmin, after[kAdmin], hand)
	}
	if err := acctest.WritesAre(s, 1, 0, 0); err != nil {
		t.Fatal(err)
	}
	if n, m := len(s.Certifications(mockgraph.OtherID)), len(s.Certifications("me")); n != 2 || m != 2 {
		t.Fatalf("server holds %d + %d certifications, want 2 + 2 (no twin)", n, m)
	}
	if changes, err := tf.Plan(ctx, r); err != nil || changes {
		t.Fatalf("the plan after convergence is not empty (changes %v, err %v)", changes, err)
	}
}

// importFixture seeds two certifications of OtherUPN and one of me, and returns the
// configuration that matches what an import of "<OtherUPN>,me" takes, and the ids by key.
func importFixture(t *testing.T, s *mockgraph.Server) (string, map[string]string) {
	a := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Azure Solutions Architect Expert", "certificationId": "AZ-305", "issuedDate": "2025-03-14"})
	b := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Scrum Master"})
	c := seedOne(t, s, "me", map[string]any{"displayName": "Microsoft 365 Fundamentals", "issuingCompany": "Microsoft"})
	want := map[string]string{mockgraph.OtherUPN + "/" + a: a, mockgraph.OtherUPN + "/" + b: b, "me/" + c: c}
	return certsConfig("",
		certEntry{mockgraph.OtherUPN + "/" + a, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", `issued_date = "2025-03-14"`},
		certEntry{mockgraph.OtherUPN + "/" + b, mockgraph.OtherUPN, "Scrum Master", "", ""},
		certEntry{"me/" + c, "me", "Microsoft 365 Fundamentals", "", `issuing_company = "Microsoft"`},
	), want
}

// 8. terraform import by a list of users takes every certification of them, keyed
// <user_id>/<id>; with a matching configuration the next plan is empty and nothing is written.
func TestAccPersonCertifications_importByUsers(t *testing.T) {
	s, provider := acctest.Mock(t)
	cfg, want := importFixture(t, s)
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherID), []resource.TestStep{
		{
			Config:             provider + cfg,
			ResourceName:       acctest.BulkAddr,
			ImportState:        true,
			ImportStateId:      mockgraph.OtherUPN + ",me",
			ImportStatePersist: true,
			ImportStateCheck: func(is []*terraform.InstanceState) error {
				if len(is) != 1 {
					return fmt.Errorf("import made %d instances, want 1", len(is))
				}
				got := map[string]string{}
				for k, v := range is[0].Attributes {
					if key, ok := strings.CutPrefix(k, "entries."); ok {
						if key, ok := strings.CutSuffix(key, ".id"); ok {
							got[key] = v
						}
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					return fmt.Errorf("imported entries %v, want %v", got, want)
				}
				return nil
			},
		},
		{
			PreConfig: s.ResetRequests,
			Config:    provider + cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error { return acctest.WritesAre(s, 0, 0, 0) },
		},
	})
}

// 8. The same through an import block: the plan imports with no change.
func TestAccPersonCertifications_importBlock(t *testing.T) {
	s, provider := acctest.Mock(t)
	cfg, want := importFixture(t, s)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherID),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{{
			PreConfig: s.ResetRequests,
			Config:    provider + cfg + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", acctest.BulkAddr, mockgraph.OtherUPN+",me"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(acctest.BulkAddr, plancheck.ResourceActionNoop)},
			},
			Check: resource.ComposeTestCheckFunc(
				func(st *terraform.State) error {
					got, err := flatEntries(st)
					if err != nil {
						return err
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						return fmt.Errorf("imported entries %v, want %v", got, want)
					}
					return acctest.WritesAre(s, 0, 0, 0)
				},
			),
		}},
	})
}

// 9. Migration from graph_person_certification instances: removed { destroy = false } and
// adoption move them into one graph_person_certifications with 0 POSTs, 0 DELETEs and the
// same ids.
func TestAccPersonCertifications_migrationFromSingleResources(t *testing.T) {
	s, provider := acctest.Mock(t)
	singles := provider + `
locals {
  certs = [
    { user = "` + mockgraph.OtherUPN + `", name = "Azure Solutions Architect Expert", id = "AZ-305" },
    { user = "` + mockgraph.OtherUPN + `", name = "Azure Administrator Associate", id = "AZ-104" },
    { user = "me", name = "Microsoft 365 Fundamentals", id = "MS-900" },
  ]
}
resource "graph_person_certification" "x" {
  count            = 3
  user_id          = local.certs[count.index].user
  display_name     = local.certs[count.index].name
  certification_id = local.certs[count.index].id
}
`
	keys := []string{kArch, kAdmin, kFundam}
	single := map[string]string{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		CheckDestroy:             acctest.CheckNoCertificationsLeft(s, "me", mockgraph.OtherID),
		Steps: []resource.TestStep{
			{
				Config: singles,
				Check: func(st *terraform.State) error {
					for i, k := range keys {
						rs, ok := st.RootModule().Resources[fmt.Sprintf("graph_person_certification.x.%d", i)]
						if !ok {
							return fmt.Errorf("graph_person_certification.x[%d] is not in state", i)
						}
						single[k] = rs.Primary.ID
					}
					return nil
				},
			},
			{
				PreConfig: s.ResetRequests,
				Config: provider + `
removed {
  from = graph_person_certification.x
  lifecycle {
    destroy = false
  }
}
` + certsConfig("", []certEntry{
					{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""},
					{kAdmin, mockgraph.OtherUPN, "Azure Administrator Associate", "AZ-104", ""},
					{kFundam, "me", "Microsoft 365 Fundamentals", "MS-900", ""},
				}...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(acctest.BulkAddr, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					entryIDsAre(single, keys...),
					acctest.Holds(s, map[string]int{mockgraph.OtherID: 2, "me": 1}),
					func(st *terraform.State) error {
						for a := range st.RootModule().Resources {
							if strings.HasPrefix(a, "graph_person_certification.x") {
								return fmt.Errorf("%s is still in state", a)
							}
						}
						p, d := len(acctest.CertRequests(s, "POST")), len(acctest.CertRequests(s, "DELETE"))
						if p != 0 || d != 0 {
							return fmt.Errorf("the migration sent %d POSTs and %d DELETEs, want 0 and 0", p, d)
						}
						return nil
					},
				),
			},
		},
	})
}

// 10. Bad input in an entry fails at plan time with a message that names the entry's key
// and attribute, and nothing reaches Graph.
func TestAccPersonCertifications_planTimeValidation(t *testing.T) {
	s, provider := acctest.Mock(t)
	const key = "megan@contoso.com/AZ-305"
	at := func(attr string) string { return regexp.QuoteMeta(`certifications["` + key + `"].` + attr) }
	entry := func(user, lines string) string {
		return provider + fmt.Sprintf(`
resource "graph_person_certifications" "test" {
  certifications = {
    %q = {
      user_id = %q
      %s
    }
  }
}
`, key, user, lines)
	}
	named := `display_name = "Azure Solutions Architect Expert"`
	bad := func(config, want string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.Wrapped(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			bad(entry("me", named+"\n      issued_date = 5"), at("issued_date")),
			bad(entry("me", named+"\n      issued_date = \"2025-02-30\""), at("issued_date")+`.*not a real calendar date`),
			bad(entry("me", named+"\n      start_date = \"2025-1-5\""), at("start_date")+`.*YYYY-MM-DD`),
			// An attribute that does not exist has no path of its own: the message names the entry and the name.
			bad(entry("me", named+"\n      issue_date = \"2025-03-14\""), regexp.QuoteMeta(`certifications["`+key+`"]`)+`.*"?issue_date`),
			bad(entry("me", `certification_id = "AZ-305"`), at("display_name")),
			bad(entry("users/adele@contoso.com", named), at("user_id")+`.*is not a user`),
			bad(entry("me", named+"\n      web_url = \"ftp://example.com/cert\""), at("web_url")+`.*only http and https`),
			bad(entry("me", named+"\n      allowed_audiences = [\"world\"]"), at("allowed_audiences")+`.*value must be one of`),
		},
	})
	if n := len(acctest.CertRequests(s, "GET")) + len(acctest.CertRequests(s, "POST")) + len(acctest.CertRequests(s, "PATCH")) + len(acctest.CertRequests(s, "DELETE")); n != 0 {
		t.Fatalf("%d certification requests reached the mock for configurations that fail validation", n)
	}
}

// 7. An error names the first 20 failed keys, then a count of the rest.
func TestAccPersonCertifications_errorNamesTwentyKeys(t *testing.T) {
	s, provider := acctest.Mock(t)
	var entries []certEntry
	for i := range 23 {
		entries = append(entries, certEntry{fmt.Sprintf("ghost/C-%02d", i), mockgraph.OtherUPN, fmt.Sprintf("Certification %d", i), fmt.Sprintf("C-%02d", i), ""})
	}
	s.Inject(mockgraph.Fault{Op: "create", Status: 403, Times: 23})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckNoCertificationsLeft(s, mockgraph.OtherID),
		Steps: []resource.TestStep{{
			Config: provider + certsConfig("", entries...),
			// The list stops at the 20th key ("ghost/C-19") and counts the other 3.
			ExpectError: acctest.Wrapped(`23 certifications failed: "ghost/C-00", "ghost/C-01",.*"ghost/C-19" and 3 more`),
		}},
	})
}

// A certification created moments ago may be missing from Graph's lists and GETs for a
// while (replication lag): the next refresh must not drop it, or the plan would post a
// twin. Found by the chaos test.
func TestAccPersonCertifications_readLagAfterCreate(t *testing.T) {
	s, provider := acctest.Mock(t)
	s.InjectKind(mockgraph.KindReadLag, "create", 1)
	cfg := provider + certsConfig("", certEntry{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""})
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, mockgraph.OtherID), []resource.TestStep{
		{Config: cfg},
		{
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				if s.FaultCounts()[mockgraph.KindReadLag] != 1 {
					return fmt.Errorf("the lag never fired: %s", s.FaultSummary())
				}
				return acctest.Holds(s, map[string]int{mockgraph.OtherID: 1})(nil)
			},
		},
	})
}

// certEntry is acctest.BulkEntry written positionally, as these tests list many.
type certEntry struct{ key, user, name, certID, extra string }

// certsConfig is acctest.BulkConfig of certEntry values.
func certsConfig(settings string, entries ...certEntry) string {
	out := make([]acctest.BulkEntry, len(entries))
	for i, e := range entries {
		out[i] = acctest.BulkEntry{Key: e.key, User: e.user, Name: e.name, CertID: e.certID, Extra: e.extra}
	}
	return acctest.BulkConfig(settings, out...)
}
