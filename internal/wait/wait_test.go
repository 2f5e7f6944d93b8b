package wait

import (
	"context"
	"testing"
	"time"
)

func TestFor(t *testing.T) {
	if !For(context.Background(), time.Millisecond) {
		t.Error("a wait that elapsed reported false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if For(ctx, time.Hour) {
		t.Error("a wait cut short by its context reported true")
	}
	if time.Since(start) > time.Second {
		t.Error("a cancelled context did not end the wait")
	}
}
