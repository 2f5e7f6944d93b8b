package graph_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// createUsers are three ways to name a user: the signed-in one, an object id, a UPN.
var createUsers = []string{graph.Me, "cccc0000-0000-4000-8000-000000000001", "megan@contoso.example"}

// createFixture is the mock with createUsers and a client; batching as asked.
func createFixture(t *testing.T, batching bool, retry graph.RetryPolicy) (*mockgraph.Server, *graph.Client) {
	t.Helper()
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken(token)
	s.AddUser(mockgraph.User{ID: createUsers[1]})
	s.AddUser(mockgraph.User{ID: "cccc0000-0000-4000-8000-000000000002", UserPrincipalName: createUsers[2]})
	c, err := graph.NewClient(graph.Config{Endpoint: s.URL, Token: graph.StaticToken(token), Batching: batching, Retry: retry})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// createRequests is n requests spread over createUsers, each with its own display name.
func createRequests(n int) []graph.CreateRequest {
	reqs := make([]graph.CreateRequest, n)
	for i := range reqs {
		reqs[i] = graph.CreateRequest{UserID: createUsers[i%len(createUsers)], Body: body(fmt.Sprintf("cert %d", i))}
	}
	return reqs
}

// held is how many certifications the mock holds over createUsers.
func held(s *mockgraph.Server) int {
	n := 0
	for _, u := range createUsers {
		n += len(s.Certifications(u))
	}
	return n
}

// checkCreated fails unless result i is the certification of request i, held by the mock
// for that request's user.
func checkCreated(t *testing.T, s *mockgraph.Server, reqs []graph.CreateRequest, res []graph.CreateResult, i int) {
	t.Helper()
	r := res[i]
	if r.Err != nil || r.Lost || r.Cert == nil {
		t.Errorf("request %d: cert %v, err %v, lost %v; want created", i, r.Cert != nil, r.Err, r.Lost)
		return
	}
	want := deref(reqs[i].Body.GetDisplayName())
	if got := deref(r.Cert.GetDisplayName()); got != want {
		t.Errorf("result %d is %q, want %q: results out of order", i, got, want)
	}
	held, ok := s.Certification(reqs[i].UserID, deref(r.Cert.GetId()))
	if !ok || held["displayName"] != want {
		t.Errorf("request %d: %s of %s is not in the mock as %q (%v)", i, deref(r.Cert.GetId()), reqs[i].UserID, want, held)
	}
}

// createCountingLost creates reqs through c and checks every result that is not Lost with
// checkCreated; it returns the results and how many were Lost.
func createCountingLost(t *testing.T, s *mockgraph.Server, c *graph.Client, reqs []graph.CreateRequest) ([]graph.CreateResult, int) {
	t.Helper()
	res := c.CreateCertifications(ctxT(t), reqs)
	lost := 0
	for i, r := range res {
		if r.Lost {
			lost++
			continue
		}
		checkCreated(t, s, reqs, res, i)
	}
	return res, lost
}

func TestCreateCertificationsBatches(t *testing.T) {
	s, c := createFixture(t, true, graph.RetryPolicy{})
	reqs := createRequests(45)
	res := c.CreateCertifications(ctxT(t), reqs)
	if len(res) != len(reqs) {
		t.Fatalf("%d results for %d requests", len(res), len(reqs))
	}
	for i := range reqs {
		checkCreated(t, s, reqs, res, i)
	}
	for _, u := range createUsers {
		if n := len(s.Certifications(u)); n != 15 {
			t.Errorf("%s holds %d certifications, want 15", u, n)
		}
	}
	n := count(s)
	if n.batches != 3 || n.batched["POST"] != 45 || n.direct["POST"] != 0 {
		t.Errorf("45 creates: %d batches carrying %d POSTs, %d direct POSTs; want 3, 45, 0",
			n.batches, n.batched["POST"], n.direct["POST"])
	}
	for _, r := range s.Requests() {
		if len(r.Batch) > 20 {
			t.Errorf("a batch carried %d requests", len(r.Batch))
		}
		for _, sub := range r.Batch {
			if sub.Status != http.StatusCreated {
				t.Errorf("item %s answered %d", sub.BatchID, sub.Status)
			}
		}
	}
}

// An item Graph refuses gets its definite error; the others of its batch are created.
func TestCreateCertificationsItemError(t *testing.T) {
	s, c := createFixture(t, true, graph.RetryPolicy{})
	reqs := createRequests(6)
	reqs[2].Body.SetAdditionalData(map[string]any{"notAProperty": "v"})
	reqs[4].UserID = "dddd0000-0000-4000-8000-00000000dead" // no such user
	res := c.CreateCertifications(ctxT(t), reqs)
	for _, i := range []int{0, 1, 3, 5} {
		checkCreated(t, s, reqs, res, i)
	}
	var ge *graph.Error
	if r := res[2]; r.Cert != nil || r.Lost || !errors.As(r.Err, &ge) || ge.Status != http.StatusBadRequest || ge.Op != "create" || ge.Code == "" {
		t.Errorf("invalid body: %+v, want a definite 400 *graph.Error", r)
	}
	if r := res[4]; r.Cert != nil || r.Lost || !graph.IsNotFound(r.Err) {
		t.Errorf("unknown user: %+v, want a definite 404", r)
	}
	if got := held(s); got != 4 {
		t.Errorf("the mock holds %d certifications, want 4", got)
	}
	if n := count(s); n.batches != 1 || n.batched["POST"] != 6 || n.direct["POST"] != 0 {
		t.Errorf("%d batches carrying %d POSTs, %d direct; want the errors answered in the one batch of 6",
			n.batches, n.batched["POST"], n.direct["POST"])
	}
}

// Throttled items were not applied (a 429 is refused before any effect): they are sent
// again, and exactly one certification per request is created.
func TestCreateCertificationsItemsRetried(t *testing.T) {
	s, c := createFixture(t, true, graph.RetryPolicy{})
	s.InjectKind(mockgraph.KindThrottle, "create", 7)
	reqs := createRequests(30)
	res := c.CreateCertifications(ctxT(t), reqs)
	for i := range reqs {
		checkCreated(t, s, reqs, res, i)
	}
	if got := held(s); got != 30 {
		t.Errorf("the mock holds %d certifications, want exactly 30", got)
	}
	n := count(s)
	if n.batched["POST"] != 37 || n.direct["POST"] != 0 || n.batches < 3 {
		t.Errorf("%d batches carrying %d POSTs, %d direct; want 30 + 7 retried POSTs in at least 3 batches",
			n.batches, n.batched["POST"], n.direct["POST"])
	}
}

// An item answered 503 may have been applied (Graph promises "not applied" only for a
// 429): it is Lost and never sent again, whether Graph applied it (unavailable-after) or
// not (unavailable). Either way there is no twin.
func TestCreateCertificationsItemsUnavailableAreLost(t *testing.T) {
	for _, tc := range []struct {
		kind mockgraph.Kind
		held int
	}{{mockgraph.KindUnavailableAfter, 30}, {mockgraph.KindUnavailable, 23}} {
		t.Run(string(tc.kind), func(t *testing.T) {
			s, c := createFixture(t, true, graph.RetryPolicy{})
			s.InjectKind(tc.kind, "create", 7)
			res, lost := createCountingLost(t, s, c, createRequests(30))
			for i, r := range res {
				if r.Lost && (r.Cert != nil || graph.StatusOf(r.Err) != http.StatusServiceUnavailable) {
					t.Errorf("request %d: %+v, want Lost with the item's 503", i, r)
				}
			}
			if lost != 7 {
				t.Errorf("%d Lost, want the 7 answered 503", lost)
			}
			if got := held(s); got != tc.held {
				t.Errorf("the mock holds %d certifications, want %d: nothing sent twice", got, tc.held)
			}
			if n := count(s); n.batched["POST"] != 30 || n.direct["POST"] != 0 {
				t.Errorf("%d batched and %d direct POSTs, want 30 and 0", n.batched["POST"], n.direct["POST"])
			}
		})
	}
}

// An item throttled every time gets the last refusal once the retry policy is spent.
func TestCreateCertificationsRetriesRunOut(t *testing.T) {
	s, c := createFixture(t, true, graph.RetryPolicy{MaxRetries: 1})
	s.Inject(mockgraph.Fault{Op: "create", Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 4})
	reqs := createRequests(3)
	res := c.CreateCertifications(ctxT(t), reqs)
	// The mock runs items in request order: all three are refused once, then the first again.
	failed := 0
	for i, r := range res {
		if r.Err == nil {
			checkCreated(t, s, reqs, res, i)
			continue
		}
		failed++
		var ge *graph.Error
		if r.Lost || !errors.As(r.Err, &ge) || ge.Status != http.StatusTooManyRequests || ge.Attempts != 2 || i != 0 {
			t.Errorf("request %d: %+v (%v), want request 0 to fail with a definite 429 after 2 attempts", i, r, r.Err)
		}
	}
	if n := count(s); failed != 1 || held(s) != 2 || n.batches != 2 || n.batched["POST"] != 6 {
		t.Errorf("%d failed, the mock holds %d, %d batches carrying %d POSTs; want 1 failed, 2 created, 2 batches carrying 3 each",
			failed, held(s), n.batches, n.batched["POST"])
	}
}

// A throttled item whose Retry-After ends past the deadline is not sent again: it fails
// with the 429, definitely not created.
func TestCreateCertificationsThrottledPastDeadline(t *testing.T) {
	s, c := createFixture(t, true, graph.RetryPolicy{})
	s.Inject(mockgraph.Fault{Op: "create", Status: http.StatusTooManyRequests, RetryAfter: "30", Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	reqs := createRequests(4)
	start := time.Now()
	res := c.CreateCertifications(ctx, reqs)
	if time.Since(start) > 4*time.Second {
		t.Errorf("took %s: waited for a Retry-After past the deadline", time.Since(start))
	}
	if r := res[0]; r.Lost || graph.StatusOf(r.Err) != http.StatusTooManyRequests {
		t.Errorf("throttled request: %+v, want a definite 429", r)
	}
	for i := 1; i < len(reqs); i++ {
		checkCreated(t, s, reqs, res, i)
	}
	if n := count(s); n.batches != 1 || held(s) != 3 {
		t.Errorf("%d batches, %d held; want 1 batch and 3 created", n.batches, held(s))
	}
}

// A batch whose answer is lost after Graph ran it: every item is Lost, none is sent again,
// and the mock holds each certification once.
func TestCreateCertificationsBatchAnswerLost(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inject func(*mockgraph.Server)
		held   int
	}{
		{"reset after", func(s *mockgraph.Server) { s.InjectKind(mockgraph.KindResetAfter, "batch", 1) }, 10},
		{"unavailable after", func(s *mockgraph.Server) { s.InjectKind(mockgraph.KindUnavailableAfter, "batch", 1) }, 10},
		{"truncated", func(s *mockgraph.Server) { s.InjectKind(mockgraph.KindTruncated, "batch", 1) }, 10},
		// The mock answers a canned fault before running anything, but a client cannot
		// know that from a 500 or a 504.
		{"500", func(s *mockgraph.Server) {
			s.Inject(mockgraph.Fault{Op: "batch", Status: http.StatusInternalServerError})
		}, 0},
		{"504", func(s *mockgraph.Server) { s.Inject(mockgraph.Fault{Op: "batch", Status: http.StatusGatewayTimeout}) }, 0},
		// Only a 429 is documented as refused before any effect.
		{"503", func(s *mockgraph.Server) {
			s.Inject(mockgraph.Fault{Op: "batch", Status: http.StatusServiceUnavailable, RetryAfter: "0"})
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := createFixture(t, true, graph.RetryPolicy{})
			tc.inject(s)
			reqs := createRequests(10)
			res := c.CreateCertifications(ctxT(t), reqs)
			for i, r := range res {
				if !r.Lost || r.Err == nil || r.Cert != nil {
					t.Errorf("request %d: %+v, want Lost with an error", i, r)
				}
			}
			if got := held(s); got != tc.held {
				t.Errorf("the mock holds %d certifications, want %d (each once)", got, tc.held)
			}
			if n := count(s); n.batches != 1 || n.direct["POST"] != 0 {
				t.Errorf("%d batches, %d direct POSTs; want the one batch and nothing sent again", n.batches, n.direct["POST"])
			}
		})
	}
}

// An item whose answer is lost inside the batch (the backend failed behind Graph's
// gateway after applying it, or answered without an id) is Lost alone.
func TestCreateCertificationsItemAnswerLost(t *testing.T) {
	for _, kind := range []mockgraph.Kind{mockgraph.KindResetAfter, mockgraph.KindUnavailableAfter, mockgraph.KindNoID} {
		t.Run(string(kind), func(t *testing.T) {
			s, c := createFixture(t, true, graph.RetryPolicy{})
			s.InjectKind(kind, "create", 1)
			reqs := createRequests(5)
			res := c.CreateCertifications(ctxT(t), reqs)
			if r := res[0]; !r.Lost || r.Err == nil || r.Cert != nil {
				t.Errorf("request 0: %+v, want Lost", r)
			}
			if kind == mockgraph.KindNoID {
				var de *graph.DecodeError
				if !errors.As(res[0].Err, &de) {
					t.Errorf("a 201 without an id: %v, want a *graph.DecodeError", res[0].Err)
				}
			} else if want := map[mockgraph.Kind]int{mockgraph.KindResetAfter: http.StatusGatewayTimeout,
				mockgraph.KindUnavailableAfter: http.StatusServiceUnavailable}[kind]; graph.StatusOf(res[0].Err) != want {
				t.Errorf("%s: %v, want the item's %d", kind, res[0].Err, want)
			}
			for i := 1; i < len(reqs); i++ {
				checkCreated(t, s, reqs, res, i)
			}
			if n := count(s); held(s) != 5 || n.batched["POST"] != 5 || n.direct["POST"] != 0 {
				t.Errorf("the mock holds %d, %d batched and %d direct POSTs; want 5 held, 5 POSTs, none again",
					held(s), n.batched["POST"], n.direct["POST"])
			}
		})
	}
}

// A whole batch answered 429 ran nothing: the retry policy sends the batch again.
func TestCreateCertificationsBatchThrottled(t *testing.T) {
	s, c := createFixture(t, true, graph.RetryPolicy{})
	s.Inject(mockgraph.Fault{Op: "batch", Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 2})
	reqs := createRequests(8)
	res := c.CreateCertifications(ctxT(t), reqs)
	for i := range reqs {
		checkCreated(t, s, reqs, res, i)
	}
	if n := count(s); n.batches != 3 || n.batched["POST"] != 8 || held(s) != 8 {
		t.Errorf("%d batches carrying %d POSTs, %d held; want 2 refused batches, then 8 created once",
			n.batches, n.batched["POST"], held(s))
	}

	// Without retries, the refusal is each item's definite error.
	s, c = createFixture(t, true, graph.RetryPolicy{MaxRetries: graph.NoRetries})
	s.Inject(mockgraph.Fault{Op: "batch", Status: http.StatusTooManyRequests, RetryAfter: "0"})
	for i, r := range c.CreateCertifications(ctxT(t), createRequests(3)) {
		if r.Lost || graph.StatusOf(r.Err) != http.StatusTooManyRequests {
			t.Errorf("request %d: %+v, want a definite 429", i, r)
		}
	}
	if held(s) != 0 {
		t.Errorf("the mock holds %d certifications, want none", held(s))
	}
}

// A server that refuses $batch (here 404) ran none of it: the items go direct, and so
// does everything after.
func TestCreateCertificationsBatchRefused(t *testing.T) {
	s, c := createFixture(t, true, graph.RetryPolicy{})
	s.Inject(mockgraph.Fault{Op: "batch", Status: http.StatusNotFound})
	reqs := createRequests(25)
	res := c.CreateCertifications(ctxT(t), reqs)
	for i := range reqs {
		checkCreated(t, s, reqs, res, i)
	}
	n := count(s)
	// Two batches (20 and 5) go out together; whichever is refused, its items go direct.
	if held(s) != 25 || n.batches != 2 || n.direct["POST"]+n.batched["POST"] != 25 || n.direct["POST"] < 5 {
		t.Errorf("%d held, %d batches, %d direct and %d batched POSTs; want 25 created once, the refused batch's items direct",
			held(s), n.batches, n.direct["POST"], n.batched["POST"])
	}
	s.ResetRequests()
	c.CreateCertifications(ctxT(t), createRequests(4))
	if n := count(s); n.batches != 0 || n.direct["POST"] != 4 {
		t.Errorf("after the refusal: %d batches, %d direct POSTs; want 0 and 4", n.batches, n.direct["POST"])
	}
}

// Without batching, and for a single request, every create is a direct POST.
func TestCreateCertificationsDirect(t *testing.T) {
	s, c := createFixture(t, false, graph.RetryPolicy{})
	reqs := createRequests(12)
	reqs[5].Body.SetAdditionalData(map[string]any{"notAProperty": "v"})
	res := c.CreateCertifications(ctxT(t), reqs)
	for i := range reqs {
		if i != 5 {
			checkCreated(t, s, reqs, res, i)
		}
	}
	if r := res[5]; r.Lost || graph.StatusOf(r.Err) != http.StatusBadRequest {
		t.Errorf("invalid body: %+v, want a definite 400", r)
	}
	if n := count(s); n.batches != 0 || n.direct["POST"] != 12 {
		t.Errorf("batching off: %d batches, %d direct POSTs; want 0 and 12", n.batches, n.direct["POST"])
	}

	s, c = createFixture(t, true, graph.RetryPolicy{})
	one := createRequests(1)
	checkCreated(t, s, one, c.CreateCertifications(ctxT(t), one), 0)
	if n := count(s); n.batches != 0 || n.direct["POST"] != 1 {
		t.Errorf("one create: %d batches, %d direct POSTs; want 0 and 1", n.batches, n.direct["POST"])
	}
}

// A direct create whose answer is lost is Lost; one that never left the client is not.
func TestCreateCertificationsDirectLost(t *testing.T) {
	s, c := createFixture(t, false, graph.RetryPolicy{})
	s.InjectKind(mockgraph.KindResetAfter, "create", 1)
	_, lost := createCountingLost(t, s, c, createRequests(3))
	if lost != 1 || held(s) != 3 {
		t.Errorf("%d lost, %d held; want 1 lost and 3 held", lost, held(s))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, batching := range []bool{false, true} {
		s, c := createFixture(t, batching, graph.RetryPolicy{})
		for i, r := range c.CreateCertifications(ctx, createRequests(3)) {
			if r.Lost || r.Err == nil {
				t.Errorf("batching %v, request %d with a cancelled context: %+v, want a definite error", batching, i, r)
			}
		}
		if len(s.Requests()) != 0 {
			t.Errorf("batching %v: %d requests sent with a cancelled context", batching, len(s.Requests()))
		}
	}
}

// A create invalidates coalesced reads, so a read after it sees the new certification.
func TestCreateCertificationsInvalidateReads(t *testing.T) {
	s, c := createFixture(t, true, graph.RetryPolicy{})
	if _, err := c.ReadCertification(ctxT(t), graph.Me, "eeee0000-0000-4000-8000-000000000001"); !graph.IsNotFound(err) {
		t.Fatalf("read before: %v, want 404", err)
	}
	res := c.CreateCertifications(ctxT(t), createRequests(4))
	id := deref(res[0].Cert.GetId())
	s.ResetRequests()
	got, err := c.ReadCertification(ctxT(t), graph.Me, id)
	if err != nil || deref(got.GetId()) != id {
		t.Fatalf("read after create: %v, %v", got, err)
	}
	if len(s.Requests()) == 0 {
		t.Error("the read was answered from a list taken before the create")
	}
}

// Thousands of creates under random throttling, inside batches and of whole batches: every
// one is created exactly once, at under 0.1 requests per create.
func TestCreateCertificationsThousands(t *testing.T) {
	s, c := createFixture(t, true, graph.RetryPolicy{})
	s.SetChaos(mockgraph.Chaos{Rate: 0.05, Seed: 14, Kinds: []mockgraph.Kind{mockgraph.KindThrottle}})
	const n = 2000
	reqs := createRequests(n)
	start := time.Now()
	res := c.CreateCertifications(ctxT(t), reqs)
	elapsed := time.Since(start)
	for i := range reqs {
		if res[i].Cert == nil {
			t.Fatalf("request %d: %+v", i, res[i])
		}
	}
	if got := held(s); got != n {
		t.Errorf("the mock holds %d certifications, want exactly %d", got, n)
	}
	requests := len(s.Requests())
	if float64(requests)/n > 0.1 {
		t.Errorf("%d requests for %d creates (%.3f per create), want at most 0.1", requests, n, float64(requests)/n)
	}
	t.Logf("%d creates: %d HTTP requests (%.3f per create), %s, %s", n, requests, float64(requests)/n, elapsed, s.FaultSummary())
}
