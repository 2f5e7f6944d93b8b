package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/wait"
)

// pacer is shared by every request of one Client. Graph keeps one request budget per app
// and tenant, and sending more while throttled extends the throttling, so a 429 is about
// the client, not about the one request that drew it:
//
//   - Gate: a 429 with Retry-After, answered directly or to one item of a batch, holds
//     every further attempt (every goroutine, batches included) until that time is up.
//     An attempt whose context ends before the gate opens is not sent (ThrottledError).
//   - Concurrency: the first 429 of an episode (one that finds the gate open) halves the
//     attempts allowed in flight, from at most maxPaceLimit; every answer that is not a
//     429 raises the limit by 1/limit, and it is lifted once back at maxPaceLimit.
//     Without it, every caller held at the gate goes out together when it opens and all
//     but the budget's remainder are throttled again, until their retries run out.
//     Waiting callers get slots in arrival order.
//
// Until the first 429 nothing is limited. A batch holds one slot, however many items it
// carries. 503 is not a throttling answer and leaves the pacer alone.
type pacer struct {
	maxDelay time.Duration // caps a Retry-After, as for the retry of one request
	now      func() time.Time

	// reading is held while a batch answer's body is read for its items' 429s
	// (gateTransport): attempts wait for it at the wire.
	reading sync.RWMutex

	mu       sync.Mutex
	until    time.Time       // no attempt goes out before this
	limit    float64         // attempts allowed in flight; 0 = no limit
	inflight int             // attempts holding a slot
	queue    []chan struct{} // callers waiting for a slot, first come first served
}

// maxPaceLimit is where a lowered limit starts from and where it is lifted; Terraform
// runs 10 operations at a time by default, so a limit this high never binds it.
const maxPaceLimit = 64

func newPacer(maxDelay time.Duration) *pacer {
	return &pacer{maxDelay: maxDelay, now: time.Now}
}

// ThrottledError is an attempt that was not sent: Graph throttled the client and asked it
// to wait until a time past the operation's deadline.
type ThrottledError struct {
	Until time.Time
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("Graph throttled this client and asked it to send nothing before %s, which is past this operation's deadline; the request was not sent",
		e.Until.UTC().Format(time.RFC3339))
}

// acquire takes a slot, then waits for the gate. The slot is held while the gate is shut:
// nobody may send then anyway, and when it opens only the slot holders go.
func (p *pacer) acquire(ctx context.Context) error {
	if p == nil {
		return nil
	}
	if err := p.beyondDeadline(ctx); err != nil { // fail now rather than queue for nothing
		return err
	}
	if err := p.slot(ctx); err != nil {
		return err
	}
	for {
		p.mu.Lock()
		delay := p.until.Sub(p.now())
		p.mu.Unlock()
		if delay <= 0 {
			return nil
		}
		if err := p.beyondDeadline(ctx); err != nil {
			p.release(false)
			return err
		}
		if !wait.For(ctx, delay) {
			p.release(false)
			return ctx.Err()
		}
	}
}

// beyondDeadline is the ThrottledError when the gate opens after ctx's deadline.
func (p *pacer) beyondDeadline(ctx context.Context) error {
	dl, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	p.mu.Lock()
	until := p.until
	p.mu.Unlock()
	if until.After(dl) {
		return &ThrottledError{Until: until}
	}
	return nil
}

func (p *pacer) slot(ctx context.Context) error {
	p.mu.Lock()
	if len(p.queue) == 0 && p.free() {
		p.inflight++
		p.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	p.queue = append(p.queue, ch)
	p.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		for i, q := range p.queue {
			if q == ch {
				p.queue = append(p.queue[:i], p.queue[i+1:]...)
				p.mu.Unlock()
				return ctx.Err()
			}
		}
		p.mu.Unlock()
		// Granted as the context ended: hand the slot on.
		p.release(false)
		return ctx.Err()
	}
}

// free reports whether one more attempt may go; p.mu is held.
func (p *pacer) free() bool {
	return p.limit == 0 || p.inflight < max(int(p.limit), 1)
}

// done ends an attempt that held a slot, with its answer (nil when none came).
func (p *pacer) done(resp *http.Response) {
	if p == nil {
		return
	}
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		p.mu.Lock()
		p.throttledLocked(resp.Header.Get("Retry-After"))
		p.mu.Unlock()
		p.release(false)
		return
	}
	p.release(resp != nil)
}

// batchItems shuts the gate for every item of a $batch answer that was answered 429,
// before the attempt's slot is released: released on the batch's 200 alone, the slot
// would let a waiting request out before the caller had read the items' Retry-After. The
// body is read here and handed on unchanged (a read error included).
func (p *pacer) batchItems(req *http.Request, resp *http.Response) {
	if p == nil || req == nil || resp == nil || resp.Body == nil || resp.StatusCode < 200 || resp.StatusCode > 299 ||
		!strings.HasSuffix(req.URL.Path, "/$batch") {
		return
	}
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), errorReader{err}))
	if err != nil {
		return
	}
	var answer struct {
		Responses []struct {
			Status  int            `json:"status"`
			Headers map[string]any `json:"headers"`
		} `json:"responses"`
	}
	if json.Unmarshal(raw, &answer) != nil {
		return // the caller reports an unreadable batch answer
	}
	for _, r := range answer.Responses {
		if r.Status == http.StatusTooManyRequests {
			p.throttled(headerValue(r.Headers, "Retry-After"))
		}
	}
}

// errorReader hands on a body's read error after its bytes (io.EOF when there was none).
type errorReader struct{ err error }

func (e errorReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

// release frees a slot, raising the limit when an answer that was not a 429 came, and
// grants freed slots to waiting callers in order.
func (p *pacer) release(answered bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	if answered && p.limit > 0 {
		p.limit += 1 / p.limit
		if p.limit >= maxPaceLimit {
			p.limit = 0
		}
	}
	for len(p.queue) > 0 && p.free() {
		close(p.queue[0])
		p.queue = p.queue[1:]
		p.inflight++
	}
}

// throttled records a 429 that held no slot of its own: an item of a batch.
func (p *pacer) throttled(retryAfter string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.throttledLocked(retryAfter)
}

func (p *pacer) throttledLocked(retryAfter string) {
	now := p.now()
	if !p.until.After(now) { // a new episode: the gate was open
		if p.limit == 0 {
			p.limit = float64(max(min(p.inflight, maxPaceLimit)/2, 1))
		} else {
			p.limit = max(p.limit/2, 1)
		}
	}
	if d, ok := retryAfterDelay(retryAfter, now, p.maxDelay); ok && now.Add(d).After(p.until) {
		p.until = now.Add(d)
	}
}

// holdLeft is how long the gate is still shut.
func (p *pacer) holdLeft() time.Duration {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(p.until.Sub(p.now()), 0)
}

// retryAfterDelay reads Retry-After in both of its forms (seconds, HTTP date), capped at
// maxDelay; ok is false when v is absent or unreadable.
func retryAfterDelay(v string, now time.Time, maxDelay time.Duration) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		// Compared before converting: a huge value (or "Inf") overflows Duration to a
		// negative wait, which would retry at once instead of waiting maxDelay.
		if secs >= maxDelay.Seconds() {
			return maxDelay, true
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if at, err := http.ParseTime(v); err == nil {
		return min(max(at.Sub(now), 0), maxDelay), true
	}
	return 0, false
}

// gateTransport is the innermost transport. It holds an attempt at the gate once more just
// before the attempt goes on the wire, and shuts the gate the moment a 429 comes off the
// wire, before the answer has travelled up the middleware to the retry handler. Without
// it, an attempt that passed the gate in the retry handler could reach Graph after another
// attempt's 429 had been read, inside the Retry-After it asked for.
type gateTransport struct {
	base http.RoundTripper
	p    *pacer
}

func (g *gateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for {
		g.p.reading.RLock() // not while a batch answer is read for its items' 429s
		d := g.p.holdLeft()
		g.p.reading.RUnlock()
		if d <= 0 {
			break
		}
		if err := g.p.beyondDeadline(req.Context()); err != nil {
			return nil, err
		}
		if !wait.For(req.Context(), d) {
			return nil, req.Context().Err()
		}
	}
	resp, err := g.base.RoundTrip(req)
	switch {
	case err != nil:
	case resp.StatusCode == http.StatusTooManyRequests:
		g.p.throttled(resp.Header.Get("Retry-After"))
	case resp.StatusCode < 300 && strings.HasSuffix(req.URL.Path, "/$batch"):
		// The items' 429s are in the body: nothing else goes on the wire until it is read.
		g.p.reading.Lock()
		g.p.batchItems(req, resp)
		g.p.reading.Unlock()
	}
	return resp, err
}
