package personcertifications

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
	"github.com/graphprofile/terraform-provider-graph/internal/tfwire"
)

// Serve wraps the framework's server so that graph_person_certifications' calls are
// served here, straight from the plugin protocol, and everything else by the framework.
//
// Why: for every call the framework converts the whole configuration, plan and state
// into its own values, walks them for plan modifiers, defaults, semantic equality and
// unknowns, and back again. For a map of thousands of entries that is most of the
// provider's time, more than Terraform itself needs (measured in DECISIONS.md). Here each call
// decodes each value once (tftypes) and runs the same code the framework's methods run
// (resource.go), so the two paths never differ in what they do, only in cost: what the
// framework does around those methods is done from the schema (framework.go), and
// TestParity holds the two paths equal. The schema, the documentation and provider
// configuration stay the framework's.
//
// A server that cannot be wrapped (one that lacks a part the wrapper passes on, after an
// upgrade say) is an error at start-up: falling back to the framework's own methods would
// serve the resource through a path no test runs.
func Serve(fw tfprotov6.ProviderServer, client func() *graph.Client) (tfprotov6.ProviderServer, error) {
	full, ok := fw.(frameworkServer)
	if !ok {
		return nil, fmt.Errorf("the framework's server (%T) does not serve every part graph_person_certifications' "+
			"wrapper passes on (resources, list resources, actions, state stores)", fw)
	}
	if missing := unserved(stepsOf(context.Background()).schema); len(missing) > 0 {
		return nil, fmt.Errorf("graph_person_certifications' schema asks for framework behaviour its protocol path does not "+
			"run (framework.go): %s", strings.Join(missing, "; "))
	}
	return &bulkServer{frameworkServer: full, client: client}, nil
}

// frameworkServer is all the framework's server serves: the provider, and the optional
// parts (list resources, actions, state stores) that the plugin server finds by type
// assertion. The wrapper passes all of them on, or terraform query would find none.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

type bulkServer struct {
	frameworkServer
	client func() *graph.Client
}

func (s *bulkServer) resource() *Resource {
	return &Resource{writer: personcertification.Writer{Client: s.client()}}
}

func (s *bulkServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	if req.TypeName != TypeName {
		return s.frameworkServer.ValidateResourceConfig(ctx, req)
	}
	var diags diag.Diagnostics
	if cfg, ok := unmarshal(ctx, req.Config, &diags); ok {
		validateBulkConfig(ctx, cfg.Value, &diags)
		stepsOf(ctx).validate(ctx, cfg.Value, &diags)
	}
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: toProto(ctx, diags)}, nil
}

func (s *bulkServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req.TypeName != TypeName || req.RawState == nil || req.Version != 0 {
		return s.frameworkServer.UpgradeResourceState(ctx, req)
	}
	objType := bulkObjectType(ctx)
	v, err := req.RawState.UnmarshalWithOpts(objType, tfprotov6.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		return s.frameworkServer.UpgradeResourceState(ctx, req)
	}
	dv, err := tfprotov6.NewDynamicValue(objType, v)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &dv}, nil
}

func (s *bulkServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if req.TypeName != TypeName {
		return s.frameworkServer.ReadResource(ctx, req)
	}
	var diags diag.Diagnostics
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}
	state, ok := unmarshal(ctx, req.CurrentState, &diags)
	if ok {
		since, recent := personcertification.CreatedAgo(privateValue(req.Private, personcertification.PrivateCreatedKey))
		out, changed, allSeen, unlisted := s.resource().read(ctx, state.Value, since, recent, &diags)
		if changed && !diags.HasError() {
			resp.NewState = marshal(ctx, out, &diags, state)
		}
		if allSeen {
			resp.Private = withPrivate(resp.Private, personcertification.PrivateCreatedKey, nil)
		}
		resp.Private = withPrivate(resp.Private, privateUnlistedKey, unlisted)
	}
	resp.Diagnostics = toProto(ctx, diags)
	return resp, nil
}

// unmarshal reads one value of this resource as Terraform sends it; tfwire parses each
// dynamic type description once per process, and keeps the bytes of the value's
// attributes for marshal to send back those passed on unchanged.
// An attribute that arrives byte for byte as in one of like is like's value, not another
// copy.
func unmarshal(ctx context.Context, dv *tfprotov6.DynamicValue, diags *diag.Diagnostics, like ...tfwire.Decoded) (tfwire.Decoded, bool) {
	objType := bulkObjectType(ctx)
	if dv == nil {
		return tfwire.Decoded{Value: tftypes.NewValue(objType, nil)}, true
	}
	d, err := tfwire.Decode(dv, objType, like...)
	if err != nil {
		diags.AddError("Cannot read graph_person_certifications' value", err.Error())
		return tfwire.Decoded{}, false
	}
	return d, true
}

// unmarshalAll reads several values of one call, each sharing what arrives unchanged with
// those before it; ok when every one could be read.
func unmarshalAll(ctx context.Context, diags *diag.Diagnostics, dvs ...*tfprotov6.DynamicValue) ([]tfwire.Decoded, bool) {
	out := make([]tfwire.Decoded, len(dvs))
	ok := true
	for i, dv := range dvs {
		var good bool
		out[i], good = unmarshal(ctx, dv, diags, out[:i]...)
		ok = ok && good
	}
	return out, ok
}

// marshal writes a value of this resource; an attribute that is one of from's, passed on
// unchanged (certifications, mostly), goes back as it arrived.
func marshal(ctx context.Context, v tftypes.Value, diags *diag.Diagnostics, from ...tfwire.Decoded) *tfprotov6.DynamicValue {
	dv, err := tfwire.Marshal(bulkObjectType(ctx), v, from...)
	if err != nil {
		diags.AddError("Cannot write graph_person_certifications' value", err.Error())
		return nil
	}
	return dv
}

func (s *bulkServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName != TypeName {
		return s.frameworkServer.PlanResourceChange(ctx, req)
	}
	var diags diag.Diagnostics
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}
	if v, ok := unmarshalAll(ctx, &diags, req.ProposedNewState, req.PriorState, req.Config); ok && !v[0].Value.IsNull() {
		proposed, prior, config := v[0].Value, v[1].Value, v[2].Value
		planned, replace := stepsOf(ctx).plan(ctx, proposed, prior, config, &diags)
		resp.RequiresReplace = replace
		if out, ok := s.resource().plan(ctx, planned, prior, privateValue(req.PriorPrivate, privateUnlistedKey), &diags); ok {
			planned = out
		}
		resp.PlannedState = marshal(ctx, planned, &diags, v[0], v[1])
	}
	resp.Diagnostics = toProto(ctx, diags)
	return resp, nil
}

func (s *bulkServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if req.TypeName != TypeName {
		return s.frameworkServer.ApplyResourceChange(ctx, req)
	}
	var diags diag.Diagnostics
	resp := &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Private: req.PlannedPrivate}
	if v, ok := unmarshalAll(ctx, &diags, req.PriorState, req.PlannedState); ok {
		prior, planned, r := v[0].Value, v[1].Value, s.resource()
		var out tftypes.Value
		switch {
		case planned.IsNull():
			out = r.destroy(ctx, prior, &diags)
		case prior.IsNull():
			out = r.create(ctx, planned, &diags)
			resp.Private = appliedPrivate()
		default:
			out = r.update(ctx, prior, planned, &diags)
			resp.Private = appliedPrivate()
		}
		if out.Type() == nil {
			out = tftypes.NewValue(bulkObjectType(ctx), nil)
		}
		resp.NewState = marshal(ctx, out, &diags, v[1], v[0])
	}
	resp.Diagnostics = toProto(ctx, diags)
	return resp, nil
}

// appliedPrivate is the private state an apply leaves: when it wrote, and nothing of what
// the last refresh found unlisted (the apply has acted on it).
func appliedPrivate() []byte {
	return withPrivate(nil, personcertification.PrivateCreatedKey, personcertification.CreatedStamp())
}

func (s *bulkServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	if req.TypeName != TypeName {
		return s.frameworkServer.ImportResourceState(ctx, req)
	}
	var diags diag.Diagnostics
	resp := &tfprotov6.ImportResourceStateResponse{}
	if out, ok := s.resource().importUsers(ctx, req.ID, &diags); ok {
		state := marshal(ctx, out, &diags)
		resp.ImportedResources = []*tfprotov6.ImportedResource{{TypeName: TypeName, State: state}}
	}
	resp.Diagnostics = toProto(ctx, diags)
	return resp, nil
}
