package mockgraph

// JSON batching: POST /beta/$batch, as in "Combine multiple HTTP requests using
// JSON batching" (https://learn.microsoft.com/graph/json-batching).
//
// The batch as a whole:
//   - goes through latency, authentication and the request log once: it is one
//     HTTP request (the log entry's Batch holds its sub-requests);
//   - is refused with 400 and the usual envelope, nothing run, when its body is
//     not a JSON object with 1 to 20 requests, a request lacks id, method or
//     url, two ids are equal (ids ignore case, as on Graph), or a dependsOn
//     names anything but an earlier request (Graph answers "Invalid dependency
//     for request Id" for a forward reference);
//   - otherwise answers 200 {"responses":[…]}, one per request, in request order
//     (Graph may use any order; clients must match by id).
//
// Each sub-request ("/beta" + url, its headers plus the batch's Authorization)
// goes through admit and dispatch like a direct request: route, token
// permissions, the request budget (budget.go; each item counts, the batch
// itself does not), canned faults and chaos by its own operation, so one item
// can be throttled (429 with Retry-After in its headers) while the others run. Items run
// one at a time in request order, which honours every dependsOn because a
// dependency must come first; an item whose dependency answered >= 400 is not run
// and answers 424. Graph may run independent items in parallel; nothing a client
// may rely on differs.
//
// Item-level choices, where Graph refuses more:
//   - A body without a Content-Type header, or a POST/PATCH/PUT without a body, is
//     that item's 400, with Graph's message "Write request id : … does not contain
//     Content-Type header or body." Real Graph has been seen to refuse the whole
//     batch with that message; the mock keeps the other items running.
//   - A non-JSON Content-Type is that item's 400 (these routes take JSON only),
//     and an absolute url is that item's 400.
//
// An item's answer body is its JSON answer or the Graph error envelope (whose
// innerError repeats the batch's request-id and client-request-id); a 204 has no
// body; a non-JSON answer (…/$count's text/plain) is sent as a base64 string, as
// Graph does for non-JSON bodies.
//
// Chaos: a whole batch only takes kinds that make sense for an HTTP exchange
// (Kind.appliesTo(opBatch)), and only when they name "batch" (or are random). The
// kinds for sub-requests that concern a connection are mapped in withItemKind.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/wait"
)

// MaxBatchRequests is Graph's limit of requests in one JSON batch.
const MaxBatchRequests = 20

// batchItem is one entry of "requests".
type batchItem struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

// batchAnswer is one entry of "responses".
type batchAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// isBatchPath matches /beta/$batch (decoded, so %24batch too), ignoring case and
// one trailing slash.
func isBatchPath(p string) bool {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(segs) == 3 && segs[2] == "" {
		segs = segs[:2]
	}
	return len(segs) == 2 && strings.EqualFold(segs[0], "beta") && strings.EqualFold(segs[1], "$batch")
}

// serveBatch answers POST /beta/$batch after latency and checkAuth (handle).
func (s *Server) serveBatch(w http.ResponseWriter, r *http.Request, body []byte, bodyErr *apiError, entry *Request) {
	if r.Method != http.MethodPost {
		writeError(w, &apiError{status: http.StatusMethodNotAllowed, code: "BadRequest",
			message: "Specified HTTP method is not allowed for the request target.", allow: http.MethodPost})
		return
	}
	// With RequireIssuedTokens, a bad token fails the whole batch; permissions
	// are each sub-request's own (admit).
	if _, err := s.issuedClaims(r); err != nil {
		writeError(w, err)
		return
	}
	if err := s.takeFault(opBatch); err != nil {
		writeError(w, err)
		return
	}
	kind := s.drawKind(opBatch, false)
	if kind != "" {
		s.mu.Lock()
		entry.Fault = kind
		s.mu.Unlock()
	}
	// throttle, unavailable and reset-before refuse the batch before any item
	// runs; slow, reset-after, unavailable-after and truncated act on the answer
	// after all ran.
	s.withKind(kind, w, r, func(w http.ResponseWriter) { s.runBatch(w, r, body, bodyErr, entry) })
}

// runBatch validates the batch and runs its items.
func (s *Server) runBatch(w http.ResponseWriter, r *http.Request, body []byte, bodyErr *apiError, entry *Request) {
	if bodyErr != nil {
		writeError(w, bodyErr)
		return
	}
	items, err := parseBatch(body)
	if err != nil {
		writeError(w, err)
		return
	}
	requestID, clientRequestID := w.Header().Get("request-id"), w.Header().Get("client-request-id")
	answers := make([]batchAnswer, 0, len(items))
	status := map[string]int{} // lower-case id -> status of the items run so far
	slow := false
	for _, it := range items {
		ans, logged, itemSlow := s.runItem(r, it, status, requestID, clientRequestID)
		slow = slow || itemSlow
		status[strings.ToLower(it.ID)] = ans.Status
		answers = append(answers, ans)
		s.mu.Lock()
		entry.Batch = append(entry.Batch, logged)
		s.mu.Unlock()
	}
	if slow {
		// Graph answers a batch when its last item is done: one slow item holds
		// the whole answer (once, however many were slow).
		if !wait.For(r.Context(), s.slowDelay()) {
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"responses": answers})
}

// parseBatch reads the batch body; any error refuses the whole batch.
func parseBatch(body []byte) ([]batchItem, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("Empty Payload. JSON content expected.")
	}
	var doc struct {
		Requests []batchItem `json:"requests"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, badRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
	}
	switch n := len(doc.Requests); {
	case n == 0:
		return nil, badRequest("Invalid batch payload format: the 'requests' property must hold at least one request.")
	case n > MaxBatchRequests:
		return nil, badRequest("Limit of %d requests per batch exceeded: the batch holds %d requests.", MaxBatchRequests, n)
	}
	seen := map[string]bool{} // lower-case ids of earlier requests
	for i, it := range doc.Requests {
		switch {
		case it.ID == "":
			return nil, badRequest("Invalid batch payload format: the request at index %d has no 'id'.", i)
		case strings.TrimSpace(it.Method) == "":
			return nil, badRequest("Invalid batch payload format: request id : %s has no 'method'.", it.ID)
		case strings.TrimSpace(it.URL) == "":
			return nil, badRequest("Invalid batch payload format: request id : %s has no 'url'.", it.ID)
		}
		key := strings.ToLower(it.ID)
		if seen[key] {
			return nil, badRequest("Request id : %s is not unique in the batch (ids are not case-sensitive).", it.ID)
		}
		for _, d := range it.DependsOn {
			if !seen[strings.ToLower(d)] {
				return nil, badRequest("Invalid dependency for request Id : %s. '%s' is not the id of an earlier request in the batch.", it.ID, d)
			}
		}
		seen[key] = true
	}
	return doc.Requests, nil
}

// runItem runs one sub-request (or answers 424 for it) and returns its answer,
// its log entry and whether a slow fault should hold the batch answer.
func (s *Server) runItem(outer *http.Request, it batchItem, done map[string]int, requestID, clientRequestID string) (batchAnswer, Request, bool) {
	rec := httptest.NewRecorder()
	rec.Header().Set("request-id", requestID)
	rec.Header().Set("client-request-id", clientRequestID)

	sub, body, err := subRequest(outer, it)
	logged := Request{
		Time:     time.Now(),
		BatchID:  it.ID,
		Method:   sub.Method,
		Path:     sub.URL.Path,
		RawQuery: sub.URL.RawQuery,
		Header:   sub.Header.Clone(),
		RawBody:  body,
		Body:     body,
	}
	slow := false
	if dep, failed := failedDependency(it, done); failed {
		writeError(rec, &apiError{status: http.StatusFailedDependency, code: "FailedDependency",
			message: "The request was not run because the request it depends on, id : " + dep + ", failed."})
	} else if err != nil {
		writeError(rec, err)
	} else if rt, kind, ok := s.admit(rec, sub, true); ok {
		logged.Fault = kind
		slow = s.withItemKind(kind, rec, sub, func(w http.ResponseWriter) { s.dispatch(w, sub, rt, body, nil) })
	}
	ans := answerOf(it.ID, rec)
	logged.Status = ans.Status
	logged.RetryAfter = rec.Header().Get("Retry-After")
	return ans, logged, slow
}

// failedDependency names the first dependency of it that answered >= 400.
func failedDependency(it batchItem, done map[string]int) (string, bool) {
	for _, d := range it.DependsOn {
		if done[strings.ToLower(d)] >= http.StatusBadRequest {
			return d, true
		}
	}
	return "", false
}

// subRequest builds the request an item stands for. It always returns a
// request (for the log); a non-nil error is the item's own 400.
func subRequest(outer *http.Request, it batchItem) (*http.Request, []byte, *apiError) {
	hdr := http.Header{}
	for k, v := range it.Headers {
		hdr.Set(k, v)
	}
	// Sub-requests run as the batch's caller, whatever their headers say.
	hdr.Del("Authorization")
	if a := outer.Header.Values("Authorization"); len(a) > 0 {
		hdr["Authorization"] = append([]string(nil), a...)
	}
	sub := (&http.Request{
		Method:     strings.ToUpper(strings.TrimSpace(it.Method)),
		URL:        &url.URL{Path: it.URL},
		Proto:      outer.Proto,
		ProtoMajor: outer.ProtoMajor,
		ProtoMinor: outer.ProtoMinor,
		Header:     hdr,
		Body:       http.NoBody,
		Host:       outer.Host, // nextLink is absolute on the batch's own host, as for direct lists
		RemoteAddr: outer.RemoteAddr,
		TLS:        outer.TLS,
	}).WithContext(outer.Context())

	u, perr := url.Parse(it.URL)
	if perr != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(it.URL, "//") {
		return sub, nil, badRequest("Invalid request URL '%s': the url of a batch request is relative to the version root, such as /me/profile/certifications.", it.URL)
	}
	p, raw := u.Path, u.RawPath
	if !strings.HasPrefix(p, "/") {
		p, raw = "/"+p, "/"+raw
	}
	sub.URL = &url.URL{Path: "/beta" + p, RawQuery: u.RawQuery}
	if u.RawPath != "" {
		sub.URL.RawPath = "/beta" + raw
	}

	var body []byte
	if hasBody := len(it.Body) > 0 && !bytes.Equal(bytes.TrimSpace(it.Body), []byte("null")); hasBody {
		body = []byte(it.Body)
	}
	write := sub.Method == http.MethodPost || sub.Method == http.MethodPatch || sub.Method == http.MethodPut
	ct := strings.TrimSpace(hdr.Get("Content-Type"))
	switch {
	case body != nil && ct == "", body == nil && write:
		return sub, body, badRequest("Write request id : %s does not contain Content-Type header or body.", it.ID)
	case body != nil && !isJSONMediaType(ct):
		return sub, body, badRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
	}
	return sub, body, nil
}

// itemKindFits reports whether a fault kind can be drawn for a sub-request. A
// truncated body cannot exist inside a well-formed batch answer.
func itemKindFits(k Kind) bool { return k != KindTruncated }

// withItemKind serves a sub-request under fault k and reports whether the batch
// answer must be held (slow). Kinds about a connection have none of their own
// inside a batch; they become what a client sees of a backend that fails behind
// Graph's gateway:
//
//	reset-before: 504 GatewayTimeout, nothing applied;
//	reset-after:  applied, then the same 504, so the answer tells nothing of the outcome
//	              (the batched form of a committed-but-lost answer);
//	slow:         applied and answered normally, but the whole batch answers late.
//
// throttle, unavailable, unavailable-after, read-lag, patch-204 and the audience
// kinds act on the item exactly as on a direct request (withKind); truncated is
// never drawn.
func (s *Server) withItemKind(k Kind, w http.ResponseWriter, r *http.Request, dispatch func(http.ResponseWriter)) bool {
	switch k {
	case KindResetBefore:
		writeError(w, gatewayTimeout())
	case KindResetAfter:
		dispatch(httptest.NewRecorder())
		writeError(w, gatewayTimeout())
	case KindSlow:
		dispatch(w)
		return true
	default:
		s.withKind(k, w, r, dispatch)
	}
	return false
}

func gatewayTimeout() *apiError {
	return &apiError{status: http.StatusGatewayTimeout, code: "GatewayTimeout",
		message: "The service did not answer in time. The request may or may not have been applied."}
}

// answerOf turns a recorded sub-response into a "responses" entry. Headers
// are Graph's single strings; request-id and client-request-id stay on the
// batch's own response.
func answerOf(id string, rec *httptest.ResponseRecorder) batchAnswer {
	ans := batchAnswer{ID: id, Status: rec.Code}
	for k, v := range rec.Header() {
		switch k {
		case "Request-Id", "Client-Request-Id", "Content-Length":
			continue
		}
		if ans.Headers == nil {
			ans.Headers = map[string]string{}
		}
		ans.Headers[k] = strings.Join(v, ", ")
	}
	b := bytes.TrimSpace(rec.Body.Bytes())
	switch {
	case len(b) == 0:
	case isJSONMediaType(rec.Header().Get("Content-Type")) && json.Valid(b):
		ans.Body = b
	default:
		enc, _ := json.Marshal(base64.StdEncoding.EncodeToString(rec.Body.Bytes())) // a string always encodes
		ans.Body = enc
	}
	return ans
}

// isJSONMediaType accepts application/json and +json types, with parameters.
func isJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
