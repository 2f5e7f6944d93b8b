package graph

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A 429 drawn by one request holds an unrelated request's first attempt until the
// Retry-After is up.
func TestPacerGateHoldsOtherRequests(t *testing.T) {
	p := newPacer(time.Minute)
	g := mustAcquire(t, p, 1, false)
	p.answered(nil, g, answer(http.StatusTooManyRequests, "0.3"), nil)
	start := time.Now()
	g = mustAcquire(t, p, 1, false)
	if waited := time.Since(start); waited < 290*time.Millisecond {
		t.Errorf("the next request went out after %v, before the 300ms Retry-After", waited)
	}
	p.answered(nil, g, answer(http.StatusOK, ""), nil)
}

func mustAcquire(t *testing.T, p *pacer, items int, flexible bool) *grant {
	t.Helper()
	g, err := p.acquire(context.Background(), items, flexible)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// A throttled batch item shuts the gate too.
func TestPacerBatchItemShutsTheGate(t *testing.T) {
	p := newPacer(time.Minute)
	p.throttled("0.2")
	if left := p.holdLeft(); left < 150*time.Millisecond || left > 200*time.Millisecond {
		t.Errorf("holdLeft = %v after a batch item's Retry-After of 200ms", left)
	}
	p.throttled("") // no Retry-After: nothing to hold for
	p.throttled("0.05")
	if left := p.holdLeft(); left < 150*time.Millisecond {
		t.Errorf("a shorter Retry-After shortened the hold to %v", left)
	}
}

// A gate that opens after the deadline fails the attempt at once, unsent.
func TestPacerGatePastDeadline(t *testing.T) {
	p := newPacer(time.Minute)
	p.throttled("30")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := p.acquire(ctx, 1, false)
	var te *ThrottledError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a ThrottledError", err)
	}
	if time.Since(start) > 100*time.Millisecond || ctx.Err() != nil {
		t.Errorf("returned after %v; it waited instead of failing at once", time.Since(start))
	}
	if p.win.inflight != 0 || len(p.queue) != 0 {
		t.Errorf("%d items in flight, %d waiting", p.win.inflight, len(p.queue))
	}
	// Retry-After is capped by MaxDelay like a retry's own wait.
	if left := newPacerWith(t, "3600").holdLeft(); left > time.Minute {
		t.Errorf("hold of %v, want at most MaxDelay", left)
	}
}

func newPacerWith(t *testing.T, retryAfter string) *pacer {
	t.Helper()
	p := newPacer(time.Minute)
	p.throttled(retryAfter)
	return p
}

// Nothing is limited until a 429 shuts the gate. Then the window's admitted items are the
// budget; the next window opens with the gate, with one attempt alone, then room up to the
// budget in batches as large as the room left, then rounds of 1, 2, 4, ... items, each once
// the last is all answered. A 429 in a round ends the window, whose admitted items are the
// next budget.
func TestPacerLearnsTheWindow(t *testing.T) {
	p := newPacer(time.Minute)
	var out []*grant
	for range 3 { // 60 items out at once: no limit yet
		g := mustAcquire(t, p, 20, true)
		if g.items != 20 {
			t.Fatalf("granted %d of 20 before any 429", g.items)
		}
		out = append(out, g)
	}
	p.answered(nil, out[0], answer(http.StatusOK, ""), nil)
	p.settle(out[1], 10, 10) // a batch: its last 10 items answered 429 ...
	p.throttled("0.1")       // ... with Retry-After
	p.answered(nil, out[2], answer(http.StatusTooManyRequests, "0.1"), nil)
	start := time.Now()
	probe := mustAcquire(t, p, 20, true)
	if waited := time.Since(start); waited < 90*time.Millisecond {
		t.Errorf("the next window opened after %v, inside the Retry-After", waited)
	}
	if probe.items != 1 || p.budget != 30 {
		t.Fatalf("the window opened with %d items and a budget of %d, want 1 alone and the 30 admitted", probe.items, p.budget)
	}
	next := make(chan *grant)
	go func() { next <- mustAcquire(t, p, 20, true) }()
	select {
	case g := <-next:
		t.Fatalf("%d items went out beside the window's first attempt", g.items)
	case <-time.After(50 * time.Millisecond):
	}
	p.settle(probe, 1, 0)
	bulk := []*grant{<-next, mustAcquire(t, p, 20, true)}
	if bulk[0].items != 20 || bulk[1].items != 9 {
		t.Errorf("granted %d, then %d with the rest of the budget of 30; want 20, then 9", bulk[0].items, bulk[1].items)
	}
	// Past the budget: nothing until the budget's items are answered, then rounds of 1, 2,
	// 4, ... items, at most a batch.
	go func() { next <- mustAcquire(t, p, 20, true) }()
	select {
	case g := <-next:
		t.Fatalf("%d items went past the budget with its items still out", g.items)
	case <-time.After(50 * time.Millisecond):
	}
	for _, g := range bulk {
		p.answered(nil, g, answer(http.StatusOK, ""), nil)
	}
	for _, want := range []int{1, 2, 4, 8, 16, 20} {
		g := <-next
		if g.items != want {
			t.Fatalf("a round past the budget carried %d items, want %d", g.items, want)
		}
		go func() { next <- mustAcquire(t, p, 20, true) }()
		select {
		case g := <-next:
			t.Fatalf("%d more items went before the round of %d was answered", g.items, want)
		case <-time.After(30 * time.Millisecond):
		}
		p.settle(g, want, 0)
	}
	// The next round, of 20 again, meets the 429 that ends the window: 30 + 51 + 3 admitted.
	g := <-next
	if g.items != 20 {
		t.Fatalf("a round after one of 20 carried %d items, want 20", g.items)
	}
	p.throttled("0.05")
	p.settle(g, 3, 17)
	if g := mustAcquire(t, p, 20, true); g.items != 1 || p.budget != 84 {
		t.Errorf("the next window opened with %d items and a budget of %d, want 1 and 84", g.items, p.budget)
	}
}

// A 429 without a wait (Retry-After 0) says nothing about a window: no limit follows.
func TestPacerRetryAfterZeroLearnsNothing(t *testing.T) {
	p := newPacer(time.Minute)
	g := mustAcquire(t, p, 20, true)
	p.answered(nil, g, answer(http.StatusTooManyRequests, "0"), nil)
	for range 5 {
		if g := mustAcquire(t, p, 20, true); g.items != 20 {
			t.Fatalf("granted %d of 20 after a 429 with Retry-After 0", g.items)
		}
	}
	if p.budget != 0 {
		t.Errorf("budget %d, want none", p.budget)
	}
}

// An attempt that cannot shrink (a direct request, a batch being repeated) waits for room
// for all its items, or goes alone once nothing else of the window is out.
func TestPacerAttemptThatCannotShrink(t *testing.T) {
	p := newPacer(time.Minute)
	p.budget = 10
	p.win = paceWindow{epoch: 1, probe: 1, sent: 5, admitted: 5, inflight: 1}
	got := make(chan *grant)
	go func() { got <- mustAcquire(t, p, 20, false) }()
	select {
	case g := <-got:
		t.Fatalf("a batch of %d went with 5 left of the budget and an item out", g.items)
	case <-time.After(50 * time.Millisecond):
	}
	p.mu.Lock()
	p.win.inflight = 0 // the item out is answered
	p.signalLocked()
	p.mu.Unlock()
	select {
	case g := <-got:
		if g.items != 20 {
			t.Errorf("granted %d, want the batch's 20", g.items)
		}
	case <-time.After(time.Second):
		t.Fatal("a batch larger than the room never went, alone")
	}
}

// An attempt waiting for room leaves when its context ends, and takes no room with it.
func TestPacerQueueCancel(t *testing.T) {
	p := newPacer(time.Minute)
	p.budget = 1
	p.win = paceWindow{epoch: 1, probe: 1}
	first := mustAcquire(t, p, 1, false) // the window's first attempt goes alone
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := p.acquire(ctx, 1, false); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	p.answered(nil, first, answer(http.StatusOK, ""), nil)
	if p.win.inflight != 0 || p.win.sent != 1 || len(p.queue) != 0 {
		t.Errorf("inflight %d, sent %d, queue %d after everyone left", p.win.inflight, p.win.sent, len(p.queue))
	}
}

// An attempt granted room in a window that a 429 ends before it reaches the wire does
// not go with the spent window's room: it waits for the gate, then goes as the next
// window's first attempt.
func TestGateTransportRegrantsAStaleAttempt(t *testing.T) {
	p := newPacer(time.Minute)
	p.budget = 10
	p.win = paceWindow{epoch: 1, probe: 1, sent: 2, admitted: 1, inflight: 1}
	late := mustAcquire(t, p, 5, false)
	p.throttled("0.2")
	p.mu.Lock()
	p.win.ended = true // the item out was answered 429
	p.mu.Unlock()
	var sentAt time.Time
	tr := &gateTransport{p: p, base: roundTripFunc(func(*http.Request) (*http.Response, error) {
		sentAt = time.Now()
		return answer(http.StatusOK, ""), nil
	})}
	req, err := http.NewRequestWithContext(withGrant(context.Background(), late), http.MethodGet, "https://graph.example/beta/me/profile/certifications", nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	drain(resp)
	if sentAt.Sub(start) < 190*time.Millisecond {
		t.Errorf("sent after %v, inside the 200ms Retry-After", sentAt.Sub(start))
	}
	if late.epoch != 2 || !late.settled || p.win.admitted != 5 || p.win.inflight != 0 || p.budget != 1 {
		t.Errorf("grant %+v, window %+v, budget %d; want it sent alone in window 2, its 5 items admitted, the budget the 1 admitted before",
			*late, p.win, p.budget)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The retry handler passes every attempt through the pacer: a 429 another request drew
// holds this request's first attempt, and a hold past the deadline is a ThrottledError
// without any attempt.
func TestIntercept_sharedGate(t *testing.T) {
	pace := newPacer(time.Minute)
	h := newRetryHandler(RetryPolicy{})
	h.pace = pace
	p := &fakePipeline{respond: func(int, *http.Request) (*http.Response, error) {
		return answer(http.StatusOK, ""), nil
	}}
	pace.throttled("0.3")
	start := time.Now()
	if _, err := h.Intercept(p, 0, newPost(t, context.Background(), "{}")); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 290*time.Millisecond {
		t.Errorf("sent after %v, inside another request's 300ms Retry-After", waited)
	}

	pace.throttled("30")
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := h.Intercept(p, 0, newPost(t, ctx, "{}"))
	var te *ThrottledError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a ThrottledError", err)
	}
	if p.calls() != 1 {
		t.Errorf("%d attempts, want only the first request's", p.calls())
	}
	// Built into the provider's error, it reads as throttling.
	ge := newError("create", &exchange{}, err)
	if ge.Status != http.StatusTooManyRequests || ge.Code != "TooManyRequests" {
		t.Errorf("error = %+v, want a 429 TooManyRequests", ge)
	}
}

// A $batch answered 200 whose item was throttled shuts the gate before its room goes to
// the next caller: a caller waiting for the batch's answer (it is its window's first
// attempt) goes out only after the item's Retry-After, and the batch's caller still reads
// the whole answer.
func TestIntercept_batchItemShutsTheGateBeforeTheRoomIsFreed(t *testing.T) {
	pace := newPacer(time.Minute)
	pace.budget = 5 // as after an earlier 429: the window's first attempt goes alone
	pace.win = paceWindow{epoch: 1, probe: 1}
	h := newRetryHandler(RetryPolicy{})
	h.pace = pace
	const batchAnswer = `{"responses":[{"id":"1","status":201,"body":{"id":"x"}},` +
		`{"id":"2","status":429,"headers":{"Retry-After":"0.3"},"body":{"error":{"code":"TooManyRequests","message":""}}}]}`
	waiterOut := make(chan time.Time, 1)
	p := &fakePipeline{respond: func(int, *http.Request) (*http.Response, error) {
		// The batch is the window's first attempt: this caller queues for its answer.
		go func() {
			g, err := pace.acquire(context.Background(), 1, false)
			if err != nil {
				t.Error(err)
			}
			waiterOut <- time.Now()
			pace.answered(nil, g, answer(http.StatusOK, ""), nil)
		}()
		for deadline := time.Now().Add(time.Second); ; time.Sleep(time.Millisecond) {
			pace.mu.Lock()
			queued := len(pace.queue)
			pace.mu.Unlock()
			if queued == 1 || time.Now().After(deadline) {
				break
			}
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(batchAnswer))}, nil
	}}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "https://graph.example/beta/$batch", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := h.Intercept(p, 0, req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	if err != nil || string(got) != batchAnswer {
		t.Errorf("the caller read %q (err %v), want the batch answer unchanged", got, err)
	}
	if waited := (<-waiterOut).Sub(start); waited < 290*time.Millisecond {
		t.Errorf("the caller waiting for the batch's slot went out after %v, inside its item's 300ms Retry-After", waited)
	}
}

// A batch answer whose body fails to read hands the same error on to its caller.
func TestPacerBatchItemsKeepsAReadError(t *testing.T) {
	p := newPacer(time.Minute)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "https://graph.example/beta/$batch", nil)
	if err != nil {
		t.Fatal(err)
	}
	broken := errors.New("connection reset")
	resp := &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"respon`), errorReader{broken}))}
	p.answered(req, nil, resp, nil)
	got, err := io.ReadAll(resp.Body)
	if string(got) != `{"respon` || !errors.Is(err, broken) {
		t.Errorf("read %q, %v; want the partial body and the read error", got, err)
	}
	if left := p.holdLeft(); left != 0 {
		t.Errorf("an unreadable answer shut the gate for %v", left)
	}
}
