package acctest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
	iprovider "github.com/graphprofile/terraform-provider-graph/internal/provider"
)

// Against a real tenant. With GRAPH_ACC_REAL_TENANT=1 the acceptance tests that make
// sense against Microsoft Graph run there, signed in the way the provider signs in from
// its environment (ARM_* variables, GRAPH_ACCESS_TOKEN, GRAPH_ENDPOINT, the Azure CLI),
// on the profile of GRAPH_ACC_USER (default "me"); every other test, the ones that need
// the bundled mock's hooks, skips. Nothing about it changes the default make test.
const (
	EnvRealTenant = "GRAPH_ACC_REAL_TENANT"
	EnvUser       = "GRAPH_ACC_USER"
	// NamePrefix starts the display name of every certification a tenant test creates,
	// so the sweeper knows what it may delete.
	NamePrefix = "tfacc-"
)

// RealTenant reports whether the acceptance tests run against a real tenant.
func RealTenant() bool { return os.Getenv(EnvRealTenant) == "1" }

// TenantUser is the user_id the tenant tests write to.
func TenantUser() string {
	if u := os.Getenv(EnvUser); u != "" {
		return u
	}
	return graph.Me
}

// Target is where a test that runs in both modes writes: the bundled mock (s set, the
// provider block pointing at it, the user "me"), or, against a real tenant, no server
// (s nil: server-side checks are skipped), an empty provider block that reads the
// environment, and TenantUser.
func Target(t *testing.T) (s *mockgraph.Server, providerBlock, user string) {
	t.Helper()
	if RealTenant() {
		return nil, "provider \"graph\" {}\n", TenantUser()
	}
	s, block := mockServer(t)
	return s, block, graph.Me
}

// skipOnRealTenant skips a test that needs the bundled mock's hooks.
func skipOnRealTenant(t *testing.T) {
	t.Helper()
	if RealTenant() {
		t.Skipf("needs the bundled Graph mock; skipped with %s=1", EnvRealTenant)
	}
}

// TenantClient configures the provider from the environment, as Terraform would with an
// empty provider block, and returns its Graph client. The sweeper uses it.
func TenantClient(ctx context.Context) (*graph.Client, error) {
	p := iprovider.New("sweeper")()
	var sr provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	req := provider.ConfigureRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: nullObject(typ)}}
	var resp provider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	if resp.Diagnostics.HasError() {
		return nil, fmt.Errorf("configuring the provider from the environment: %v", resp.Diagnostics)
	}
	c, ok := resp.ResourceData.(*graph.Client)
	if !ok {
		return nil, fmt.Errorf("the provider returned %T, not a Graph client", resp.ResourceData)
	}
	return c, nil
}

// nullObject is an object of typ whose every attribute is null.
func nullObject(typ tftypes.Type) tftypes.Value {
	obj, ok := typ.(tftypes.Object)
	if !ok {
		return tftypes.NewValue(typ, nil)
	}
	vals := make(map[string]tftypes.Value, len(obj.AttributeTypes))
	for name, at := range obj.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	return tftypes.NewValue(typ, vals)
}
