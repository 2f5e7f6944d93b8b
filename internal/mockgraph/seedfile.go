package mockgraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// SeedData is the format SeedFile reads: users to add (besides the two every server has)
// and certifications to create, keyed by user id, UPN or "me".
//
//	{"users": [{"id": "...", "userPrincipalName": "...", "displayName": "..."}],
//	 "certifications": {"adele.vance@contoso.example": [{"displayName": "..."}]}}
type SeedData struct {
	Users          []User                      `json:"users"`
	Certifications map[string][]map[string]any `json:"certifications,omitempty"`
}

// SeedFile adds the file's users, then creates its certifications (in file order per
// user, users in name order) with the same validation as a POST.
func (s *Server) SeedFile(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	var f SeedData
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("seed %s: %w", path, err)
	}
	for _, u := range f.Users {
		s.AddUser(u)
	}
	users := make([]string, 0, len(f.Certifications))
	for u := range f.Certifications {
		users = append(users, u)
	}
	sort.Strings(users)
	for _, u := range users {
		for i, body := range f.Certifications[u] {
			if _, err := s.Seed(u, body); err != nil {
				return fmt.Errorf("seed %s: %s[%d]: %w", path, u, i, err)
			}
		}
	}
	return nil
}
