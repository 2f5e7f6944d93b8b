package personcertification

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// Each type that embeds a client holder is configured through it.
var (
	_ resource.ResourceWithConfigure     = (*Resource)(nil)
	_ list.ListResourceWithConfigure     = (*ListResource)(nil)
	_ datasource.DataSourceWithConfigure = (*DataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*CertificationsDataSource)(nil)
)

// resourceClient is embedded by the managed and list resources: it holds the provider's
// client and is their Configure (both take a resource.ConfigureRequest).
type resourceClient struct {
	client *graph.Client
}

func (c *resourceClient) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	c.client = ConfigureClient(req.ProviderData, &resp.Diagnostics)
}

// dataSourceClient is resourceClient for data sources, whose Configure takes other types.
type dataSourceClient struct {
	client *graph.Client
}

func (c *dataSourceClient) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	c.client = ConfigureClient(req.ProviderData, &resp.Diagnostics)
}

// ConfigureClient takes the provider's shared client; nil before the provider is configured.
func ConfigureClient(data any, diags *diag.Diagnostics) *graph.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*graph.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *graph.Client, got %T; please report this bug", data))
	}
	return c
}

// IdentityOf is what c's token says about its caller; nil without a client or a JWT.
func IdentityOf(c *graph.Client) *graph.Identity {
	if c == nil {
		return nil
	}
	return c.Identity()
}
