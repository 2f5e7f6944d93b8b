package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// listUsers hold 250 and 200 certifications: three pages of $top=100 each, the last one
// short (50) or empty.
var listUsers = map[string]int{graph.Me: 250, "cccc0000-0000-4000-8000-0000000000aa": 200}

// seedForLists seeds listUsers; every tenth certification has another issuing authority,
// so a filter on "Microsoft" matches 225 and 180, still more than two pages.
func seedForLists(t *testing.T, s *mockgraph.Server) map[string][]string {
	t.Helper()
	ids := map[string][]string{}
	for u, n := range listUsers {
		for i := range n {
			authority := "Microsoft"
			if i%10 == 0 {
				authority = "Other"
			}
			got, err := s.Seed(u, map[string]any{"displayName": fmt.Sprintf("%s cert %03d", u, i), "issuingAuthority": authority})
			if err != nil {
				t.Fatal(err)
			}
			id, ok := got["id"].(string)
			if !ok {
				t.Fatalf("seeded certification without an id: %v", got)
			}
			ids[u] = append(ids[u], id)
		}
	}
	return ids
}

// listQueries are the queries of the list requests the mock saw, directly or in batches.
func listQueries(s *mockgraph.Server) []url.Values {
	var out []url.Values
	var walk func([]mockgraph.Request)
	walk = func(rs []mockgraph.Request) {
		for _, r := range rs {
			walk(r.Batch)
			if r.Method != http.MethodGet || !strings.HasSuffix(strings.SplitN(r.Path, "?", 2)[0], "/profile/certifications") {
				continue
			}
			out = append(out, r.Query())
		}
	}
	walk(s.Requests())
	return out
}

// Every list path reads every page: 250 certifications of one user at 100 a page, with
// Graph's next links and without them (the list's docs do not promise one), directly and
// in batches: the list itself, a filtered list, a list up to a limit, and the coalesced
// list behind refresh reads.
func TestListsReadEveryPage(t *testing.T) {
	for _, links := range []bool{true, false} {
		for _, batching := range []bool{false, true} {
			t.Run(fmt.Sprintf("next links %v, batching %v", links, batching), func(t *testing.T) {
				s := mockgraph.Start()
				t.Cleanup(s.Close)
				s.SetAcceptedToken(token)
				for u := range listUsers {
					if u != graph.Me {
						s.AddUser(mockgraph.User{ID: u})
					}
				}
				ids := seedForLists(t, s)
				s.SetNextLinks(links)
				c, err := graph.NewClient(graph.Config{Endpoint: s.URL, Token: graph.StaticToken(token),
					Batching: batching, ReadLinger: 100 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}

				// Whole lists, and filtered ones, of both users at once (in batches when batching).
				var wg sync.WaitGroup
				for u, n := range listUsers {
					wg.Go(func() {
						all, err := c.ListCertifications(ctxT(t), u, graph.ListFilter{})
						if err != nil || len(all) != n {
							t.Errorf("list of %s: %d certifications, %v; want %d", u, len(all), err, n)
							return
						}
						for i, cert := range all {
							if deref(cert.GetId()) != ids[u][i] {
								t.Errorf("list of %s: item %d is %s, want %s (Graph's order, no gap, no repeat)", u, i, deref(cert.GetId()), ids[u][i])
								return
							}
						}
					})
					wg.Go(func() {
						ms, err := c.ListCertifications(ctxT(t), u, graph.ListFilter{IssuingAuthority: "Microsoft"})
						if want := n - n/10; err != nil || len(ms) != want {
							t.Errorf("filtered list of %s: %d certifications, %v; want %d", u, len(ms), err, want)
						}
					})
				}
				wg.Wait()
				if t.Failed() {
					return
				}
				pages := listQueries(s)
				// Whole lists: 3 pages each (100, 100, 50 and 100, 100, 0). Filtered: 225
				// matches are 3 pages, 180 are 2 (100, 80).
				if len(pages) != 11 {
					t.Errorf("%d list pages asked for, want 11", len(pages))
				}
				for _, q := range pages {
					if q.Get("$top") != "100" {
						t.Errorf("a page asked for $top=%q, want 100 on every page", q.Get("$top"))
					}
					if q.Get("$skip") != "" && q.Get("$skip") != "100" && q.Get("$skip") != "200" {
						t.Errorf("a page asked for $skip=%q, want 100 or 200", q.Get("$skip"))
					}
				}
				filtered := 0
				for _, q := range pages {
					if q.Get("$filter") == "issuingAuthority eq 'Microsoft'" {
						filtered++
					}
				}
				if filtered != 5 {
					t.Errorf("%d pages carried the filter, want all 5 pages of the filtered lists", filtered)
				}
				if n := count(s); batching && n.batched["GET"] < 6 {
					t.Errorf("%d list pages travelled in batches, want the concurrent ones (at least 6)", n.batched["GET"])
				}

				// A list up to a limit stops reading once it holds enough.
				s.ResetRequests()
				some, err := c.ListCertificationsUpTo(ctxT(t), graph.Me, graph.ListFilter{}, 150)
				if err != nil || len(some) != 150 || deref(some[149].GetId()) != ids[graph.Me][149] {
					t.Errorf("list up to 150: %d, %v", len(some), err)
				}
				if n := len(listQueries(s)); n != 2 {
					t.Errorf("list up to 150 read %d pages, want 2", n)
				}

				// The coalesced list behind refresh reads holds the last page too: reading the
				// last certification sends no GET of the item.
				s.ResetRequests()
				last := ids[graph.Me][249]
				got, err := c.ReadCertification(ctxT(t), graph.Me, last)
				if err != nil || deref(got.GetId()) != last {
					t.Fatalf("read of the last certification: %v", err)
				}
				for _, r := range allLogged(s) {
					if strings.HasSuffix(strings.SplitN(r.Path, "?", 2)[0], "/"+last) {
						t.Errorf("the read of %s fell back to its own GET: the coalesced list missed a page", last)
					}
				}
				if n := len(listQueries(s)); n != 3 {
					t.Errorf("the coalesced list read %d pages, want 3", n)
				}
			})
		}
	}
}

// allLogged flattens the request log, batch items included.
func allLogged(s *mockgraph.Server) []mockgraph.Request {
	var out []mockgraph.Request
	for _, r := range s.Requests() {
		out = append(out, r)
		out = append(out, r.Batch...)
	}
	return out
}

// A server that ignores $skip (answers every page with the first one) ends the list
// after one repeated page instead of looping.
func TestListStopsWhenSkipIsIgnored(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		var value []map[string]any
		for i := range 100 {
			value = append(value, map[string]any{"id": fmt.Sprintf("id-%03d", i), "displayName": "x"})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"value": value})
	}))
	t.Cleanup(ts.Close)
	c, err := graph.NewClient(graph.Config{Endpoint: ts.URL, Token: graph.StaticToken(token)})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ListCertifications(ctxT(t), graph.Me, graph.ListFilter{})
	if err != nil || len(all) != 100 {
		t.Errorf("%d certifications, %v; want the 100 distinct ones", len(all), err)
	}
	if requests != 2 {
		t.Errorf("%d requests, want 2 (the first page, and one $skip page that brought nothing new)", requests)
	}
}
