package mockgraph

import (
	"net/http"
	"testing"
)

func TestAuthorization(t *testing.T) {
	cases := []struct {
		name      string
		accepted  string // SetAcceptedToken
		anonymous bool   // SetAllowAnonymous
		auth      string // Authorization header; "" = none
		status    int
		message   string
	}{
		{"no header", "", false, "", 401, "Access token is empty."},
		{"empty bearer", "", false, "Bearer ", 401, "Access token is empty."},
		{"basic scheme", "", false, "Basic dXNlcjpwdw==", 401, "Invalid token"},
		{"any bearer token", "", false, "Bearer anything", 200, ""},
		{"scheme case-insensitive", "", false, "bearer anything", 200, ""},
		{"wrong token", "s3cret", false, "Bearer other", 401, "Invalid token"},
		{"right token", "s3cret", false, "Bearer s3cret", 200, ""},
		{"anonymous allowed", "s3cret", true, "", 200, ""},
		{"anonymous still checks a given token", "s3cret", true, "Bearer other", 401, "Invalid token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := start(t)
			s.SetAcceptedToken(c.accepted)
			s.SetAllowAnonymous(c.anonymous)
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				var body any
				if method == http.MethodPost {
					body = map[string]any{"displayName": "A"}
				}
				r := do(t, s, method, meColl, body, "Authorization", c.auth)
				if c.status == 200 {
					if r.status >= 300 {
						t.Errorf("%s: status %d, want success: %s", method, r.status, r.body)
					}
					continue
				}
				wantError(t, r, c.status, "InvalidAuthenticationToken", c.message)
			}
			wantCerts := 0
			if c.status == 200 {
				wantCerts = 1
			}
			if n := len(s.Certifications("me")); n != wantCerts {
				t.Errorf("%d certifications stored, want %d", n, wantCerts)
			}
		})
	}
}
