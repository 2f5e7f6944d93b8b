package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
)

var _ provider.ProviderWithListResources = (*Provider)(nil)

// ListResources serves `terraform query` (Terraform 1.14+).
func (p *Provider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{personcertification.NewListResource}
}
