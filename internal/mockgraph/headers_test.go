package mockgraph

import "testing"

func TestResponseHeaders(t *testing.T) {
	s, id := startWithOne(t)
	cases := []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"list", "GET", meColl, nil, 200},
		{"get", "GET", meColl + "/" + id, nil, 200},
		{"create", "POST", meColl, map[string]any{}, 201},
		{"update", "PATCH", meColl + "/" + id, map[string]any{"description": "x"}, 200},
		{"error", "GET", meColl + "/nope", nil, 404},
		{"delete", "DELETE", "", nil, 204}, // a fresh item each time
	}
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, clientID := range []string{"", "0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"} {
				path := c.path
				if path == "" {
					path = meColl + "/" + str(t, mustCreate(t, s, meColl, map[string]any{}), "id")
				}
				r := do(t, s, c.method, path, c.body, "client-request-id", clientID)
				if r.status != c.status {
					t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
				}
				if ct := r.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q, want application/json", ct)
				}
				rid := r.header.Get("request-id")
				if !guidRE.MatchString(rid) || seen[rid] {
					t.Errorf("request-id %q is not a fresh GUID", rid)
				}
				seen[rid] = true
				got := r.header.Get("client-request-id")
				if clientID != "" && got != clientID {
					t.Errorf("client-request-id %q, want the echoed %q", got, clientID)
				}
				if clientID == "" && !guidRE.MatchString(got) {
					t.Errorf("client-request-id %q, want a new GUID", got)
				}
				if c.status == 404 {
					graphError(t, r, 404) // body repeats both ids
				}
			}
		})
	}
}
