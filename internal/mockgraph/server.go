// Package mockgraph is a stateful, in-memory fake of the Microsoft Graph beta
// endpoints for user profile certifications (personCertification). It follows
// the contract in docs/development/graph-api.md: same routes, status codes, error envelope and
// quirks, plus switches to inject faults a real tenant produces only rarely.
//
// POST /beta/$batch (Graph's JSON batching, up to 20 sub-requests) runs each
// sub-request through the same routes, faults and chaos as a direct request
// (batch.go).
//
// Every New() is independent; all state sits behind one mutex.
package mockgraph

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"

	"github.com/graphprofile/terraform-provider-graph/internal/wait"
)

// Default users present in every new server. Me is the caller: /beta/me
// resolves to it and it is the createdBy/lastModifiedBy of every write.
const (
	MeID      = mockentra.SignedInUserID // the user Entra ID's delegated tokens act for
	MeUPN     = mockentra.SignedInUserUPN
	OtherID   = "8e2d6a41-7b3c-4f5e-a1d2-9c8b7a6f5e4d"
	OtherUPN  = "megan.bowen@contoso.example"
	graphHost = "https://graph.microsoft.com" // used in @odata.context, as Graph does
)

const (
	defaultPageSize = 100
	maxBodyBytes    = 1 << 20 // request bodies are < 2 KB; this only stops runaway input
)

// User is a directory user whose profile can hold certifications.
type User struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
}

// Request is one logged request as it reached the handler.
type Request struct {
	Method   string
	Path     string // decoded, e.g. /beta/users/a@b.com/profile/certifications
	RawQuery string
	Header   http.Header
	RawBody  []byte // bytes on the wire
	Body     []byte // gunzipped when Content-Encoding: gzip, else = RawBody
	Status   int    // 0 while the request is still being handled, and for a dropped connection
	Fault    Kind   // the fault kind this request was given, if any

	// Time is when the request reached the mock (a sub-request: when it ran),
	// Answered when its answer was written (a sub-request: when the batch's
	// was), zero while unanswered. RetryAfter is the answer's Retry-After.
	Time, Answered time.Time
	RetryAfter     string

	// Batch holds, for a POST /beta/$batch, its sub-requests in the order they
	// ran (request order), each added once it has its answer. Their Path is
	// the one the sub-request addressed ("/beta" + url), Header its own headers
	// plus the batch's Authorization, Body its JSON body and Status the status
	// in the batch answer. Empty when the batch was refused as a whole.
	Batch []Request
	// BatchID is a sub-request's id in its batch; "" for a direct request.
	BatchID string
}

// Query is the query the request was sent with (what of it parses). A batch item's travels
// in its URL, which the log keeps as Path when the mock could not parse it.
func (r *Request) Query() url.Values {
	raw := r.RawQuery
	if _, q, ok := strings.Cut(r.Path, "?"); ok {
		raw = q
	}
	v, _ := url.ParseQuery(raw)
	return v
}

// clone deep-copies a logged request, sub-requests included.
func (r *Request) clone() Request {
	out := *r
	out.Header = r.Header.Clone()
	out.RawBody = bytes.Clone(r.RawBody)
	out.Body = bytes.Clone(r.Body)
	out.Batch = nil
	for i := range r.Batch {
		out.Batch = append(out.Batch, r.Batch[i].clone())
	}
	return out
}

// Server is the fake. Create it with New (handler only) or Start (listening).
type Server struct {
	URL string // base URL of a Start()ed server, e.g. http://127.0.0.1:1234

	ts *httptest.Server

	mu       sync.Mutex
	users    map[string]*userState // by lower-case object id
	seq      int64                 // insertion counter, breaks createdDateTime ties
	lastTime time.Time             // last timestamp handed out; keeps them strictly increasing
	clock    func() time.Time      // time.Now; tests freeze it to prove timestamps still advance
	faults   []*Fault
	lag      map[string]int // certification id -> GETs still to answer 404
	requests []*Request

	pageSize       int
	noNextLinks    bool // SetNextLinks(false)
	acceptedToken  string
	allowAnonymous bool
	allowAppOnly   bool // SetAllowAppOnly (entra.go)
	latency        time.Duration
	chaos          chaosState
	// The Entra ID fake served beside Graph: apps, identities, issued tokens. Embedded, so
	// its API (AddApp, IssueUserToken, RequireIssuedTokens, ...) is the server's.
	*mockentra.Server
	budget budgetState
}

// New returns a server with the two default users and no certifications.
// It does not listen; use Handler() or Start().
func New() *Server {
	s := &Server{
		users:    map[string]*userState{},
		lag:      map[string]int{},
		pageSize: defaultPageSize,
		clock:    time.Now,
		Server:   mockentra.New(),
	}
	s.AddUser(User{ID: MeID, UserPrincipalName: MeUPN, DisplayName: "Adele Vance"})
	s.AddUser(User{ID: OtherID, UserPrincipalName: OtherUPN, DisplayName: "Megan Bowen"})
	return s
}

// Start is New plus an httptest server on 127.0.0.1; s.URL is set.
func Start() *Server {
	s := New()
	s.ts = httptest.NewServer(s.Handler())
	s.URL = s.ts.URL
	return s
}

// Close stops a Start()ed server. It is safe to call more than once.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// Handler serves the fake Graph API.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// SetPageSize sets the list page size used when $top is absent; n < 1
// restores the default of 100.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < 1 {
		n = defaultPageSize
	}
	s.pageSize = n
}

// SetNextLinks switches @odata.nextLink in list answers on (the default) or off. Graph's
// docs for this list document $top and $skip but not a next link; with links off, a list
// still honours $top and $skip, and a client must ask for the next page itself.
func (s *Server) SetNextLinks(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noNextLinks = !on
}

// SetAcceptedToken restricts auth to "Bearer <tok>". With "" any non-empty
// bearer token is accepted.
func (s *Server) SetAcceptedToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acceptedToken = tok
}

// SetAllowAnonymous lets requests without an Authorization header through.
// The Azure identity providers attach no token for hosts outside their
// allow-list (such as 127.0.0.1), so a client wired that way needs this.
// A token that is present is still checked against SetAcceptedToken.
func (s *Server) SetAllowAnonymous(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allowAnonymous = on
}

// Requests returns a copy of the request log in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (to drop it).
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	raw, body, bodyErr := readBody(r)
	entry := &Request{
		Time:     arrived,
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		RawBody:  raw,
		Body:     body,
	}
	// Logged on arrival so the log keeps arrival order; the status is
	// filled in afterwards through the same pointer.
	s.mu.Lock()
	s.requests = append(s.requests, entry)
	s.mu.Unlock()

	rec := &statusRecorder{ResponseWriter: w}
	rec.Header().Set("request-id", mockentra.NewGUID())
	cid := r.Header.Get("client-request-id")
	if cid == "" {
		cid = mockentra.NewGUID()
	}
	rec.Header().Set("client-request-id", cid)

	s.handle(rec, r, body, bodyErr, entry)

	answered := time.Now()
	s.mu.Lock()
	entry.Status = rec.status
	entry.Answered = answered
	entry.RetryAfter = rec.Header().Get("Retry-After")
	for i := range entry.Batch {
		entry.Batch[i].Answered = answered
	}
	s.mu.Unlock()
}

// readBody returns the raw body and the decoded one. A decoding problem is
// reported, not acted on, so the request can still be logged (and faults or
// auth answered first).
func readBody(r *http.Request) (raw, body []byte, err *apiError) {
	if r.Body == nil {
		return nil, nil, nil
	}
	raw, readErr := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if readErr != nil {
		return raw, raw, badRequest("The request body could not be read: %v", readErr)
	}
	if len(raw) > maxBodyBytes {
		return raw, raw, &apiError{status: http.StatusRequestEntityTooLarge, code: "BadRequest", message: "The request body is too large."}
	}
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return raw, raw, nil
	case "gzip":
		// The SDK gzips every body. A body labelled gzip that is not gzip is
		// what its retry+compression bug sends; Graph answers 400.
		zr, gzErr := gzip.NewReader(bytes.NewReader(raw))
		if gzErr != nil {
			return raw, raw, badRequest("The request body could not be decompressed: Content-Encoding is gzip but the body is not valid gzip data.")
		}
		body, gzErr = io.ReadAll(io.LimitReader(zr, maxBodyBytes+1))
		if gzErr != nil || len(body) > maxBodyBytes {
			return raw, raw, badRequest("The request body could not be decompressed: Content-Encoding is gzip but the body is not valid gzip data.")
		}
		return raw, body, nil
	default:
		// 415 makes the SDK resend the body uncompressed.
		return raw, raw, &apiError{status: http.StatusUnsupportedMediaType, code: "UnsupportedMediaType",
			message: fmt.Sprintf("Content-Encoding '%s' is not supported.", enc)}
	}
}

// checkAuth wants "Authorization: Bearer <token>".
func (s *Server) checkAuth(r *http.Request) *apiError {
	s.mu.Lock()
	want, anonymous := s.acceptedToken, s.allowAnonymous
	s.mu.Unlock()

	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" && anonymous {
		return nil
	}
	scheme, tok, _ := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	switch {
	case h == "" || (strings.EqualFold(scheme, "Bearer") && tok == ""):
		return &apiError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken", message: "Access token is empty."}
	case !strings.EqualFold(scheme, "Bearer"), want != "" && tok != want:
		return &apiError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken", message: "Invalid token"}
	}
	return nil
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request, body []byte, bodyErr *apiError, entry *Request) {
	if s.Serve(w, r, body) { // token endpoints, discovery, managed identity, CI OIDC (internal/mockentra)
		return
	}
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 && !wait.For(r.Context(), latency) {
		return
	}
	if err := s.checkAuth(r); err != nil {
		writeError(w, err)
		return
	}
	if isBatchPath(r.URL.Path) { // POST /beta/$batch: latency and auth above apply once (batch.go)
		s.serveBatch(w, r, body, bodyErr, entry)
		return
	}
	rt, kind, ok := s.admit(w, r, false)
	if !ok {
		return
	}
	if kind != "" {
		s.mu.Lock()
		entry.Fault = kind
		s.mu.Unlock()
	}
	s.withKind(kind, w, r, func(w http.ResponseWriter) { s.dispatch(w, r, rt, body, bodyErr) })
}

// admit runs what every certification request goes through before dispatch,
// direct or inside a batch (inBatch): the route, the token's permissions,
// canned faults and the chaos draw. It answers w itself and reports false
// when the request stops here.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, inBatch bool) (route, Kind, bool) {
	rt, err := parseRoute(r.Method, r.URL.Path)
	if err != nil {
		writeError(w, err)
		return rt, "", false
	}
	if err := s.checkIssuedToken(r, rt); err != nil { // only with RequireIssuedTokens (entra.go, on tokens from internal/mockentra)
		writeError(w, err)
		return rt, "", false
	}
	// The budget and faults come before anything that reads or changes
	// state, so a 429 never follows a committed write.
	if err := s.takeBudget(); err != nil { // only with SetBudget (budget.go)
		writeError(w, err)
		return rt, "", false
	}
	if err := s.takeFault(rt.op); err != nil {
		writeError(w, err)
		return rt, "", false
	}
	return rt, s.drawKind(rt.op, inBatch), true
}

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, rt route, body []byte, bodyErr *apiError) {
	switch rt.op {
	case opList:
		s.handleList(w, r, rt)
	case opCreate, opUpdate:
		if bodyErr != nil {
			writeError(w, bodyErr)
			return
		}
		s.handleWrite(w, rt, body)
	case opGet:
		s.handleGet(w, rt)
	case opDelete:
		s.handleDelete(w, rt)
	case opUser:
		s.handleUser(w, r, rt)
	}
}

// handleUser answers GET /beta/me and /beta/users/{id|upn} with the user's id,
// userPrincipalName and displayName, or only those $select names.
func (s *Server) handleUser(w http.ResponseWriter, r *http.Request, rt route) {
	s.mu.Lock()
	u, err := s.lookupUser(rt.user)
	var ent map[string]any
	if err == nil {
		ent = map[string]any{
			"@odata.context":    s.URL + "/beta/$metadata#users/$entity",
			"id":                u.ID,
			"userPrincipalName": u.UserPrincipalName,
			"displayName":       u.DisplayName,
		}
	}
	s.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	if sel := r.URL.Query().Get("$select"); sel != "" {
		keep := map[string]bool{"@odata.context": true}
		for _, name := range strings.Split(sel, ",") {
			keep[strings.TrimSpace(name)] = true
		}
		for k := range ent {
			if !keep[k] {
				delete(ent, k)
			}
		}
	}
	writeJSON(w, http.StatusOK, ent)
}

func (s *Server) handleWrite(w http.ResponseWriter, rt route, body []byte) {
	obj, err := decodeObject(body)
	if err != nil {
		writeError(w, err)
		return
	}
	changes, err := validate(obj)
	if err != nil {
		writeError(w, err)
		return
	}
	if rt.op == opCreate {
		ent, err := s.create(rt.user, changes)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusCreated, ent)
		return
	}
	ent, err := s.update(rt.user, rt.item, changes)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ent)
}

func (s *Server) handleGet(w http.ResponseWriter, rt route) {
	ent, err := s.get(rt.user, rt.item, true)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ent)
}

func (s *Server) handleDelete(w http.ResponseWriter, rt route) {
	if err := s.remove(rt.user, rt.item); err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNoContent)
}
