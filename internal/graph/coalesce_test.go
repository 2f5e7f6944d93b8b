package graph_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

func getJSON(t *testing.T, s *mockgraph.Server, path string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v %s", path, resp.StatusCode, err, raw)
	}
	return raw
}

// Concurrent reads of one user's certifications share one list request; reads of an
// id the list lacks fall back to the item's GET, whose 404 means what it always did.
func TestReadCertificationCoalesces(t *testing.T) {
	s, c := fixture(t)
	ctx := ctxT(t)
	var ids []string
	for i := range 30 {
		got, err := c.CreateCertification(ctx, "me", body(fmt.Sprintf("cert %d", i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, deref(got.GetId()))
	}
	s.ResetRequests()
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.ReadCertification(ctx, "me", id)
			if err != nil {
				errs <- err
				return
			}
			if want := fmt.Sprintf("cert %d", i); deref(got.GetDisplayName()) != want {
				errs <- fmt.Errorf("read %s: display name %q, want %q", id, deref(got.GetDisplayName()), want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Fatalf("%d requests for 30 concurrent reads of one user, want 1 list", n)
	}

	// Out of band: a delete. The list lacks it, the GET says 404.
	if !s.Remove("me", ids[0]) {
		t.Fatal("remove failed")
	}
	// A write of this process invalidates the cached list at once.
	if _, err := c.UpdateCertification(ctx, "me", ids[1], body("changed by a write")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadCertification(ctx, "me", ids[0]); !graph.IsNotFound(err) {
		t.Fatalf("read of a deleted certification: %v, want a 404", err)
	}
	got, err := c.ReadCertification(ctx, "me", ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if deref(got.GetDisplayName()) != "changed by a write" {
		t.Fatalf("read after a write in the same process: %q, want the written value", deref(got.GetDisplayName()))
	}
	if err := s.Mutate("me", ids[2], map[string]any{"displayName": "changed out of band"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCertification(ctx, "me", ids[3]); err != nil {
		t.Fatal(err)
	}
	got, err = c.ReadCertification(ctx, "me", ids[2])
	if err != nil {
		t.Fatal(err)
	}
	if deref(got.GetDisplayName()) != "changed out of band" {
		t.Fatalf("read after a delete in the same process: %q, want the out-of-band change", deref(got.GetDisplayName()))
	}
}

// A list item carries everything the item's GET does: the coalesced read and the GET
// decode to the same entity.
func TestListItemEqualsGet(t *testing.T) {
	s, c := fixture(t)
	ctx := ctxT(t)
	created, err := c.CreateCertification(ctx, "me", body("full"))
	if err != nil {
		t.Fatal(err)
	}
	id := deref(created.GetId())
	if err := s.Mutate("me", id, map[string]any{
		"issuingAuthority": "Microsoft", "issuedDate": "2025-03-14", "webUrl": "https://example.com/x",
		"inference": map[string]any{"confidenceScore": 0.5, "userHasVerifiedAccuracy": true},
		"source":    map[string]any{"type": []any{"user"}},
	}); err != nil {
		t.Fatal(err)
	}
	var listed, single map[string]any
	for _, r := range []struct {
		path string
		into *map[string]any
	}{{"/beta/me/profile/certifications", &listed}, {"/beta/me/profile/certifications/" + id, &single}} {
		raw := getJSON(t, s, r.path)
		if strings.HasSuffix(r.path, "/certifications") {
			var page struct{ Value []map[string]any }
			if err := json.Unmarshal(raw, &page); err != nil || len(page.Value) != 1 {
				t.Fatalf("list: %v %s", err, raw)
			}
			*r.into = page.Value[0]
		} else if err := json.Unmarshal(raw, r.into); err != nil {
			t.Fatal(err)
		}
	}
	delete(single, "@odata.context")
	if !reflect.DeepEqual(listed, single) {
		t.Fatalf("a list item differs from the GET:\nlist: %v\nget:  %v", listed, single)
	}
	viaList, err := c.ReadCertification(ctx, "me", id)
	if err != nil {
		t.Fatal(err)
	}
	viaGet, err := c.GetCertification(ctx, "me", id)
	if err != nil {
		t.Fatal(err)
	}
	if deref(viaList.GetWebUrl()) != deref(viaGet.GetWebUrl()) || *viaList.GetInference().GetConfidenceScore() != *viaGet.GetInference().GetConfidenceScore() {
		t.Fatal("the coalesced read and the GET decode differently")
	}
}
