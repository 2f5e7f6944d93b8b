package graph

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/wait"
)

var fixedNow = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

func handlerAt(p RetryPolicy, now time.Time) *retryHandler {
	h := newRetryHandler(p)
	h.now = func() time.Time { return now }
	return h
}

func TestRetryPolicyDefaults(t *testing.T) {
	got := RetryPolicy{}.withDefaults()
	want := RetryPolicy{MaxRetries: 8, MaxDelay: 60 * time.Second, BaseDelay: time.Second}
	if got != want {
		t.Errorf("defaults = %+v, want %+v", got, want)
	}
	custom := RetryPolicy{MaxRetries: 2, MaxDelay: time.Second, BaseDelay: time.Millisecond}
	if got := custom.withDefaults(); got != custom {
		t.Errorf("set values were changed: %+v", got)
	}
}

func TestRetryable(t *testing.T) {
	reset := errors.New("connection reset by peer")
	tests := []struct {
		idempotent bool // GET, PATCH, DELETE, a $batch of GETs and DELETEs; not a create's POST
		status     int
		err        error
		want       bool
	}{
		// Only a 429 says Graph did not act: retried for every request.
		{true, 429, nil, true}, {false, 429, nil, true},
		// A 503, a 504 or a lost answer may follow an applied write: never re-POST blindly.
		{true, 503, nil, true}, {false, 503, nil, false},
		{true, 504, nil, true}, {false, 504, nil, false},
		{true, 0, reset, true}, {false, 0, reset, false},
		{true, 200, nil, false}, {false, 400, nil, false}, {true, 401, nil, false}, {true, 403, nil, false},
		{true, 404, nil, false}, {false, 409, nil, false}, {true, 500, nil, false}, {true, 502, nil, false},
		{false, 500, nil, false}, {false, 502, nil, false},
	}
	for _, tt := range tests {
		if got := retryable(tt.idempotent, tt.status, tt.err); got != tt.want {
			t.Errorf("retryable(%v, %d, %v) = %v, want %v", tt.idempotent, tt.status, tt.err, got, tt.want)
		}
	}
	ctx := context.Background()
	get, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://graph.example/beta/me", nil)
	patch, _ := http.NewRequestWithContext(ctx, http.MethodPatch, "https://graph.example/beta/me", nil)
	post, _ := http.NewRequestWithContext(ctx, http.MethodPost, "https://graph.example/beta/me/profile/certifications", nil)
	batch := post.WithContext(withIdempotent(ctx))
	for _, tc := range []struct {
		req  *http.Request
		want bool
	}{{get, true}, {patch, true}, {post, false}, {batch, true}} {
		if got := idempotent(tc.req); got != tc.want {
			t.Errorf("idempotent(%s, marked %v) = %v, want %v", tc.req.Method, tc.req.Context().Value(idempotentKey{}), got, tc.want)
		}
	}
}

func TestDelay_retryAfter(t *testing.T) {
	p := RetryPolicy{MaxDelay: 60 * time.Second, BaseDelay: time.Second}
	tests := []struct {
		name       string
		retryAfter string
		want       time.Duration
	}{
		{"seconds", "2", 2 * time.Second},
		{"zero", "0", 0},
		{"padded", " 7 ", 7 * time.Second},
		{"fraction", "1.5", 1500 * time.Millisecond},
		{"capped by MaxDelay", "120", 60 * time.Second},
		{"exactly MaxDelay", "60", 60 * time.Second},
		{"huge is capped, not overflowed", "99999999999999", 60 * time.Second},
		{"infinite is capped", "Inf", 60 * time.Second},
		{"HTTP date", fixedNow.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second},
		{"HTTP date far ahead is capped", fixedNow.Add(time.Hour).Format(http.TimeFormat), 60 * time.Second},
		{"HTTP date in the past", fixedNow.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"RFC 850 date", fixedNow.Add(3 * time.Second).Format("Monday, 02-Jan-06 15:04:05 GMT"), 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := handlerAt(p, fixedNow)
			for attempt := range 4 { // Retry-After wins over backoff at every attempt
				if got := h.delay(tt.retryAfter, attempt); got != tt.want {
					t.Fatalf("delay(%q, %d) = %v, want %v", tt.retryAfter, attempt, got, tt.want)
				}
			}
		})
	}
}

func TestDelay_backoffWithoutUsableRetryAfter(t *testing.T) {
	p := RetryPolicy{MaxDelay: 10 * time.Second, BaseDelay: 100 * time.Millisecond}
	h := handlerAt(p, fixedNow)
	for _, ra := range []string{"", "soon", "-1", "NaN", "Thu, 99 Foo 2024"} {
		for attempt, ceiling := range []time.Duration{
			100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond,
			1600 * time.Millisecond, 3200 * time.Millisecond, 6400 * time.Millisecond,
			10 * time.Second, 10 * time.Second, // capped by MaxDelay from here on
		} {
			for range 50 {
				d := h.delay(ra, attempt)
				if d <= 0 || d > ceiling {
					t.Fatalf("delay(%q, %d) = %v, want within (0, %v]", ra, attempt, d, ceiling)
				}
			}
		}
	}
	// Far beyond the shift limit the ceiling stays MaxDelay, never overflows.
	if d := h.delay("", 1000); d <= 0 || d > p.MaxDelay {
		t.Errorf("delay at attempt 1000 = %v", d)
	}
}

// TestDelay_backoffGrows: the ceiling doubles per attempt, so later attempts draw from a
// wider range. With full jitter one draw proves nothing; the largest of many draws does.
// The chance that 200 draws from (0, 800ms] all stay under 100ms is 8^-200.
func TestDelay_backoffGrows(t *testing.T) {
	h := handlerAt(RetryPolicy{MaxDelay: time.Minute, BaseDelay: 100 * time.Millisecond}, fixedNow)
	largest := func(attempt int) time.Duration {
		var m time.Duration
		for range 200 {
			m = max(m, h.delay("", attempt))
		}
		return m
	}
	first, fourth := largest(0), largest(3)
	if first > 100*time.Millisecond {
		t.Fatalf("first attempt waited %v, above its 100ms ceiling", first)
	}
	if fourth <= 100*time.Millisecond {
		t.Errorf("fourth attempt never waited longer than the first attempt's ceiling (max %v)", fourth)
	}
}

// fakePipeline answers each attempt with respond(n), n counting from 0, and records what
// it received.
type fakePipeline struct {
	mu      sync.Mutex
	reqs    []*http.Request
	bodies  []string
	respond func(n int, req *http.Request) (*http.Response, error)
}

func (p *fakePipeline) Next(req *http.Request, _ int) (*http.Response, error) {
	p.mu.Lock()
	n := len(p.reqs)
	var body string
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
	}
	p.reqs = append(p.reqs, req)
	p.bodies = append(p.bodies, body)
	p.mu.Unlock()
	return p.respond(n, req)
}

func (p *fakePipeline) calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.reqs)
}

func answer(status int, retryAfter string) *http.Response {
	h := http.Header{}
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(`{"error":{"code":"x","message":""}}`))}
}

func newPost(t *testing.T, ctx context.Context, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://graph.example/beta/me/profile/certifications", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Encoding", "gzip")
	return req
}

func TestIntercept_retriesReplayTheSameBody(t *testing.T) {
	const body = "\x1f\x8b compressed bytes stand-in"
	p := &fakePipeline{respond: func(n int, _ *http.Request) (*http.Response, error) {
		if n < 3 {
			return answer(http.StatusTooManyRequests, "0"), nil
		}
		return answer(http.StatusCreated, ""), nil
	}}
	h := newRetryHandler(RetryPolicy{})
	req := newPost(t, context.Background(), body)
	resp, err := h.Intercept(p, 0, req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("Intercept = %v, %v; want 201", resp, err)
	}
	if p.calls() != 4 {
		t.Fatalf("%d attempts, want 4", p.calls())
	}
	for i, r := range p.reqs {
		if p.bodies[i] != body {
			t.Errorf("attempt %d body = %q, want the original bytes", i, p.bodies[i])
		}
		if r.ContentLength != int64(len(body)) {
			t.Errorf("attempt %d ContentLength = %d", i, r.ContentLength)
		}
		if r.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("attempt %d lost Content-Encoding", i)
		}
		want := ""
		if i > 0 {
			want = strconv.Itoa(i)
		}
		if got := r.Header.Get("Retry-Attempt"); got != want {
			t.Errorf("attempt %d Retry-Attempt = %q, want %q", i, got, want)
		}
		if r.GetBody != nil {
			rc, _ := r.GetBody()
			b, _ := io.ReadAll(rc)
			if string(b) != body {
				t.Errorf("attempt %d GetBody = %q", i, b)
			}
		}
	}
	if req.Header.Get("Retry-Attempt") != "" {
		t.Error("the caller's request headers were changed")
	}
}

func TestIntercept_stopsAfterMaxRetries(t *testing.T) {
	p := &fakePipeline{respond: func(int, *http.Request) (*http.Response, error) {
		return answer(http.StatusTooManyRequests, "0"), nil
	}}
	h := newRetryHandler(RetryPolicy{MaxRetries: 2})
	resp, err := h.Intercept(p, 0, newPost(t, context.Background(), "{}"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("status = %d, want the last 429", resp.StatusCode)
	}
	if p.calls() != 3 {
		t.Errorf("%d attempts, want 1 + MaxRetries = 3", p.calls())
	}
	if b, _ := io.ReadAll(resp.Body); !strings.Contains(string(b), `"error"`) {
		t.Errorf("the final answer's body was not handed back: %q", b)
	}
}

func TestIntercept_noRetry(t *testing.T) {
	transportErr := errors.New("connection reset")
	tests := []struct {
		name    string
		resp    *http.Response
		err     error
		wantErr error
	}{
		{"success", answer(http.StatusOK, ""), nil, nil},
		{"400", answer(http.StatusBadRequest, ""), nil, nil},
		{"500 even with Retry-After", answer(http.StatusInternalServerError, "0"), nil, nil},
		// A create's POST answered 503 or 504 may have been applied: never sent again here.
		{"503 to a POST", answer(http.StatusServiceUnavailable, "0"), nil, nil},
		{"504 to a POST", answer(http.StatusGatewayTimeout, "0"), nil, nil},
		{"transport error", nil, transportErr, transportErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fakePipeline{respond: func(int, *http.Request) (*http.Response, error) { return tt.resp, tt.err }}
			resp, err := newRetryHandler(RetryPolicy{}).Intercept(p, 0, newPost(t, context.Background(), "{}"))
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if resp != tt.resp {
				t.Errorf("resp = %v, want the pipeline's own", resp)
			}
			if p.calls() != 1 {
				t.Errorf("%d attempts, want 1", p.calls())
			}
		})
	}
}

// A POST marked idempotent (a $batch of GETs and DELETEs) is retried on a 503 as a GET is.
func TestIntercept_idempotentPostRetried(t *testing.T) {
	p := &fakePipeline{respond: func(n int, _ *http.Request) (*http.Response, error) {
		if n == 0 {
			return answer(http.StatusServiceUnavailable, "0"), nil
		}
		return answer(http.StatusOK, ""), nil
	}}
	resp, err := newRetryHandler(RetryPolicy{}).Intercept(p, 0, newPost(t, withIdempotent(context.Background()), "{}"))
	if err != nil || resp.StatusCode != http.StatusOK || p.calls() != 2 {
		t.Errorf("Intercept = %v, %v after %d attempts; want 200 after 2", resp, err, p.calls())
	}
}

func TestIntercept_requestWithoutBody(t *testing.T) {
	p := &fakePipeline{respond: func(n int, _ *http.Request) (*http.Response, error) {
		if n == 0 {
			return answer(http.StatusGatewayTimeout, "0"), nil
		}
		return answer(http.StatusNoContent, ""), nil
	}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodDelete, "https://graph.example/beta/me/profile/certifications/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := newRetryHandler(RetryPolicy{}).Intercept(p, 0, req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("Intercept = %v, %v", resp, err)
	}
	if p.calls() != 2 || p.reqs[1].Body != nil && p.reqs[1].Body != http.NoBody {
		t.Errorf("calls = %d, retried body = %v", p.calls(), p.reqs[1].Body)
	}
}

// TestIntercept_deadlineShorterThanRetryAfter: waiting would outlive the operation, so
// Graph's answer comes back at once instead of after a sleep the caller cannot afford.
func TestIntercept_deadlineShorterThanRetryAfter(t *testing.T) {
	const retryAfter = 30 * time.Second
	p := &fakePipeline{respond: func(int, *http.Request) (*http.Response, error) {
		return answer(http.StatusTooManyRequests, "30"), nil
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	resp, err := newRetryHandler(RetryPolicy{}).Intercept(p, 0, newPost(t, ctx, "{}"))
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("err = %v, want Graph's answer", err)
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("status = %d, want 429", resp.StatusCode)
	}
	if p.calls() != 1 {
		t.Errorf("%d attempts, want 1", p.calls())
	}
	if elapsed >= retryAfter {
		t.Errorf("returned after %v, not before the %v Retry-After", elapsed, retryAfter)
	}
	if ctx.Err() != nil {
		t.Errorf("the handler waited until the deadline passed (%v)", elapsed)
	}
}

// TestIntercept_cancelDuringWait: a cancelled operation ends the wait with the context's
// error and no further attempt.
func TestIntercept_cancelDuringWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &fakePipeline{respond: func(int, *http.Request) (*http.Response, error) {
		cancel() // the caller gives up while Graph asks for a long wait
		return answer(http.StatusServiceUnavailable, "30"), nil
	}}
	resp, err := newRetryHandler(RetryPolicy{}).Intercept(p, 0, newPost(t, ctx, "{}"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if resp != nil {
		t.Errorf("resp = %v, want nil", resp)
	}
	if p.calls() != 1 {
		t.Errorf("%d attempts, want 1", p.calls())
	}
}

func TestSleep(t *testing.T) {
	if !wait.For(context.Background(), 0) {
		t.Error("a zero wait did not complete")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if wait.For(ctx, time.Hour) {
		t.Error("a cancelled context let an hour's wait complete")
	}
}
