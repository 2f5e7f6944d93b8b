// Package acctest holds what acceptance tests share: the in-process provider, a fresh
// Graph fake per test with the provider block that points at it, and server-side checks.
package acctest

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
	"github.com/graphprofile/terraform-provider-graph/internal/provider"
)

// Token is the bearer token every test's mock accepts.
const Token = "acceptance-test-token"

// ProviderFactories serves the provider in-process to the real Terraform CLI.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"graph": provider.Server("test"),
}

// ParallelTest runs steps in parallel on the in-process provider: the TestCase most
// acceptance tests share. checkDestroy (nil for none) runs after the final destroy, for
// example CheckNoCertificationsLeft.
func ParallelTest(t *testing.T, checkDestroy resource.TestCheckFunc, steps []resource.TestStep) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: ProviderFactories,
		CheckDestroy:             checkDestroy,
		Steps:                    steps,
	})
}

// ChaosSeed is the seed of a chaos test's faults: CHAOS_SEED when set (to replay a run the
// log names), else def.
func ChaosSeed(t *testing.T, def uint64) uint64 {
	t.Helper()
	seed := def
	if v := os.Getenv("CHAOS_SEED"); v != "" {
		if _, err := fmt.Sscan(v, &seed); err != nil {
			t.Fatalf("CHAOS_SEED: %v", err)
		}
	}
	return seed
}

// Mock starts a Graph fake for one test, stopped when the test ends, and returns the
// provider block that points at it.
// Against a real tenant (GRAPH_ACC_REAL_TENANT=1) it skips the test: every test that
// asks for the mock uses its hooks.
func Mock(t *testing.T) (*mockgraph.Server, string) {
	t.Helper()
	skipOnRealTenant(t)
	return mockServer(t)
}

func mockServer(t *testing.T) (*mockgraph.Server, string) {
	t.Helper()
	s := mockgraph.Start()
	s.SetAcceptedToken(Token)
	t.Cleanup(s.Close)
	return s, ProviderBlock(s)
}

// ProviderBlock configures the provider for s.
func ProviderBlock(s *mockgraph.Server) string {
	return fmt.Sprintf("provider \"graph\" {\n  endpoint     = %q\n  access_token = %q\n}\n", s.URL, Token)
}

// CheckNoCertificationsLeft is a CheckDestroy: the server holds nothing for these users.
// A nil s (a real tenant) checks nothing here; the sweeper removes leftovers there.
func CheckNoCertificationsLeft(s *mockgraph.Server, users ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if s == nil {
			return nil
		}
		for _, u := range users {
			if n := len(s.Certifications(u)); n != 0 {
				return fmt.Errorf("%d certification(s) of %s left on the server after destroy", n, u)
			}
		}
		return nil
	}
}

// ServerObject returns the server's copy of the certification a resource in state points at.
func ServerObject(s *mockgraph.Server, st *terraform.State, addr string) (map[string]any, error) {
	rs, ok := st.RootModule().Resources[addr]
	if !ok {
		return nil, fmt.Errorf("%s is not in state", addr)
	}
	user, id := rs.Primary.Attributes["user_id"], rs.Primary.ID
	obj, ok := s.Certification(user, id)
	if !ok {
		return nil, fmt.Errorf("%s: certification %s of %s is not on the server", addr, id, user)
	}
	return obj, nil
}
