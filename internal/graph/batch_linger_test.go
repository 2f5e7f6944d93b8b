package graph

import (
	"context"
	"testing"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// The wait for company adapts: calls that come one at a time shrink it to
// minBatchLinger, so -parallelism=1 does not pay the full wait on every call; a batch
// that found company doubles it again.
func TestBatchLingerAdapts(t *testing.T) {
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken("t")
	c, err := NewClient(Config{Endpoint: s.URL, Token: StaticToken("t"), Batching: true, DeleteLinger: 80 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	linger := func() time.Duration {
		c.deletes.mu.Lock()
		defer c.deletes.mu.Unlock()
		return c.deletes.linger
	}
	if got := linger(); got != 80*time.Millisecond {
		t.Fatalf("initial wait %s, want the maximum, 80ms", got)
	}
	ids := SeedCertifications(t, s, "me", 6)
	for _, id := range ids[:6] { // one at a time: 80, 40, 20, 10, 5, 5
		if err := c.DeleteCertification(ctx, "me", id); err != nil {
			t.Fatal(err)
		}
	}
	if got := linger(); got != minBatchLinger {
		t.Fatalf("after 6 lone calls the wait is %s, want %s", got, minBatchLinger)
	}
	// A batch that found company (here four queued items) doubles the wait.
	c.deletes.mu.Lock()
	c.deletes.pending = make([]*batchItem, 4)
	c.deletes.take()
	c.deletes.mu.Unlock()
	if got := linger(); got != 2*minBatchLinger {
		t.Fatalf("after a batch of 4 the wait is %s, want %s", got, 2*minBatchLinger)
	}
}

// Once as many requests wait as ever waited together, the batch goes at once: Terraform
// has no more calls in flight, and waiting out the linger would only delay all of them.
func TestBatchGoesWhenAsManyWaitAsEver(t *testing.T) {
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken("t")
	c, err := NewClient(Config{Endpoint: s.URL, Token: StaticToken("t"), Batching: true, DeleteLinger: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ids := SeedCertifications(t, s, "me", 5)
	c.deletes.mu.Lock()
	c.deletes.most = len(ids) // as after an earlier wave of five
	c.deletes.mu.Unlock()
	s.ResetRequests()
	done := make(chan error, len(ids))
	for _, id := range ids {
		go func() { done <- c.DeleteCertification(ctx, "me", id) }()
	}
	for range ids {
		if err := <-done; err != nil { // with an hour's linger, only the early flush returns
			t.Fatal(err)
		}
	}
	if reqs := s.Requests(); len(reqs) != 1 || len(reqs[0].Batch) != len(ids) {
		t.Fatalf("%d requests; want one batch of %d", len(reqs), len(ids))
	}
}
