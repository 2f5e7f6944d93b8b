package personcertification_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
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
		{`issuing_company = ""`, `issuing_company.*length`},
		{`source = { type = [] }`, `source.*at least 1`},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      provider + minimalConfig("me", "  "+tc.extra),
			PlanOnly:    true,
			ExpectError: wrapped(tc.want),
		})
	}
	steps = append(steps,
		resource.TestStep{
			Config:      provider + minimalConfig("not a user", ""),
			PlanOnly:    true,
			ExpectError: wrapped(`user_id.*use "me", a user's object id`),
		},
		resource.TestStep{
			Config:      `provider "graph" { endpoint = "graph.microsoft.com" }` + minimalConfig("me", ""),
			PlanOnly:    true,
			ExpectError: wrapped(`endpoint.*absolute http\(s\) URL`),
		},
	)
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("validation errors sent %d request(s) to the server, want 0", n)
	}
}

func TestAccPersonCertification_importIDErrors(t *testing.T) {
	_, provider := acctest.Mock(t)
	cfg := provider + minimalConfig("me", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				Config: cfg, ResourceName: addr, ImportState: true, ImportStateId: "just-an-id",
				ExpectError: wrapped(`Invalid import id.*<user_id>/<certification id>`),
			},
		},
	})
}
