package graph

import (
	"fmt"
	"testing"

	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// SeedCertifications creates n certifications of user on the mock, without a request
// through the client, and returns their ids. Exported for the external tests too.
func SeedCertifications(t *testing.T, s *mockgraph.Server, user string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		got, err := s.Seed(user, map[string]any{"displayName": fmt.Sprintf("%s cert %d", user, i)})
		if err != nil {
			t.Fatal(err)
		}
		id, ok := got["id"].(string)
		if !ok {
			t.Fatalf("seeded certification without an id: %v", got)
		}
		ids = append(ids, id)
	}
	return ids
}
