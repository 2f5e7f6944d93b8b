package personcertification_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// exactlyOne checks the server holds one certification for "me" and the state points at it.
func exactlyOne(s *mockgraph.Server) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		list := s.Certifications("me")
		if len(list) != 1 {
			return fmt.Errorf("server holds %d certifications, want exactly 1 (no orphan, no twin)", len(list))
		}
		if got := st.RootModule().Resources[addr].Primary.ID; got != list[0]["id"] {
			return fmt.Errorf("state id %s, server id %v", got, list[0]["id"])
		}
		return nil
	}
}

// A create whose answer is lost, before or after Graph applied it, ends with exactly one
// certification, tracked in state.
func TestAccPersonCertification_lostCreateAnswers(t *testing.T) {
	for _, tc := range []struct {
		kind    mockgraph.Kind
		timeout string
		search  mockgraph.Kind // a fault for the list that looks for the lost create
	}{
		{mockgraph.KindResetBefore, "", ""},
		{mockgraph.KindResetAfter, "", ""},
		{mockgraph.KindTruncated, "", ""},
		// A 503 says nothing of the outcome: looked for, then posted again only if absent.
		{mockgraph.KindUnavailable, "", ""},
		{mockgraph.KindUnavailableAfter, "", ""},
		// The client gives up before the slow answer arrives; Graph has written anyway.
		{mockgraph.KindSlow, "2s", ""},
		// The search sees the created certification with audiences the SDK cannot read:
		// unknown is not a mismatch, so it is adopted, not posted again (found by the
		// chaos test with CHAOS_SEED=4).
		{mockgraph.KindResetAfter, "", mockgraph.KindAudienceUnknown},
	} {
		name := string(tc.kind)
		if tc.search != "" {
			name += "+search-" + string(tc.search)
		}
		t.Run(name, func(t *testing.T) {
			s, provider := acctest.Mock(t)
			s.SetChaos(mockgraph.Chaos{SlowDelay: 4 * time.Second})
			s.InjectKind(tc.kind, "create", 1)
			extra := ""
			if tc.search != "" {
				s.InjectKind(tc.search, "list", 1)
				extra = `  allowed_audiences = ["organization"]`
			}
			if tc.timeout != "" {
				extra = fmt.Sprintf("  timeouts {\n    create = %q\n  }", tc.timeout)
			}
			acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{{
				Config: provider + minimalConfig("me", `  certification_id = "AZ-305"`+"\n"+extra),
				Check: resource.ComposeTestCheckFunc(exactlyOne(s), func(*terraform.State) error {
					if s.FaultCounts()[tc.kind] < 1 || (tc.search != "" && s.FaultCounts()[tc.search] != 1) {
						return fmt.Errorf("a fault never fired: %s", s.FaultSummary())
					}
					return nil
				}),
			}})
		})
	}
}

// Updates and deletes whose answers are lost are retried (they are idempotent) and end
// with the server and the state agreeing.
func TestAccPersonCertification_lostUpdateAndDeleteAnswers(t *testing.T) {
	s, provider := acctest.Mock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(st *terraform.State) error {
			if s.FaultCounts()[mockgraph.KindResetAfter] < 2 {
				return fmt.Errorf("the delete's reset never fired: %s", s.FaultSummary())
			}
			return acctest.CheckNoCertificationsLeft(s, "me")(st)
		},
		Steps: []resource.TestStep{
			{Config: provider + minimalConfig("me", "")},
			{
				PreConfig: func() {
					s.InjectKind(mockgraph.KindResetAfter, "update", 1)
					s.InjectKind(mockgraph.KindTruncated, "update", 1)
				},
				Config: provider + minimalConfig("me", `  description = "after a lost answer"`),
				Check: serverHolds(s, map[string]any{
					"displayName": "Azure Solutions Architect Expert", "description": "after a lost answer", "allowedAudiences": "organization",
				}),
			},
			{
				PreConfig: func() { s.InjectKind(mockgraph.KindResetAfter, "delete", 1) },
				Config:    provider,
				Check:     acctest.CheckNoCertificationsLeft(s, "me"),
			},
		},
	})
}

// Writes answered 503 after Graph applied them (only a 429 says nothing was done): the
// create is found and adopted, not posted twice; the update and the delete are retried or
// confirmed by a read; server and state agree after each.
func TestAccPersonCertification_writesAnswered503AfterApplying(t *testing.T) {
	s, provider := acctest.Mock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(st *terraform.State) error {
			if n := s.FaultCounts()[mockgraph.KindUnavailableAfter]; n != 3 {
				return fmt.Errorf("%d writes answered 503 after applying, want 3: %s", n, s.FaultSummary())
			}
			return acctest.CheckNoCertificationsLeft(s, "me")(st)
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() { s.InjectKind(mockgraph.KindUnavailableAfter, "create", 1) },
				Config:    provider + minimalConfig("me", `  certification_id = "AZ-305"`),
				Check: resource.ComposeTestCheckFunc(exactlyOne(s), func(*terraform.State) error {
					if n := len(acctest.CertRequests(s, "POST")); n != 1 {
						return fmt.Errorf("%d POSTs, want 1: the create answered 503 was adopted, not posted again", n)
					}
					return nil
				}),
			},
			{
				PreConfig: func() { s.InjectKind(mockgraph.KindUnavailableAfter, "update", 1) },
				Config:    provider + minimalConfig("me", "  certification_id = \"AZ-305\"\n  description = \"after a 503\""),
				Check: serverHolds(s, map[string]any{
					"displayName": "Azure Solutions Architect Expert", "certificationId": "AZ-305", "description": "after a 503", "allowedAudiences": "organization",
				}),
			},
			{
				PreConfig: func() { s.InjectKind(mockgraph.KindUnavailableAfter, "delete", 1) },
				Config:    provider,
				Check:     acctest.CheckNoCertificationsLeft(s, "me"),
			},
		},
	})
}

// Two identical certifications created in one apply while answers get lost still end as
// two objects, each tracked once: a lost create never adopts its twin's object.
func TestAccPersonCertification_identicalTwinsUnderLostAnswers(t *testing.T) {
	s, provider := acctest.Mock(t)
	s.InjectKind(mockgraph.KindResetAfter, "create", 2)
	cfg := provider + `
resource "graph_person_certification" "a" {
  user_id      = "me"
  display_name = "Same"
}
resource "graph_person_certification" "b" {
  user_id      = "me"
  display_name = "Same"
}
`
	acctest.ParallelTest(t, nil, []resource.TestStep{{
		Config: cfg,
		Check: func(st *terraform.State) error {
			a := st.RootModule().Resources["graph_person_certification.a"].Primary.ID
			b := st.RootModule().Resources["graph_person_certification.b"].Primary.ID
			if a == b {
				return fmt.Errorf("both resources track %s", a)
			}
			if n := len(s.Certifications("me")); n != 2 {
				return fmt.Errorf("server holds %d, want 2", n)
			}
			return nil
		},
	}})
}

const chaosUsers, chaosCerts = 20, 200

// TestAccChaos applies 200 certifications across 20 users while about 20% of requests
// fail in every way the mock knows. After at most one re-apply the server holds exactly
// the configured 200 and state equals the server field by field; destroy under the same
// faults leaves nothing.
func TestAccChaos(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tf, reattach := acctest.NewCLI(t, dir)
	s, provider := acctest.Mock(t)
	users := acctest.AddChaosUsers(s, chaosUsers, "user%02d@contoso.example")
	cfg := provider + acctest.RequiredProviders + fmt.Sprintf(`
locals {
  users = [%s]
}
resource "graph_person_certification" "c" {
  count             = %d
  user_id           = local.users[count.index %% %d]
  display_name      = "Chaos certification ${count.index}"
  certification_id  = "CH-${count.index}"
  issuing_authority = "Chaos Monkey Academy"
  start_date        = "2024-01-01"
  end_date          = "2026-12-31"
  web_url           = "https://example.com/cert/${count.index}"
  allowed_audiences = count.index %% 3 == 0 ? ["organization", "everyone"] : ["organization"]
}
`, strings.Join(users, ", "), chaosCerts, chaosUsers)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := tfexec.Reattach(reattach)
	if err := tf.Init(ctx, r); err != nil {
		t.Fatal(err)
	}
	seed := acctest.ChaosSeed(t, 20261128)
	s.SetChaos(mockgraph.Chaos{Rate: 0.2, Seed: seed, SlowDelay: 300 * time.Millisecond})
	started := time.Now()

	applies := 1
	if err := tf.Apply(ctx, r); err != nil {
		t.Logf("first apply reported errors (one re-apply allowed): %v", err)
		applies++
		if err := tf.Apply(ctx, r); err != nil {
			t.Fatalf("the re-apply failed too: %v", err)
		}
	}
	applied := time.Since(started)

	// The server holds exactly the configured 200: none missing, none twice.
	byKey := map[string]map[string]any{}
	for i := range chaosUsers {
		for _, c := range s.Certifications(acctest.ChaosUserID(i)) {
			k := acctest.ChaosUserID(i) + "/" + fmt.Sprint(c["certificationId"])
			if _, dup := byKey[k]; dup {
				t.Fatalf("duplicate on the server: %s", k)
			}
			byKey[k] = c
		}
	}
	if len(byKey) != chaosCerts {
		t.Fatalf("server holds %d certifications, want %d", len(byKey), chaosCerts)
	}

	// State equals the server, field by field.
	s.SetChaos(mockgraph.Chaos{}) // read the state file without faults
	state, err := tf.Show(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{"display_name": "displayName", "certification_id": "certificationId", "issuing_authority": "issuingAuthority",
		"start_date": "startDate", "end_date": "endDate", "web_url": "webUrl", "created_date_time": "", "id": "id"}
	seen := 0
	for _, res := range state.Values.RootModule.Resources {
		if res.Type != "graph_person_certification" {
			continue
		}
		seen++
		a := res.AttributeValues
		key := fmt.Sprint(a["user_id"]) + "/" + fmt.Sprint(a["certification_id"])
		srv, ok := byKey[key]
		if !ok {
			t.Fatalf("state holds %s, which the server does not", key)
		}
		for tfName, wire := range fields {
			if wire == "" {
				continue
			}
			if fmt.Sprint(a[tfName]) != fmt.Sprint(srv[wire]) {
				t.Fatalf("%s: state %s = %v, server %s = %v", key, tfName, a[tfName], wire, srv[wire])
			}
		}
		var aud []string
		for _, x := range acctest.As[[]any](t, a["allowed_audiences"]) {
			aud = append(aud, acctest.As[string](t, x))
		}
		if want := strings.Split(acctest.As[string](t, srv["allowedAudiences"]), ","); !slices.Equal(slices.Sorted(slices.Values(aud)), slices.Sorted(slices.Values(want))) {
			t.Fatalf("%s: state audiences %v, server %v", key, aud, srv["allowedAudiences"])
		}
	}
	if seen != chaosCerts {
		t.Fatalf("state holds %d certifications, want %d", seen, chaosCerts)
	}

	// Nothing is left to do: the next plan is empty.
	changes, err := tf.Plan(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if changes {
		t.Fatal("the plan after the chaos apply is not empty")
	}

	// Destroy under the same faults leaves zero.
	s.SetChaos(mockgraph.Chaos{Rate: 0.2, Seed: seed + 1, SlowDelay: 300 * time.Millisecond})
	destroys := 1
	if err := tf.Destroy(ctx, r); err != nil {
		destroys++
		t.Logf("first destroy reported errors (one re-run allowed): %v", err)
		if err := tf.Destroy(ctx, r); err != nil {
			t.Fatalf("the second destroy failed too: %v", err)
		}
	}
	for i := range chaosUsers {
		if n := len(s.Certifications(acctest.ChaosUserID(i))); n != 0 {
			t.Fatalf("user %d still holds %d certifications after destroy", i, n)
		}
	}
	t.Logf("chaos (seed %d): %d certifications over %d users; %d apply run(s) in %v, %d destroy run(s), total %v; %s; %d requests",
		seed, chaosCerts, chaosUsers, applies, applied.Round(time.Millisecond), destroys, time.Since(started).Round(time.Millisecond), s.FaultSummary(), len(s.Requests()))
}
