package mockgraph

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawDo sends one request and returns the transport error instead of failing.
func rawDo(t *testing.T, s *Server, method, path string, body string) (*http.Response, []byte, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	// A fresh connection per call, so a dropped one cannot affect the next request.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res, b, err
}

func TestKindResets(t *testing.T) {
	for _, tt := range []struct {
		kind    Kind
		applied bool
	}{{KindResetBefore, false}, {KindResetAfter, true}} {
		t.Run(string(tt.kind), func(t *testing.T) {
			s := start(t)
			s.InjectKind(tt.kind, opCreate, 1)
			if _, _, err := rawDo(t, s, "POST", meColl, `{"displayName":"x"}`); err == nil { //nolint:bodyclose // rawDo closes it
				t.Fatal("the connection was not dropped")
			}
			if got := len(s.Certifications("me")); (got == 1) != tt.applied {
				t.Fatalf("%d certifications after %s, want applied=%v", got, tt.kind, tt.applied)
			}
			reqs := s.Requests()
			if last := reqs[len(reqs)-1]; last.Fault != tt.kind || last.Status != 0 {
				t.Fatalf("log says fault %q status %d, want %q and no status", last.Fault, last.Status, tt.kind)
			}
			// The next request is served normally.
			if res, _, err := rawDo(t, s, "GET", meColl, ""); err != nil || res.StatusCode != 200 { //nolint:bodyclose // rawDo closes it
				t.Fatalf("after the fault: %v %v", res, err)
			}
			if s.FaultCounts()[tt.kind] != 1 {
				t.Fatalf("FaultCounts = %v", s.FaultCounts())
			}
		})
	}
}

// unavailable-after carries the write out, then answers 503 as unavailable does: a 503
// does not say that nothing was done. The whole batch form runs every item first.
func TestKindUnavailableAfterIsApplied(t *testing.T) {
	s := start(t)
	s.InjectKind(KindUnavailableAfter, opCreate, 1)
	r := do(t, s, http.MethodPost, meColl, map[string]any{"displayName": "x"})
	wantError(t, r, http.StatusServiceUnavailable, "ServiceUnavailable", "")
	if r.header.Get("Retry-After") != "0" {
		t.Errorf("Retry-After %q, want 0", r.header.Get("Retry-After"))
	}
	if n := len(s.Certifications("me")); n != 1 {
		t.Fatalf("%d certifications, want the applied 1", n)
	}
	id := str(t, values(t, do(t, s, http.MethodGet, meColl, nil).obj(t))[0], "id")
	s.InjectKind(KindUnavailableAfter, opDelete, 1)
	wantError(t, do(t, s, http.MethodDelete, meColl+"/"+id, nil), http.StatusServiceUnavailable, "ServiceUnavailable", "")
	if n := len(s.Certifications("me")); n != 0 {
		t.Fatalf("%d certifications after the delete, want it applied", n)
	}
	s.InjectKind(KindUnavailableAfter, opBatch, 1)
	outer := do(t, s, http.MethodPost, batchPath, map[string]any{"requests": []map[string]any{
		breq("1", "POST", "/me/profile/certifications", map[string]any{"displayName": "y"})}})
	if outer.status != http.StatusServiceUnavailable || len(s.Certifications("me")) != 1 {
		t.Errorf("whole batch: %d with %d certifications, want 503 with its item applied", outer.status, len(s.Certifications("me")))
	}
}

func TestKindTruncatedIsAppliedAndCut(t *testing.T) {
	s := start(t)
	s.InjectKind(KindTruncated, opCreate, 1)
	res, body, err := rawDo(t, s, "POST", meColl, `{"displayName":"x"}`) //nolint:bodyclose // rawDo closes it
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("%v %v", res, err)
	}
	var v map[string]any
	if json.Unmarshal(body, &v) == nil {
		t.Fatalf("the body is complete JSON: %s", body)
	}
	if res.ContentLength != int64(len(body)) {
		t.Fatalf("Content-Length %d for %d bytes", res.ContentLength, len(body))
	}
	if len(s.Certifications("me")) != 1 {
		t.Fatal("the truncated create was not applied")
	}
}

func TestKindAudiences(t *testing.T) {
	s := start(t)
	c := mustCreate(t, s, meColl, map[string]any{"displayName": "x", "allowedAudiences": "organization,everyone"})
	id := str(t, c, "id")
	s.InjectKind(KindAudienceNumber, opGet, 1)
	s.InjectKind(KindAudienceUnknown, opList, 1)
	if got := str(t, do(t, s, "GET", meColl+"/"+id, nil).obj(t), "allowedAudiences"); got != "40" {
		t.Errorf("numeric audience %q, want 40 (organization 8 + everyone 32)", got)
	}
	if got := values(t, do(t, s, "GET", meColl, nil).obj(t))[0]["allowedAudiences"]; got != "Organization" {
		t.Errorf("unknown-token audience %v, want Organization", got)
	}
	if got := str(t, do(t, s, "GET", meColl+"/"+id, nil).obj(t), "allowedAudiences"); got != "organization,everyone" {
		t.Errorf("after the faults: %q", got)
	}
}

func TestKindPatch204AndReadLag(t *testing.T) {
	s := start(t)
	s.InjectKind(KindReadLag, "", 1)
	c := mustCreate(t, s, meColl, map[string]any{"displayName": "x"})
	id := str(t, c, "id")
	for i := range 2 {
		if r := do(t, s, "GET", meColl+"/"+id, nil); r.status != 404 {
			t.Fatalf("GET %d after a lagging create: %d, want 404", i, r.status)
		}
	}
	if r := do(t, s, "GET", meColl+"/"+id, nil); r.status != 200 {
		t.Fatalf("GET after the lag: %d", r.status)
	}
	s.InjectKind(KindPatch204, "", 1)
	if r := do(t, s, "PATCH", meColl+"/"+id, map[string]any{"description": "d"}); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("PATCH: %d %q, want 204 and no body", r.status, r.body)
	}
	if got, _ := s.Certification("me", id); got["description"] != "d" {
		t.Fatal("the 204 PATCH was not applied")
	}
}

func TestKindThrottleSlowAndLatency(t *testing.T) {
	s := start(t)
	s.InjectKind(KindThrottle, "", 1)
	s.InjectKind(KindUnavailable, "", 1)
	if r := do(t, s, "POST", meColl, map[string]any{"displayName": "x"}); r.status != 429 || r.header.Get("Retry-After") != "0" {
		t.Fatalf("throttle: %d %q", r.status, r.header.Get("Retry-After"))
	}
	if r := do(t, s, "POST", meColl, map[string]any{"displayName": "x"}); r.status != 503 {
		t.Fatalf("unavailable: %d", r.status)
	}
	if n := len(s.Certifications("me")); n != 0 {
		t.Fatalf("%d created by refused requests", n)
	}
	s.SetChaos(Chaos{SlowDelay: 150 * time.Millisecond})
	s.InjectKind(KindSlow, "", 1)
	start := time.Now()
	do(t, s, "GET", meColl, nil)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("slow answer came after %v", d)
	}
	s.SetLatency(100 * time.Millisecond)
	start = time.Now()
	do(t, s, "GET", meColl, nil)
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("latency answer came after %v", d)
	}
}

// A chaos rate produces about that share of faults, only of the kinds asked for, and
// only kinds that apply to each operation.
func TestChaosRate(t *testing.T) {
	s := start(t)
	s.SetChaos(Chaos{Rate: 0.3, Kinds: []Kind{KindThrottle, KindPatch204}, Seed: 7})
	const n = 400
	for range n {
		do(t, s, "GET", meColl, nil)
	}
	counts := s.FaultCounts()
	if counts[KindPatch204] != 0 {
		t.Fatalf("patch-204 given to GETs: %v", counts)
	}
	if got := counts[KindThrottle]; got < n*20/100 || got > n*40/100 {
		t.Fatalf("%d throttles in %d requests at rate 0.3", got, n)
	}
	if !strings.Contains(s.FaultSummary(), "throttle=") {
		t.Fatalf("summary %q", s.FaultSummary())
	}
}

func TestParseKinds(t *testing.T) {
	if k, err := ParseKinds("all"); err != nil || len(k) != len(AllKinds) {
		t.Fatal(k, err)
	}
	if k, err := ParseKinds("throttle, reset-after"); err != nil || len(k) != 2 || k[1] != KindResetAfter {
		t.Fatal(k, err)
	}
	if _, err := ParseKinds("throttle,nope"); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}
