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

// pacer is shared by every request of one Client. Graph keeps a request budget per app
// and tenant (and per user) over a window of time, counts every item of a $batch against
// it, throttled ones included, and sending more while throttled extends the throttling. So
// a 429 is about the client, not about the one request that drew it:
//
//   - Gate: a 429 with Retry-After, answered directly or to one item of a batch, holds
//     every further attempt (every goroutine, batches included) until that time is up.
//     An attempt whose context ends before the gate opens is not sent (ThrottledError).
//   - Windows: the client cannot know the budget, but a 429 that shuts the gate (one with
//     a Retry-After above 0) shows it: the items the window admitted since it opened
//     (answered other than 429) are what the budget had room for. The window ends there,
//     and the next opens with the gate. Its items go in three steps: one attempt alone
//     first (Retry-After promises room for one, not for the whole budget); once that one
//     is admitted, more up to the learned budget, in attempts as large as the room left
//     (a batch being filled takes fewer items, an attempt already built waits for room);
//     past the budget, rounds of 1, 2, 4, ... items (at most a batch), each sent once the
//     one before is all answered and none 429, so the budget grows when Graph has more
//     room and the 429 that ends the window finds at most one round out. The next window's budget is what
//     this one admitted. Without it, every batch held at the gate went out when it opened,
//     into a window with room for one: a quarter of the items sent were answered 429.
//
// Until the first such 429 nothing is limited, and the unthrottled path costs a counter.
// Attempts waiting for room get it in arrival order. 503 is not a throttling answer and
// leaves the pacer alone; neither does a 429 without a wait (Retry-After 0 or absent),
// which says nothing about a window.
type pacer struct {
	maxDelay time.Duration // caps a Retry-After, as for the retry of one request
	now      func() time.Time

	// reading is held while a batch answer's body is read for its items' 429s
	// (gateTransport): attempts wait for it at the wire.
	reading sync.RWMutex

	mu      sync.Mutex
	until   time.Time     // no attempt goes out before this
	budget  int           // items the last window admitted; 0 until a 429 shut the gate: no limit
	win     paceWindow    // the current window
	queue   []*paceWaiter // attempts waiting for room, first come first served
	changed chan struct{} // closed, and replaced, when an answer may have made room
}

// paceWindow counts the items of one window, from the gate's opening to the next 429.
type paceWindow struct {
	epoch    int
	sent     int  // items granted
	admitted int  // items answered other than 429
	inflight int  // items granted and not yet answered
	ended    bool // a 429 shut the gate: nothing more goes in this window
	round    int  // past the budget: items granted in the current round
	probe    int  // past the budget: the size of the current round, 1 to maxBatch
}

// grant is the room given to one attempt: items, counted in window epoch. It rides in the
// attempt's context (withGrant), so the wire (gateTransport) settles it with the answer.
// Its fields are guarded by pacer.mu.
type grant struct {
	epoch   int
	items   int
	inRound bool // granted past the budget
	settled bool
}

type paceWaiter struct {
	turn chan struct{} // closed when the waiter is first in the queue
}

type grantKey struct{}

// withGrant carries g to the attempt's wire; an attempt that finds an unsettled grant in its
// context (a batch sized by its room) uses it instead of asking for room again.
func withGrant(ctx context.Context, g *grant) context.Context {
	if g == nil {
		return ctx
	}
	return context.WithValue(ctx, grantKey{}, g)
}

func grantOf(ctx context.Context) *grant {
	g, _ := ctx.Value(grantKey{}).(*grant)
	return g
}

func newPacer(maxDelay time.Duration) *pacer {
	return &pacer{maxDelay: maxDelay, now: time.Now, changed: make(chan struct{}), win: paceWindow{probe: 1}}
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

// acquire waits for the gate and for room for items in the current window, and grants it.
// A flexible caller (a batch being filled) may be granted fewer items, at least one; any
// other waits for room for all of them, or goes alone when nothing else of the window is
// out (an attempt that cannot shrink must not wait for ever). The grant must be settled
// (answered, unsent or finish).
func (p *pacer) acquire(ctx context.Context, items int, flexible bool) (*grant, error) {
	if p == nil {
		return nil, nil
	}
	items = max(items, 1)
	if err := p.beyondDeadline(ctx); err != nil { // fail now rather than queue for nothing
		return nil, err
	}
	p.mu.Lock()
	if len(p.queue) == 0 && !p.until.After(p.now()) {
		if g := p.grantLocked(items, flexible); g != nil { // the unthrottled path ends here
			p.mu.Unlock()
			return g, nil
		}
	}
	w := &paceWaiter{turn: make(chan struct{})}
	p.queue = append(p.queue, w)
	if len(p.queue) == 1 {
		close(w.turn)
	}
	p.mu.Unlock()

	select {
	case <-w.turn:
	case <-ctx.Done():
		p.leave(w)
		return nil, ctx.Err()
	}
	for {
		p.mu.Lock()
		hold := p.until.Sub(p.now())
		if hold <= 0 {
			if g := p.grantLocked(items, flexible); g != nil {
				p.leaveLocked(w)
				p.mu.Unlock()
				return g, nil
			}
		}
		changed := p.changed
		p.mu.Unlock()
		if hold > 0 {
			if err := p.beyondDeadline(ctx); err != nil {
				p.leave(w)
				return nil, err
			}
		}
		if !waitChange(ctx, changed, hold) {
			p.leave(w)
			return nil, ctx.Err()
		}
	}
}

// waitChange waits until changed is closed, hold has passed (when above 0) or ctx ends;
// it reports false when ctx ended.
func waitChange(ctx context.Context, changed <-chan struct{}, hold time.Duration) bool {
	var timeout <-chan time.Time
	if hold > 0 {
		t := time.NewTimer(hold)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-changed:
	case <-timeout:
	case <-ctx.Done():
		return false
	}
	return true
}

// leave takes w out of the queue, handing the turn on when it had it.
func (p *pacer) leave(w *paceWaiter) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.leaveLocked(w)
}

func (p *pacer) leaveLocked(w *paceWaiter) {
	for i, q := range p.queue {
		if q != w {
			continue
		}
		p.queue = append(p.queue[:i], p.queue[i+1:]...)
		if i == 0 && len(p.queue) > 0 {
			close(p.queue[0].turn)
		}
		return
	}
}

// grantLocked grants room in the current window, opening the next one when a 429 ended
// the last and the gate has opened since; nil when there is none. p.mu is held and the
// gate is open.
func (p *pacer) grantLocked(items int, flexible bool) *grant {
	if p.win.ended {
		p.openLocked()
	}
	w := &p.win
	n := p.roomLocked(items, flexible)
	if n == 0 {
		return nil
	}
	g := &grant{epoch: w.epoch, items: n, inRound: p.budget > 0 && w.sent >= p.budget}
	w.sent += n
	w.inflight += n
	if g.inRound {
		w.round += n
	}
	return g
}

// openLocked opens the next window: its budget is what the last one admitted.
func (p *pacer) openLocked() {
	last := p.win
	switch {
	case last.admitted > 0:
		p.budget = last.admitted
	case p.budget == 0:
		p.budget = 1 // throttled before anything was admitted: learn from one item
	}
	p.win = paceWindow{epoch: last.epoch + 1, probe: 1}
}

// roomLocked is how many of items may go now (0: none); see the pacer's comment.
func (p *pacer) roomLocked(items int, flexible bool) int {
	if p.budget == 0 {
		return items // nothing learned: no limit
	}
	w := &p.win
	fit := func(left int, alone bool) int {
		switch {
		case items <= left:
			return items
		case flexible && left > 0:
			return left
		case alone:
			return items // it cannot shrink: it goes with nothing else out
		}
		return 0
	}
	switch {
	case w.admitted == 0: // the window's first attempt goes alone
		if w.inflight > 0 {
			return 0
		}
		return fit(1, true)
	case w.sent < p.budget:
		return fit(p.budget-w.sent, w.inflight == 0)
	case w.round >= w.probe, w.round == 0 && w.inflight > 0:
		return 0 // the round (or the budget's items) must all be answered first
	default:
		return fit(w.probe-w.round, w.round == 0 && w.inflight == 0)
	}
}

// settle counts g's answer: admitted items answered other than 429, throttled ones 429. A
// 429 that left the gate shut ends the window. A grant is settled once; nil is ignored.
func (p *pacer) settle(g *grant, admitted, throttled int) {
	if p == nil || g == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if g.settled {
		return
	}
	g.settled = true
	w := &p.win
	if g.epoch != w.epoch {
		return // an answer from a window that has ended
	}
	w.inflight -= g.items
	w.admitted += admitted
	if throttled > 0 && p.until.After(p.now()) {
		w.ended = true
	}
	if !w.ended && p.budget > 0 && w.inflight == 0 && w.round > 0 && w.round >= w.probe {
		// A whole round admitted: the next may carry twice as many items.
		w.probe = min(2*w.probe, maxBatch)
		w.round = 0
	}
	p.signalLocked()
}

// finish settles g as unanswered if nothing settled it: an attempt that ended before the
// wire or whose answer never came. Every grant ends here or in settle.
func (p *pacer) finish(g *grant) {
	p.settle(g, 0, 0)
}

// unsent gives back n of g's items, which will not be sent (a batch that found fewer
// items than it was granted room for); a grant left with none is settled.
func (p *pacer) unsent(g *grant, n int) {
	if p == nil || g == nil || n <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if g.settled {
		return
	}
	n = min(n, g.items)
	g.items -= n
	g.settled = g.items == 0
	if w := &p.win; g.epoch == w.epoch {
		w.sent -= n
		w.inflight -= n
		if g.inRound {
			w.round -= n
		}
	}
	p.signalLocked()
}

func (p *pacer) signalLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// isSettled reports whether g has been settled (true for nil).
func (p *pacer) isSettled(g *grant) bool {
	if p == nil || g == nil {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return g.settled
}

// stale reports whether g was granted in a window that has ended since: its attempt must
// not go out with the room of a spent window.
func (p *pacer) stale(g *grant) bool {
	if p == nil || g == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return !g.settled && (g.epoch != p.win.epoch || p.win.ended)
}

// regrant moves a stale grant to the current window: its items wait for room there as an
// attempt already built does. On an error the grant is settled, nothing sent.
func (p *pacer) regrant(ctx context.Context, g *grant) error {
	p.mu.Lock()
	items := g.items
	p.mu.Unlock()
	p.unsent(g, items)
	ng, err := p.acquire(ctx, items, false)
	if err != nil {
		return err
	}
	p.mu.Lock()
	g.epoch, g.items, g.inRound, g.settled = ng.epoch, ng.items, ng.inRound, false
	p.mu.Unlock()
	return nil
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

// answered settles g with an attempt's outcome (err, or resp), shutting the gate on a 429,
// direct or to an item of a $batch answer, whose body is then read here and handed on
// unchanged. An attempt settled already (at the wire) is left alone.
func (p *pacer) answered(req *http.Request, g *grant, resp *http.Response, err error) {
	if p == nil || (g != nil && p.isSettled(g)) {
		return
	}
	items := 1
	if g != nil {
		p.mu.Lock()
		items = g.items
		p.mu.Unlock()
	}
	switch {
	case err != nil || resp == nil:
		p.finish(g)
	case resp.StatusCode == http.StatusTooManyRequests:
		p.throttled(resp.Header.Get("Retry-After"))
		p.settle(g, 0, items)
	case isBatchAnswer(req, resp):
		throttled, answers := p.batchItems(req, resp)
		if answers == 0 {
			answers = items // unreadable: the caller reports it; nothing says it was throttled
		}
		p.settle(g, answers-throttled, throttled)
	default:
		p.settle(g, items, 0)
	}
}

func isBatchAnswer(req *http.Request, resp *http.Response) bool {
	return req != nil && resp.Body != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 &&
		strings.HasSuffix(req.URL.Path, "/$batch")
}

// batchItems shuts the gate for every item of a $batch answer that was answered 429, and
// counts them and the answers. The body is read here and handed on unchanged (a read
// error included); its decoding is handed to the caller that sent the batch (batch.go,
// decodeBatchAnswer), which so does not parse it again.
func (p *pacer) batchItems(req *http.Request, resp *http.Response) (throttled, answers int) {
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), errorReader{err}))
	if err != nil {
		return 0, 0
	}
	responses, ok := decodeBatchAnswer(req.Context(), raw)
	if !ok {
		// Not an answer the caller can read (batchResponses); the statuses of one whose
		// ids are not strings are still counted.
		var answer struct {
			Responses []struct {
				Status  int            `json:"status"`
				Headers map[string]any `json:"headers"`
			} `json:"responses"`
		}
		if json.Unmarshal(raw, &answer) != nil {
			return 0, 0 // the caller reports an unreadable batch answer
		}
		responses = make([]batchResponse, len(answer.Responses))
		for i, r := range answer.Responses {
			responses[i] = batchResponse{Status: r.Status, Headers: r.Headers}
		}
	}
	for _, r := range responses {
		if r.Status == http.StatusTooManyRequests {
			throttled++
			p.throttled(headerValue(r.Headers, "Retry-After"))
		}
	}
	return throttled, len(responses)
}

// errorReader hands on a body's read error after its bytes (io.EOF when there was none).
type errorReader struct{ err error }

func (e errorReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

// throttled shuts the gate for a 429's Retry-After (a longer hold is kept).
func (p *pacer) throttled(retryAfter string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
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
// before the attempt goes on the wire, and settles its grant (shutting the gate on a 429)
// the moment the answer comes off the wire, before it has travelled up the middleware to
// the retry handler. Without it, an attempt that passed the gate in the retry handler could
// reach Graph after another attempt's 429 had been read, inside the Retry-After it asked
// for. An attempt whose window ended meanwhile waits for room in the next one.
type gateTransport struct {
	base http.RoundTripper
	p    *pacer
}

func (g *gateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	gr := grantOf(ctx)
	for {
		g.p.reading.RLock() // not while a batch answer is read for its items' 429s
		d := g.p.holdLeft()
		stale := g.p.stale(gr)
		g.p.reading.RUnlock()
		if d > 0 {
			if err := g.p.beyondDeadline(ctx); err != nil {
				g.p.finish(gr)
				return nil, err
			}
			if !wait.For(ctx, d) {
				g.p.finish(gr)
				return nil, ctx.Err()
			}
			continue
		}
		if !stale {
			break
		}
		if err := g.p.regrant(ctx, gr); err != nil {
			return nil, err
		}
	}
	resp, err := g.base.RoundTrip(req)
	if err == nil && isBatchAnswer(req, resp) {
		// The items' 429s are in the body: nothing else goes on the wire until it is read.
		g.p.reading.Lock()
		g.p.answered(req, gr, resp, err)
		g.p.reading.Unlock()
	} else {
		g.p.answered(req, gr, resp, err)
	}
	return resp, err
}
