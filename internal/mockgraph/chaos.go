package mockgraph

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/wait"
)

// Kind is a fault beyond a canned error answer: the ways real networks and a real,
// eventually consistent Graph let a client down.
type Kind string

// The fault kinds. Those marked "applied" change state before the answer goes wrong,
// which is what makes them dangerous to a client that retries blindly.
const (
	KindThrottle         Kind = "throttle"          // 429 with Retry-After: 0; nothing applied
	KindUnavailable      Kind = "unavailable"       // 503 with Retry-After: 0; nothing applied
	KindUnavailableAfter Kind = "unavailable-after" // applied, then 503 with Retry-After: 0: Graph promises "not applied" only for 429
	KindSlow             Kind = "slow"              // applied; the answer comes after Chaos.SlowDelay
	KindResetBefore      Kind = "reset-before"      // the connection drops; nothing applied
	KindResetAfter       Kind = "reset-after"       // applied, then the connection drops: the answer is lost
	KindReadLag          Kind = "read-lag"          // create only: the new item's next reads (GETs, lists) miss it
	KindPatch204         Kind = "patch-204"         // update only: applied, answered 204 with no body
	KindAudienceNumber   Kind = "audience-number"   // allowedAudiences answered as Graph's schema number, e.g. "8" for organization
	KindAudienceUnknown  Kind = "audience-unknown"  // allowedAudiences answered with a token the SDK drops
	KindTruncated        Kind = "truncated"         // applied; the JSON answer is cut short
	// KindNoID answers an entity (or each list item) without its id. Graph does not do
	// this, so random chaos never draws it; it is queued by the tests of the provider's
	// guard against a server that does (a proxy, a broken fake).
	KindNoID Kind = "no-id"
)

// AllKinds lists every fault kind.
var AllKinds = []Kind{KindThrottle, KindUnavailable, KindUnavailableAfter, KindSlow, KindResetBefore, KindResetAfter,
	KindReadLag, KindPatch204, KindAudienceNumber, KindAudienceUnknown, KindTruncated}

// ParseKinds reads a comma-separated list of kinds ("" or "all" = every kind).
func ParseKinds(s string) ([]Kind, error) {
	if s == "" || s == "all" {
		return AllKinds, nil
	}
	var out []Kind
	for _, p := range strings.Split(s, ",") {
		k := Kind(strings.TrimSpace(p))
		if !k.valid() {
			return nil, fmt.Errorf("unknown fault kind %q; known: %v", k, AllKinds)
		}
		out = append(out, k)
	}
	return out, nil
}

func (k Kind) valid() bool {
	if k == KindNoID {
		return true
	}
	for _, x := range AllKinds {
		if x == k {
			return true
		}
	}
	return false
}

// appliesTo reports whether k makes sense for an operation. A whole batch
// (opBatch) can only fail the ways any HTTP exchange can: refused (throttle,
// unavailable, reset-before) or answered badly after its items ran (slow,
// reset-after, unavailable-after, truncated). The rest concern one certification answer.
func (k Kind) appliesTo(op string) bool {
	if op == opBatch {
		switch k {
		case KindThrottle, KindUnavailable, KindUnavailableAfter, KindSlow, KindResetBefore, KindResetAfter, KindTruncated:
			return true
		}
		return false
	}
	switch k {
	case KindReadLag:
		return op == opCreate
	case KindPatch204:
		return op == opUpdate
	case KindAudienceNumber, KindAudienceUnknown, KindTruncated, KindNoID:
		return op == opCreate || op == opGet || op == opUpdate || op == opList
	}
	return true
}

// Chaos makes a share of certification requests fail in one of Kinds.
type Chaos struct {
	Rate      float64       // 0..1, the share of requests that get a fault
	Kinds     []Kind        // drawn uniformly among those that apply; empty = all
	Seed      uint64        // 0 = a random seed
	SlowDelay time.Duration // for KindSlow; default 1s
	LagGETs   int           // for KindReadLag: how many reads miss the item (a GET answers 404, a list leaves it out); default 2
}

type chaosState struct {
	Chaos
	rng    *rand.Rand
	queued []queuedKind
	counts map[Kind]int
}

type queuedKind struct {
	kind  Kind
	op    string
	times int
}

// SetChaos switches random faults on (Rate > 0) or off.
func (s *Server) SetChaos(c Chaos) {
	if len(c.Kinds) == 0 {
		c.Kinds = AllKinds
	}
	if c.SlowDelay <= 0 {
		c.SlowDelay = time.Second
	}
	if c.LagGETs <= 0 {
		c.LagGETs = 2
	}
	seed := c.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chaos.Chaos = c
	s.chaos.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// InjectKind makes the next times requests of op fail in kind k. op "" means
// any certification request, including each sub-request of a batch (see
// withItemKind in batch.go for how the kinds play out there); "batch" means a
// whole POST /beta/$batch.
func (s *Server) InjectKind(k Kind, op string, times int) {
	if !k.valid() {
		panic(fmt.Sprintf("mockgraph: unknown fault kind %q", k))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chaos.queued = append(s.chaos.queued, queuedKind{kind: k, op: op, times: max(times, 1)})
}

// SetLatency delays every answer by d (a realistic Graph is tens of milliseconds away).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// FaultCounts says how many faults of each kind were produced.
func (s *Server) FaultCounts() map[Kind]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[Kind]int{}
	for k, n := range s.chaos.counts {
		out[k] = n
	}
	return out
}

// FaultSummary is FaultCounts as one sorted line, for logs and reports.
func (s *Server) FaultSummary() string {
	counts := s.FaultCounts()
	keys := make([]string, 0, len(counts))
	total := 0
	for k, n := range counts {
		keys = append(keys, fmt.Sprintf("%s=%d", k, n))
		total += n
	}
	sort.Strings(keys)
	return fmt.Sprintf("%d faults: %s", total, strings.Join(keys, " "))
}

// drawKind picks the fault for one request: a queued one first, else a random one.
// inBatch is set for a sub-request of a batch, which never draws a kind that has no
// meaning inside a batch answer (itemKindFits).
func (s *Server) drawKind(op string, inBatch bool) Kind {
	fits := func(k Kind) bool { return k.appliesTo(op) && (!inBatch || itemKindFits(k)) }
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.chaos
	var k Kind
	for i, q := range c.queued {
		if opMatches(q.op, op) && fits(q.kind) {
			k = q.kind
			c.queued[i].times--
			if c.queued[i].times == 0 {
				c.queued = append(c.queued[:i], c.queued[i+1:]...)
			}
			break
		}
	}
	if k == "" && c.Rate > 0 && c.rng != nil && c.rng.Float64() < c.Rate {
		var fit []Kind
		for _, x := range c.Kinds {
			if fits(x) {
				fit = append(fit, x)
			}
		}
		if len(fit) > 0 {
			k = fit[c.rng.IntN(len(fit))]
		}
	}
	if k != "" {
		if c.counts == nil {
			c.counts = map[Kind]int{}
		}
		c.counts[k]++
	}
	return k
}

// withKind serves one request under fault k. dispatch does the real work.
func (s *Server) withKind(k Kind, w http.ResponseWriter, r *http.Request, dispatch func(http.ResponseWriter)) {
	switch k {
	case KindThrottle:
		writeError(w, &apiError{status: http.StatusTooManyRequests, code: "TooManyRequests", message: "Too many requests.", retryAfter: "0"})
		return
	case KindUnavailable:
		writeError(w, unavailable())
		return
	case KindResetBefore:
		resetConnection(w)
		return
	case "":
		dispatch(w)
		return
	}
	// The rest act on the finished answer. The recorder starts with the headers
	// already set (request-id, client-request-id), so error bodies repeat them.
	rec := httptest.NewRecorder()
	for k, v := range w.Header() {
		rec.Header()[k] = v
	}
	dispatch(rec)
	body := rec.Body.Bytes()
	switch k {
	case KindResetAfter:
		resetConnection(w)
		return
	case KindUnavailableAfter:
		// What was done is answered by the gateway's 503 instead (w still holds only
		// the request's own headers: request-id, client-request-id).
		writeError(w, unavailable())
		return
	case KindSlow:
		// Applied at once, answered late: a client that gives up first has written anyway.
		if !wait.For(r.Context(), s.slowDelay()) {
			return
		}
	case KindReadLag:
		if rec.Code == http.StatusCreated {
			var ent struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(body, &ent) == nil && ent.ID != "" {
				s.mu.Lock()
				s.lag[ent.ID] = cmp.Or(s.chaos.LagGETs, 2)
				s.mu.Unlock()
			}
		}
	case KindPatch204:
		if rec.Code == http.StatusOK {
			copyHeaders(w, rec)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	case KindAudienceNumber, KindAudienceUnknown, KindNoID:
		if rec.Code < 300 {
			body = rewriteEntities(body, k)
		}
	case KindTruncated:
		if rec.Code < 300 && len(body) > 2 {
			body = body[:len(body)/2]
		}
	}
	copyHeaders(w, rec)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

func unavailable() *apiError {
	return &apiError{status: http.StatusServiceUnavailable, code: "ServiceUnavailable", message: "The service is temporarily unavailable.", retryAfter: "0"}
}

func copyHeaders(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
}

// resetConnection drops the TCP connection without an answer.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2, a recorder): the closest is an aborted handler.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// rewriteEntities changes an entity, or each list item, as kind k says: its
// allowedAudiences, or its id removed.
func rewriteEntities(body []byte, k Kind) []byte {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	fix := func(ent map[string]any) {
		if k == KindNoID {
			delete(ent, "id")
			return
		}
		v, ok := ent["allowedAudiences"].(string)
		if !ok {
			return
		}
		if k == KindAudienceUnknown {
			ent["allowedAudiences"] = "Organization" // wrong case: the SDK parses it to nil
			return
		}
		if mask, err := parseAudiences(v); err == nil {
			ent["allowedAudiences"] = formatAudiences(mask, true)
		}
	}
	if items, ok := doc["value"].([]any); ok {
		for _, it := range items {
			if ent, ok := it.(map[string]any); ok {
				fix(ent)
			}
		}
	} else {
		fix(doc)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(doc) != nil {
		return body
	}
	return buf.Bytes()
}

// slowDelay is how late a KindSlow answer comes.
func (s *Server) slowDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cmp.Or(s.chaos.SlowDelay, time.Second)
}
