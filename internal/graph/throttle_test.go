package graph_test

import (
	"context"
	"fmt"
	"io"
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

// wireLog is the innermost transport: it notes when each attempt left the client, when
// its answer's headers came back and when the client had read the whole answer, keyed as
// the mock logs it (client-request-id and Retry-Attempt).
type wireLog struct {
	base http.RoundTripper
	mu   sync.Mutex
	sent map[string]time.Time
	recv map[string]time.Time
	read map[string]time.Time // the body read to its end (or closed)
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
	if resp != nil && resp.Body != nil {
		resp.Body = &bodyLog{ReadCloser: resp.Body, done: func() { w.note(w.read, key) }}
	}
	return resp, err
}

// note keeps the first time of key in m.
func (w *wireLog) note(m map[string]time.Time, key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := m[key]; !ok {
		m[key] = time.Now()
	}
}

// bodyLog calls done when the body has been read to its end or closed.
type bodyLog struct {
	io.ReadCloser
	done func()
}

func (b *bodyLog) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.done()
	}
	return n, err
}

func (b *bodyLog) Close() error {
	b.done()
	return b.ReadCloser.Close()
}

// newWireLog wraps a transport configured as the client's own.
func newWireLog(t *testing.T) *wireLog {
	t.Helper()
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatal("http.DefaultTransport is not an *http.Transport")
	}
	tr := base.Clone()
	tr.MaxIdleConnsPerHost = 32 // as the client's own transport
	return &wireLog{base: tr, sent: map[string]time.Time{}, recv: map[string]time.Time{}, read: map[string]time.Time{}}
}

// holdReport is what checkHolds found in the mock's log.
type holdReport struct {
	sent, items       int // HTTP requests, and batch items among them
	direct            int // requests that were not batches
	holds, batchHolds int // 429s answered directly, and to batch items
	onTheirWay        int // requests that arrived during a hold but had left before the client read its 429
	violations        int // requests that left the client after it read a 429 and arrived before its Retry-After passed
	// Items (a direct request is one) that left the client after it had read its first
	// 429, and those of them answered 429: what the pacer sent once it knew of the budget.
	// The items before are the burst that taught it, as many as were in flight.
	paced, pacedHolds int
}

// share is part of whole in percent.
func share(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

// budgetFloor is the least time n requests take at b per window w: the first b go at once,
// then b per window, so the last goes (n-1)/b windows after the first.
func budgetFloor(n, b int, w time.Duration) time.Duration {
	return time.Duration((n-1)/b) * w
}

// checkBudgetBounds asserts what a client owes a request budget (issue 21): at most 5% of
// the batch items it sent answered 429, at most 5% of what it sent once it had read its
// first 429 (the burst before that is how it learns the budget), and the requests done
// within 10% of the budget's floor. Asserted only when the test runs alone
// (GRAPH_PACING_TIMING=1): under load the burst and the time say more about the machine.
func checkBudgetBounds(t *testing.T, h holdReport, took, floor time.Duration, asserted bool) {
	t.Helper()
	if !asserted {
		return
	}
	if pct := share(h.batchHolds, h.items); pct > 5 {
		t.Errorf("%d of %d batch items (%.1f%%) were answered 429, want at most 5%%", h.batchHolds, h.items, pct)
	}
	if pct := share(h.pacedHolds, h.paced); pct > 5 {
		t.Errorf("%d of the %d items sent after the first 429 was read (%.1f%%) were answered 429, want at most 5%%",
			h.pacedHolds, h.paced, pct)
	}
	if limit := floor + floor/10; took > limit {
		t.Errorf("took %v, over 10%% above the budget's floor of %v", took.Round(time.Millisecond), floor)
	}
}

// checkHolds reads every 429 in the mock's log, direct or to a batch item, as a hold from
// its answer until its Retry-After, and counts the requests that arrived during a hold. It
// fails the test when nothing (or no batch item) was throttled, and, when timingAsserted,
// when a request left the client after it had read a 429 and arrived before that 429's
// Retry-After had passed.
func checkHolds(t *testing.T, log []mockgraph.Request, wire *wireLog, timingAsserted bool) holdReport {
	t.Helper()
	var rep holdReport
	type hold struct {
		from, to time.Time // as the mock saw it: answered, and Retry-After later
		read     time.Time // when the client read the answer
		what     string
	}
	var all []hold
	wire.mu.Lock()
	defer wire.mu.Unlock()
	for _, r := range log {
		rep.sent++
		if r.Batch == nil {
			rep.direct++
		}
		add := func(ra, what string, inBody bool) {
			secs, err := strconv.Atoi(ra)
			if err != nil {
				t.Errorf("%s: Retry-After %q is not whole seconds", what, ra)
				return
			}
			// A direct 429 is read with its headers; a batch item's only with the body
			// of the batch's answer, and not before the client has read that.
			got, ok := wire.recv[attemptKey(r.Header)]
			if inBody {
				got, ok = wire.read[attemptKey(r.Header)]
			}
			if !ok {
				t.Errorf("%s: the client never read this answer", what)
			}
			all = append(all, hold{from: r.Answered, to: r.Answered.Add(time.Duration(secs) * time.Second), read: got, what: what})
		}
		if r.Status == http.StatusTooManyRequests {
			rep.holds++
			add(r.RetryAfter, r.Method+" "+r.Path, false)
		}
		for _, sub := range r.Batch {
			rep.items++
			if sub.Status == http.StatusTooManyRequests {
				rep.batchHolds++
				add(sub.RetryAfter, "batch item "+sub.Method+" "+sub.Path, true)
			}
		}
	}
	if rep.holds+rep.batchHolds == 0 {
		t.Fatal("the budget never throttled: the test proves nothing")
	}
	if rep.batchHolds == 0 {
		t.Error("no batch item was throttled: the batch path is not covered")
	}
	// A request that arrived during a hold is a fault of the client only if it left the
	// client after the client had read the 429; one already on its way is not.
	// Each request is counted once, however many holds it fell in (the items of one
	// batch answer are as many holds).
	onTheirWay, violating := map[int]bool{}, map[int]bool{}
	for _, h := range all {
		for i, r := range log {
			if !r.Time.After(h.from.Add(clockSlack)) || !r.Time.Before(h.to.Add(-clockSlack)) {
				continue
			}
			left := wire.sent[attemptKey(r.Header)]
			if left.Before(h.read) {
				onTheirWay[i] = true
				continue
			}
			if violating[i] {
				continue
			}
			violating[i] = true
			rep.violations++
			if rep.violations <= 5 && timingAsserted {
				t.Errorf("%s %s left the client %v after it had read a 429 (%s) and arrived %v after that 429, which asked for %v",
					r.Method, r.Path, left.Sub(h.read), h.what, r.Time.Sub(h.from), h.to.Sub(h.from))
			}
		}
	}
	rep.onTheirWay = len(onTheirWay)
	var firstRead time.Time
	for _, h := range all {
		if firstRead.IsZero() || (!h.read.IsZero() && h.read.Before(firstRead)) {
			firstRead = h.read
		}
	}
	for _, r := range log {
		if wire.sent[attemptKey(r.Header)].Before(firstRead) {
			continue
		}
		if r.Batch == nil {
			rep.paced++
			if r.Status == http.StatusTooManyRequests {
				rep.pacedHolds++
			}
		}
		for _, sub := range r.Batch {
			rep.paced++
			if sub.Status == http.StatusTooManyRequests {
				rep.pacedHolds++
			}
		}
	}
	// The wire sees an attempt after it passed the gate; on a loaded machine (the race
	// detector, other packages' tests alongside) it can stall long enough to arrive after a
	// later 429 was read, and the timing then says nothing. So the timing is asserted only
	// when the test runs alone (make test-pacing, which .ci/run runs).
	if rep.violations > 0 && timingAsserted {
		t.Errorf("%d requests arrived while a Retry-After was running", rep.violations)
	}
	return rep
}

// TestPacingUnderABudget runs 500 concurrent creates, then 500 concurrent (batched)
// deletes, against a mock that allows 50 requests per second. Everything succeeds, nothing
// is created twice, and no request reaches the mock while a Retry-After it gave is running.
// Run alone, the client also keeps to the budget (checkBudgetBounds): the creates' first
// burst is all 500 at once, the lesson; what follows keeps its 429s under 5%, and both
// phases end within 10% of the 19 s that 1,000 requests at 50 per second take.
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
	wire := newWireLog(t)
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

	h := checkHolds(t, s.Requests(), wire, timingAsserted)
	took, floor := createTook+deleteTook, budgetFloor(2*n, 50, time.Second)
	t.Logf("creates: %d in %v, %d answered 429; deletes: %d in %v; HTTP requests %d (%d direct, batch items %d); 429s %d direct, "+
		"%d batch items (%.1f%%); sent after the first 429 was read: %d items, %d answered 429 (%.1f%%); %v for both against a floor of %v (%.2f×); "+
		"requests that arrived during a hold but had left before the client read its 429: %d; after it: %d (asserted: %v)",
		n, createTook.Round(time.Millisecond), createThrottled, n, deleteTook.Round(time.Millisecond),
		h.sent, h.direct, h.items, h.holds, h.batchHolds, share(h.batchHolds, h.items), h.paced, h.pacedHolds, share(h.pacedHolds, h.paced),
		took.Round(time.Millisecond), floor, took.Seconds()/floor.Seconds(), h.onTheirWay, h.violations, timingAsserted)
	checkBudgetBounds(t, h, took, floor, timingAsserted)
}

// TestPacingBatchedCreatesUnderABudget sends 2,000 creates over 100 users through one
// CreateCertifications call (so in $batch, 20 items each) against a mock that allows 200
// requests per 10 s, batch items counted one by one. Every create succeeds, the mock holds
// exactly the 2,000, none twice, no request reaches the mock while a Retry-After it gave is
// running, at most 5% of the batch items are answered 429 and the creates end within 10% of
// the budget's floor of 90 s (checkBudgetBounds).
func TestPacingBatchedCreatesUnderABudget(t *testing.T) {
	// 2,000 items at 200 per 10 s take at least 90 s whatever the client does (the first
	// 200 go at once): too long for every go test run, so it runs where its timing is
	// asserted too.
	if os.Getenv("GRAPH_PACING_TIMING") != "1" {
		t.Skip("takes over 90 s by the budget's arithmetic: runs with GRAPH_PACING_TIMING=1 (make test-pacing)")
	}
	const users, n = 100, 2000
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken(token)
	userIDs := make([]string, users)
	for u := range userIDs {
		userIDs[u] = fmt.Sprintf("dddd0000-0000-4000-8000-%012d", u)
		s.AddUser(mockgraph.User{ID: userIDs[u]})
	}
	s.SetBudget(200, 10*time.Second)
	wire := newWireLog(t)
	c, err := graph.NewClient(graph.Config{Endpoint: s.URL, Token: graph.StaticToken(token), Batching: true, Transport: wire})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	reqs := make([]graph.CreateRequest, n)
	for i := range reqs {
		reqs[i] = graph.CreateRequest{UserID: userIDs[i%users], Body: body("cert " + strconv.Itoa(i))}
	}
	start := time.Now()
	results := c.CreateCertifications(ctx, reqs)
	took := time.Since(start)
	failed := 0
	for i, res := range results {
		if res.Err != nil || res.Cert == nil {
			failed++
			if failed <= 5 {
				t.Errorf("create %d (user %s): not created (lost %v): %v", i, reqs[i].UserID, res.Lost, res.Err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d creates not created", failed, n)
	}
	total, names := 0, map[string]int{}
	for _, u := range userIDs {
		for _, cert := range s.Certifications(u) {
			total++
			name, _ := cert["displayName"].(string)
			names[u+"/"+name]++
		}
	}
	for k, times := range names {
		if times > 1 {
			t.Errorf("%s created %d times", k, times)
		}
	}
	if total != n || len(names) != n {
		t.Fatalf("the mock holds %d certifications with %d distinct names, want %d of each", total, len(names), n)
	}
	throttled := s.BudgetThrottled()
	h := checkHolds(t, s.Requests(), wire, true)
	floor := budgetFloor(n, 200, 10*time.Second)
	t.Logf("batched creates: %d over %d users in %v against a floor of %v (%.2f×), %d answered 429 by the budget; HTTP requests %d (batch items %d); "+
		"429s %d direct, %d batch items (%.1f%%); sent after the first 429 was read: %d items, %d answered 429 (%.1f%%); "+
		"requests that arrived during a hold but had left before the client read its 429: %d; after it: %d (asserted: true)",
		n, users, took.Round(time.Millisecond), floor, took.Seconds()/floor.Seconds(), throttled, h.sent, h.items,
		h.holds, h.batchHolds, share(h.batchHolds, h.items), h.paced, h.pacedHolds, share(h.pacedHolds, h.paced), h.onTheirWay, h.violations)
	checkBudgetBounds(t, h, took, floor, true)
}
