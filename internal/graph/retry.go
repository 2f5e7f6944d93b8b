package graph

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	khttp "github.com/microsoft/kiota-http-go"

	"github.com/graphprofile/terraform-provider-graph/internal/wait"
)

// NoRetries as RetryPolicy.MaxRetries turns retries off.
const NoRetries = -1

// RetryPolicy bounds retries of throttled answers (429), and of unavailable ones (503, 504)
// and lost answers for requests that may be repeated (retryable).
type RetryPolicy struct {
	// MaxRetries is the most retries after the first attempt. 0 takes the default (8);
	// NoRetries turns them off.
	MaxRetries int
	// MaxDelay caps one wait, whether from Retry-After or from backoff. Default 60s.
	MaxDelay time.Duration
	// BaseDelay is the first backoff step when Graph sends no Retry-After. Default 1s.
	BaseDelay time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	switch {
	case p.MaxRetries == 0:
		p.MaxRetries = 8
	case p.MaxRetries < 0:
		p.MaxRetries = 0
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 60 * time.Second
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = time.Second
	}
	return p
}

// retryHandler replaces kiota's RetryHandler: it knows the operation's deadline (the
// request context), never sleeps past it, and replays the exact bytes of the first
// attempt's body, so the order of the handlers around it cannot corrupt a retry.
//
// It is also where every attempt passes the client's pacer (pace.go): a 429 anywhere holds
// all attempts, not only the retry of the request that drew it, and once Graph has
// throttled the client an attempt waits for room in the pacer's window.
type retryHandler struct {
	policy RetryPolicy
	now    func() time.Time
	pace   *pacer // nil: no pacing
}

func newRetryHandler(p RetryPolicy) *retryHandler {
	return &retryHandler{policy: p.withDefaults(), now: time.Now}
}

// retryable decides whether an attempt's outcome is retried. Only a 429 says that Graph did
// not act (it throttles before doing anything), so it is retried for every request. A 503, a
// 504 or no answer at all may follow a write Graph already applied: only idempotent requests
// are retried then (see idempotent). A POST's lost answer is settled by its caller, which
// looks for the object before posting again. 500 and 502 are not retried at all.
func retryable(idempotent bool, status int, err error) bool {
	if err != nil {
		return idempotent
	}
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent
	}
	return false
}

type idempotentKey struct{}

// withIdempotent marks the requests sent with ctx as safe to repeat even when their method
// is POST: a $batch of GETs and DELETEs.
func withIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// idempotent reports whether req may be sent again after an answer that leaves its outcome
// open: every GET, PATCH (the same values again) and DELETE, and a POST marked by
// withIdempotent. A POST that creates is never repeated on such an answer.
func idempotent(req *http.Request) bool {
	if req.Method != http.MethodPost {
		return true
	}
	marked, _ := req.Context().Value(idempotentKey{}).(bool)
	return marked
}

func (h *retryHandler) Intercept(pipeline khttp.Pipeline, idx int, req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	ctx := req.Context()
	// A batch sized by its room comes with its grant for the first attempt; a repeat of it
	// waits for room for as many items.
	g := grantOf(ctx)
	if h.pace.isSettled(g) {
		g = nil
	}
	items := 1
	if g != nil {
		items = g.items
	}
	for attempt := 0; ; attempt++ {
		if attempt > 0 || g == nil {
			var err error
			if g, err = h.pace.acquire(ctx, items, false); err != nil {
				// Not sent: the context ended, or the gate opens after its deadline.
				return nil, err
			}
		}
		r := req.Clone(withGrant(ctx, g))
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		if attempt > 0 {
			r.Header.Set("Retry-Attempt", strconv.Itoa(attempt))
		}
		resp, err := pipeline.Next(r, idx)
		h.pace.answered(r, g, resp, err) // settled at the wire already, unless no gateTransport
		status := 0
		if err == nil {
			status = resp.StatusCode
		}
		if ctx.Err() != nil {
			drain(resp)
			return nil, ctx.Err()
		}
		if !retryable(idempotent(req), status, err) || attempt >= h.policy.MaxRetries {
			return resp, err
		}
		retryAfter := ""
		if resp != nil {
			retryAfter = resp.Header.Get("Retry-After")
		}
		// Another request's 429 may hold the gate longer than this answer asks.
		delay := max(h.delay(retryAfter, attempt), h.pace.holdLeft())
		if dl, ok := ctx.Deadline(); ok && h.now().Add(delay).After(dl) {
			// Waiting would outlive the operation's timeout: hand back what we have now.
			return resp, err
		}
		fields := map[string]interface{}{"method": req.Method, "attempt": attempt + 1, "wait": delay.String()}
		if err != nil {
			fields["error"] = err.Error()
		} else {
			fields["status"] = status
		}
		tflog.Debug(ctx, "graph: retrying request", fields)
		drain(resp)
		if !wait.For(ctx, delay) {
			return nil, ctx.Err()
		}
	}
}

// delay honours Retry-After in both of its forms (seconds, HTTP date); without it,
// exponential backoff with full jitter. Always capped by MaxDelay.
func (h *retryHandler) delay(retryAfter string, attempt int) time.Duration {
	if d, ok := retryAfterDelay(retryAfter, h.now(), h.policy.MaxDelay); ok {
		return d
	}
	return min(h.backoff(attempt), h.policy.MaxDelay)
}

func (h *retryHandler) backoff(attempt int) time.Duration {
	ceiling := h.policy.BaseDelay << min(attempt, 16)
	ceiling = min(ceiling, h.policy.MaxDelay)
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}

func drain(resp *http.Response) {
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
	}
}

var _ khttp.Middleware = (*retryHandler)(nil)
