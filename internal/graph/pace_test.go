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
	if err := p.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.done(answer(http.StatusTooManyRequests, "0.3"))
	start := time.Now()
	if err := p.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 290*time.Millisecond {
		t.Errorf("the next request went out after %v, before the 300ms Retry-After", waited)
	}
	p.done(answer(http.StatusOK, ""))
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
	err := p.acquire(ctx)
	var te *ThrottledError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a ThrottledError", err)
	}
	if time.Since(start) > 100*time.Millisecond || ctx.Err() != nil {
		t.Errorf("returned after %v; it waited instead of failing at once", time.Since(start))
	}
	if p.inflight != 0 {
		t.Errorf("%d slots still held", p.inflight)
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

// The first 429 of an episode halves the attempts in flight; answers raise the limit
// again, and callers beyond it wait in order.
func TestPacerLowersConcurrency(t *testing.T) {
	p := newPacer(time.Minute)
	ctx := context.Background()
	for range 8 {
		if err := p.acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	p.done(answer(http.StatusTooManyRequests, "0")) // 8 in flight: limit 4
	p.done(answer(http.StatusTooManyRequests, "0")) // the gate was never shut: a new episode, limit 2
	if p.limit != 2 {
		t.Fatalf("limit = %v, want 2", p.limit)
	}
	// 6 still in flight: a new caller waits for the limit.
	got := make(chan int, 2)
	for i := range 2 {
		go func() {
			if p.acquire(ctx) == nil {
				got <- i
			}
		}()
		time.Sleep(20 * time.Millisecond) // queue them in order
	}
	for range 3 { // 3 in flight, the limit rises to 3.24: still full
		p.done(answer(http.StatusOK, ""))
	}
	select {
	case i := <-got:
		t.Fatalf("caller %d went with %d in flight and a limit of %v", i, p.inflight, p.limit)
	case <-time.After(50 * time.Millisecond):
	}
	for want := range 2 { // each answer frees one slot: the callers go in order
		p.done(answer(http.StatusOK, ""))
		select {
		case i := <-got:
			if i != want {
				t.Errorf("caller %d went before caller %d", i, want)
			}
		case <-time.After(time.Second):
			t.Fatal("a waiting caller never got a slot")
		}
	}
	for p.inflight > 0 { // the last of the eight and both callers answer
		p.done(answer(http.StatusOK, ""))
	}
	// Enough answers lift the limit.
	for range maxPaceLimit * maxPaceLimit {
		if err := p.acquire(ctx); err != nil {
			t.Fatal(err)
		}
		p.done(answer(http.StatusOK, ""))
	}
	if p.limit != 0 {
		t.Errorf("limit = %v after many answers, want lifted", p.limit)
	}
}

// A caller waiting for a slot leaves when its context ends, and takes no slot with it.
func TestPacerQueueCancel(t *testing.T) {
	p := newPacer(time.Minute)
	p.limit = 1
	if err := p.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	p.done(answer(http.StatusOK, ""))
	if p.inflight != 0 || len(p.queue) != 0 {
		t.Errorf("inflight %d, queue %d after everyone left", p.inflight, len(p.queue))
	}
}

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

// A $batch answered 200 whose item was throttled shuts the gate before its slot goes to
// the next caller: a caller waiting for that slot goes out only after the item's
// Retry-After, and the batch's caller still reads the whole answer.
func TestIntercept_batchItemShutsTheGateBeforeTheSlotIsFreed(t *testing.T) {
	pace := newPacer(time.Minute)
	pace.limit = 1 // as after an earlier 429: one attempt in flight
	h := newRetryHandler(RetryPolicy{})
	h.pace = pace
	const batchAnswer = `{"responses":[{"id":"1","status":201,"body":{"id":"x"}},` +
		`{"id":"2","status":429,"headers":{"Retry-After":"0.3"},"body":{"error":{"code":"TooManyRequests","message":""}}}]}`
	waiterOut := make(chan time.Time, 1)
	p := &fakePipeline{respond: func(int, *http.Request) (*http.Response, error) {
		// The batch holds the only slot: this caller queues for it.
		go func() {
			if err := pace.acquire(context.Background()); err != nil {
				t.Error(err)
			}
			waiterOut <- time.Now()
			pace.done(answer(http.StatusOK, ""))
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
	p.batchItems(req, resp)
	got, err := io.ReadAll(resp.Body)
	if string(got) != `{"respon` || !errors.Is(err, broken) {
		t.Errorf("read %q, %v; want the partial body and the read error", got, err)
	}
	if left := p.holdLeft(); left != 0 {
		t.Errorf("an unreadable answer shut the gate for %v", left)
	}
}
