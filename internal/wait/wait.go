// Package wait holds the provider's waiting: the one context-aware sleep that the provider
// and its fakes share, and the one bounded worker pool (Each).
package wait

import (
	"context"
	"sync"
	"time"
)

// For waits d, or until ctx ends; it reports whether the full wait elapsed. Every wait in
// the provider goes through it, so none outlives the operation's deadline.
func For(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Each runs fn(0) … fn(n-1) on at most limit goroutines and returns when all have
// returned. It is the provider's one worker pool: the bulk resource's fan-out of calls
// and the client's create batches in flight.
func Each(limit, n int, fn func(i int)) {
	sem := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			fn(i)
		})
	}
	wg.Wait()
}
