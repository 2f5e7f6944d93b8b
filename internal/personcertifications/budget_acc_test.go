package personcertifications_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

const budgetUsers, budgetCerts = 100, 2000

// TestAccPersonCertifications_underABudget applies 2,000 entries over 100 users as one
// graph_person_certifications against a mock that allows 200 requests per 10 s, batch
// items counted one by one, as Graph's throttling does. The apply succeeds as it is, the
// server holds exactly the 2,000 (no user and certification_id twice), the budget did
// throttle, every id in state is on the server, and the next plan is empty.
func TestAccPersonCertifications_underABudget(t *testing.T) {
	// 2,000 creates (and the adoption lookups before them) at 200 per 10 s take over 90 s
	// whatever the provider does: run by make test-pacing, not by every go test.
	if os.Getenv("GRAPH_PACING_TIMING") != "1" {
		t.Skip("takes about 2 minutes by the budget's arithmetic: runs with GRAPH_PACING_TIMING=1 (make test-pacing)")
	}
	s, provider := acctest.Mock(t)
	users := make([]string, 0, budgetUsers)
	for i := range budgetUsers {
		s.AddUser(mockgraph.User{ID: budgetUserID(i), UserPrincipalName: fmt.Sprintf("paced%03d@contoso.example", i), DisplayName: fmt.Sprintf("Paced user %d", i)})
		users = append(users, fmt.Sprintf("%q", budgetUserID(i)))
	}
	cfg := provider + manyEntriesConfig(users, budgetCerts, "PB", "Paced certification", `
      issuing_authority = "Budget Academy"
      start_date        = "2024-01-01"`)
	tf, r := acctest.Workdir(t, map[string]string{"main.tf": cfg})
	ctx := context.Background()

	s.SetBudget(200, 10*time.Second)
	started := time.Now()
	if err := tf.Apply(ctx, r); err != nil {
		t.Fatalf("the apply under the budget failed (%d answered 429 by the budget): %v", s.BudgetThrottled(), firstLines(err.Error(), 12))
	}
	applied := time.Since(started)

	direct, items := 0, 0
	for _, req := range s.Requests() {
		if req.Status == http.StatusTooManyRequests {
			direct++
		}
		for _, sub := range req.Batch {
			if sub.Status == http.StatusTooManyRequests {
				items++
			}
		}
	}
	if direct+items == 0 {
		t.Fatalf("the budget never throttled (%d by its own count): the test proves nothing", s.BudgetThrottled())
	}

	entriesOnServer(t, s, tf, r, budgetCerts)
	exactlyOnce(t, s, budgetUsers, budgetUserID, budgetCerts, nil)
	requests, certItems := len(s.Requests()), len(acctest.AllRequests(s))-len(s.Requests())

	// The plan's refresh runs under the same budget, still spent by the apply.
	planStarted := time.Now()
	if changes, out, err := acctest.PlanOutput(ctx, tf, r); err != nil || changes {
		t.Fatalf("the plan after the apply is not empty (changes %v, err %v):\n%s", changes, err, firstLines(out, 80))
	}
	t.Logf("under a budget of 200 per 10 s: %d certifications over %d users applied in %v (HTTP requests %d, batch items %d); "+
		"429s %d direct, %d batch items (%d by the budget's count, the plan's included); empty plan in %v",
		budgetCerts, budgetUsers, applied.Round(time.Millisecond), requests, certItems, direct, items,
		s.BudgetThrottled(), time.Since(planStarted).Round(time.Millisecond))
}

func budgetUserID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", 500+i) }
