// Package benchfloor is the "plugin floor" of `make bench`: a terraform-plugin-framework
// provider whose graph_person_certification resource has exactly the real resource's
// schema (it reuses personcertification.Schema) and whose CRUD does no I/O. Whatever it
// costs is what Terraform, go-plugin and the framework cost; the real provider's time
// above it is the provider's own.
package benchfloor

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
)

// New returns the floor provider. Its provider block takes nothing, so configurations
// that configure the real provider through GRAPH_ENDPOINT and GRAPH_ACCESS_TOKEN run on
// either unchanged.
func New() provider.Provider { return &floorProvider{} }

type floorProvider struct{}

func (p *floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "graph"
}

func (p *floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &floorResource{} }}
}

func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type floorResource struct{}

// ids numbers created objects; unique within one provider process is all state needs.
var ids atomic.Int64

func (r *floorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_person_certification"
}

func (r *floorResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = personcertification.Schema(ctx)
}

func (r *floorResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	v, err := settle(req.Plan.Raw, fmt.Sprintf("floor-%d", ids.Add(1)))
	if err != nil {
		resp.Diagnostics.AddError("floor", err.Error())
		return
	}
	resp.State.Raw = v
}

// Read keeps the prior state: the framework has already copied it into resp.State.
func (r *floorResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *floorResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	v, err := settle(req.Plan.Raw, "")
	if err != nil {
		resp.Diagnostics.AddError("floor", err.Error())
		return
	}
	resp.State.Raw = v
}

// Delete has nothing to do; the framework removes the state.
func (r *floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// settle turns every unknown value of a plan into null, except an unknown top-level id,
// which becomes id.
func settle(plan tftypes.Value, id string) (tftypes.Value, error) {
	return tftypes.Transform(plan, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		if id != "" && p.Equal(tftypes.NewAttributePath().WithAttributeName("id")) {
			return tftypes.NewValue(tftypes.String, id), nil
		}
		return tftypes.NewValue(v.Type(), nil), nil
	})
}
