package mockgraph

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

const testToken = "test-token"

var (
	guidRE      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	innerDateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$`)
	timestampRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$`)
)

const (
	meColl    = "/beta/me/profile/certifications"
	otherColl = "/beta/users/" + OtherID + "/profile/certifications"
)

// start gives each test its own listening server.
func start(t *testing.T) *Server {
	t.Helper()
	s := Start()
	t.Cleanup(s.Close)
	return s
}

// startWithOne is start with one certification of me ("A") created; id is its id.
func startWithOne(t *testing.T) (*Server, string) {
	t.Helper()
	s := start(t)
	return s, str(t, mustCreate(t, s, meColl, map[string]any{"displayName": "A"}), "id")
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// obj decodes the body as a JSON object, failing the test otherwise.
func (r response) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d: body is not a JSON object: %v\n%s", r.status, err, r.body)
	}
	return m
}

// do sends a request. target is a path (joined to s.URL) or an absolute URL.
// body is nil, a string/[]byte sent verbatim, or anything else as JSON.
// hdr are name/value pairs; an empty value deletes the header. Requests
// carry "Authorization: Bearer test-token" unless hdr overrides it.
func do(t *testing.T, s *Server, method, target string, body any, hdr ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	if !strings.HasPrefix(target, "http") {
		target = s.URL + target
	}
	req, err := http.NewRequestWithContext(t.Context(), method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// str returns m[key] as a string, failing the test when it is anything else
// (a failed t.Fatal ends one test; a panicking type assertion ends them all).
func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	v, ok := m[key].(string)
	if !ok {
		t.Fatalf("%q is %T (%v), want a string", key, m[key], m[key])
	}
	return v
}

// object returns m[key] as a JSON object, failing the test when it is anything else.
func object(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key].(map[string]any)
	if !ok {
		t.Fatalf("%q is %T (%v), want an object", key, m[key], m[key])
	}
	return v
}

// values returns the "value" array of a collection page, each item a JSON object.
func values(t *testing.T, page map[string]any) []map[string]any {
	t.Helper()
	raw, ok := page["value"].([]any)
	if !ok {
		t.Fatalf("\"value\" is %T (%v), want an array", page["value"], page["value"])
	}
	out := make([]map[string]any, 0, len(raw))
	for i, v := range raw {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("value[%d] is %T (%v), want an object", i, v, v)
		}
		out = append(out, m)
	}
	return out
}

// mustCreate POSTs to coll and returns the created entity.
func mustCreate(t *testing.T, s *Server, coll string, body map[string]any) map[string]any {
	t.Helper()
	r := do(t, s, http.MethodPost, coll, body)
	if r.status != http.StatusCreated {
		t.Fatalf("POST %s: status %d, want 201: %s", coll, r.status, r.body)
	}
	return r.obj(t)
}

// graphError checks the envelope (code and message always present, the
// innerError shape the SDK needs, JSON content type) and returns code, message.
func graphError(t *testing.T, r response, wantStatus int) (code, message string) {
	t.Helper()
	if r.status != wantStatus {
		t.Fatalf("status %d, want %d: %s", r.status, wantStatus, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("error Content-Type %q, want application/json", ct)
	}
	var env struct {
		Error map[string]json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil || env.Error == nil {
		t.Fatalf("no error envelope: %v: %s", err, r.body)
	}
	for _, k := range []string{"code", "message", "innerError"} {
		if _, ok := env.Error[k]; !ok {
			t.Fatalf("envelope lacks %q: %s", k, r.body)
		}
	}
	var inner map[string]string
	if err := json.Unmarshal(env.Error["innerError"], &inner); err != nil {
		t.Fatalf("innerError: %v", err)
	}
	if !innerDateRE.MatchString(inner["date"]) {
		t.Errorf("innerError.date %q: want YYYY-MM-DDTHH:MM:SS, no zone or fraction", inner["date"])
	}
	if inner["request-id"] == "" || inner["request-id"] != r.header.Get("request-id") {
		t.Errorf("innerError.request-id %q, header %q", inner["request-id"], r.header.Get("request-id"))
	}
	if inner["client-request-id"] != r.header.Get("client-request-id") {
		t.Errorf("innerError.client-request-id %q, header %q", inner["client-request-id"], r.header.Get("client-request-id"))
	}
	if err := json.Unmarshal(env.Error["code"], &code); err != nil || code == "" {
		t.Errorf("code %s is not a non-empty string", env.Error["code"])
	}
	if err := json.Unmarshal(env.Error["message"], &message); err != nil {
		t.Errorf("message %s is not a string", env.Error["message"])
	}
	return code, message
}

func wantError(t *testing.T, r response, status int, wantCode, wantMsgPart string) {
	t.Helper()
	code, msg := graphError(t, r, status)
	if code != wantCode {
		t.Errorf("code %q, want %q (message %q)", code, wantCode, msg)
	}
	if !strings.Contains(msg, wantMsgPart) {
		t.Errorf("message %q does not contain %q", msg, wantMsgPart)
	}
}
