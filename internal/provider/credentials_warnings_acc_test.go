package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// Plan-time warnings about credentials, read from the real CLI's output through
// terraform-exec (plugin-testing shows no warnings): the plan goes on, nothing is
// written, and no secret is printed.
func TestAccCredentials_planWarnings(t *testing.T) {
	const clientSecret = "sec~several-methods-0123456789"
	for _, tc := range []struct {
		name     string
		settings func(s *mockgraph.Server) (settings string, secrets []string)
		want     string
	}{
		{
			// access_token and a client secret in one provider block: the token signs in,
			// and the warning says the client secret is ignored.
			name: "several methods",
			settings: func(s *mockgraph.Server) (string, []string) {
				s.SetAcceptedToken(acctest.Token)
				return fmt.Sprintf("access_token = %q\n  tenant_id = %q\n  client_id = \"11111111-1111-1111-1111-111111111111\"\n  client_secret = %q",
					acctest.Token, mockentra.TenantID, clientSecret), []string{clientSecret, acctest.Token}
			},
			want: `(?s)Warning: Several credential methods are configured.*signs in with the\s+access_token\s+method\s+\(set\s+by\s+access_token\).*- client secret \(set by client_secret\)`,
		},
		{
			// A delegated token with User.Read only: the plan warns, naming User.ReadWrite,
			// before anything is written.
			name: "missing permission",
			settings: func(s *mockgraph.Server) (string, []string) {
				s.RequireIssuedTokens("")
				tok := s.IssueUserToken(mockentra.UserToken{Scopes: []string{"User.Read"}})
				return fmt.Sprintf("access_token = %q", tok), []string{tok}
			},
			want: `(?s)Warning: The token lacks permission User\.ReadWrite.*delegated permission\s+User\.ReadWrite\s+needed`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mockgraph.Start()
			t.Cleanup(s.Close)
			settings, secrets := tc.settings(s)
			cfg := acctest.RequiredProviders + fmt.Sprintf(`
provider "graph" {
  endpoint = %q
  %s
}
resource "graph_person_certification" "test" {
  user_id      = "me"
  display_name = "Planned, never written"
}
`, s.URL, settings)
			tf, r := acctest.Workdir(t, map[string]string{"main.tf": cfg})
			changes, out, err := acctest.PlanOutput(context.Background(), tf, r)
			if err != nil || !changes {
				t.Fatalf("plan: changes=%v err=%v\n%s", changes, err, out)
			}
			if !regexp.MustCompile(tc.want).MatchString(out) {
				t.Errorf("the plan output lacks the warning:\n%s", out)
			}
			for _, secret := range secrets {
				if strings.Contains(out, secret) {
					t.Errorf("the plan output shows a secret:\n%s", out)
				}
			}
			for _, req := range s.Requests() {
				if req.Method != "GET" {
					t.Errorf("plan wrote: %s %s", req.Method, req.Path)
				}
			}
		})
	}
}
