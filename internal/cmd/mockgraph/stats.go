package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

// statsPath answers GET with the request counters since the mock started, for
// benchmarks that count what reaches "Graph" (`make bench` takes differences):
//
//	{"requests": 1234, "byMethod": {"GET": 1000, "POST": 234},
//	 "items": 5678, "itemsByMethod": {"GET": 1200, "POST": 4478}}
//
// requests and byMethod count HTTP requests (a $batch is one POST); items and
// itemsByMethod count a $batch's sub-requests one by one instead, as Graph's throttling
// does, so a benchmark can tell how many writes a command sent. Its own requests are not
// counted. It answers loopback callers only.
const statsPath = "/_mock/stats"

type stats struct {
	mu            sync.Mutex
	requests      int
	byMethod      map[string]int
	items         int
	itemsByMethod map[string]int
}

func (s *stats) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == statsPath {
			s.serve(w, r)
			return
		}
		sub := batchMethods(r)
		s.mu.Lock()
		s.requests++
		if s.byMethod == nil {
			s.byMethod, s.itemsByMethod = map[string]int{}, map[string]int{}
		}
		s.byMethod[r.Method]++
		if sub == nil {
			sub = []string{r.Method}
		}
		for _, m := range sub {
			s.items++
			s.itemsByMethod[strings.ToUpper(m)]++
		}
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// batchMethods returns the methods of a POST /beta/$batch's sub-requests, leaving the
// body readable for the handler; nil for any other request and for a body that is not a
// batch (the mock refuses it as a whole, so it counts as the one request it is).
func batchMethods(r *http.Request) []string {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/$batch") || r.Body == nil {
		return nil
	}
	raw, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	body := io.Reader(bytes.NewReader(raw))
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil
		}
		body = zr
	}
	var b struct {
		Requests []struct {
			Method string `json:"method"`
		} `json:"requests"`
	}
	if json.NewDecoder(body).Decode(&b) != nil || len(b.Requests) == 0 {
		return nil
	}
	out := make([]string, len(b.Requests))
	for i, q := range b.Requests {
		out[i] = q.Method
	}
	return out
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
		Requests      int            `json:"requests"`
		ByMethod      map[string]int `json:"byMethod"`
		Items         int            `json:"items"`
		ItemsByMethod map[string]int `json:"itemsByMethod"`
	}{s.requests, map[string]int{}, s.items, map[string]int{}}
	for k, v := range s.byMethod {
		out.ByMethod[k] = v
	}
	for k, v := range s.itemsByMethod {
		out.ItemsByMethod[k] = v
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
