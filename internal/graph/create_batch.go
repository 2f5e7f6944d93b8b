package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"

	"github.com/graphprofile/terraform-provider-graph/internal/wait"
)

// Batched creates: many POSTs to users' certification collections in Graph JSON batches.
//
// Unlike the batcher of batch.go, a create is not idempotent, so an item is only ever sent
// again when Graph said it did not act on it: the item was answered 429, the whole batch was
// answered 429 (the retry policy repeats the POST /$batch itself only then), or the whole
// batch was refused with another 4xx (then batching is turned off and the item goes
// direct). Only a 429 is documented as refused before any effect. Everything else that
// leaves the outcome open (no answer, a timeout, any 5xx, 503 included, a 2xx that cannot
// be read, a batch answer without this item) is reported as Lost and never sent again: the
// caller looks for the certification first, as it does after a lost direct create.

// createBatchesInFlight bounds the batches (or, without batching, the direct creates) one
// CreateCertifications call has in flight. Once Graph has throttled the client, the pacer
// (pace.go) decides how many items may go at all, and so how large each batch is. Before
// that, the batches in flight when the first 429 comes back are the price of learning the
// budget, all answered 429: 4 batches cost at most 80 items, where 8 cost up to 160 (8% of
// an apply of 2,000 at 200 per 10 s). Four still send 1,000 creates a second at 80 ms,
// several times any budget Graph documents (DECISIONS.md, Talking to Graph).
const createBatchesInFlight = 4

// CreateRequest is one certification to create in user's collection.
type CreateRequest struct {
	UserID string
	Body   models.PersonCertificationable
}

// CreateResult is the outcome of one CreateRequest, in the same order as the requests.
//   - Cert != nil: created; Cert is Graph's answer (decoded like CreateCertification's, id checked).
//   - Err != nil, Lost == false: Graph definitely did not create it (a 4xx, a 429 after retries, an error
//     before sending); Err is an *Error like CreateCertification's (StatusOf, IsNotFound work on it).
//   - Err != nil, Lost == true: Graph may have created it (no answer, a timeout, a 5xx such as 500, 502, 503
//     or 504, a 2xx without a readable id): the caller must search for it before posting again. When the id could be recovered from an
//     unreadable 2xx, Err is a *DecodeError with ID set (as CreateCertification does).
type CreateResult struct {
	Cert *Certification
	Err  error
	Lost bool
}

// createItem is one request on its way through batches.
type createItem struct {
	idx     int
	user    string
	info    *abs.RequestInformation // the direct POST, built once: its body is sent as is
	payload json.RawMessage         // the same body, for a batch item
	sent    int                     // times sent and refused with 429
	last    batchAnswer             // the last such answer, reported when retries run out
	delay   time.Duration           // the wait its last answer asked for
}

// CreateCertifications creates every request, up to 20 per $batch, several batches in flight (createBatchesInFlight),
// under the client's pacer (pace.go) and retry policy. A batch carries as many items as the pacer grants room for
// (all 20 until Graph has throttled the client). An item answered 429 inside a batch was not applied: it is sent
// again (in a later batch or directly) after the Retry-After, as retry.go does for direct requests.
// When batching is off (c.batching), or for a single request, it falls back to
// CreateCertification per request (concurrently, bounded). It invalidates coalesced reads like CreateCertification.
func (c *Client) CreateCertifications(ctx context.Context, reqs []CreateRequest) []CreateResult {
	out := make([]CreateResult, len(reqs))
	if len(reqs) == 0 {
		return out
	}
	c.invalidateReads() // before and after, as CreateCertification does
	defer c.invalidateReads()
	if len(reqs) == 1 || !c.batching() {
		wait.Each(createBatchesInFlight, len(reqs), func(i int) {
			if err := ctx.Err(); err != nil {
				out[i] = CreateResult{Err: &Error{Op: "create", Err: err}}
				return
			}
			cert, err := c.CreateCertification(ctx, reqs[i].UserID, reqs[i].Body)
			out[i] = createResult(cert, err)
		})
		return out
	}

	pending := make([]*createItem, 0, len(reqs))
	for i, r := range reqs {
		// Serialised once: the same bytes go in every batch and in a direct fallback.
		info, err := c.collection(r.UserID).ToPostRequestInformation(ctx, r.Body, nil)
		if err != nil {
			out[i] = CreateResult{Err: &Error{Op: "create", Err: err}}
			continue
		}
		pending = append(pending, &createItem{idx: i, user: r.UserID, info: info, payload: info.Content})
	}
	q := &createQueue{waiting: pending, open: len(pending)}
	q.cond = sync.NewCond(&q.mu)
	var wg sync.WaitGroup
	for range createBatchesInFlight {
		wg.Go(func() { c.createWorker(ctx, q, out) })
	}
	wg.Wait()
	return out
}

// createQueue holds the creates of one CreateCertifications call that are not settled yet:
// waiting to be sent (again), or out in a batch.
type createQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	waiting []*createItem // in request order; items sent again go first
	open    int           // items not settled in out yet
}

// next waits until items wait to be sent and says how many a batch may take, or reports
// false once every item is settled.
func (q *createQueue) next() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.waiting) == 0 {
		if q.open == 0 {
			return 0, false
		}
		q.cond.Wait()
	}
	return min(len(q.waiting), maxBatch), true
}

// take removes up to n waiting items.
func (q *createQueue) take(n int) []*createItem {
	q.mu.Lock()
	defer q.mu.Unlock()
	n = min(n, len(q.waiting))
	items := q.waiting[:n:n]
	q.waiting = q.waiting[n:]
	return items
}

// putBack queues items to be sent again, before the others.
func (q *createQueue) putBack(items []*createItem) {
	if len(items) == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waiting = append(append([]*createItem(nil), items...), q.waiting...)
	q.cond.Broadcast()
}

// settled records n items whose outcome is in out.
func (q *createQueue) settled(n int) {
	if n == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.open -= n
	if q.open == 0 {
		q.cond.Broadcast()
	}
}

// createWorker sends batches from q until every item is settled. Each batch takes as many
// items as the pacer grants room for: the batches of a throttled client carry only what
// Graph's window has room for.
func (c *Client) createWorker(ctx context.Context, q *createQueue, out []CreateResult) {
	for {
		want, ok := q.next()
		if !ok {
			return
		}
		if c.batchOff.Load() {
			for _, it := range q.take(1) {
				cert, err := c.postPrepared(ctx, it.info)
				out[it.idx] = createResult(cert, err)
				q.settled(1)
			}
			continue
		}
		g, err := c.pace.acquire(ctx, want, true)
		if err != nil {
			// Not sent: the context ended, or Graph asked for a wait past its deadline.
			items := q.take(want)
			for _, it := range items {
				out[it.idx] = notSentResult(it, err)
			}
			q.settled(len(items))
			continue
		}
		n := want
		if g != nil {
			n = g.items
		}
		items := q.take(n)
		c.pace.unsent(g, n-len(items)) // another worker took them meanwhile
		if len(items) == 0 {
			continue
		}
		again, direct := c.sendCreateBatch(withGrant(ctx, g), items, out)
		c.pace.finish(g)
		q.settled(len(items) - len(again) - len(direct))
		q.putBack(direct) // batching is off now: every worker sends them directly
		c.createAgain(ctx, q, again, out)
	}
}

// createAgain queues items answered 429 to be sent again after their Retry-After; those
// whose wait would outlive the operation fail with their last answer, not applied (as
// retry.go hands back the last answer).
func (c *Client) createAgain(ctx context.Context, q *createQueue, again []*createItem, out []CreateResult) {
	if len(again) == 0 {
		return
	}
	var delay time.Duration
	for _, it := range again {
		delay = max(delay, it.delay)
	}
	dl, hasDeadline := ctx.Deadline()
	if (hasDeadline && time.Now().Add(delay).After(dl)) || !wait.For(ctx, delay) {
		for _, it := range again {
			out[it.idx] = CreateResult{Err: itemError(it.last, it.sent)}
		}
		q.settled(len(again))
		return
	}
	q.putBack(again)
}

// notSentResult is the outcome of an item that was not sent this time because of err:
// its last refusal when it was throttled before, else err.
func notSentResult(it *createItem, err error) CreateResult {
	if it.sent > 0 {
		return CreateResult{Err: itemError(it.last, it.sent)}
	}
	return CreateResult{Err: newError("create", &exchange{}, err)}
}

// sendCreateBatch posts one batch of creates. It writes out[idx] for every item it
// settles (each item's index is its own, so concurrent batches never write the same
// element) and returns the items to send again and those to send directly.
func (c *Client) sendCreateBatch(ctx context.Context, items []*createItem, out []CreateResult) (again, direct []*createItem) {
	reqs := make([]batchRequest, 0, len(items))
	byID := make(map[string]*createItem, len(items))
	for i, it := range items {
		id := strconv.Itoa(i + 1)
		byID[id] = it
		reqs = append(reqs, batchRequest{ID: id, Method: http.MethodPost, URL: collectionPath(it.user),
			Headers: map[string]string{"Content-Type": "application/json"}, Body: it.payload})
	}
	settleAll := func(err error, lost bool) {
		for _, it := range items {
			out[it.idx] = CreateResult{Err: err, Lost: lost}
		}
	}
	info, err := c.batchInfo(reqs)
	if err != nil {
		settleAll(&Error{Op: "create", Err: err}, false) // before sending
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		// An HTTP request with an ended context fails as if sent; this one was not.
		settleAll(&Error{Op: "create", Err: err}, false)
		return nil, nil
	}
	bctx, ex := withExchange(ctx)
	bctx, decoded := withBatchDecode(bctx)
	raw, err := c.send(bctx, info)
	if err != nil {
		status, _, _, _, attempts := ex.snapshot()
		switch {
		case attempts == 0, status == http.StatusTooManyRequests:
			// Never sent, or the last attempt was throttled after the retry policy's
			// retries: nothing was created.
			settleAll(newError("create", ex, err), false)
		case status >= 400 && status < 500:
			// The batch itself was refused, none of it run: a server that does not
			// take batches. These go direct, and so does everything after them.
			c.stopBatching(ctx, fmt.Sprintf("the batch was answered %d", status))
			return nil, items
		default:
			// No answer, a timeout, a 5xx (503 included: only a 429 is refused before
			// any effect): any of the items may have been created.
			settleAll(newError("create", ex, err), true)
		}
		return nil, nil
	}
	_, reqID, clientID, _, _ := ex.snapshot()
	responses, ok := decoded.read(raw)
	if !ok {
		// A 2xx that is not a batch answer: the items may have run.
		c.stopBatching(ctx, "the answer is not a batch answer")
		settleAll(&Error{Op: "create", RequestID: reqID, ClientRequestID: clientID,
			Err: errors.New("the answer to the batch of creates could not be read")}, true)
		return nil, nil
	}
	tflog.Debug(ctx, "graph create batch", map[string]interface{}{"requests": len(items), "responses": len(responses)})
	for _, r := range responses {
		it := byID[r.ID]
		if it == nil {
			continue
		}
		delete(byID, r.ID)
		a := batchAnswer{Status: r.Status, RequestID: headerValue(r.Headers, "request-id"),
			ClientID: headerValue(r.Headers, "client-request-id"), Body: r.Body}
		switch {
		case r.Status >= 200 && r.Status < 300:
			cert, err := createdFrom(r.Body)
			out[it.idx] = createResult(cert, err)
		case r.Status == http.StatusTooManyRequests:
			// Graph counts batch items one by one: a throttled item holds every
			// request of the client, the next batch included.
			retryAfter := headerValue(r.Headers, "Retry-After")
			c.pace.throttled(retryAfter)
			it.sent++
			it.last = a
			if it.sent > c.retry.MaxRetries {
				out[it.idx] = CreateResult{Err: itemError(a, it.sent)}
				continue
			}
			it.delay = (&retryHandler{policy: c.retry, now: time.Now}).delay(retryAfter, it.sent-1)
			again = append(again, it)
		case r.Status >= 400 && r.Status < 500:
			out[it.idx] = CreateResult{Err: itemError(a, it.sent+1)}
		default:
			// 500, 502, 503, 504 (Graph's backend failed, or its gateway gave up), or a
			// status that says nothing: the create may have been applied.
			out[it.idx] = CreateResult{Err: itemError(a, it.sent+1), Lost: true}
		}
	}
	for _, it := range byID {
		out[it.idx] = CreateResult{Lost: true, Err: &Error{Op: "create", RequestID: reqID, ClientRequestID: clientID,
			Err: errors.New("the answer to the batch holds no answer for this create")}}
	}
	return again, nil
}

// itemError is the *Error of a batch item's error answer; attempts counts the times the
// item was sent.
func itemError(a batchAnswer, attempts int) *Error {
	e := answerError("create", a)
	e.Attempts = max(attempts, 1)
	return e
}

// postPrepared sends a create built by ToPostRequestInformation directly, as
// CreateCertification does.
func (c *Client) postPrepared(ctx context.Context, info *abs.RequestInformation) (*Certification, error) {
	if err := ctx.Err(); err != nil {
		return nil, &Error{Op: "create", Err: err} // not sent
	}
	ctx, ex := withExchange(ctx)
	raw, err := c.send(ctx, info)
	if err != nil {
		return nil, newError("create", ex, err)
	}
	return createdFrom(raw)
}

// createdFrom reads a create's 2xx answer, as CreateCertification does: an answer without
// an id is as good as a lost one.
func createdFrom(raw []byte) (*Certification, error) {
	created, err := decodeCertification(raw)
	if err == nil && (created.GetId() == nil || *created.GetId() == "") {
		return nil, &DecodeError{Err: errors.New("the created certification came back without an id")}
	}
	return created, err
}

// createResult classifies a direct create's outcome.
func createResult(cert *Certification, err error) CreateResult {
	if err == nil {
		return CreateResult{Cert: cert}
	}
	return CreateResult{Err: err, Lost: CreateMayHaveApplied(err)}
}

// CreateMayHaveApplied reports whether a failed create may still have been applied: an
// unreadable 2xx, no answer after the request went out, or any 5xx (500, 502, 503, 504:
// only a 429 is documented as refused before any effect). Such a create is settled by
// looking for the certification before posting again, never by posting blindly.
func CreateMayHaveApplied(err error) bool {
	var de *DecodeError
	if errors.As(err, &de) {
		return true
	}
	var ge *Error
	if !errors.As(err, &ge) {
		return true // not one of ours: nothing says it was not sent
	}
	if ge.Status == 0 {
		return ge.Attempts > 0 // Attempts == 0: it never left the client
	}
	return ge.Status >= 500
}
