package personcertification_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
	"github.com/graphprofile/terraform-provider-graph/internal/provider"
)

// Bad provider settings fail at validate or plan time, name the setting, say what to do,
// never blame the provider, and send nothing to Graph.

// providerTestEnv is the provider's environment in these tests, set by each step's
// PreConfig (steps run one after another); the process environment is never touched.
type providerTestEnv struct {
	mu   sync.Mutex
	vars map[string]string
}

func (e *providerTestEnv) set(vars map[string]string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vars = vars
}

func (e *providerTestEnv) getenv(k string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.vars[k]
}

// catalogueResource is the one resource every case plans; the provider is configured for it.
const catalogueResource = `
resource "graph_person_certification" "test" {
  user_id      = "me"
  display_name = "Never written"
}
`

// badInputPattern compiles a pattern whose spaces also match Terraform's line breaks.
func badInputPattern(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

func TestAccProvider_planTimeValidationCatalogue(t *testing.T) {
	s, _ := acctest.Mock(t)
	block := func(lines ...string) string {
		return "provider \"graph\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
	}
	endpoint := fmt.Sprintf("endpoint = %q", s.URL)
	token := fmt.Sprintf("access_token = %q", acctest.Token)
	jwt := func(aud string, exp time.Time) string {
		return s.IssueUserToken(mockentra.UserToken{Audience: aud, Expires: exp})
	}
	expired := jwt("", time.Now().Add(-2*time.Hour))
	fixedGraph := `use "https://graph.microsoft.com"`

	cases := []struct {
		name   string
		config string
		env    map[string]string
		want   string
	}{
		// An endpoint that already ends in an API version.
		{"beta suffix", block(`endpoint = "https://graph.microsoft.com/beta"`, token), nil,
			`endpoint.*ends in the API version /beta.*adds /beta itself.*` + fixedGraph},
		{"beta suffix with a slash", block(`endpoint = "https://graph.microsoft.com/beta/"`, token), nil,
			`endpoint.*API version /beta.*` + fixedGraph},
		{"v1.0 suffix", block(`endpoint = "https://graph.microsoft.com/v1.0"`, token), nil,
			`endpoint.*API version /v1.0.*adds /beta itself.*` + fixedGraph},
		{"upper-case V1.0 with a slash", block(`endpoint = "https://graph.microsoft.com/V1.0/"`, token), nil,
			`endpoint.*API version /V1.0.*` + fixedGraph},
		{"mixed-case Beta on the mock", block(fmt.Sprintf("endpoint = %q", s.URL+"/Beta"), token), nil,
			fmt.Sprintf(`endpoint.*API version /Beta.*use %q`, s.URL)},
		{"beta suffix from GRAPH_ENDPOINT", block(token), map[string]string{provider.EnvEndpoint: "https://graph.microsoft.com/BETA/"},
			`endpoint.*API version /BETA.*` + fixedGraph + `.*from GRAPH_ENDPOINT`},
		// Numbers that max_retries cannot hold.
		{"max_retries 1e30", block(endpoint, token, "max_retries = 1e30"), nil, `max_retries.*whole number between 0 and 20`},
		{"max_retries 2.5", block(endpoint, token, "max_retries = 2.5"), nil, `max_retries.*whole number between 0 and 20.*2.5`},
		{"max_retries 2^63", block(endpoint, token, "max_retries = 9223372036854775808"), nil, `max_retries.*whole number between 0 and 20`},
		{"max_retries -1e30", block(endpoint, token, "max_retries = -1e30"), nil, `max_retries.*whole number between 0 and 20`},
		{"max_retries 0.5", block(endpoint, token, "max_retries = 0.5"), nil, `max_retries.*whole number between 0 and 20`},
		// Static tokens that Graph would refuse.
		{"expired access_token", block(endpoint, fmt.Sprintf("access_token = %q", expired)), nil,
			`The access token has expired.*access_token \(from the provider block\) expired at.*az account get-access-token --resource-type ms-graph`},
		{"expired GRAPH_ACCESS_TOKEN", block(endpoint), map[string]string{provider.EnvAccessToken: expired},
			`The access token has expired.*access_token \(from GRAPH_ACCESS_TOKEN\) expired at`},
		{"access_token for Azure Resource Manager", block(endpoint, fmt.Sprintf("access_token = %q", jwt("https://management.azure.com/", time.Time{}))), nil,
			`not for Microsoft Graph.*access_token.*"https://management.azure.com/".*https://graph.microsoft.com`},
		{"access_token for Key Vault", block(endpoint, fmt.Sprintf("access_token = %q", jwt("https://vault.azure.net", time.Time{}))), nil,
			`not for Microsoft Graph.*access_token.*"https://vault.azure.net"`},
		{"public-cloud token in US Government", block(endpoint, `environment = "usgovernment"`, fmt.Sprintf("access_token = %q", jwt("", time.Time{}))), nil,
			`not for Microsoft Graph.*access_token.*environment "usgovernment".*https://graph.microsoft.us`},
		{"US Government token in China", block(endpoint, `environment = "china"`, fmt.Sprintf("access_token = %q", jwt("https://graph.microsoft.us", time.Time{}))), nil,
			`not for Microsoft Graph.*access_token.*https://microsoftgraph.chinacloudapi.cn`},
	}

	env := &providerTestEnv{}
	var steps []resource.TestStep
	for _, tc := range cases {
		vars := tc.env
		steps = append(steps, resource.TestStep{
			PreConfig:   func() { env.set(vars) },
			Config:      tc.config + catalogueResource,
			PlanOnly:    true,
			ExpectError: badInputPattern(tc.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"graph": provider.ServerOf(provider.NewWithOptions("test", provider.Options{Getenv: env.getenv})),
		},
		Steps: steps,
	})
	catalogueSentNothing(t, s, len(steps), 12, "bad provider settings")
}

// The CLI's own text for bad provider settings, read through terraform-exec because
// plugin-testing can only match an error, not prove a phrase absent: numbers max_retries
// cannot hold name the attribute and never say "this is always an error in the provider",
// and a refused token is not quoted back.
func TestAccProvider_badSettingsCLIOutput(t *testing.T) {
	dir := t.TempDir()
	tf, reattach := acctest.NewCLI(t, dir)
	s, _ := acctest.Mock(t)
	ctx := context.Background()
	r := tfexec.Reattach(reattach)
	write := func(settings string) {
		cfg := acctest.RequiredProviders + fmt.Sprintf(`
provider "graph" {
  endpoint = %q
  %s
}
`, s.URL, settings) + catalogueResource
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(fmt.Sprintf("access_token = %q", acctest.Token))
	if err := tf.Init(ctx, r); err != nil {
		t.Fatal(err)
	}
	expired := s.IssueUserToken(mockentra.UserToken{Expires: time.Now().Add(-time.Hour)})
	wrongAudience := s.IssueUserToken(mockentra.UserToken{Audience: "https://management.azure.com"})
	plan := func(settings string) string {
		t.Helper()
		write(settings)
		var stderr bytes.Buffer
		tf.SetStderr(&stderr)
		_, err := tf.Plan(ctx, r)
		tf.SetStderr(nil)
		if err == nil {
			t.Fatalf("%s: the plan succeeded", settings)
		}
		if stderr.Len() == 0 {
			return err.Error()
		}
		return stderr.String()
	}
	for _, n := range []string{"1e30", "2.5", "9223372036854775808", "-1e30"} {
		out := plan(fmt.Sprintf("access_token = %q\n  max_retries = %s", acctest.Token, n))
		if !badInputPattern(`max_retries.*whole number between 0 and 20`).MatchString(out) {
			t.Errorf("max_retries = %s: the error does not name max_retries and its range:\n%s", n, out)
		}
		for _, blame := range []string{"always an error in the provider", "provider developer", "Configuration Read Error", "Value Conversion Error"} {
			if strings.Contains(out, blame) {
				t.Errorf("max_retries = %s: the error says %q:\n%s", n, blame, out)
			}
		}
	}
	for name, tok := range map[string]string{"expired": expired, "wrong audience": wrongAudience} {
		out := plan(fmt.Sprintf("access_token = %q", tok))
		if !strings.Contains(out, "access_token") {
			t.Errorf("%s token: the error does not name access_token:\n%s", name, out)
		}
		if strings.Contains(out, tok) || strings.Contains(out, tok[strings.LastIndex(tok, ".")+1:]) {
			t.Errorf("%s token: the CLI output shows the token:\n%s", name, out)
		}
	}
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("%d request(s) reached the server, want 0", n)
	}
}
