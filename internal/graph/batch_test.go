package graph_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// batchFixture is the mock and a client that batches, waiting long enough for every
// goroutine a test starts at once to join the same batch.
func batchFixture(t *testing.T) (*mockgraph.Server, *graph.Client) {
	t.Helper()
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken(token)
	c, err := graph.NewClient(graph.Config{Endpoint: s.URL, Token: graph.StaticToken(token),
		Batching: true, DeleteLinger: 100 * time.Millisecond, ReadLinger: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// split counts the logged requests: batches, direct certification requests by method,
// and the sub-requests carried by batches by method.
type tally struct {
	batches int
	direct  map[string]int
	batched map[string]int
}

func count(s *mockgraph.Server) tally {
	n := tally{direct: map[string]int{}, batched: map[string]int{}}
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/$batch") {
			n.batches++
			for _, sub := range r.Batch {
				n.batched[sub.Method]++
			}
			continue
		}
		n.direct[r.Method]++
	}
	return n
}

// deleteAll deletes every id of me concurrently and returns the errors by id.
func deleteAll(t *testing.T, c *graph.Client, ids []string) map[string]error {
	t.Helper()
	var mu sync.Mutex
	errs := map[string]error{}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			err := c.DeleteCertification(ctxT(t), "me", id)
			mu.Lock()
			errs[id] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	return errs
}

func TestBatchedDeletes(t *testing.T) {
	s, c := batchFixture(t)
	ids := graph.SeedCertifications(t, s, "me", 12)
	s.ResetRequests()
	for id, err := range deleteAll(t, c, ids) {
		if err != nil {
			t.Errorf("delete %s: %v", id, err)
		}
		if _, ok := s.Certification("me", id); ok {
			t.Errorf("%s still exists after its delete", id)
		}
	}
	n := count(s)
	if n.batches != 1 || n.batched["DELETE"] != 12 || n.direct["DELETE"] != 0 {
		t.Errorf("12 concurrent deletes: %d batches carrying %d DELETEs, %d direct DELETEs; want 1, 12, 0",
			n.batches, n.batched["DELETE"], n.direct["DELETE"])
	}
}

// More than 20 concurrent requests take more than one batch: Graph's limit is 20.
func TestBatchesHoldAtMostTwenty(t *testing.T) {
	s, c := batchFixture(t)
	ids := graph.SeedCertifications(t, s, "me", 45)
	s.ResetRequests()
	for id, err := range deleteAll(t, c, ids) {
		if err != nil {
			t.Errorf("delete %s: %v", id, err)
		}
	}
	for _, r := range s.Requests() {
		if len(r.Batch) > 20 {
			t.Errorf("a batch carried %d requests", len(r.Batch))
		}
	}
	if n := count(s); n.batches != 3 || n.batched["DELETE"]+n.direct["DELETE"] != 45 {
		t.Errorf("45 deletes: %d batches, %d batched + %d direct DELETEs; want 3 batches and 45 DELETEs",
			n.batches, n.batched["DELETE"], n.direct["DELETE"])
	}
}

// An item's error answer reaches its caller as a direct answer's would; the other items
// of the batch are unaffected.
func TestBatchedItemError(t *testing.T) {
	s, c := batchFixture(t)
	ids := graph.SeedCertifications(t, s, "me", 3)
	missing := "00000000-0000-4000-8000-00000000dead"
	errs := deleteAll(t, c, append(ids, missing))
	for _, id := range ids {
		if errs[id] != nil {
			t.Errorf("delete %s: %v", id, errs[id])
		}
	}
	err := errs[missing]
	var ge *graph.Error
	if !graph.IsNotFound(err) || !errors.As(err, &ge) || ge.Code == "" || ge.RequestID == "" || ge.Op != "delete" {
		t.Fatalf("delete of a missing id: %#v, want a 404 *graph.Error with code and request-id", err)
	}
	if !strings.Contains(err.Error(), "404") {
		t.Errorf("message %q does not name the status", err)
	}
	if n := count(s); n.batches != 1 || n.batched["DELETE"] != 4 || n.direct["DELETE"] != 0 {
		t.Errorf("got %d batches carrying %d DELETEs and %d direct; want the 404 answered inside the one batch of 4",
			n.batches, n.batched["DELETE"], n.direct["DELETE"])
	}
}

// A throttled item is sent again directly, under the retry policy; nothing is lost.
func TestBatchedItemThrottledGoesDirect(t *testing.T) {
	s, c := batchFixture(t)
	ids := graph.SeedCertifications(t, s, "me", 5)
	s.Inject(mockgraph.Fault{Op: "delete", Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 1})
	s.ResetRequests()
	for id, err := range deleteAll(t, c, ids) {
		if err != nil {
			t.Errorf("delete %s: %v", id, err)
		}
		if _, ok := s.Certification("me", id); ok {
			t.Errorf("%s still exists", id)
		}
	}
	n := count(s)
	if n.batches != 1 || n.batched["DELETE"] != 5 || n.direct["DELETE"] != 1 {
		t.Errorf("got %d batches with %d DELETEs and %d direct; want 1 batch of 5 and the throttled one direct",
			n.batches, n.batched["DELETE"], n.direct["DELETE"])
	}
}

// A batch that fails as a whole is sent item by item; a transient failure does not turn
// batching off, a server that refuses $batch does.
func TestBatchFailureFallsBack(t *testing.T) {
	for _, tc := range []struct {
		name        string
		status      int
		wantBatches int // in the second round
	}{
		{"unavailable", http.StatusServiceUnavailable, 1},
		{"not supported", http.StatusNotFound, 0},
		{"bad request", http.StatusBadRequest, 0},
		{"server error", http.StatusInternalServerError, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := batchFixture(t)
			ids := graph.SeedCertifications(t, s, "me", 8)
			// 9 times: the retry policy retries a 503 batch (8 retries) before falling back.
			s.Inject(mockgraph.Fault{Op: "batch", Status: tc.status, RetryAfter: "0", Times: 9})
			for id, err := range deleteAll(t, c, ids[:4]) {
				if err != nil {
					t.Errorf("delete %s: %v", id, err)
				}
			}
			if n := count(s); n.direct["DELETE"] != 4 {
				t.Errorf("first round: %d direct DELETEs, want all 4 after the batch failed", n.direct["DELETE"])
			}
			s.ResetRequests()
			for id, err := range deleteAll(t, c, ids[4:]) {
				if err != nil {
					t.Errorf("delete %s: %v", id, err)
				}
			}
			if n := count(s); n.batches != tc.wantBatches {
				t.Errorf("second round: %d batches, want %d", n.batches, tc.wantBatches)
			}
			for _, id := range ids {
				if _, ok := s.Certification("me", id); ok {
					t.Errorf("%s still exists", id)
				}
			}
		})
	}
}

// Refresh reads of different users travel in one batch of list requests, and each read
// still returns its own certification.
func TestBatchedListsAcrossUsers(t *testing.T) {
	s, c := batchFixture(t)
	users := []string{"aaaa0000-0000-4000-8000-000000000001", "aaaa0000-0000-4000-8000-000000000002", "adele@contoso.example"}
	s.AddUser(mockgraph.User{ID: users[0]})
	s.AddUser(mockgraph.User{ID: users[1]})
	s.AddUser(mockgraph.User{ID: "aaaa0000-0000-4000-8000-000000000003", UserPrincipalName: users[2]})
	want := map[string]string{} // id -> user
	for _, u := range users {
		for _, id := range graph.SeedCertifications(t, s, u, 4) {
			want[id] = u
		}
	}
	s.ResetRequests()
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string]string{}
	for id, u := range want {
		wg.Go(func() {
			cert, err := c.ReadCertification(ctxT(t), u, id)
			if err != nil {
				t.Errorf("read %s of %s: %v", id, u, err)
				return
			}
			mu.Lock()
			got[deref(cert.GetId())] = deref(cert.GetDisplayName())
			mu.Unlock()
		})
	}
	wg.Wait()
	for id, u := range want {
		if !strings.HasPrefix(got[id], u+" cert ") {
			t.Errorf("read of %s returned %q, want one of %s's", id, got[id], u)
		}
	}
	n := count(s)
	if n.batches != 1 || n.batched["GET"] != 3 || n.direct["GET"] != 0 {
		t.Errorf("12 reads over 3 users: %d batches carrying %d GETs, %d direct GETs; want 1, 3, 0",
			n.batches, n.batched["GET"], n.direct["GET"])
	}
}

// A batched list follows @odata.nextLink through every page.
func TestBatchedListPages(t *testing.T) {
	s, c := batchFixture(t)
	s.SetPageSize(2)
	other := "bbbb0000-0000-4000-8000-000000000001"
	s.AddUser(mockgraph.User{ID: other})
	mine, theirs := graph.SeedCertifications(t, s, "me", 5), graph.SeedCertifications(t, s, other, 3)
	var wg sync.WaitGroup
	var lists [2][]*graph.Certification
	for i, u := range []string{"me", other} {
		wg.Go(func() {
			l, err := c.ListCertifications(ctxT(t), u, graph.ListFilter{})
			if err != nil {
				t.Errorf("list %s: %v", u, err)
			}
			lists[i] = l
		})
	}
	wg.Wait()
	if len(lists[0]) != len(mine) || len(lists[1]) != len(theirs) {
		t.Errorf("listed %d and %d certifications, want %d and %d", len(lists[0]), len(lists[1]), len(mine), len(theirs))
	}
	if n := count(s); n.batches == 0 {
		t.Error("no list page travelled in a batch")
	}
}

// A caller whose context ends while it waits for its batch gets the context's error.
func TestBatchedCallerCancelled(t *testing.T) {
	_, c := batchFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := c.DeleteCertification(ctx, "me", "00000000-0000-4000-8000-000000000001")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline", err)
	}
}

// A server that answers $batch with something other than a batch answer (here, any 200
// body) gets every request directly, and no second batch.
func TestBatchNotABatchAnswer(t *testing.T) {
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken(token)
	var batches atomic.Int32
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "$batch") {
			batches.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"value": []}`))
			return
		}
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(fake.Close)
	c, err := graph.NewClient(graph.Config{Endpoint: fake.URL, Token: graph.StaticToken(token),
		Batching: true, DeleteLinger: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ids := graph.SeedCertifications(t, s, "me", 8)
	for _, round := range [][]string{ids[:4], ids[4:]} {
		for id, err := range deleteAll(t, c, round) {
			if err != nil {
				t.Errorf("delete %s: %v", id, err)
			}
		}
	}
	if n := batches.Load(); n != 1 {
		t.Errorf("%d batches sent; want 1, then none once the answer was not a batch answer", n)
	}
	if n := len(s.Certifications("me")); n != 0 {
		t.Errorf("%d certifications left", n)
	}
}
