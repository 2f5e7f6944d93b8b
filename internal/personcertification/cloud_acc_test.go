package personcertification_test

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// cloudProvider points the provider at s as the Graph of a national cloud: endpoint is the
// mock, environment names the cloud whose schema applies.
func cloudProvider(s *mockgraph.Server, environment string) string {
	return fmt.Sprintf("provider \"graph\" {\n  environment  = %q\n  endpoint     = %q\n  access_token = %q\n}\n",
		environment, s.URL, acctest.Token)
}

const withSource = `  source = { type = ["HR"] }`

// In the US Government clouds Graph's beta schema types a certification's source as
// personDataSource, whose type is one string; the provider writes the list form of the
// public cloud, so it refuses source at plan time there, before anything is sent, and
// saying why. A certification without source works as anywhere.
func TestAccPersonCertification_sourceInUSGovernment(t *testing.T) {
	for _, env := range []string{"usgovernment", "usgovernmentl4", "usgovernmentl5"} {
		t.Run(env, func(t *testing.T) {
			s, _ := acctest.Mock(t)
			provider := cloudProvider(s, env)
			acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{
				{
					Config: provider + minimalConfig("me", withSource),
					ExpectError: regexp.MustCompile(`(?s)source cannot be set in the US Government clouds.*` +
						`personDataSource.*one\s+string.*list.*Remove\s+source`),
				},
				{
					Config: provider + minimalConfig("me", ""),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("source"), knownvalue.Null()),
					},
					Check: noWriteWithSource(s),
				},
			})
		})
	}
}

// The China cloud's beta schema has the public cloud's list form: source works there.
func TestAccPersonCertification_sourceInChina(t *testing.T) {
	s, _ := acctest.Mock(t)
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{{
		Config: cloudProvider(s, "china") + minimalConfig("me", withSource),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("source").AtMapKey("type"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("HR")})),
		},
	}})
}

// noWriteWithSource checks that no request carrying source reached the mock.
func noWriteWithSource(s *mockgraph.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, r := range s.Requests() {
			if (r.Method == http.MethodPost || r.Method == http.MethodPatch) && regexp.MustCompile(`"source"\s*:\s*\{`).Match(r.Body) {
				return fmt.Errorf("%s %s sent source: %s", r.Method, r.Path, r.Body)
			}
		}
		return nil
	}
}

// The entries of graph_person_certifications are refused the same way, naming the entry.
func TestAccPersonCertifications_sourceInUSGovernment(t *testing.T) {
	s, _ := acctest.Mock(t)
	provider := cloudProvider(s, "usgovernment")
	acctest.ParallelTest(t, acctest.CheckNoCertificationsLeft(s, "me"), []resource.TestStep{
		{
			Config: provider + acctest.BulkConfig("", acctest.BulkEntry{Key: "me/hr", User: "me", Name: "From HR", Extra: "source = { type = [\"HR\"] }"}),
			ExpectError: regexp.MustCompile(`(?s)source cannot be set in the US Government clouds.*` +
				`certifications\["me/hr"\].source`),
		},
		{
			Config: provider + acctest.BulkConfig("", acctest.BulkEntry{Key: "me/hr", User: "me", Name: "From HR", Extra: ""}),
			Check:  noWriteWithSource(s),
		},
	})
}
