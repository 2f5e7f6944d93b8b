package mockgraph

import (
	"testing"
)

// Every stored property is rendered, null when unset, and nothing else is.
func TestRenderFollowsTheTable(t *testing.T) {
	s := Start()
	defer s.Close()
	ent, err := s.Seed("me", map[string]any{"displayName": "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range properties() {
		_, ok := ent[p.name]
		if want := p.kind != propIgnored; ok != want {
			t.Errorf("%s: rendered %v, want %v", p.name, ok, want)
		}
	}
	for k := range ent {
		if kindOf(k) == propUnknown && k != "@odata.context" {
			t.Errorf("rendered %s, which the table does not know", k)
		}
	}
}
