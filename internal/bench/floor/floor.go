// Package floor is the "plugin floor" of `make bench`: a terraform-plugin-framework
// provider whose graph_person_certification resource has exactly the real resource's
// schema (it reuses personcertification.Schema) and whose CRUD does no I/O. Whatever it
// costs is what Terraform, go-plugin and the framework cost; the real provider's time
// above it is the provider's own.
//
// Its state holds what the real provider's does: the computed audit attributes are filled
// as Graph fills them (times, and a created_by/last_modified_by identity set naming a
// user). Terraform's own cost grows with the values in state (it deep-copies the state
// after every resource), so a floor leaving them null would measure a lighter Terraform
// workload, not the provider. With NullComputedEnv set to 1 in the plugin's environment,
// they stay null instead; the benchmark runs both.
package floor

import (
	"context"
	"fmt"
	"os"
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

// NullComputedEnv, set to 1, makes the floor leave every computed attribute but id null.
const NullComputedEnv = "BENCHFLOOR_NULL_COMPUTED"

// auditTime is the time the floor stamps, in Graph's format.
const auditTime = "2026-01-02T03:04:05.1234567Z"

// settle turns every unknown value of a plan into what the real provider would store: an
// unknown top-level id becomes id, unknown audit attributes are filled (unless
// NullComputedEnv is set), everything else unknown becomes null.
func settle(plan tftypes.Value, id string) (tftypes.Value, error) {
	fill := os.Getenv(NullComputedEnv) != "1"
	return tftypes.Transform(plan, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		name := ""
		if steps := p.Steps(); len(steps) == 1 {
			if a, ok := steps[0].(tftypes.AttributeName); ok {
				name = string(a)
			}
		}
		switch {
		case name == "id" && id != "":
			return tftypes.NewValue(tftypes.String, id), nil
		case fill && (name == "created_date_time" || name == "last_modified_date_time"):
			return tftypes.NewValue(tftypes.String, auditTime), nil
		case fill && (name == "created_by" || name == "last_modified_by"):
			return identitySet(v.Type())
		}
		return tftypes.NewValue(v.Type(), nil), nil
	})
}

// identitySet is an identity set naming a user, with application and device null, as
// Graph returns for a certification a user created.
func identitySet(t tftypes.Type) (tftypes.Value, error) {
	ot, ok := t.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("an identity set of type %s", t)
	}
	vals := map[string]tftypes.Value{}
	for name, at := range ot.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	ut, ok := ot.AttributeTypes["user"].(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("an identity set without a user object: %s", t)
	}
	user := map[string]tftypes.Value{}
	for name, at := range ut.AttributeTypes {
		user[name] = tftypes.NewValue(at, nil)
	}
	user["display_name"] = tftypes.NewValue(tftypes.String, "Bench User")
	user["id"] = tftypes.NewValue(tftypes.String, "00000000-0000-4000-8000-00000000f100")
	vals["user"] = tftypes.NewValue(ut, user)
	if err := tftypes.ValidateValue(ot, vals); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(ot, vals), nil
}
