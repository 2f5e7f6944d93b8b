package graph_test

import (
	"strings"
	"testing"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// Every form of one user resolves to the same object id; Graph is asked once per form.
func TestUserObjectID(t *testing.T) {
	s, c := fixture(t)
	ctx := ctxT(t)
	for _, form := range []string{"me", mockgraph.MeUPN, strings.ToUpper(mockgraph.MeUPN), mockgraph.MeID, strings.ToUpper(mockgraph.MeID)} {
		id, err := c.UserObjectID(ctx, form)
		if err != nil {
			t.Fatalf("UserObjectID(%q): %v", form, err)
		}
		if id != mockgraph.MeID {
			t.Errorf("UserObjectID(%q) = %s, want %s", form, id, mockgraph.MeID)
		}
	}
	other, err := c.UserObjectID(ctx, mockgraph.OtherUPN)
	if err != nil || other != mockgraph.OtherID {
		t.Errorf("UserObjectID(%q) = %s, %v; want %s", mockgraph.OtherUPN, other, err, mockgraph.OtherID)
	}
	gets := 0
	for _, r := range s.Requests() {
		if r.Method != "GET" {
			t.Errorf("unexpected %s %s", r.Method, r.Path)
		}
		if r.RawQuery != "$select=id" && r.RawQuery != "%24select=id" {
			t.Errorf("%s asked for %q, want only the id", r.Path, r.RawQuery)
		}
		gets++
	}
	// me, the UPN (its upper-case form is cached under the same key) and the other UPN;
	// object ids are their own answer.
	if gets != 3 {
		t.Errorf("%d requests, want 3", gets)
	}
	// A cached answer is not asked again.
	if _, err := c.UserObjectID(ctx, "me"); err != nil || len(s.Requests()) != gets {
		t.Errorf("a second lookup of me sent a request (%d requests, err %v)", len(s.Requests()), err)
	}
}

func TestUserObjectID_unknownUser(t *testing.T) {
	_, c := fixture(t)
	_, err := c.UserObjectID(ctxT(t), "nobody@contoso.example")
	if !graph.IsNotFound(err) {
		t.Fatalf("err = %v, want a 404", err)
	}
}
