package acctest

import "testing"

func TestChaosSeed(t *testing.T) {
	t.Setenv("CHAOS_SEED", "")
	if got := ChaosSeed(t, 7); got != 7 {
		t.Errorf("without CHAOS_SEED: %d, want the default 7", got)
	}
	t.Setenv("CHAOS_SEED", "20261201")
	if got := ChaosSeed(t, 7); got != 20261201 {
		t.Errorf("with CHAOS_SEED=20261201: %d", got)
	}
}
