package personcertifications_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

const bulkChaosUsers, bulkChaosCerts, bulkChaosApplies = 200, 2000, 3

// TestAccPersonCertifications_chaos applies 2,000 entries over 200 users as one
// graph_person_certifications while 20% of requests fail in every way the mock knows,
// lost answers after Graph committed included. After every apply, failed or not, every id
// in state is on the server; within 3 applies the server holds exactly the 2,000, none
// twice and none that no state entry names, and the next plan is empty.
func TestAccPersonCertifications_chaos(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 certifications under faults: skipped with -short")
	}
	t.Parallel()
	s, provider := acctest.Mock(t)
	users := acctest.AddChaosUsers(s, bulkChaosUsers, "bulk%03d@contoso.example")
	cfg := provider + manyEntriesConfig(users, bulkChaosCerts, "CH", "Chaos certification", `
      issuing_authority = "Chaos Monkey Academy"
      start_date        = "2024-01-01"
      web_url           = "https://example.com/cert/${c.i}"
      allowed_audiences = c.i % 3 == 0 ? ["organization", "everyone"] : ["organization"]`)
	tf, r := acctest.Workdir(t, map[string]string{"main.tf": cfg})
	ctx := context.Background()

	chaosSeed := acctest.ChaosSeed(t, 20261214)
	s.SetChaos(mockgraph.Chaos{Rate: 0.2, Seed: chaosSeed, SlowDelay: 300 * time.Millisecond})
	// And a first apply that fails for a few entries, as one with a user Graph refuses:
	// the next plain apply must neither delete nor twin anything.
	s.Inject(mockgraph.Fault{Op: "create", Status: 403, Times: 5})
	started := time.Now()

	applies := applyUntilDone(t, s, tf, r)
	applied := time.Since(started)
	if s.FaultCounts()[mockgraph.KindResetAfter] == 0 {
		t.Fatalf("no answer was lost after Graph committed: the chaos did not test that (%s)", s.FaultSummary())
	}

	ids := entriesOnServer(t, s, tf, r, bulkChaosCerts)
	named := map[string]bool{}
	for _, id := range ids {
		named[strings.ToLower(id)] = true
	}
	exactlyOnce(t, s, bulkChaosUsers, acctest.ChaosUserID, bulkChaosCerts, func(k string, c map[string]any) {
		if !named[strings.ToLower(acctest.As[string](t, c["id"]))] {
			t.Fatalf("orphan on the server: %s (%v) is named by no state entry", k, c["id"])
		}
	})

	// Nothing is left to do.
	s.SetChaos(mockgraph.Chaos{})
	if changes, out, err := acctest.PlanOutput(ctx, tf, r); err != nil || changes {
		t.Fatalf("the plan after the chaos applies is not empty (changes %v, err %v):\n%s", changes, err, firstLines(out, 80))
	}

	// Between applies, as HR exports do: every key renamed, and every user_id rewritten
	// from the object id to the userPrincipalName, under the same faults. Nothing may be
	// deleted or posted: every entry keeps its certification.
	upns := make([]string, len(users))
	for i := range users {
		upns[i] = fmt.Sprintf("%q", fmt.Sprintf("bulk%03d@contoso.example", i))
	}
	renamed := strings.Replace(cfg, `"${c.user}/CH-${c.i}"`, `"${upper(c.user)}|CH-${c.i}"`, 1)
	renamed = strings.Replace(renamed, strings.Join(users, ", "), strings.Join(upns, ", "), 1)
	if renamed == cfg {
		t.Fatal("the renamed configuration is the same")
	}
	writeMain(t, tf, renamed)
	s.ResetRequests()
	s.SetChaos(mockgraph.Chaos{Rate: 0.2, Seed: chaosSeed + 1, SlowDelay: 300 * time.Millisecond})
	byCertID := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, id := range m {
			out[k[strings.LastIndexAny(k, "/|")+1:]] = id
		}
		return out
	}
	renamedApplies := applyUntilDone(t, s, tf, r)
	if n, d := len(acctest.CertRequests(s, "POST")), len(acctest.CertRequests(s, "DELETE")); n != 0 || d != 0 {
		t.Fatalf("renaming every key and rewriting every user sent %d POSTs and %d DELETEs, want none", n, d)
	}
	moved := byCertID(entriesOnServer(t, s, tf, r, bulkChaosCerts))
	for c, id := range byCertID(ids) {
		if moved[c] != id {
			t.Fatalf("%s changed its certification in the rename: %s -> %s", c, id, moved[c])
		}
	}
	exactlyOnce(t, s, bulkChaosUsers, acctest.ChaosUserID, bulkChaosCerts, nil)
	s.SetChaos(mockgraph.Chaos{})
	if changes, out, err := acctest.PlanOutput(ctx, tf, r); err != nil || changes {
		t.Fatalf("the plan after the renames is not empty (changes %v, err %v):\n%s", changes, err, firstLines(out, 80))
	}
	t.Logf("renames under chaos: %d apply run(s)", renamedApplies)
	t.Logf("chaos (seed %d): %d certifications over %d users; %d apply run(s) in %v, total %v; %s; %d requests",
		chaosSeed, bulkChaosCerts, bulkChaosUsers, applies, applied.Round(time.Millisecond), time.Since(started).Round(time.Millisecond),
		s.FaultSummary(), len(s.Requests()))
}

// applyUntilDone applies until an apply succeeds, at most bulkChaosApplies times; after
// every apply, failed or not, the state names only what the server holds.
func applyUntilDone(t *testing.T, s *mockgraph.Server, tf *tfexec.Terraform, r *tfexec.ReattachOption) int {
	t.Helper()
	var err error
	applies := 0
	for applies < bulkChaosApplies {
		applies++
		t0 := time.Now()
		err = tf.Apply(context.Background(), r)
		t.Logf("apply %d: %v, %s", applies, time.Since(t0).Round(time.Millisecond), s.FaultSummary())
		if res := stateResource(t, tf, r); res != nil {
			idsOnServer(t, s, res)
		}
		if err == nil {
			return applies
		}
		t.Logf("apply %d reported errors: %v", applies, firstLines(err.Error(), 6))
	}
	t.Fatalf("%d applies did not converge (%s): %v", applies, s.FaultSummary(), err)
	return applies
}

// firstLines keeps a long CLI error readable in the log.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}

// manyEntriesConfig is one graph_person_certifications of n entries spread round-robin
// over users (ids quoted for HCL), keyed "<user>/<prefix>-<i>", each with a display_name
// and certification_id of its own and the attributes in more (HCL, c.i the index).
func manyEntriesConfig(users []string, n int, prefix, name, more string) string {
	return acctest.RequiredProviders + fmt.Sprintf(`
locals {
  users = [%s]
  # range() stops at 1,024 values: certification u + %d * k is the k-th of user u.
  certs = [for p in setproduct(range(%d), range(%d)) : { i = p[0] + %d * p[1], user = local.users[p[0]] }]
}
resource "graph_person_certifications" "test" {
  certifications = {
    for c in local.certs : "${c.user}/%s-${c.i}" => {
      user_id          = c.user
      display_name     = "%s ${c.i}"
      certification_id = "%s-${c.i}"%s
    }
  }
}
`, strings.Join(users, ", "), len(users), len(users), n/len(users), len(users), prefix, name, prefix, more)
}

// exactlyOnce checks that the server holds want certifications over users 0 to n-1
// (userID names them), no user and certification_id twice; each is handed to also.
func exactlyOnce(t *testing.T, s *mockgraph.Server, n int, userID func(int) string, want int, also func(key string, c map[string]any)) {
	t.Helper()
	total, seen := 0, map[string]bool{}
	for i := range n {
		for _, c := range s.Certifications(userID(i)) {
			total++
			k := userID(i) + "/" + fmt.Sprint(c["certificationId"])
			if seen[k] {
				t.Fatalf("duplicate on the server: %s twice", k)
			}
			seen[k] = true
			if also != nil {
				also(k, c)
			}
		}
	}
	if total != want {
		t.Fatalf("the server holds %d certifications, want exactly %d", total, want)
	}
}
