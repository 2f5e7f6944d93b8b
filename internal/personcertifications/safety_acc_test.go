package personcertifications_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// What HR automation does between applies, on the real CLI: nothing an entry keeps is
// deleted, nothing is posted twice, and the apply never blames the provider.

// safetyDir is a working folder holding cfg (the provider block and required_providers
// are added), with a destroy at cleanup.
func safetyDir(t *testing.T, provider, cfg string) (*tfexec.Terraform, *tfexec.ReattachOption, func(string)) {
	t.Helper()
	tf, r := acctest.Workdir(t, map[string]string{"main.tf": provider + acctest.RequiredProviders + cfg})
	t.Cleanup(func() { _ = tf.Destroy(context.Background(), r) })
	return tf, r, func(cfg string) { writeMain(t, tf, provider+acctest.RequiredProviders+cfg) }
}

func mustApply(t *testing.T, tf *tfexec.Terraform, r *tfexec.ReattachOption, opts ...tfexec.ApplyOption) {
	t.Helper()
	if err := tf.Apply(context.Background(), append([]tfexec.ApplyOption{r}, opts...)...); err != nil {
		t.Fatalf("apply: %v", err)
	}
}

func mustBeEmptyPlan(t *testing.T, tf *tfexec.Terraform, r *tfexec.ReattachOption) {
	t.Helper()
	if changes, out, err := acctest.PlanOutput(context.Background(), tf, r); err != nil || changes {
		t.Fatalf("the next plan is not empty (changes %v, err %v):\n%s", changes, err, firstLines(out, 60))
	}
}

// savedPlan writes a plan to planFile and returns it as terraform show has it.
func savedPlan(t *testing.T, tf *tfexec.Terraform, r *tfexec.ReattachOption, planFile string) *tfjson.Plan {
	t.Helper()
	if _, err := tf.Plan(context.Background(), r, tfexec.Out(planFile)); err != nil {
		t.Fatalf("plan: %v", err)
	}
	p, err := tf.ShowPlanFile(context.Background(), planFile, r)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func plannedAfter(t *testing.T, p *tfjson.Plan) map[string]any {
	t.Helper()
	for _, rc := range p.ResourceChanges {
		if rc.Address == acctest.BulkAddr {
			after, _ := rc.Change.After.(map[string]any)
			return after
		}
	}
	t.Fatalf("the plan has no change of %s", acctest.BulkAddr)
	return nil
}

// A renamed key is a move: the new key holds the old certification, the plan shows the
// old id under the new key, and nothing is written. Renamed again with a changed field,
// only that field is sent.
func TestAccPersonCertifications_renamedKeyIsAMove(t *testing.T) {
	t.Parallel()
	s, provider := acctest.Mock(t)
	tf, r, write := safetyDir(t, provider, certsConfig("",
		certEntry{"megan.bowen@contoso.example/AZ-305", mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", `description = "v1"`},
		certEntry{"me/scrum", "me", "Scrum Master", "", ""}))
	mustApply(t, tf, r)
	before := stateEntries(t, tf, r)

	// The HR export changes its key format and writes the user in capitals.
	write(certsConfig("",
		certEntry{"MEGAN.BOWEN@CONTOSO.EXAMPLE|AZ-305", strings.ToUpper(mockgraph.OtherUPN), "Azure Solutions Architect Expert", "AZ-305", `description = "v1"`},
		certEntry{"ME|Scrum Master", "me", "Scrum Master", "", ""}))
	after := plannedAfter(t, savedPlan(t, tf, r, "move.tfplan"))
	planned := acctest.As[map[string]any](t, after["entries"])
	for oldKey, newKey := range map[string]string{"megan.bowen@contoso.example/AZ-305": "MEGAN.BOWEN@CONTOSO.EXAMPLE|AZ-305", "me/scrum": "ME|Scrum Master"} {
		if got := acctest.As[map[string]any](t, planned[newKey])["id"]; got != before[oldKey] {
			t.Fatalf("the plan does not show the move: entries[%q].id = %v, want %s", newKey, got, before[oldKey])
		}
	}
	s.ResetRequests()
	mustApply(t, tf, r, tfexec.DirOrPlan("move.tfplan"))
	if err := acctest.WritesAre(s, 0, 0, 0); err != nil {
		t.Fatalf("a renamed key: %v", err)
	}
	ids := entriesOnServer(t, s, tf, r, 2)
	if ids["MEGAN.BOWEN@CONTOSO.EXAMPLE|AZ-305"] != before["megan.bowen@contoso.example/AZ-305"] || ids["ME|Scrum Master"] != before["me/scrum"] {
		t.Fatalf("the moves changed ids: before %v, after %v", before, ids)
	}
	mustBeEmptyPlan(t, tf, r)

	// Renamed again, with a changed description: one PATCH of that field.
	write(certsConfig("",
		certEntry{"AZ-305 of megan", mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", `description = "v2"`},
		certEntry{"ME|Scrum Master", "me", "Scrum Master", "", ""}))
	s.ResetRequests()
	mustApply(t, tf, r)
	if err := acctest.WritesAre(s, 0, 1, 0); err != nil {
		t.Fatalf("a renamed, changed key: %v", err)
	}
	if body := acctest.CertRequests(s, "PATCH")[0].Body; strings.Contains(string(body), "displayName") || !strings.Contains(string(body), "v2") {
		t.Fatalf("the PATCH of a moved entry sent %s, want only the description", body)
	}
	ids = entriesOnServer(t, s, tf, r, 2)
	if ids["AZ-305 of megan"] != before["megan.bowen@contoso.example/AZ-305"] {
		t.Fatalf("the second move changed the id: %v", ids)
	}
	if n := len(s.Certifications(mockgraph.OtherID)) + len(s.Certifications("me")); n != 2 {
		t.Fatalf("the server holds %d certifications, want 2", n)
	}
	mustBeEmptyPlan(t, tf, r)
}

// A user_id rewritten as another form of the same user (object id, letter case), with or
// without a renamed key, moves nothing in Graph.
func TestAccPersonCertifications_userFormChangeWritesNothing(t *testing.T) {
	t.Parallel()
	s, provider := acctest.Mock(t)
	tf, r, write := safetyDir(t, provider, certsConfig("",
		certEntry{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""},
		certEntry{kAdmin, mockgraph.OtherUPN, "Azure Administrator Associate", "AZ-104", ""}))
	mustApply(t, tf, r)
	before := stateEntries(t, tf, r)
	write(certsConfig("",
		certEntry{kArch, mockgraph.OtherID, "Azure Solutions Architect Expert", "AZ-305", ""},
		certEntry{"rekeyed/AZ-104", strings.ToUpper(mockgraph.OtherID), "Azure Administrator Associate", "AZ-104", ""}))
	s.ResetRequests()
	mustApply(t, tf, r)
	if err := acctest.WritesAre(s, 0, 0, 0); err != nil {
		t.Fatalf("user_id rewritten as the object id: %v", err)
	}
	ids := entriesOnServer(t, s, tf, r, 2)
	if ids[kArch] != before[kArch] || ids["rekeyed/AZ-104"] != before[kAdmin] {
		t.Fatalf("ids changed: before %v, after %v", before, ids)
	}
	mustBeEmptyPlan(t, tf, r)
}

// The documented import path: import by users (keys "<user>/<id>"), then a configuration
// keyed "<user>/<certification_id>". Every id is kept; nothing is deleted or posted. An
// import that names one user twice holds each certification once.
func TestAccPersonCertifications_importThenRekey(t *testing.T) {
	t.Parallel()
	s, provider := acctest.Mock(t)
	a := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Azure Solutions Architect Expert", "certificationId": "AZ-305"})
	b := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Scrum Master"})
	tf, r, _ := safetyDir(t, provider, certsConfig("",
		certEntry{mockgraph.OtherUPN + "/AZ-305", mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""},
		certEntry{mockgraph.OtherUPN + "/scrum", mockgraph.OtherUPN, "Scrum Master", "", ""}))
	ctx := context.Background()
	if err := tf.Import(ctx, acctest.BulkAddr, mockgraph.OtherUPN+","+strings.ToUpper(mockgraph.OtherUPN)+","+mockgraph.OtherID, r); err != nil {
		t.Fatalf("import: %v", err)
	}
	if ids := stateEntries(t, tf, r); len(ids) != 2 {
		t.Fatalf("an import naming one user three ways holds %d entries, want 2: %v", len(ids), ids)
	}
	s.ResetRequests()
	mustApply(t, tf, r)
	if err := acctest.WritesAre(s, 0, 0, 0); err != nil {
		t.Fatalf("the apply after the import: %v", err)
	}
	ids := entriesOnServer(t, s, tf, r, 2)
	if ids[mockgraph.OtherUPN+"/AZ-305"] != a || ids[mockgraph.OtherUPN+"/scrum"] != b {
		t.Fatalf("the apply after the import changed ids: %v, want %s and %s", ids, a, b)
	}
	mustBeEmptyPlan(t, tf, r)
}

// create_before_destroy with -replace: the new object adopts every certification, and the
// old object's destroy deletes none of them.
func TestAccPersonCertifications_createBeforeDestroyReplace(t *testing.T) {
	t.Parallel()
	s, provider := acctest.Mock(t)
	cfg := strings.Replace(certsConfig("", threeEntries("v1")...), "resource \"graph_person_certifications\" \"test\" {\n",
		"resource \"graph_person_certifications\" \"test\" {\n  lifecycle {\n    create_before_destroy = true\n  }\n", 1)
	tf, r, _ := safetyDir(t, provider, cfg)
	mustApply(t, tf, r)
	before := stateEntries(t, tf, r)
	s.ResetRequests()
	mustApply(t, tf, r, tfexec.Replace(acctest.BulkAddr))
	if n := len(acctest.CertRequests(s, "DELETE")); n != 0 {
		t.Fatalf("the replacement sent %d DELETEs: the old object's destroy deleted what the new one holds", n)
	}
	after := entriesOnServer(t, s, tf, r, 3)
	for k, id := range before {
		if after[k] != id {
			t.Fatalf("the replacement changed %s: %s -> %s", k, id, after[k])
		}
	}
	mustBeEmptyPlan(t, tf, r)
}

// A null certifications (a variable without a value) is refused at plan, whatever the
// state holds.
func TestAccPersonCertifications_nullIsRefused(t *testing.T) {
	s, provider := acctest.Mock(t)
	two := certsConfig("", threeEntries("v1")[:2]...)
	asNull := "variable \"rows\" {\n  type    = any\n  default = null\n}\n" +
		"resource \"graph_person_certifications\" \"test\" {\n  certifications = var.rows\n}\n"
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, mockgraph.OtherID), []resource.TestStep{
		{Config: provider + two},
		{
			PreConfig:   s.ResetRequests,
			Config:      provider + asNull,
			ExpectError: acctest.Wrapped(`certifications is null`),
		},
		{
			Config: provider + two,
			Check: func(*terraform.State) error {
				if n := len(s.Certifications(mockgraph.OtherID)); n != 2 {
					return fmt.Errorf("the server holds %d certifications after the refused null, want 2", n)
				}
				return acctest.WritesAre(s, 0, 0, 0)
			},
		},
	})
}

// A plan that deletes more than the limit fails at plan, saying how many and how to
// allow it; max_deletions allows it; retain_removed lets entries go without deleting.
func TestAccPersonCertifications_deletionLimit(t *testing.T) {
	t.Parallel()
	s, provider := acctest.Mock(t)
	three := threeEntries("v1")
	tf, r, write := safetyDir(t, provider, certsConfig("", three...))
	mustApply(t, tf, r)
	before := stateEntries(t, tf, r)

	write(certsConfig(""))
	s.ResetRequests()
	_, out, err := acctest.PlanOutput(context.Background(), tf, r)
	if err == nil || !acctest.Wrapped(`This plan deletes 3 certifications from Graph, more than the limit of 1`).MatchString(err.Error()+out) ||
		!acctest.Wrapped(`set max_deletions = 3`).MatchString(err.Error()+out) {
		t.Fatalf("an empty map was not refused at plan with the count and the way out: %v\n%s", err, out)
	}
	if err := acctest.WritesAre(s, 0, 0, 0); err != nil {
		t.Fatal(err)
	}

	// retain_removed: the entries leave, their certifications stay.
	write(certsConfig("retain_removed = true", three[0]))
	mustApply(t, tf, r)
	if err := acctest.WritesAre(s, 0, 0, 0); err != nil {
		t.Fatalf("retain_removed: %v", err)
	}
	if n := len(s.Certifications(mockgraph.OtherID)) + len(s.Certifications("me")); n != 3 {
		t.Fatalf("retain_removed deleted: the server holds %d, want 3", n)
	}
	if ids := stateEntries(t, tf, r); len(ids) != 1 || ids[kArch] != before[kArch] {
		t.Fatalf("the state after retain_removed: %v", ids)
	}

	// Take them back (adoption), then allow the deletion explicitly.
	write(certsConfig("", three...))
	mustApply(t, tf, r)
	write(certsConfig("max_deletions = 3"))
	s.ResetRequests()
	mustApply(t, tf, r)
	if err := acctest.WritesAre(s, 0, 0, 3); err != nil {
		t.Fatalf("max_deletions = 3: %v", err)
	}
}

// Two keys for one certification (the same user in any form, the same certification_id,
// or the same display_name where neither has one) are refused at plan, naming both keys;
// nothing is posted, and with one of them the apply posts once.
func TestAccPersonCertifications_duplicatesRefused(t *testing.T) {
	arch := certEntry{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""}
	scrum := certEntry{"a", "me", "Scrum Master", "", ""}
	for name, c := range map[string]struct {
		first, second certEntry
		keys          string
	}{
		"letter case":  {arch, certEntry{"again", strings.ToUpper(mockgraph.OtherUPN), "Azure Solutions Architect Expert", "AZ-305", ""}, `"again" and "` + kArch + `"`},
		"object id":    {arch, certEntry{"again", mockgraph.OtherID, "Another name", "AZ-305", ""}, `"again" and "` + kArch + `"`},
		"display name": {scrum, certEntry{"b", mockgraph.MeID, "Scrum Master", "", ""}, `"a" and "b"`},
	} {
		t.Run(name, func(t *testing.T) {
			s, provider := acctest.Mock(t)
			acctest.ParallelTest(t, nil, []resource.TestStep{
				{
					Config:      provider + certsConfig("", c.first, c.second),
					ExpectError: acctest.Wrapped(`The entries ` + c.keys + ` name one certification`),
				},
				{
					Config: provider + certsConfig("", c.first),
					Check:  func(*terraform.State) error { return acctest.WritesAre(s, 1, 0, 0) },
				},
			})
		})
	}
}

// A user that does not exist is found at plan: by default its entries wait (a warning, no
// write) while everyone else's go through, and they are created once the user exists;
// missing_users = "fail" fails the plan naming them.
func TestAccPersonCertifications_missingUsers(t *testing.T) {
	t.Parallel()
	s, provider := acctest.Mock(t)
	entries := []certEntry{
		{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""},
		{"ghost/AZ-900", ghostUPN, "Azure Fundamentals", "AZ-900", ""},
	}
	tf, r, write := safetyDir(t, provider, certsConfig(`missing_users = "fail"`, entries...))
	ctx := context.Background()
	if _, err := tf.Plan(ctx, r); err == nil || !acctest.Wrapped(`Graph has no user for 1 entries: "ghost/AZ-900"`).MatchString(err.Error()) {
		t.Fatalf("missing_users = \"fail\" did not fail the plan naming the key: %v", err)
	}
	write(certsConfig("", entries...))
	_, out, err := acctest.PlanOutput(ctx, tf, r)
	if err != nil || !acctest.Wrapped(`Entries wait for their users`).MatchString(out) {
		t.Fatalf("the default plan does not warn of the waiting entry (err %v):\n%s", err, out)
	}
	s.ResetRequests()
	mustApply(t, tf, r)
	if err := acctest.WritesAre(s, 1, 0, 0); err != nil {
		t.Fatalf("the apply with a waiting entry: %v", err)
	}
	mustBeEmptyPlan(t, tf, r) // waiting is not a change

	addGhost(s)
	s.ResetRequests()
	mustApply(t, tf, r)
	if err := acctest.WritesAre(s, 1, 0, 0); err != nil {
		t.Fatalf("the apply once the user exists: %v", err)
	}
	entriesOnServer(t, s, tf, r, 2)
	mustBeEmptyPlan(t, tf, r)
}

// Adoption shows, in the plan, the certification it adopts and each field it changes or
// clears; after the apply, adoptions records it until the next refresh.
func TestAccPersonCertifications_adoptionIsShown(t *testing.T) {
	t.Parallel()
	s, provider := acctest.Mock(t)
	hand := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Azure Admin", "certificationId": "AZ-104", "description": "typed by Megan"})
	tf, r, _ := safetyDir(t, provider, certsConfig("", certEntry{kAdmin, mockgraph.OtherUPN, "Azure Administrator Associate", "AZ-104", ""}))
	_, out, err := acctest.PlanOutput(context.Background(), tf, r)
	want := hand + ": changes display_name; clears description"
	if err != nil || !acctest.Wrapped(`Certifications already in Graph will be adopted`).MatchString(out) || !acctest.Wrapped(`"`+kAdmin+`" adopts `+want).MatchString(out) {
		t.Fatalf("the plan does not name the adoption and what it changes and clears (err %v):\n%s", err, out)
	}
	s.ResetRequests()
	mustApply(t, tf, r)
	if ids := entriesOnServer(t, s, tf, r, 1); ids[kAdmin] != hand {
		t.Fatalf("adopted %s, want %s", ids[kAdmin], hand)
	}
	if got := acctest.As[map[string]any](t, stateResource(t, tf, r).AttributeValues["adoptions"])[kAdmin]; got != want {
		t.Fatalf("adoptions[%q] after the apply = %v, want %q", kAdmin, got, want)
	}
	if err := acctest.WritesAre(s, 0, 1, 0); err != nil {
		t.Fatal(err)
	}
	mustBeEmptyPlan(t, tf, r)
}

// certifications unknown until apply: the plan says so and the first apply succeeds; a
// later apply with the map unknown again keeps what it holds, posts only the new entry
// and deletes nothing: Terraform plans again during the apply, once the map is known, and
// the plan's rules decide (not adoption, which is off here).
func TestAccPersonCertifications_unknownMap(t *testing.T) {
	s, provider := acctest.Mock(t)
	row := func(key, cert string) string {
		return fmt.Sprintf("    %q = { user_id = %q, display_name = \"Certification %s\", certification_id = %q }\n", key, mockgraph.OtherUPN, cert, cert)
	}
	cfg := func(rows string) string {
		return "resource \"terraform_data\" \"rows\" {\n  input = {\n" + rows + "  }\n}\n" +
			"resource \"graph_person_certifications\" \"test\" {\n  certifications = terraform_data.rows.output\n  adopt_existing = false\n}\n"
	}
	first := map[string]string{}
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, mockgraph.OtherID), []resource.TestStep{
		{
			Config: provider + cfg(row("megan/AZ-305", "AZ-305")),
			Check:  captureEntries(s, first),
		},
		{
			PreConfig: s.ResetRequests,
			Config:    provider + cfg(row("megan/AZ-305", "AZ-305")+row("megan/AZ-104", "AZ-104")),
			Check: func(st *terraform.State) error {
				ids, err := flatEntries(st)
				if err != nil {
					return err
				}
				if len(ids) != 2 || ids["megan/AZ-305"] != first["megan/AZ-305"] {
					return fmt.Errorf("entries after the second apply: %v, want megan/AZ-305 still %s and one more", ids, first["megan/AZ-305"])
				}
				return acctest.WritesAre(s, 1, 0, 0)
			},
		},
		{Config: provider + cfg(row("megan/AZ-305", "AZ-305")+row("megan/AZ-104", "AZ-104")), PlanOnly: true},
	})
}

// exclusive with a saved plan while Graph changes between plan and apply: the apply deletes
// what the plan listed and is still there, spares what appeared since, and completes.
// A user written as UPN and as object id is listed once and deleted once.
func TestAccPersonCertifications_exclusiveSavedPlanUnderChange(t *testing.T) {
	t.Parallel()
	s, provider := acctest.Mock(t)
	entries := []certEntry{
		{kArch, mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""},
		{kAdmin, mockgraph.OtherID, "Azure Administrator Associate", "AZ-104", ""},
	}
	tf, r, write := safetyDir(t, provider, certsConfig("", entries...))
	mustApply(t, tf, r)
	stale1 := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Stale one"})
	stale2 := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Stale two"})
	write(certsConfig("exclusive = true\n  max_deletions = 2", entries...))
	mustApply(t, tf, r) // exclusive on: deletes both stale ones, each once
	if n := len(acctest.CertRequests(s, "DELETE")); n != 2 {
		t.Fatalf("exclusive over one user in two forms sent %d DELETEs, want 2", n)
	}
	for _, id := range []string{stale1, stale2} {
		if _, ok := s.Certification(mockgraph.OtherID, id); ok {
			t.Fatalf("exclusive left %s on the server", id)
		}
	}

	stale3 := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Stale three"})
	stale4 := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Stale four"})
	p := plannedAfter(t, savedPlan(t, tf, r, "exclusive.tfplan"))
	if dels := acctest.As[map[string]any](t, p["exclusive_deletions"]); len(dels) != 2 {
		t.Fatalf("the plan lists %v, want the 2 stale certifications", dels)
	}
	// Between plan and apply: one listed certification vanishes, a new one appears.
	s.Remove(mockgraph.OtherID, stale3)
	fresh := seedOne(t, s, mockgraph.OtherID, map[string]any{"displayName": "Entered after the plan"})
	s.ResetRequests()
	mustApply(t, tf, r, tfexec.DirOrPlan("exclusive.tfplan"))
	if _, ok := s.Certification(mockgraph.OtherID, stale4); ok {
		t.Fatalf("the listed certification still there was not deleted; DELETEs: %v; plan: %v", acctest.CertRequests(s, "DELETE"), p["exclusive_deletions"])
	}
	if _, ok := s.Certification(mockgraph.OtherID, fresh); !ok {
		t.Fatal("a certification that appeared after the plan was deleted")
	}
}

// A certification deleted in Graph between plan and apply answers 404 to its PATCH: it is
// not left in state.
func TestAccPersonCertifications_patchAnswered404(t *testing.T) {
	t.Parallel()
	s, provider := acctest.Mock(t)
	tf, r, write := safetyDir(t, provider, certsConfig("", threeEntries("v1")...))
	mustApply(t, tf, r)
	before := stateEntries(t, tf, r)
	write(certsConfig("", threeEntries("v2")...))
	if _, err := tf.Plan(context.Background(), r, tfexec.Out("p.tfplan")); err != nil {
		t.Fatal(err)
	}
	s.Remove(mockgraph.OtherID, before[kAdmin])
	if err := tf.Apply(context.Background(), r, tfexec.DirOrPlan("p.tfplan")); err == nil {
		t.Fatal("the apply whose PATCH answered 404 reported success")
	}
	res := stateResource(t, tf, r)
	ids := idsOnServer(t, s, res)
	if _, ok := ids[kAdmin]; ok {
		t.Fatalf("the id that answered 404 is still in state: %v", ids)
	}
	mustApply(t, tf, r)
	entriesOnServer(t, s, tf, r, 3)
	mustBeEmptyPlan(t, tf, r)
}

// Users moving between workspaces (the guide's split by a hash of the user, when the
// buckets change): with retain_removed in the workspace they leave, nothing is deleted,
// whichever workspace applies first.
func TestAccPersonCertifications_usersMoveBetweenWorkspaces(t *testing.T) {
	t.Parallel()
	for _, oldFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("old workspace first %v", oldFirst), func(t *testing.T) {
			s, provider := acctest.Mock(t)
			megan := threeEntries("v1")[:2]
			adele := threeEntries("v1")[2:]
			oldWS, ro, writeOld := safetyDir(t, provider, certsConfig("", append(append([]certEntry{}, megan...), adele...)...))
			newWS, rn, writeNew := safetyDir(t, provider, certsConfig(""))
			mustApply(t, oldWS, ro)
			mustApply(t, newWS, rn)
			before := stateEntries(t, oldWS, ro)
			writeOld(certsConfig("retain_removed = true", adele...))
			writeNew(certsConfig("", megan...))
			s.ResetRequests()
			if oldFirst {
				mustApply(t, oldWS, ro)
				mustApply(t, newWS, rn)
			} else {
				mustApply(t, newWS, rn)
				mustApply(t, oldWS, ro)
			}
			if err := acctest.WritesAre(s, 0, 0, 0); err != nil {
				t.Fatalf("moving a user between workspaces: %v", err)
			}
			ids := entriesOnServer(t, s, newWS, rn, 2)
			for _, e := range megan {
				if ids[e.key] != before[e.key] {
					t.Fatalf("%s changed id moving workspaces: %s -> %s", e.key, before[e.key], ids[e.key])
				}
			}
			mustBeEmptyPlan(t, oldWS, ro)
			mustBeEmptyPlan(t, newWS, rn)
		})
	}
}
