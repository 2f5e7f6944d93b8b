package mockgraph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const batchPath = "/beta/$batch"

// batchAnswerT is one entry of a batch answer as a client reads it.
type batchAnswerT struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// asResponse lets the direct-request helpers (graphError, obj) check an item. An
// item's innerError repeats the batch's request-id and client-request-id, so
// those come from the batch's own response.
func (a batchAnswerT) asResponse(outer response) response {
	h := http.Header{}
	for k, v := range a.Headers {
		h.Set(k, v)
	}
	h.Set("request-id", outer.header.Get("request-id"))
	h.Set("client-request-id", outer.header.Get("client-request-id"))
	return response{status: a.Status, header: h, body: a.Body}
}

// breq builds one entry of "requests". body (if not nil) is sent with
// "content-type: application/json", lower-case as the Go SDK writes it.
func breq(id, method, url string, body any, dependsOn ...string) map[string]any {
	m := map[string]any{"id": id, "method": method, "url": url}
	if body != nil {
		m["body"] = body
		m["headers"] = map[string]string{"content-type": "application/json"}
	}
	if len(dependsOn) > 0 {
		m["dependsOn"] = dependsOn
	}
	return m
}

// sendBatch posts the requests and checks the batch answer's shape: 200, JSON,
// one entry per request, in request order. It returns the outer response and
// the entries by id.
func sendBatch(t *testing.T, s *Server, reqs []map[string]any, hdr ...string) (response, map[string]batchAnswerT) {
	t.Helper()
	r := do(t, s, http.MethodPost, batchPath, map[string]any{"requests": reqs}, hdr...)
	return r, checkBatchAnswer(t, r, reqs)
}

func checkBatchAnswer(t *testing.T, r response, reqs []map[string]any) map[string]batchAnswerT {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("batch: status %d, want 200: %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("batch Content-Type %q, want application/json", ct)
	}
	var doc struct {
		Responses []batchAnswerT `json:"responses"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("batch answer is not {\"responses\":[…]}: %v\n%s", err, r.body)
	}
	if len(doc.Responses) != len(reqs) {
		t.Fatalf("%d responses for %d requests: %s", len(doc.Responses), len(reqs), r.body)
	}
	out := map[string]batchAnswerT{}
	for i, a := range doc.Responses {
		if want := reqs[i]["id"]; a.ID != want {
			t.Errorf("responses[%d].id = %q, want %q (request order)", i, a.ID, want)
		}
		if a.Status == http.StatusNoContent && len(a.Body) != 0 {
			t.Errorf("item %s: 204 with body %s", a.ID, a.Body)
		}
		out[a.ID] = a
	}
	return out
}

// status fails unless the item answered want, and returns its body as a response.
func (a batchAnswerT) want(t *testing.T, outer response, want int) response {
	t.Helper()
	if a.Status != want {
		t.Fatalf("item %s: status %d, want %d: %s", a.ID, a.Status, want, a.Body)
	}
	if a.Status != http.StatusNoContent && a.Headers["Content-Type"] != "application/json" {
		t.Errorf("item %s: Content-Type %q, want application/json", a.ID, a.Headers["Content-Type"])
	}
	return a.asResponse(outer)
}

func seedUser(t *testing.T, s *Server, user string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		ent, err := s.Seed(user, map[string]any{"displayName": fmt.Sprintf("%s-%d", user, i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, str(t, ent, "id"))
	}
	return ids
}

func TestBatchListsOfTwoUsers(t *testing.T) {
	s := start(t)
	seedUser(t, s, "me", 3)
	seedUser(t, s, OtherID, 2)
	reqs := []map[string]any{
		breq("me", "GET", "/me/profile/certifications?$top=2", nil),
		// No leading slash, a UPN, the %24 form of $count: all as Graph takes them.
		breq("other", "GET", "users/"+OtherUPN+"/profile/certifications?%24count=true", nil),
	}
	outer, got := sendBatch(t, s, reqs)

	me := got["me"].want(t, outer, http.StatusOK).obj(t)
	if n := len(values(t, me)); n != 2 {
		t.Errorf("me: %d items on the first page, want 2", n)
	}
	direct := do(t, s, http.MethodGet, meColl+"?$top=2", nil).obj(t)
	link := str(t, me, "@odata.nextLink")
	if want := str(t, direct, "@odata.nextLink"); link != want {
		t.Errorf("nextLink in the batch %q, direct %q", link, want)
	}
	if !strings.HasPrefix(link, s.URL+"/beta/me/profile/certifications?") {
		t.Errorf("nextLink %q is not absolute on the mock", link)
	}
	if n := len(values(t, do(t, s, http.MethodGet, link, nil).obj(t))); n != 1 {
		t.Errorf("following the batch's nextLink: %d items, want 1", n)
	}

	other := got["other"].want(t, outer, http.StatusOK).obj(t)
	if n := len(values(t, other)); n != 2 || other["@odata.count"] != float64(2) {
		t.Errorf("other: %d items, @odata.count %v; want 2 and 2", n, other["@odata.count"])
	}
	if !strings.Contains(str(t, other, "@odata.context"), "users('"+OtherID+"')") {
		t.Errorf("other: @odata.context %v", other["@odata.context"])
	}
	if _, ok := got["other"].Headers["Request-Id"]; ok {
		t.Errorf("item headers carry the batch's request-id: %v", got["other"].Headers)
	}
}

// The batch path is matched like every other segment: any case, %24 for $,
// one trailing slash. Only POST is allowed, and only under /beta.
func TestBatchPathAndMethod(t *testing.T) {
	s := start(t)
	reqs := []map[string]any{breq("1", "GET", "/me/profile/certifications", nil)}
	for _, p := range []string{"/beta/$batch", "/beta/%24batch", "/BETA/$Batch", "/beta/$batch/"} {
		t.Run(p, func(t *testing.T) {
			r := do(t, s, http.MethodPost, p, map[string]any{"requests": reqs})
			checkBatchAnswer(t, r, reqs)
		})
	}
	r := do(t, s, http.MethodGet, batchPath, nil)
	wantError(t, r, http.StatusMethodNotAllowed, "BadRequest", "not allowed")
	if r.header.Get("Allow") != "POST" {
		t.Errorf("Allow %q, want POST", r.header.Get("Allow"))
	}
	wantError(t, do(t, s, http.MethodPost, "/v1.0/$batch", map[string]any{"requests": reqs}), http.StatusNotFound, "BadRequest", "v1.0")
	wantError(t, do(t, s, http.MethodPost, "/beta/$batch/x", map[string]any{"requests": reqs}), http.StatusNotFound, "BadRequest", "$batch")
}

func TestBatchWritesChangeState(t *testing.T) {
	s := start(t)
	ids := seedUser(t, s, "me", 2)
	keep, gone := ids[0], ids[1]
	reqs := []map[string]any{
		breq("create", "POST", "/users/"+OtherID+"/profile/certifications", map[string]any{"displayName": "Batched"}),
		breq("patch", "patch", "/me/profile/certifications/"+keep, map[string]any{"displayName": "Renamed"}), // method case is ignored
		breq("delete", "Delete", "/me/profile/certifications/"+gone, nil),
		breq("read", "GET", "/me/profile/certifications/"+keep, nil, "patch"),
	}
	outer, got := sendBatch(t, s, reqs)

	created := got["create"].want(t, outer, http.StatusCreated).obj(t)
	if created["displayName"] != "Batched" || !guidRE.MatchString(str(t, created, "id")) {
		t.Errorf("created %v", created)
	}
	if got["patch"].want(t, outer, http.StatusOK).obj(t)["displayName"] != "Renamed" {
		t.Errorf("PATCH answered %s", got["patch"].Body)
	}
	got["delete"].want(t, outer, http.StatusNoContent)
	if got["read"].want(t, outer, http.StatusOK).obj(t)["displayName"] != "Renamed" {
		t.Errorf("GET after the PATCH it depends on: %s", got["read"].Body)
	}

	// The same state through direct requests.
	r := do(t, s, http.MethodGet, otherColl+"/"+str(t, created, "id"), nil)
	if r.status != http.StatusOK || r.obj(t)["displayName"] != "Batched" {
		t.Errorf("direct GET of the batched create: %d %s", r.status, r.body)
	}
	if r := do(t, s, http.MethodGet, meColl+"/"+keep, nil); r.obj(t)["displayName"] != "Renamed" {
		t.Errorf("direct GET after the batched PATCH: %s", r.body)
	}
	wantError(t, do(t, s, http.MethodGet, meColl+"/"+gone, nil), http.StatusNotFound, "itemNotFound", gone)

	// One logged request, its sub-requests inside.
	reqLog := s.Requests()
	batch := reqLog[0]
	if batch.Method != http.MethodPost || batch.Path != batchPath || batch.Status != http.StatusOK {
		t.Fatalf("batch logged as %s %s %d", batch.Method, batch.Path, batch.Status)
	}
	wantSubs := []struct {
		id, method, path string
		status           int
	}{
		{"create", "POST", otherColl, 201},
		{"patch", "PATCH", meColl + "/" + keep, 200},
		{"delete", "DELETE", meColl + "/" + gone, 204},
		{"read", "GET", meColl + "/" + keep, 200},
	}
	if len(batch.Batch) != len(wantSubs) {
		t.Fatalf("%d sub-requests logged, want %d", len(batch.Batch), len(wantSubs))
	}
	for i, w := range wantSubs {
		sub := batch.Batch[i]
		if sub.BatchID != w.id || sub.Method != w.method || sub.Path != w.path || sub.Status != w.status {
			t.Errorf("sub-request %d logged as %q %s %s %d, want %q %s %s %d",
				i, sub.BatchID, sub.Method, sub.Path, sub.Status, w.id, w.method, w.path, w.status)
		}
		if sub.Header.Get("Authorization") != "Bearer "+testToken {
			t.Errorf("sub-request %d does not carry the batch's Authorization", i)
		}
	}
	if string(batch.Batch[1].Body) != `{"displayName":"Renamed"}` {
		t.Errorf("logged PATCH body %s", batch.Batch[1].Body)
	}
}

// A malformed batch is refused whole, with the Graph envelope, and none of its
// requests runs (each case carries a valid create that must not happen).
func TestBatchRefusedWhole(t *testing.T) {
	create := breq("c", "POST", "/me/profile/certifications", map[string]any{"displayName": "x"})
	many := []map[string]any{}
	for i := range MaxBatchRequests + 1 {
		many = append(many, breq(fmt.Sprint(i), "POST", "/me/profile/certifications", map[string]any{"displayName": "x"}))
	}
	cases := []struct {
		name string
		body any
		msg  string
	}{
		{"malformed JSON", `{"requests":[`, "valid JSON"},
		{"empty body", "", "Empty Payload"},
		{"not an object", `[]`, "valid JSON"},
		{"no requests", map[string]any{}, "at least one"},
		{"empty requests", map[string]any{"requests": []any{}}, "at least one"},
		{"21 requests", map[string]any{"requests": many}, "Limit of 20 requests per batch exceeded"},
		{"id not a string", `{"requests":[{"id":1,"method":"GET","url":"/me/profile/certifications"}]}`, "valid JSON"},
		{"no id", map[string]any{"requests": []any{create, map[string]any{"method": "GET", "url": "/me"}}}, "index 1 has no 'id'"},
		{"no method", map[string]any{"requests": []any{create, map[string]any{"id": "2", "url": "/me"}}}, "no 'method'"},
		{"no url", map[string]any{"requests": []any{create, map[string]any{"id": "2", "method": "GET"}}}, "no 'url'"},
		{"duplicate id", map[string]any{"requests": []any{create, breq("C", "GET", "/me/profile/certifications", nil)}}, "not unique"},
		{"unknown dependency", map[string]any{"requests": []any{create, breq("2", "GET", "/me/profile/certifications", nil, "nope")}}, "Invalid dependency for request Id : 2"},
		{"forward dependency", map[string]any{"requests": []any{
			breq("1", "GET", "/me/profile/certifications", nil, "c"), create}}, "Invalid dependency for request Id : 1"},
		{"self dependency", map[string]any{"requests": []any{create, breq("2", "GET", "/me/profile/certifications", nil, "2")}}, "Invalid dependency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := start(t)
			r := do(t, s, http.MethodPost, batchPath, c.body)
			wantError(t, r, http.StatusBadRequest, "BadRequest", c.msg)
			if n := len(s.Certifications("me")); n != 0 {
				t.Errorf("a refused batch created %d certifications", n)
			}
			if log := s.Requests(); len(log) != 1 || len(log[0].Batch) != 0 || log[0].Status != http.StatusBadRequest {
				t.Errorf("log: %d requests, first with %d sub-requests", len(log), len(log[0].Batch))
			}
		})
	}
}

// Problems of one request are that request's answer; the others run.
func TestBatchItemErrors(t *testing.T) {
	s := start(t)
	noCT := breq("no-content-type", "POST", "/me/profile/certifications", nil)
	noCT["body"] = map[string]any{"displayName": "x"}
	textBody := breq("text-body", "POST", "/me/profile/certifications", nil)
	textBody["body"] = "ZGlzcGxheU5hbWU="
	textBody["headers"] = map[string]string{"Content-Type": "text/plain"}
	nullBody := breq("null-body", "PATCH", "/me/profile/certifications/x", nil)
	nullBody["body"] = nil
	nullBody["headers"] = map[string]string{"Content-Type": "application/json"}

	cases := []struct {
		req        map[string]any
		status     int
		code, msg  string
		wantHeader [2]string
	}{
		{noCT, 400, "BadRequest", "Write request id : no-content-type does not contain Content-Type header or body.", [2]string{}},
		{breq("no-body", "POST", "/me/profile/certifications", nil), 400, "BadRequest", "does not contain Content-Type header or body", [2]string{}},
		{nullBody, 400, "BadRequest", "does not contain Content-Type header or body", [2]string{}},
		{textBody, 400, "BadRequest", "valid JSON", [2]string{}},
		{breq("absolute", "GET", s.URL+"/beta/me/profile/certifications", nil), 400, "BadRequest", "relative", [2]string{}},
		{breq("unknown-user", "GET", "/users/nobody@contoso.example/profile/certifications", nil), 404, "Request_ResourceNotFound", "nobody@contoso.example", [2]string{}},
		{breq("unknown-item", "GET", "/me/profile/certifications/nope", nil), 404, "itemNotFound", "nope", [2]string{}},
		{breq("unknown-segment", "GET", "/me/profile/skills", nil), 404, "BadRequest", "skills", [2]string{}},
		{breq("bad-method", "PUT", "/me/profile/certifications", map[string]any{}), 405, "BadRequest", "not allowed", [2]string{"Allow", "GET, POST"}},
		{breq("nested-batch", "POST", "/$batch", map[string]any{"requests": []any{}}), 404, "BadRequest", "$batch", [2]string{}},
		{breq("bad-top", "GET", "/me/profile/certifications?$top=0", nil), 400, "BadRequest", "$top", [2]string{}},
		{breq("invalid-body", "POST", "/me/profile/certifications", map[string]any{"bogus": 1}), 400, "BadRequest", "bogus", [2]string{}},
	}
	good := breq("good", "POST", "/me/profile/certifications", map[string]any{"displayName": "ok"})
	reqs := []map[string]any{good}
	for _, c := range cases {
		reqs = append(reqs, c.req)
	}
	outer, got := sendBatch(t, s, reqs)
	got["good"].want(t, outer, http.StatusCreated)
	for _, c := range cases {
		id := str(t, c.req, "id")
		t.Run(id, func(t *testing.T) {
			r := got[id].asResponse(outer)
			wantError(t, r, c.status, c.code, c.msg)
			if c.wantHeader[0] != "" && got[id].Headers[c.wantHeader[0]] != c.wantHeader[1] {
				t.Errorf("header %s = %q, want %q (headers %v)", c.wantHeader[0], got[id].Headers[c.wantHeader[0]], c.wantHeader[1], got[id].Headers)
			}
		})
	}
	if n := len(s.Certifications("me")); n != 1 {
		t.Errorf("%d certifications, want only the good one", n)
	}
}

// A fault given to one request is that request's answer, Retry-After in its own
// headers, nothing applied; the batch itself is 200.
func TestBatchItemThrottled(t *testing.T) {
	for _, tc := range []struct {
		name       string
		inject     func(*Server)
		retryAfter string
	}{
		{"fault", func(s *Server) { s.Inject(Fault{Op: "create", Status: 429, RetryAfter: "7"}) }, "7"},
		{"any-op fault", func(s *Server) { s.Inject(Fault{Status: 429}) }, "0"},
		{"throttle kind", func(s *Server) { s.InjectKind(KindThrottle, opCreate, 1) }, "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t)
			tc.inject(s)
			reqs := []map[string]any{
				breq("1", "POST", "/me/profile/certifications", map[string]any{"displayName": "first"}),
				breq("2", "POST", "/me/profile/certifications", map[string]any{"displayName": "second"}),
			}
			outer, got := sendBatch(t, s, reqs)
			if ra := outer.header.Get("Retry-After"); ra != "" {
				t.Errorf("the batch answer has Retry-After %q", ra)
			}
			wantError(t, got["1"].asResponse(outer), http.StatusTooManyRequests, "TooManyRequests", "")
			if ra := got["1"].Headers["Retry-After"]; ra != tc.retryAfter {
				t.Errorf("item Retry-After %q, want %q (headers %v)", ra, tc.retryAfter, got["1"].Headers)
			}
			got["2"].want(t, outer, http.StatusCreated)
			certs := s.Certifications("me")
			if len(certs) != 1 || certs[0]["displayName"] != "second" {
				t.Errorf("certifications after a throttled item: %v", certs)
			}
		})
	}
}

func TestBatchDependsOn(t *testing.T) {
	s := start(t)
	ids := seedUser(t, s, "me", 1)
	reqs := []map[string]any{
		breq("missing", "GET", "/me/profile/certifications/nope", nil),
		breq("after-missing", "PATCH", "/me/profile/certifications/"+ids[0], map[string]any{"displayName": "must not happen"}, "MISSING"),
		breq("chained", "DELETE", "/me/profile/certifications/"+ids[0], nil, "after-missing"),
		breq("fine", "GET", "/me/profile/certifications/"+ids[0], nil),
		breq("after-fine", "GET", "/me/profile/certifications", nil, "fine"),
	}
	outer, got := sendBatch(t, s, reqs)
	wantError(t, got["missing"].asResponse(outer), http.StatusNotFound, "itemNotFound", "nope")
	wantError(t, got["after-missing"].asResponse(outer), http.StatusFailedDependency, "FailedDependency", "MISSING")
	wantError(t, got["chained"].asResponse(outer), http.StatusFailedDependency, "FailedDependency", "after-missing")
	got["fine"].want(t, outer, http.StatusOK)
	got["after-fine"].want(t, outer, http.StatusOK)

	if c, ok := s.Certification("me", ids[0]); !ok || c["displayName"] != "me-0" {
		t.Errorf("a request whose dependency failed changed state: %v %v", c, ok)
	}
	subs := s.Requests()[0].Batch
	if subs[1].Status != http.StatusFailedDependency || subs[2].Status != http.StatusFailedDependency {
		t.Errorf("logged statuses %d %d, want 424 424", subs[1].Status, subs[2].Status)
	}
}

func TestBatchGzipBody(t *testing.T) {
	s := start(t)
	reqs := []map[string]any{breq("1", "POST", "/me/profile/certifications", map[string]any{"displayName": "zipped"})}
	raw, err := json.Marshal(map[string]any{"requests": reqs})
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, s, http.MethodPost, batchPath, gzipped(t, string(raw)), "Content-Encoding", "gzip")
	got := checkBatchAnswer(t, r, reqs)
	if got["1"].want(t, r, http.StatusCreated).obj(t)["displayName"] != "zipped" {
		t.Errorf("item answered %s", got["1"].Body)
	}
	if log := s.Requests(); string(log[0].Body) != string(raw) || len(log[0].Batch) != 1 {
		t.Errorf("logged body %q with %d sub-requests", log[0].Body, len(log[0].Batch))
	}
	wantError(t, do(t, s, http.MethodPost, batchPath, string(raw), "Content-Encoding", "gzip"),
		http.StatusBadRequest, "BadRequest", "not valid gzip")
	if n := len(s.Certifications("me")); n != 1 {
		t.Errorf("%d certifications, want 1", n)
	}
}

// Latency is per HTTP request: a batch of five waits once.
func TestBatchLatencyOnce(t *testing.T) {
	s := start(t)
	const latency = 150 * time.Millisecond
	s.SetLatency(latency)
	var reqs []map[string]any
	for i := range 5 {
		reqs = append(reqs, breq(fmt.Sprint(i), "GET", "/me/profile/certifications", nil))
	}
	began := time.Now()
	sendBatch(t, s, reqs)
	if d := time.Since(began); d < latency || d >= 2*latency {
		t.Errorf("batch of 5 answered after %v, want one latency (%v..%v)", d, latency, 2*latency)
	}
}

// A batch is one request in the log (and to /_mock/stats, which counts what
// reaches the handler), however many it carries.
func TestBatchCountsAsOneRequest(t *testing.T) {
	s := start(t)
	var served atomic.Int32
	counted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(counted.Close)
	s.URL = counted.URL // do() joins paths to s.URL

	var reqs []map[string]any
	for i := range MaxBatchRequests {
		reqs = append(reqs, breq(fmt.Sprint(i), "GET", "/me/profile/certifications", nil))
	}
	sendBatch(t, s, reqs)
	log := s.Requests()
	if n := served.Load(); n != 1 || len(log) != 1 {
		t.Fatalf("a batch of %d reached the handler %d times, logged %d times", len(reqs), n, len(log))
	}
	if len(log[0].Batch) != MaxBatchRequests {
		t.Errorf("%d sub-requests logged, want %d", len(log[0].Batch), MaxBatchRequests)
	}
}

// The batch's Authorization is checked once and is what every request runs as.
func TestBatchAuthorization(t *testing.T) {
	s := start(t)
	reqs := []map[string]any{breq("1", "POST", "/me/profile/certifications", map[string]any{"displayName": "x"})}
	wantError(t, do(t, s, http.MethodPost, batchPath, map[string]any{"requests": reqs}, "Authorization", ""),
		http.StatusUnauthorized, "InvalidAuthenticationToken", "empty")
	if n := len(s.Certifications("me")); n != 0 {
		t.Fatalf("an unauthenticated batch created %d", n)
	}

	// A request's own Authorization header is not used.
	s.SetAcceptedToken(testToken)
	reqs[0]["headers"] = map[string]string{"Content-Type": "application/json", "Authorization": "Bearer wrong"}
	outer, got := sendBatch(t, s, reqs)
	got["1"].want(t, outer, http.StatusCreated)

	// With issued tokens, a bad token fails the batch; permissions are per request.
	s.RequireIssuedTokens("")
	wantError(t, do(t, s, http.MethodPost, batchPath, map[string]any{"requests": reqs}),
		http.StatusUnauthorized, "InvalidAuthenticationToken", "validation failure")
	s.SetAcceptedToken("")
	app := s.IssueAppToken("batch-app", "", []string{"User.Read.All"})
	reqs = []map[string]any{
		breq("read", "GET", "/users/"+OtherID+"/profile/certifications", nil),
		breq("write", "POST", "/users/"+OtherID+"/profile/certifications", map[string]any{"displayName": "x"}),
		breq("me", "GET", "/me/profile/certifications", nil),
	}
	// App-only tokens are refused item by item, as Graph's current docs describe...
	outer, got = sendBatch(t, s, reqs, "Authorization", "Bearer "+app)
	wantError(t, got["read"].asResponse(outer), http.StatusForbidden, "ErrorAccessDeniedForRole", "")
	wantError(t, got["me"].asResponse(outer), http.StatusBadRequest, "BadRequest", "delegated")
	// ... and, let through as the older docs allowed, checked against their roles.
	s.SetAllowAppOnly(true)
	outer, got = sendBatch(t, s, reqs, "Authorization", "Bearer "+app)
	got["read"].want(t, outer, http.StatusOK)
	wantError(t, got["write"].asResponse(outer), http.StatusForbidden, "ErrorAccessDeniedForRole", "")
	wantError(t, got["me"].asResponse(outer), http.StatusBadRequest, "BadRequest", "delegated")
}

// Faults for the batch itself must name it; Op "" faults go to its requests.
func TestBatchOuterFaults(t *testing.T) {
	reqs := []map[string]any{breq("1", "POST", "/me/profile/certifications", map[string]any{"displayName": "x"})}
	body := map[string]any{"requests": reqs}

	t.Run("throttled batch", func(t *testing.T) {
		s := start(t)
		s.Inject(Fault{Op: "batch", Status: 429, RetryAfter: "3"})
		r := do(t, s, http.MethodPost, batchPath, body)
		wantError(t, r, http.StatusTooManyRequests, "TooManyRequests", "")
		if r.header.Get("Retry-After") != "3" {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
		if n := len(s.Certifications("me")); n != 0 {
			t.Errorf("a throttled batch created %d", n)
		}
		_, got := sendBatch(t, s, reqs) // used up
		if got["1"].Status != http.StatusCreated {
			t.Errorf("retry: item %d", got["1"].Status)
		}
	})
	t.Run("unnamed kind skips the batch", func(t *testing.T) {
		s := start(t)
		s.InjectKind(KindUnavailable, "", 1)
		outer, got := sendBatch(t, s, reqs)
		wantError(t, got["1"].asResponse(outer), http.StatusServiceUnavailable, "ServiceUnavailable", "")
		if log := s.Requests(); log[0].Fault != "" || log[0].Batch[0].Fault != KindUnavailable {
			t.Errorf("fault logged on the batch %q, on the item %q", log[0].Fault, log[0].Batch[0].Fault)
		}
	})
	for _, tc := range []struct {
		kind    Kind
		applied bool
	}{{KindResetBefore, false}, {KindResetAfter, true}} {
		t.Run(string(tc.kind), func(t *testing.T) {
			s := start(t)
			s.InjectKind(tc.kind, "batch", 1)
			raw, _ := json.Marshal(body)
			if _, _, err := rawDo(t, s, http.MethodPost, batchPath, string(raw)); err == nil { //nolint:bodyclose // rawDo closes it
				t.Fatal("the connection was not dropped")
			}
			if n := len(s.Certifications("me")); (n == 1) != tc.applied {
				t.Errorf("%d certifications after %s, want applied=%v", n, tc.kind, tc.applied)
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		s := start(t)
		s.InjectKind(KindTruncated, "batch", 1)
		r := do(t, s, http.MethodPost, batchPath, body)
		if r.status != http.StatusOK || json.Valid(r.body) {
			t.Errorf("truncated batch: %d %s", r.status, r.body)
		}
		if n := len(s.Certifications("me")); n != 1 {
			t.Errorf("%d certifications, want the applied 1", n)
		}
	})
}

// How the connection kinds play out for one request of a batch.
func TestBatchItemChaosKinds(t *testing.T) {
	create := breq("c", "POST", "/me/profile/certifications", map[string]any{"displayName": "x"})
	for _, tc := range []struct {
		kind    Kind
		status  int
		applied bool
	}{
		{KindResetBefore, http.StatusGatewayTimeout, false},
		{KindResetAfter, http.StatusGatewayTimeout, true},
		{KindUnavailable, http.StatusServiceUnavailable, false},
		{KindUnavailableAfter, http.StatusServiceUnavailable, true},
		{KindSlow, http.StatusCreated, true},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			s := start(t)
			s.SetChaos(Chaos{SlowDelay: 200 * time.Millisecond})
			s.InjectKind(tc.kind, opCreate, 1)
			began := time.Now()
			outer, got := sendBatch(t, s, []map[string]any{create, breq("g", "GET", "/me/profile/certifications", nil)})
			if slow := time.Since(began) >= 200*time.Millisecond; slow != (tc.kind == KindSlow) {
				t.Errorf("batch answered after %v", time.Since(began))
			}
			if tc.status >= 400 {
				graphError(t, got["c"].asResponse(outer), tc.status)
			} else {
				got["c"].want(t, outer, tc.status)
			}
			got["g"].want(t, outer, http.StatusOK)
			if n := len(s.Certifications("me")); (n == 1) != tc.applied {
				t.Errorf("%d certifications, want applied=%v", n, tc.applied)
			}
			if f := s.Requests()[0].Batch[0].Fault; f != tc.kind {
				t.Errorf("logged fault %q", f)
			}
		})
	}

	t.Run("patch-204 and audience-number", func(t *testing.T) {
		s := start(t)
		ids := seedUser(t, s, "me", 1)
		s.InjectKind(KindPatch204, "", 1)
		s.InjectKind(KindAudienceNumber, opGet, 1)
		outer, got := sendBatch(t, s, []map[string]any{
			breq("p", "PATCH", "/me/profile/certifications/"+ids[0], map[string]any{"displayName": "y"}),
			breq("g", "GET", "/me/profile/certifications/"+ids[0], nil),
		})
		got["p"].want(t, outer, http.StatusNoContent)
		ent := got["g"].want(t, outer, http.StatusOK).obj(t)
		if ent["displayName"] != "y" || ent["allowedAudiences"] != "8" {
			t.Errorf("GET after patch-204, audience-number: %v", ent)
		}
	})

	t.Run("truncated is never drawn for a request", func(t *testing.T) {
		s := start(t)
		// Every request draws a fault. Of these kinds a list request in a batch
		// can only take audience-unknown, and the batch itself only truncated,
		// which a queued (harmless) slow fault pre-empts.
		s.SetChaos(Chaos{Rate: 1, Kinds: []Kind{KindTruncated, KindAudienceUnknown}, Seed: 3, SlowDelay: time.Millisecond})
		s.InjectKind(KindTruncated, opList, 1) // skipped by the batched lists: waits for a direct one
		s.InjectKind(KindSlow, "batch", 1)
		var reqs []map[string]any
		for i := range 10 {
			reqs = append(reqs, breq(fmt.Sprint(i), "GET", "/me/profile/certifications", nil))
		}
		outer, got := sendBatch(t, s, reqs)
		for _, a := range got {
			a.want(t, outer, http.StatusOK)
		}
		if c := s.FaultCounts(); c[KindTruncated] != 0 || c[KindAudienceUnknown] != 10 || c[KindSlow] != 1 {
			t.Errorf("fault counts %v", c)
		}
		if r := do(t, s, http.MethodGet, meColl, nil); json.Valid(r.body) {
			t.Errorf("the queued truncated fault did not wait for the direct list: %s", r.body)
		}
	})

	t.Run("random chaos for the batch", func(t *testing.T) {
		s := start(t)
		s.SetChaos(Chaos{Rate: 1, Kinds: []Kind{KindTruncated}, Seed: 5})
		r := do(t, s, http.MethodPost, batchPath, map[string]any{"requests": []any{breq("1", "GET", "/me/profile/certifications", nil)}})
		if r.status != http.StatusOK || json.Valid(r.body) {
			t.Errorf("a batch under truncated chaos: %d %s", r.status, r.body)
		}
		if c := s.FaultCounts(); c[KindTruncated] != 1 || len(c) != 1 {
			t.Errorf("fault counts %v", c)
		}
	})
}

// A non-JSON answer (…/$count is text/plain) travels base64-encoded.
func TestBatchCountIsBase64(t *testing.T) {
	s := start(t)
	seedUser(t, s, "me", 3)
	outer, got := sendBatch(t, s, []map[string]any{breq("n", "GET", "/me/profile/certifications/$count", nil)})
	a := got["n"]
	if a.Status != http.StatusOK || a.Headers["Content-Type"] != "text/plain" || string(a.Body) != `"Mw=="` {
		t.Errorf("$count item: %d %v %s (outer %d)", a.Status, a.Headers, a.Body, outer.status)
	}
}

// FuzzBatch: whatever a batch body holds, the mock answers a 400 envelope or a
// 200 with one well-formed entry per request, and never panics.
func FuzzBatch(f *testing.F) {
	for _, s := range []string{
		`{"requests":[{"id":"1","method":"GET","url":"/me/profile/certifications?$top=1"}]}`,
		`{"requests":[{"id":"1","method":"POST","url":"me/profile/certifications","headers":{"content-type":"application/json"},"body":{"displayName":"x"}},` +
			`{"id":"2","method":"GET","url":"/me/profile/certifications/$count","dependsOn":["1"]}]}`,
		`{"requests":[{"id":"1","method":"PATCH","url":"/me/profile/certifications/x","body":"eA=="}]}`,
		`{"requests":[{"id":"a","method":"GET","url":"http://evil/x"},{"id":"A","method":"GET","url":"/x"}]}`,
		`{"requests":[{"id":"1","method":"GET","url":"/users/%zz/profile"}]}`,
		`{"requests":null}`, `{}`, `[]`, `null`, ``, `{"requests":[null]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s := New()
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, batchPath, strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusBadRequest:
			var env envelope
			if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Error.Code == "" {
				t.Fatalf("400 without an envelope: %s", rec.Body)
			}
		case http.StatusOK:
			var doc struct {
				Requests []json.RawMessage `json:"requests"`
			}
			_ = json.Unmarshal(body, &doc)
			var out struct {
				Responses []batchAnswerT `json:"responses"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Responses) != len(doc.Requests) {
				t.Fatalf("200 with %d responses for %d requests (%v): %s", len(out.Responses), len(doc.Requests), err, rec.Body)
			}
			for _, a := range out.Responses {
				if a.Status < 200 || a.Status > 599 {
					t.Fatalf("item status %d", a.Status)
				}
			}
		default:
			t.Fatalf("batch answered %d: %s", rec.Code, rec.Body)
		}
	})
}
