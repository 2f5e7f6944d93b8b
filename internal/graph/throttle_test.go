package graph_test

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// clockSlack allows for clock readings on either side of the wire.
const clockSlack = 3 * time.Millisecond

// wireLog is the innermost transport: it notes when each attempt left the client and when
// its answer came back, keyed as the mock logs it (client-request-id and Retry-Attempt).
type wireLog struct {
	base http.RoundTripper
	mu   sync.Mutex
	sent map[string]time.Time
	recv map[string]time.Time
}

func attemptKey(h http.Header) string {
	return h.Get("client-request-id") + "/" + h.Get("Retry-Attempt")
}

func (w *wireLog) RoundTrip(req *http.Request) (*http.Response, error) {
	key := attemptKey(req.Header)
	w.mu.Lock()
	w.sent[key] = time.Now()
	w.mu.Unlock()
	resp, err := w.base.RoundTrip(req)
	w.mu.Lock()
	w.recv[key] = time.Now()
	w.mu.Unlock()
	return resp, err
}

// TestPacingUnderABudget runs 500 concurrent creates, then 500 concurrent (batched)
// deletes, against a mock that allows 50 requests per second. Everything succeeds, nothing
// is created twice, and no request reaches the mock while a Retry-After it gave is running.
func TestPacingUnderABudget(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 20 s")
	}
	timingAsserted := os.Getenv("GRAPH_PACING_TIMING") == "1"
	const n = 500
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken(token)
	s.SetBudget(50, time.Second)
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatal("http.DefaultTransport is not an *http.Transport")
	}
	tr := base.Clone()
	tr.MaxIdleConnsPerHost = 32 // as the client's own transport
	wire := &wireLog{base: tr, sent: map[string]time.Time{}, recv: map[string]time.Time{}}
	c, err := graph.NewClient(graph.Config{Endpoint: s.URL, Token: graph.StaticToken(token), Batching: true, Transport: wire})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	run := func(what string, fn func(i int) error) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = fn(i)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("%s %d: %v", what, i, err)
			}
		}
		return time.Since(start)
	}
	ids := make([]string, n)
	createTook := run("create", func(i int) error {
		got, err := c.CreateCertification(ctx, graph.Me, body("cert "+strconv.Itoa(i)))
		if err == nil {
			ids[i] = deref(got.GetId())
		}
		return err
	})
	held := s.Certifications("me")
	names := map[string]int{}
	for _, cert := range held {
		name, _ := cert["displayName"].(string)
		names[name]++
	}
	if len(held) != n || len(names) != n {
		t.Fatalf("the mock holds %d certifications with %d distinct names, want %d of each", len(held), len(names), n)
	}
	createThrottled := s.BudgetThrottled()
	deleteTook := run("delete", func(i int) error { return c.DeleteCertification(ctx, graph.Me, ids[i]) })
	if left := len(s.Certifications("me")); left != 0 {
		t.Errorf("%d certifications left after the deletes", left)
	}

	log := s.Requests()
	holds, batchHolds, sent, items := 0, 0, 0, 0
	type hold struct {
		from, to time.Time // as the mock saw it: answered, and Retry-After later
		read     time.Time // when the client read the answer
		what     string
	}
	var all []hold
	for _, r := range log {
		sent++
		add := func(ra, what string) {
			secs, err := strconv.Atoi(ra)
			if err != nil {
				t.Errorf("%s: Retry-After %q is not whole seconds", what, ra)
				return
			}
			got, ok := wire.recv[attemptKey(r.Header)]
			if !ok {
				t.Errorf("%s: the client never read this answer", what)
			}
			all = append(all, hold{from: r.Answered, to: r.Answered.Add(time.Duration(secs) * time.Second), read: got, what: what})
		}
		if r.Status == http.StatusTooManyRequests {
			holds++
			add(r.RetryAfter, r.Method+" "+r.Path)
		}
		for _, sub := range r.Batch {
			items++
			if sub.Status == http.StatusTooManyRequests {
				batchHolds++
				add(sub.RetryAfter, "batch item "+sub.Method+" "+sub.Path)
			}
		}
	}
	if holds+batchHolds == 0 {
		t.Fatal("the budget never throttled: the test proves nothing")
	}
	if batchHolds == 0 {
		t.Error("no batch item was throttled: the batch path is not covered")
	}
	// A request that arrived during a hold is a fault of the client only if it left the
	// client after the client had read the 429; one already on its way is not.
	violations, onTheirWay := 0, map[int]bool{}
	for _, h := range all {
		for i, r := range log {
			if !r.Time.After(h.from.Add(clockSlack)) || !r.Time.Before(h.to.Add(-clockSlack)) {
				continue
			}
			if wire.sent[attemptKey(r.Header)].Before(h.read) {
				onTheirWay[i] = true
				continue
			}
			violations++
			if violations <= 5 && timingAsserted {
				t.Errorf("%s %s arrived %v after a 429 (%s) that asked for %v",
					r.Method, r.Path, r.Time.Sub(h.from), h.what, h.to.Sub(h.from))
			}
		}
	}
	// The wire sees an attempt after it passed the gate; on a loaded machine (the race
	// detector, other packages' tests alongside) it can stall long enough to arrive after a
	// later 429 was read, and the timing then says nothing. So the timing is asserted only
	// when the test runs alone (make test-pacing, which .ci/run runs).
	if violations > 0 && timingAsserted {
		t.Errorf("%d requests arrived while a Retry-After was running", violations)
	}
	t.Logf("creates: %d in %v, %d answered 429; deletes: %d in %v; HTTP requests %d (batch items %d); 429s %d direct, %d batch items; "+
		"requests that arrived during a hold but had left before the client read its 429: %d; after it: %d (asserted: %v)",
		n, createTook.Round(time.Millisecond), createThrottled, n, deleteTook.Round(time.Millisecond),
		sent, items, holds, batchHolds, len(onTheirWay), violations, timingAsserted)
}
