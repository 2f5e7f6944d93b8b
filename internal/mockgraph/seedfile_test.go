package mockgraph

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSeedFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(good, []byte(`{
  "users": [{"id": "11111111-2222-3333-4444-555555555555", "userPrincipalName": "alex.wilber@contoso.example", "displayName": "Alex Wilber"}],
  "certifications": {
    "me": [{"displayName": "A", "certificationId": "C-1"}, {"displayName": "B"}],
    "megan.bowen@contoso.example": [{"displayName": "M", "issuedDate": "2024-02-29"}],
    "alex.wilber@contoso.example": [{"displayName": "X"}]
  }
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := New()
	if err := srv.SeedFile(good); err != nil {
		t.Fatal(err)
	}
	me := srv.Certifications("me")
	if len(me) != 2 || me[0]["displayName"] != "A" || me[0]["certificationId"] != "C-1" || me[1]["displayName"] != "B" {
		t.Errorf("me holds %v", me)
	}
	if m := srv.Certifications(OtherID); len(m) != 1 || m[0]["issuedDate"] != "2024-02-29" {
		t.Errorf("megan holds %v", m)
	}
	if a := srv.Certifications("11111111-2222-3333-4444-555555555555"); len(a) != 1 || a[0]["displayName"] != "X" {
		t.Errorf("the seeded user alex holds %v", a)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"certifications": {"me": [{"displayName": "x", "endDate": "2023-02-29"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := New().SeedFile(bad); err == nil || !strings.Contains(err.Error(), "me[0]") {
		t.Errorf("an impossible date was seeded or the error does not say where: %v", err)
	}
}
