package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestStatsCountsRequests(t *testing.T) {
	st := &stats{}
	h := st.wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	for _, m := range []string{"GET", "GET", "POST"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), m, "/beta/me/profile/certifications", nil))
	}
	read := func() (int, map[string]int) {
		got := readStats(t, h)
		return got.Requests, got.ByMethod
	}
	n, by := read()
	if n != 3 || by["GET"] != 2 || by["POST"] != 1 {
		t.Fatalf("stats %d %v, want 3 requests (2 GET, 1 POST)", n, by)
	}
	if n, _ := read(); n != 3 {
		t.Fatalf("reading the stats counted itself: %d", n)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequestWithContext(t.Context(), "GET", statsPath, nil)
	req.RemoteAddr = "192.0.2.1:5000"
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("a non-loopback caller got %d, want 403", rec.Code)
	}
}

func TestStatsCountsBatchItemsOneByOne(t *testing.T) {
	st := &stats{}
	var seen []string
	h := st.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		seen = append(seen, string(raw))
		w.WriteHeader(http.StatusOK)
	}))
	batch := `{"requests":[{"id":"1","method":"DELETE","url":"/me/profile/certifications/a"},` +
		`{"id":"2","method":"GET","url":"/me/profile/certifications"},{"id":"3","method":"patch","url":"/me/profile/certifications/b"}]}`
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), "POST", "/beta/$batch", strings.NewReader(batch)))
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write([]byte(`{"requests":[{"id":"1","method":"POST","url":"/me/profile/certifications"}]}`))
	_ = zw.Close()
	req := httptest.NewRequestWithContext(t.Context(), "POST", "/beta/$batch", &zipped)
	req.Header.Set("Content-Encoding", "gzip")
	h.ServeHTTP(httptest.NewRecorder(), req)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), "POST", "/beta/$batch", strings.NewReader("not json")))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), "PATCH", "/beta/me/profile/certifications/c", strings.NewReader("{}")))
	if seen[0] != batch {
		t.Fatalf("the handler read %q, want the batch unchanged", seen[0])
	}

	got := readStats(t, h)
	if got.Requests != 4 || got.ByMethod["POST"] != 3 || got.ByMethod["PATCH"] != 1 {
		t.Fatalf("requests %d %v, want 4 (3 POST, 1 PATCH)", got.Requests, got.ByMethod)
	}
	// 3 items + 1 gzipped item + the malformed batch as itself + the direct PATCH.
	want := map[string]int{"DELETE": 1, "GET": 1, "PATCH": 2, "POST": 2}
	if got.Items != 6 || len(got.ItemsByMethod) != len(want) {
		t.Fatalf("items %d %v, want 6 %v", got.Items, got.ItemsByMethod, want)
	}
	for m, n := range want {
		if got.ItemsByMethod[m] != n {
			t.Fatalf("items %v, want %v", got.ItemsByMethod, want)
		}
	}
}

// statsAnswer is what GET /stats answers.
type statsAnswer struct {
	Requests      int            `json:"requests"`
	ByMethod      map[string]int `json:"byMethod"`
	Items         int            `json:"items"`
	ItemsByMethod map[string]int `json:"itemsByMethod"`
}

// readStats asks h for its counts, from loopback.
func readStats(t *testing.T, h http.Handler) statsAnswer {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequestWithContext(t.Context(), "GET", statsPath, nil)
	req.RemoteAddr = "127.0.0.1:5000"
	h.ServeHTTP(rec, req)
	var got statsAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("%d %s: %v", rec.Code, rec.Body, err)
	}
	return got
}
