// Package wait holds the one context-aware sleep that the provider and its fakes share.
package wait

import (
	"context"
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
