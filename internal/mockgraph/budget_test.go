package mockgraph

import (
	"net/http"
	"testing"
	"time"
)

// budgetClock freezes the server's clock at t0 and returns a function that sets it
// to t0+d, so the sliding window is tested without sleeping.
func budgetClock(s *Server) func(d time.Duration) {
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	now := t0
	s.mu.Lock()
	s.clock = func() time.Time { return now } // read under s.mu, like every clock reading
	s.mu.Unlock()
	return func(d time.Duration) {
		s.mu.Lock()
		now = t0.Add(d)
		s.mu.Unlock()
	}
}

// wantThrottled checks a budget 429: Graph's envelope and the Retry-After given.
func wantThrottled(t *testing.T, r response, retryAfter string) {
	t.Helper()
	wantError(t, r, http.StatusTooManyRequests, "TooManyRequests", "Retry-After")
	if got := r.header.Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After %q, want %q", got, retryAfter)
	}
}

// The window slides; Retry-After is the whole seconds, rounded up, until there is
// room again, counting the throttled requests themselves; a throttled create
// creates nothing.
func TestBudgetSlidingWindow(t *testing.T) {
	s := start(t)
	at := budgetClock(s)
	s.SetBudget(2, 10*time.Second)

	if r := do(t, s, http.MethodGet, meColl, nil); r.status != http.StatusOK { // counted at 0s
		t.Fatalf("first request: %d %s", r.status, r.body)
	}
	at(4 * time.Second)
	if r := do(t, s, http.MethodGet, meColl, nil); r.status != http.StatusOK { // counted at 4s
		t.Fatalf("second request: %d %s", r.status, r.body)
	}
	// Counted at 6.5s: 0s, 4s and 6.5s are in the window; there is room for
	// one more once 0s and 4s have left, at 14s: 7.5s, rounded up.
	at(6500 * time.Millisecond)
	wantThrottled(t, do(t, s, http.MethodPost, meColl, map[string]any{"displayName": "throttled"}), "8")
	if n := len(s.Certifications("me")); n != 0 {
		t.Fatalf("a throttled create left %d certifications", n)
	}
	// At 10s the request of 0s has left, but 4s and 6.5s fill the window: sending
	// while throttled is throttled again, and counts (room at 16.5s).
	at(10 * time.Second)
	wantThrottled(t, do(t, s, http.MethodGet, meColl, nil), "7")
	// A client that waited that Retry-After finds room.
	at(17 * time.Second)
	if r := do(t, s, http.MethodPost, meColl, map[string]any{"displayName": "after the wait"}); r.status != http.StatusCreated {
		t.Fatalf("create after Retry-After: %d %s", r.status, r.body)
	}
	if n := len(s.Certifications("me")); n != 1 {
		t.Errorf("%d certifications, want 1", n)
	}
	if n := s.BudgetThrottled(); n != 2 {
		t.Errorf("BudgetThrottled = %d, want 2", n)
	}

	// The log says when each request came and went, and what Retry-After it got.
	log := s.Requests()
	if len(log) != 5 {
		t.Fatalf("%d requests logged, want 5", len(log))
	}
	for i, r := range log {
		if r.Time.IsZero() || r.Answered.Before(r.Time) {
			t.Errorf("request %d: Time %v, Answered %v", i, r.Time, r.Answered)
		}
		if i > 0 && r.Time.Before(log[i-1].Time) {
			t.Errorf("request %d arrived at %v, before request %d at %v", i, r.Time, i-1, log[i-1].Time)
		}
	}
	if log[2].Status != http.StatusTooManyRequests || log[2].RetryAfter != "8" || log[0].RetryAfter != "" {
		t.Errorf("log: status %d Retry-After %q; first Retry-After %q", log[2].Status, log[2].RetryAfter, log[0].RetryAfter)
	}
}

// A window shorter than a second still asks for a whole second.
func TestBudgetRetryAfterAtLeastOneSecond(t *testing.T) {
	s := start(t)
	at := budgetClock(s)
	s.SetBudget(1, 300*time.Millisecond)
	if r := do(t, s, http.MethodGet, meColl, nil); r.status != http.StatusOK {
		t.Fatalf("first request: %d %s", r.status, r.body)
	}
	at(100 * time.Millisecond)
	wantThrottled(t, do(t, s, http.MethodGet, meColl, nil), "1")
	at(time.Second + 100*time.Millisecond)
	if r := do(t, s, http.MethodGet, meColl, nil); r.status != http.StatusOK {
		t.Fatalf("after Retry-After: %d %s", r.status, r.body)
	}
}

// Batch items count one by one and the envelope not at all; a throttled item gets
// its own 429 with Retry-After inside a 200 batch answer, and creates nothing.
func TestBudgetCountsBatchItems(t *testing.T) {
	s := start(t)
	budgetClock(s) // frozen: nothing leaves the window
	s.SetBudget(3, 10*time.Second)
	create := func(id string) map[string]any {
		return breq(id, "POST", "/me/profile/certifications", map[string]any{"displayName": "cert " + id})
	}

	// Three items fit a budget of three: the envelope is not counted.
	first := []map[string]any{create("1"), create("2"), create("3")}
	outer, got := sendBatch(t, s, first)
	for _, id := range []string{"1", "2", "3"} {
		got[id].want(t, outer, http.StatusCreated)
	}
	second := []map[string]any{create("4"), breq("5", "GET", "/me/profile/certifications", nil)}
	outer, got = sendBatch(t, s, second)
	if ra := outer.header.Get("Retry-After"); ra != "" {
		t.Errorf("the batch answer itself has Retry-After %q", ra)
	}
	for _, id := range []string{"4", "5"} {
		wantError(t, got[id].asResponse(outer), http.StatusTooManyRequests, "TooManyRequests", "Retry-After")
		if ra := got[id].Headers["Retry-After"]; ra != "10" {
			t.Errorf("item %s: Retry-After %q, want \"10\" (headers %v)", id, ra, got[id].Headers)
		}
	}
	if n := len(s.Certifications("me")); n != 3 {
		t.Errorf("%d certifications, want the 3 of the first batch", n)
	}
	// The items count: a direct request is throttled too.
	wantThrottled(t, do(t, s, http.MethodGet, meColl, nil), "10")

	log := s.Requests()
	if len(log) != 3 || len(log[1].Batch) != 2 {
		t.Fatalf("log: %d requests, want 3 with 2 items in the second", len(log))
	}
	for _, sub := range log[1].Batch {
		if sub.Status != http.StatusTooManyRequests || sub.RetryAfter != "10" || sub.Time.IsZero() || !sub.Answered.Equal(log[1].Answered) {
			t.Errorf("logged item %s: status %d, Retry-After %q, Time %v, Answered %v (batch answered %v)",
				sub.BatchID, sub.Status, sub.RetryAfter, sub.Time, sub.Answered, log[1].Answered)
		}
	}
}

// A throttled request uses up no injected fault, and SetBudget(0) lifts the budget.
func TestBudgetBeforeFaultsAndOff(t *testing.T) {
	s := start(t)
	budgetClock(s)
	s.SetBudget(1, time.Minute)
	s.Inject(Fault{Op: "create", Status: http.StatusForbidden})
	if r := do(t, s, http.MethodGet, meColl, nil); r.status != http.StatusOK {
		t.Fatalf("first request: %d %s", r.status, r.body)
	}
	wantThrottled(t, do(t, s, http.MethodPost, meColl, map[string]any{"displayName": "x"}), "60")
	s.SetBudget(0, 0)
	wantError(t, do(t, s, http.MethodPost, meColl, map[string]any{"displayName": "x"}), http.StatusForbidden, "ErrorAccessDeniedForRole", "")
	if r := do(t, s, http.MethodPost, meColl, map[string]any{"displayName": "x"}); r.status != http.StatusCreated {
		t.Errorf("with the budget off: %d %s", r.status, r.body)
	}
}
