package main

import (
	"encoding/json"
	"net"
	"net/http"
	"sync"
)

// statsPath answers GET with the request counters since the mock started, for
// benchmarks that count what reaches "Graph" (`make bench` takes differences):
//
//	{"requests": 1234, "byMethod": {"GET": 1000, "POST": 234}}
//
// Its own requests are not counted. It answers loopback callers only.
const statsPath = "/_mock/stats"

type stats struct {
	mu       sync.Mutex
	requests int
	byMethod map[string]int
}

func (s *stats) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == statsPath {
			s.serve(w, r)
			return
		}
		s.mu.Lock()
		s.requests++
		if s.byMethod == nil {
			s.byMethod = map[string]int{}
		}
		s.byMethod[r.Method]++
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (s *stats) serve(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	out := struct {
		Requests int            `json:"requests"`
		ByMethod map[string]int `json:"byMethod"`
	}{s.requests, map[string]int{}}
	for k, v := range s.byMethod {
		out.ByMethod[k] = v
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
