package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	abs "github.com/microsoft/kiota-abstractions-go"
)

// Graph JSON batching ($batch): requests that Terraform makes concurrently (the deletes of a
// destroy, the per-user lists of a refresh) travel together, up to 20 per HTTP request.
//
// A batch is only ever an optimisation. An item whose answer is definite (2xx, or an error
// other than 429, 503 and 504) is handed to its caller exactly as a direct answer would be;
// an item Graph throttled or could not serve, an item missing from the answer, and every
// item of a batch that failed as a whole are sent again as direct requests, where the retry
// policy (retry.go) applies as usual. Only idempotent requests (GET, DELETE) are batched: a
// batch whose answer is lost can then be repeated item by item without creating anything
// twice. A server that answers a batch with an error other than 429, 503 or 504, or with
// something that is not a batch answer, turns batching off for the rest of the process.
// Creates travel in batches of their own, never repeated unless Graph said it did not act
// (create_batch.go).

// maxBatch is Graph's limit of requests per batch.
const maxBatch = 20

// How long the first request of a batch waits for company, by kind of request.
//
// Deletes: Terraform starts its calls one by one (-parallelism of them at a time) as its own
// serial work allows, and in an apply or destroy that work is heavy (it writes the state after
// each resource), so deletes that could share a batch arrive tens of milliseconds apart; a
// longer wait fills batches without slowing the destroy (measured in DECISIONS.md, Speed).
// The wait adapts between
// minBatchLinger and maxDeleteLinger: a batch that found no company halves it, one that did
// doubles it, so calls that come one at a time (-parallelism=1, chains of dependent
// resources) soon wait only minBatchLinger.
//
// Reads: a refresh asks for every resource at once, so the lists of a refresh arrive in
// bursts; a short fixed wait gathers them without slowing a small plan.
const (
	maxDeleteLinger = 200 * time.Millisecond
	minBatchLinger  = 5 * time.Millisecond
	readLinger      = 20 * time.Millisecond
)

// batchTimeout bounds a batch whose callers carry no deadline.
const batchTimeout = 5 * time.Minute

type batcher struct {
	c         *Client
	maxLinger time.Duration
	adaptive  bool // the wait adapts between minBatchLinger and maxLinger

	mu      sync.Mutex
	linger  time.Duration // the current wait, between minBatchLinger and maxLinger
	pending []*batchItem
	timer   *time.Timer
	// most is the largest batch taken so far. Terraform runs at most -parallelism calls
	// at once, so once as many requests wait as ever waited together, no more are
	// coming: the batch goes at once instead of waiting out the linger. Without it, a
	// destroy at -parallelism=10 (batches that never reach 20) paid the whole wait on
	// every wave of ten.
	most int
}

type batchItem struct {
	ctx    context.Context
	method string
	url    string // relative to {endpoint}/beta, starting with "/"

	done   chan struct{}
	direct bool // no definite answer in the batch: the caller sends it directly
	answer batchAnswer
}

// batchAnswer is one item's answer.
type batchAnswer struct {
	Status    int
	RequestID string
	ClientID  string
	Body      json.RawMessage
}

func newBatcher(c *Client, maxLinger time.Duration, adaptive bool) *batcher {
	return &batcher{c: c, maxLinger: maxLinger, linger: maxLinger, adaptive: adaptive}
}

// do sends one request within a batch. It returns ok=false when the caller must send the
// request directly instead (see the comment at the top of this file), or the context's error.
func (b *batcher) do(ctx context.Context, method, rel string) (batchAnswer, bool, error) {
	if b == nil || b.c.batchOff.Load() {
		return batchAnswer{}, false, nil
	}
	it := &batchItem{ctx: ctx, method: method, url: rel, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, it)
	var full []*batchItem
	switch {
	case len(b.pending) >= maxBatch, b.most >= 2 && len(b.pending) >= b.most:
		full = b.take()
	case len(b.pending) == 1:
		b.timer = time.AfterFunc(b.linger, b.flushTimer)
	}
	b.mu.Unlock()
	if full != nil {
		go b.send(full)
	}
	select {
	case <-it.done:
	case <-ctx.Done():
		return batchAnswer{}, false, ctx.Err()
	}
	if it.direct {
		return batchAnswer{}, false, nil
	}
	return it.answer, true, nil
}

// take empties the queue and adapts the wait to how much company this batch found;
// b.mu is held.
func (b *batcher) take() []*batchItem {
	items := b.pending
	b.pending = nil
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	b.most = max(b.most, len(items))
	if !b.adaptive {
		return items
	}
	if len(items) > 1 {
		b.linger = min(b.linger*2, b.maxLinger)
	} else {
		b.linger = max(b.linger/2, min(minBatchLinger, b.maxLinger))
	}
	return items
}

func (b *batcher) flushTimer() {
	b.mu.Lock()
	if len(b.pending) == 0 {
		// A timer that fired as a full batch was being taken: nothing is waiting,
		// and the wait must not adapt to an empty batch.
		b.mu.Unlock()
		return
	}
	items := b.take()
	b.mu.Unlock()
	if len(items) > 0 {
		b.send(items)
	}
}

// send posts the items in batches, each as large as the pacer grants room for (all of
// them until Graph has throttled the client), and hands every item its answer, or marks
// it direct.
func (b *batcher) send(items []*batchItem) {
	for _, it := range items {
		it.direct = true
	}
	closed := 0 // items[:closed] have been handed their outcome
	defer func() {
		for _, it := range items[closed:] {
			close(it.done)
		}
	}()
	live := items[:0:0]
	for _, it := range items {
		if it.ctx.Err() == nil {
			live = append(live, it)
		}
	}
	if len(live) <= 1 {
		return // a batch of one would only add overhead: send it directly
	}
	ctx, cancel := batchContext(live)
	defer cancel()
	// live keeps the order of items: each batch hands its items on as soon as it is answered.
	for len(live) > 0 && !b.c.batchOff.Load() {
		g, err := b.c.pace.acquire(ctx, len(live), true)
		if err != nil {
			return // not sent: the rest go direct, where their own deadlines decide
		}
		n := len(live)
		if g != nil {
			n = g.items
		}
		b.sendBatch(ctx, g, live[:n])
		live = live[n:]
		for closed < len(items) && (len(live) == 0 || items[closed] != live[0]) {
			close(items[closed].done)
			closed++
		}
	}
}

// sendBatch posts one batch under its grant g and hands every item its answer, or leaves
// it marked direct.
func (b *batcher) sendBatch(ctx context.Context, g *grant, live []*batchItem) {
	defer b.c.pace.finish(g)
	reqs := make([]batchRequest, 0, len(live))
	byID := make(map[string]*batchItem, len(live))
	for i, it := range live {
		id := strconv.Itoa(i + 1)
		byID[id] = it
		reqs = append(reqs, batchRequest{ID: id, Method: it.method, URL: it.url})
	}
	info, err := b.c.batchInfo(reqs)
	if err != nil {
		return
	}
	// Every item is a GET or a DELETE: the batch may be sent again as a GET may.
	ctx, ex := withExchange(withIdempotent(withGrant(ctx, g)))
	ctx, decoded := withBatchDecode(ctx)
	raw, err := b.c.send(ctx, info)
	if err != nil {
		switch status, _, _, _, _ := ex.snapshot(); status {
		case 0, http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			// No answer, or a transient one the retry policy already waited on: these
			// items go direct, and later batches are still tried.
		default:
			b.off(ctx, fmt.Sprintf("the batch was answered %d", status))
		}
		return
	}
	responses, ok := decoded.read(raw)
	if !ok {
		b.off(ctx, "the answer is not a batch answer")
		return
	}
	tflog.Debug(ctx, "graph batch", map[string]interface{}{"requests": len(live), "responses": len(responses)})
	for _, r := range responses {
		if r.Status == http.StatusTooManyRequests {
			// Graph counts batch items one by one: a throttled item holds every
			// request of the client, the direct retry of this item included.
			b.c.pace.throttled(headerValue(r.Headers, "Retry-After"))
		}
		it := byID[r.ID]
		if it == nil || r.Status == 0 || retryable(true, r.Status, nil) { // GET and DELETE only
			continue // sent again directly, under the retry policy (429, 503, 504)
		}
		delete(byID, r.ID)
		it.direct = false
		it.answer = batchAnswer{
			Status:    r.Status,
			RequestID: headerValue(r.Headers, "request-id"),
			ClientID:  headerValue(r.Headers, "client-request-id"),
			Body:      r.Body,
		}
	}
}

// batchRequest is one request of a $batch body; a create carries its headers and body.
type batchRequest struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// batchResponse is one response of a $batch answer.
type batchResponse struct {
	ID      string          `json:"id"`
	Status  int             `json:"status"`
	Headers map[string]any  `json:"headers"`
	Body    json.RawMessage `json:"body"`
}

// batchInfo is the POST of requests as one $batch.
func (c *Client) batchInfo(requests []batchRequest) (*abs.RequestInformation, error) {
	payload, err := json.Marshal(struct {
		Requests []batchRequest `json:"requests"`
	}{requests})
	if err != nil {
		return nil, err
	}
	info := abs.NewRequestInformation()
	info.Method = abs.POST
	info.UrlTemplate = "{+baseurl}/$batch"
	info.PathParameters = map[string]string{"baseurl": c.baseURL}
	info.Headers.TryAdd("Accept", "application/json")
	info.SetStreamContentAndContentType(payload, "application/json")
	return info, nil
}

// batchResponses reads a $batch answer; ok is false when raw is not one (or holds no
// response).
func batchResponses(raw []byte) (_ []batchResponse, ok bool) {
	var resp struct {
		Responses []batchResponse `json:"responses"`
	}
	if json.Unmarshal(raw, &resp) != nil || len(resp.Responses) == 0 {
		return nil, false
	}
	return resp.Responses, true
}

// batchDecode hands a $batch answer, decoded where it comes off the wire (the pacer reads
// every batch answer for its items' 429s, pace.go), to the caller that sent the batch, so
// that the answer is parsed once.
type batchDecode struct {
	mu        sync.Mutex
	raw       []byte
	responses []batchResponse
}

type batchDecodeKey struct{}

// withBatchDecode asks the wire to keep the decoded answer of the batch sent with ctx.
func withBatchDecode(ctx context.Context) (context.Context, *batchDecode) {
	d := &batchDecode{}
	return context.WithValue(ctx, batchDecodeKey{}, d), d
}

// decodeBatchAnswer is batchResponses at the wire: a readable answer is kept for the
// caller that asked for it (withBatchDecode).
func decodeBatchAnswer(ctx context.Context, raw []byte) ([]batchResponse, bool) {
	responses, ok := batchResponses(raw)
	if d, _ := ctx.Value(batchDecodeKey{}).(*batchDecode); ok && d != nil {
		d.mu.Lock()
		d.raw, d.responses = raw, responses
		d.mu.Unlock()
	}
	return responses, ok
}

// read is batchResponses(raw), taken from the wire's decoding when that decoded these
// very bytes (the last attempt's answer).
func (d *batchDecode) read(raw []byte) ([]batchResponse, bool) {
	d.mu.Lock()
	kept, responses := d.raw, d.responses
	d.mu.Unlock()
	if responses != nil && bytes.Equal(kept, raw) {
		return responses, true
	}
	return batchResponses(raw)
}

// batchContext serves every caller of a batch: it ends at the latest of their deadlines
// (batchTimeout when one has none) and carries the first caller's values (its logger).
func batchContext(items []*batchItem) (context.Context, context.CancelFunc) {
	var latest time.Time
	for _, it := range items {
		dl, ok := it.ctx.Deadline()
		if !ok {
			latest = time.Now().Add(batchTimeout)
			break
		}
		if dl.After(latest) {
			latest = dl
		}
	}
	return context.WithDeadline(context.WithoutCancel(items[0].ctx), latest)
}

func headerValue(h map[string]any, name string) string {
	for k, v := range h {
		if s, ok := v.(string); ok && strings.EqualFold(k, name) {
			return s
		}
	}
	return ""
}

// off turns batching off for the rest of the process: a server that refuses $batch, or
// cannot serve it, will not start to; every request goes direct from now on.
func (b *batcher) off(ctx context.Context, why string) { b.c.stopBatching(ctx, why) }

// answerError is the *Error for an item's error answer, read like a direct one.
func answerError(op string, a batchAnswer) *Error {
	return errorFromAnswer(op, a.Status, a.RequestID, a.ClientID, a.Body, 1)
}

// collectionPath is the user's certifications collection relative to {endpoint}/beta.
func collectionPath(userID string) string {
	if userID == Me {
		return "/me/profile/certifications"
	}
	return "/users/" + url.PathEscape(userID) + "/profile/certifications"
}

// relativeURL turns an absolute URL under the client's base (an @odata.nextLink) into the
// form a batch item takes; ok=false for any other URL.
func (c *Client) relativeURL(abs string) (string, bool) {
	rest, ok := strings.CutPrefix(abs, c.baseURL)
	if !ok || (rest != "" && rest[0] != '/') {
		return "", false
	}
	return rest, true
}
