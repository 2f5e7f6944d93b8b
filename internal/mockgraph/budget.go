package mockgraph

import (
	"net/http"
	"strconv"
	"time"
)

// Budget mode: Graph's throttling as its docs describe it, a number of requests per app
// and tenant over a sliding window, answered 429 TooManyRequests with Retry-After once
// spent. The mock has one budget for every caller (it serves one app in one tenant).
//
// What counts: every certification request that names a valid route, direct or as an
// item of a $batch, one by one (batching buys no budget). The $batch envelope itself
// does not count: on Graph it is not a request to a service, only its items are.
// Token endpoints (internal/mockentra) never count.
//
// Throttled requests count too: on Graph, sending more while throttled extends the
// throttling. Retry-After is therefore the whole seconds (rounded up, at least 1) until
// the window holds fewer than the budget, so room for one more; while throttled
// requests are not piling up that is the moment the oldest counted request leaves the
// window. A client that sends nothing until its Retry-After is up always finds room:
// nothing it did not send can have been counted since that answer.
//
// The check comes before faults and before anything reads or changes state, so a
// throttled request has no side effect and uses up no injected fault.

type budgetState struct {
	n      int
	window time.Duration
	stamps []time.Time // arrival of every counted request still in the window, oldest first
	spent  int         // requests answered 429 by the budget
}

// SetBudget limits certification requests to n per sliding window; n <= 0 (or a
// window <= 0) turns the budget off. The window starts empty.
func (s *Server) SetBudget(n int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 || window <= 0 {
		n, window = 0, 0
	}
	s.budget = budgetState{n: n, window: window}
}

// BudgetThrottled says how many requests the budget answered 429.
func (s *Server) BudgetThrottled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.budget.spent
}

// takeBudget counts one request and returns the 429 when the budget is spent.
func (s *Server) takeBudget() *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &s.budget
	if b.n <= 0 {
		return nil
	}
	now := s.clock()
	// A request counted at t is in the window at now while t > now - window.
	left := 0
	for left < len(b.stamps) && !b.stamps[left].After(now.Add(-b.window)) {
		left++
	}
	b.stamps = append(b.stamps[:0], b.stamps[left:]...)
	full := len(b.stamps) >= b.n
	b.stamps = append(b.stamps, now)
	if !full {
		return nil
	}
	b.spent++
	// Room for one more once all but n-1 counted requests have left: the one at
	// len-n is the last that must go.
	free := b.stamps[len(b.stamps)-b.n].Add(b.window)
	secs := max(int64((free.Sub(now)+time.Second-1)/time.Second), 1)
	return &apiError{status: http.StatusTooManyRequests, code: "TooManyRequests",
		message:    "Too many requests. Retry after the interval given in the Retry-After header.",
		retryAfter: strconv.FormatInt(secs, 10)}
}
