package personcertification_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// Bad input fails at validate or plan time, names the attribute, says what is allowed,
// and sends nothing to Graph.
func TestAccPersonCertification_planTimeValidation(t *testing.T) {
	s, provider := acctest.Mock(t)
	cases := []struct{ extra, want string }{
		{`start_date = "2024-1-5"`, `start_date.*not a date in the form YYYY-MM-DD`},
		{`end_date = "2023-02-29"`, `end_date.*not a real calendar date`},
		{`issued_date = "2024-01-15T00:00:00Z"`, `issued_date.*YYYY-MM-DD`},
		{"start_date = \"2025-06-01\"\n  end_date = \"2025-05-31\"", `end_date.*falls before start_date 2025-06-01`},
		{`allowed_audiences = ["Organization"]`, `allowed_audiences.*value must be one of`},
		{`allowed_audiences = []`, `allowed_audiences.*at least 1`},
		{`web_url = "ftp://example.com/cert"`, `web_url.*only http and https`},
		{`thumbnail_url = "/relative/thumb.png"`, `thumbnail_url.*not an absolute URL`},
		{`description = "   "`, `description.*blank`},
		{`issuing_company = ""`, `issuing_company.*empty`},
		{`source = { type = [] }`, `source.*at least 1`},
		{`start_date = "2024-13-01"`, `start_date.*not a real calendar date`},
		{`issued_date = "2024-04-31"`, `issued_date.*not a real calendar date`},
		{`end_date = "Date"`, `end_date.*not a date in the form YYYY-MM-DD`},
		{`start_date = "15/01/2024"`, `start_date.*YYYY-MM-DD`},
		{`issued_date = " 2024-01-15"`, `issued_date.*YYYY-MM-DD`},
		{`end_date = ""`, `end_date.*YYYY-MM-DD`},
		{"issued_date = \"2024-02-01\"\n  start_date = \"2030-01-01\"\n  end_date = \"2029-12-31\"", `end_date.*falls before start_date 2030-01-01`},
		{`allowed_audiences = ["everyone", "world"]`, `allowed_audiences.*value must be one of`},
		{`allowed_audiences = ["unknownFutureValue"]`, `allowed_audiences.*value must be one of`},
		{`allowed_audiences = ["organization,everyone"]`, `allowed_audiences.*value must be one of`},
		{`web_url = "www.iame.io/blackbelt"`, `web_url.*not an absolute URL`},
		{`web_url = "javascript:alert(1)"`, `web_url.*only http and https`},
		{`thumbnail_url = "https:///no-host.png"`, `thumbnail_url.*no host`},
		{`thumbnail_url = "https://iame.io/a b.png"`, `thumbnail_url.*white space`},
		{`web_url = "mailto:certs@iame.io"`, `web_url.*only http and https`},
		{`certification_id = ""`, `certification_id.*empty`},
		{`certification_id = "\t"`, `certification_id.*blank`},
		{`issuing_authority = "  \n  "`, `issuing_authority.*blank`},
		{`description = "` + strings.Repeat("x", 1001) + `"`, `description.*1001 characters.*at most 1000`},
		{`issuing_company = "` + strings.Repeat("é", 1001) + `"`, `issuing_company.*1001 characters.*at most 1000`},
		{`source = { type = ["HR", " "] }`, `source.*blank`},
		{`source = { type = ["` + strings.Repeat("s", 201) + `"] }`, `source.*201 characters`},
		// Null elements and numbers a double cannot hold: the provider's own messages,
		// never the framework's "always an error in the provider".
		{`allowed_audiences = [null]`, `allowed_audiences.*element 1 is null`},
		{`allowed_audiences = ["organization", null]`, `allowed_audiences.*is null.*organization`},
		{`source = { type = [null] }`, `source.type.*element 1 is null`},
		{`source = { type = ["HR", null] }`, `source.type.*element 2 is null`},
		{`inference = { confidence_score = 1/0 }`, `confidence_score.*infinite`},
		{`inference = { confidence_score = -1/0 }`, `confidence_score.*infinite`},
		{`inference = { confidence_score = 1e400 }`, `confidence_score.*too large`},
		{`inference = { confidence_score = -2e308 }`, `confidence_score.*too large`},
		{`inference = { confidence_score = 1e-400 }`, `confidence_score.*too close to zero`},
		// All three dates in order.
		{"issued_date = \"2025-06-01\"\n  end_date = \"2025-05-31\"", `end_date.*falls before issued_date 2025-06-01`},
		{"start_date = \"2020-01-01\"\n  issued_date = \"2024-01-15\"\n  end_date = \"2023-01-01\"", `end_date.*before issued_date 2024-01-15`},
		// URLs: no credentials (they would be published), at most 2,048 characters.
		{`web_url = "https://user:hunter2@iame.io/blackbelt"`, `web_url.*user name or password`},
		{`thumbnail_url = "https://admin@iame.io/thumb.png"`, `thumbnail_url.*user name or password`},
		{`web_url = "https://iame.io/` + strings.Repeat("a", 2049-len("https://iame.io/")) + `"`, `web_url.*2049 characters.*2048`},
		{`thumbnail_url = "https://iame.io/` + strings.Repeat("é", 2049-len("https://iame.io/")) + `"`, `thumbnail_url.*2049 characters`},
		// Invisible text is blank.
		{`description = "\u200b"`, `description.*blank`},
		{`certification_id = "\ufeff"`, `certification_id.*blank`},
		{`issuing_authority = " \u2060\u200c "`, `issuing_authority.*blank`},
		{`issuing_company = "\u3164"`, `issuing_company.*blank`},
		{`source = { type = ["\u200d"] }`, `source.*blank`},
		{`description = "` + strings.Repeat("日", 1001) + `"`, `description.*1001 characters.*1000`},
	}
	// bad is one catalogue entry: the configuration fails at validate or plan time with want.
	bad := func(config, want string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.Wrapped(want)}
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, bad(provider+minimalConfig("me", "  "+tc.extra), tc.want))
	}
	steps = append(steps,
		bad(provider+"resource \"graph_person_certification\" \"test\" {\n  user_id = \"me\"\n  display_name = \" \"\n}\n", `display_name.*blank`),
		bad(provider+"resource \"graph_person_certification\" \"test\" {\n  user_id = \"me\"\n}\n", `"display_name" is required`),
		bad(provider+minimalConfig("users/adele@contoso.com", ""), `user_id.*is not a user`),
		bad(provider+minimalConfig("adele@contoso.com?$select=id", ""), `user_id.*is not a user`),
		bad(provider+minimalConfig("ME", ""), `user_id.*is not a user`),
		bad(provider+minimalConfig("", ""), `user_id.*is not a user`),
		bad(provider+"resource \"graph_person_certification\" \"test\" {\n  user_id = \"me\"\n  display_name = \"\u200b\u200c\"\n}\n", `display_name.*blank`),
		bad(provider+minimalConfig("me", "")+"import {\n  to = graph_person_certification.test\n  id = \"me\"\n}\n", `Invalid import id.*<user_id>/<certification id>`),
		bad(provider+minimalConfig("me", "")+"import {\n  to = graph_person_certification.test\n  id = \"me/a/b\"\n}\n", `Invalid import id`),
		bad(provider+minimalConfig("me", "")+"import {\n  to = graph_person_certification.test\n  id = \"nobody/0fb4c1e3\"\n}\n", `Invalid import id.*is not a user`),
		bad(`provider "graph" { endpoint = "ftp://graph.example" }`+minimalConfig("me", ""), `endpoint.*absolute http\(s\) URL`),
		bad(`provider "graph" { endpoint = "https://graph.example/?tenant=x" }`+minimalConfig("me", ""), `endpoint.*must not carry a query`),
		bad(`provider "graph" { max_retry_delay = "forever" }`+minimalConfig("me", ""), `max_retry_delay.*not a duration`),
		bad(`provider "graph" { max_retries = 99 }`+minimalConfig("me", ""), `max_retries.*between 0 and 20`),
		bad(`provider "graph" { environment = "mars" }`+minimalConfig("me", ""), `environment.*value must be one of`),
		resource.TestStep{
			// A conflicting provider configuration: the client id given twice, differently.
			Config: fmt.Sprintf(`provider "graph" {
  endpoint            = %q
  client_id           = "11111111-1111-1111-1111-111111111111"
  client_id_file_path = %q
  tenant_id           = "22222222-2222-2222-2222-222222222222"
  client_secret       = "not-a-real-secret"
}`, s.URL, clientIDFile(t)) + minimalConfig("me", ""),
			PlanOnly:    true,
			ExpectError: acctest.Wrapped(`Conflicting client_id`),
		},
		bad(`provider "graph" { access_token = "" }`+minimalConfig("me", ""), `access_token.*length`),
		bad(provider+minimalConfig("not a user", ""), `user_id.*use "me", a user's object id`),
		bad(`provider "graph" { endpoint = "graph.microsoft.com" }`+minimalConfig("me", ""), `endpoint.*absolute http\(s\) URL`),
	)
	// Path segments: every value the provider puts into a URL path is a plain id, a
	// userPrincipalName or "me"; reserved ($...), dot and encoded segments never leave.
	for _, user := range []string{"$batch", "..", ".", "a%2Fb@contoso.com", "%2e%2e", "adele@contoso.com/..",
		"adele..vance@contoso.com", ".adele@contoso.com", "$metadata@contoso.com", "adele@contoso.com%2F..%2F.."} {
		steps = append(steps, bad(provider+minimalConfig(user, ""), `user_id.*is not a user.*GUID`))
	}
	for _, id := range []string{"me/$count", "me/$metadata", "me/..", "me/%2e%2e", "me/a%2Fb", "%2e%2e/0fb4c1e3", "me/.hidden"} {
		steps = append(steps, bad(provider+minimalConfig("me", "")+fmt.Sprintf("import {\n  to = graph_person_certification.test\n  id = %q\n}\n", id), `Invalid import id.*(not a certification id|not a user)`))
	}
	for _, ds := range []struct{ user, id, want string }{
		{"me", "$count", `id.*not a certification id`},
		{"me", "..", `id.*not a certification id`},
		{"me", "a/b", `id.*not a certification id`},
		{"..", "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f", `user_id.*is not a user`},
	} {
		steps = append(steps, bad(provider+fmt.Sprintf("data \"graph_person_certification\" \"x\" {\n  user_id = %q\n  id = %q\n}\n", ds.user, ds.id), ds.want))
	}
	steps = append(steps, bad(provider+"data \"graph_person_certifications\" \"x\" {\n  user_id = \"$batch\"\n}\n", `user_id.*is not a user`))
	acctest.ParallelTest(t, nil, steps)
	catalogueSentNothing(t, s, len(steps), 80, "bad inputs")
}

// catalogueSentNothing checks a bad-input catalogue after its run: the server saw no
// request, and the catalogue holds at least least cases.
func catalogueSentNothing(t *testing.T, s *mockgraph.Server, n, least int, what string) {
	t.Helper()
	if sent := len(s.Requests()); sent != 0 {
		t.Fatalf("%s sent %d request(s) to the server, want 0", what, sent)
	}
	if n < least {
		t.Fatalf("the catalogue holds %d %s, want at least %d", n, what, least)
	}
	t.Logf("%d %s rejected at validate or plan time with no request to Graph", n, what)
}

func TestAccPersonCertification_importIDErrors(t *testing.T) {
	_, provider := acctest.Mock(t)
	cfg := provider + minimalConfig("me", "")
	acctest.ParallelTest(t, nil, []resource.TestStep{
		{Config: cfg},
		{
			Config: cfg, ResourceName: addr, ImportState: true, ImportStateId: "just-an-id",
			ExpectError: acctest.Wrapped(`Invalid import id.*<user_id>/<certification id>`),
		},
	})
}

// clientIDFile writes a client id that differs from the one in the provider block.
func clientIDFile(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "client-id")
	if err := os.WriteFile(f, []byte("33333333-3333-3333-3333-333333333333"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}
