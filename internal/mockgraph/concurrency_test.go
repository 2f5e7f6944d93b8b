package mockgraph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// send is a goroutine-safe request helper: it reports errors instead of
// calling t.Fatal, which must not run outside the test goroutine.
func send(ctx context.Context, s *Server, method, path string, body any) (int, map[string]any, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out) // empty for 204
	return res.StatusCode, out, nil
}

// Run with -race: parallel writers and readers on one server.
func TestConcurrentRequests(t *testing.T) {
	s := start(t)
	const n = 40
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			status, ent, err := send(t.Context(), s, http.MethodPost, meColl, map[string]any{"displayName": fmt.Sprint(i)})
			if err != nil || status != http.StatusCreated {
				t.Errorf("POST %d: %d %v", i, status, err)
				return
			}
			ids[i], _ = ent["id"].(string)
			if status, _, err := send(t.Context(), s, http.MethodPatch, meColl+"/"+ids[i], map[string]any{"description": "p"}); err != nil || status != 200 {
				t.Errorf("PATCH %d: %d %v", i, status, err)
			}
		})
		wg.Go(func() {
			if status, _, err := send(t.Context(), s, http.MethodGet, meColl+"?$top=5", nil); err != nil || status != 200 {
				t.Errorf("GET list: %d %v", status, err)
			}
			_ = s.Certifications("me")
			_ = s.Requests()
		})
	}
	wg.Wait()

	certs := s.Certifications("me")
	if len(certs) != n {
		t.Fatalf("%d certifications, want %d", len(certs), n)
	}
	unique := map[string]bool{}
	for _, id := range ids {
		unique[id] = true
	}
	if len(unique) != n {
		t.Errorf("%d distinct ids for %d creates", len(unique), n)
	}
	// createdDateTime strictly increases even for simultaneous creates.
	for i := 1; i < n; i++ {
		prev, cur := str(t, certs[i-1], "createdDateTime"), str(t, certs[i], "createdDateTime")
		if cur <= prev {
			t.Errorf("createdDateTime not strictly increasing: %s then %s", prev, cur)
		}
	}
	for _, c := range certs {
		if c["description"] != "p" {
			t.Errorf("PATCH lost on %v", c["id"])
		}
	}
	if got := len(s.Requests()); got != 3*n {
		t.Errorf("%d requests logged, want %d", got, 3*n)
	}
}
