package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestStatsCountsRequests(t *testing.T) {
	st := &stats{}
	h := st.wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	for _, m := range []string{"GET", "GET", "POST"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), m, "/beta/me/profile/certifications", nil))
	}
	read := func() (int, map[string]int) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequestWithContext(t.Context(), "GET", statsPath, nil)
		req.RemoteAddr = "127.0.0.1:5000"
		h.ServeHTTP(rec, req)
		var got struct {
			Requests int            `json:"requests"`
			ByMethod map[string]int `json:"byMethod"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("%d %s: %v", rec.Code, rec.Body, err)
		}
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
