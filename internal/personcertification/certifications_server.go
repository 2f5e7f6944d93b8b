package personcertification

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// BulkTypeName is the type name of graph_person_certifications.
const BulkTypeName = "graph_person_certifications"

// ServeBulk wraps the framework's server so that graph_person_certifications' calls are
// served here, straight from the plugin protocol, and everything else by the framework.
//
// Why: for every call the framework converts the whole configuration, plan and state
// into its own values, walks them for plan modifiers, defaults, semantic equality and
// unknowns, and back again. For a map of thousands of entries that is most of the
// provider's time, more than Terraform itself needs (measured in DECISIONS.md). Here each call
// decodes each value once (tftypes) and runs the same code the framework's methods run
// (certifications_*.go), so the two paths never differ in what they do, only in cost.
// The schema, the documentation and provider configuration stay the framework's.
//
// A server that cannot be wrapped (one that lacks a part the wrapper passes on, after an
// upgrade say) is an error at start-up: falling back to the framework's own methods would
// serve the resource through a path no test runs.
func ServeBulk(fw tfprotov6.ProviderServer, client func() *graph.Client) (tfprotov6.ProviderServer, error) {
	full, ok := fw.(frameworkServer)
	if !ok {
		return nil, fmt.Errorf("the framework's server (%T) does not serve every part graph_person_certifications' "+
			"wrapper passes on (resources, list resources, actions, state stores)", fw)
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

func (s *bulkServer) resource() *CertificationsResource {
	return &CertificationsResource{one: Resource{resourceClient{client: s.client()}}}
}

func (s *bulkServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	if req.TypeName != BulkTypeName {
		return s.frameworkServer.ValidateResourceConfig(ctx, req)
	}
	var diags diag.Diagnostics
	if cfg, ok := unmarshal(ctx, req.Config, &diags); ok {
		validateBulkConfig(ctx, cfg, &diags)
	}
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: toProto(diags)}, nil
}

// validateBulkConfig is ValidateConfig's work on a raw configuration.
func validateBulkConfig(ctx context.Context, cfg tftypes.Value, diags *diag.Diagnostics) {
	var vals map[string]tftypes.Value
	if cfg.IsNull() || !cfg.IsKnown() || cfg.As(&vals) != nil {
		return
	}
	if c := vals["certifications"]; c.IsKnown() && c.IsNull() {
		diags.AddAttributeError(path.Root("certifications"), "certifications is null",
			"certifications must be a map of certifications; it is null here (a variable or an expression without a value?). "+
				"A null map would delete every certification this resource holds, so it is refused.")
		return
	}
	decodeEntries(ctx, vals["certifications"], diags)
	// The framework checks the timeouts block's durations for its own resources.
	var to map[string]tftypes.Value
	if t := vals["timeouts"]; t.IsKnown() && !t.IsNull() && t.As(&to) == nil {
		for _, name := range sortedKeys(to) {
			var s string
			if v := to[name]; v.IsKnown() && !v.IsNull() && v.As(&s) == nil {
				if _, err := time.ParseDuration(s); err != nil {
					diags.AddAttributeError(path.Root("timeouts").AtName(name), "Invalid timeout",
						fmt.Sprintf("timeouts.%s = %q is not a duration; write it as \"30m\", \"1h\" or \"90s\".", name, s))
				}
			}
		}
	}
}

func (s *bulkServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req.TypeName != BulkTypeName || req.RawState == nil || req.Version != 0 {
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
	if req.TypeName != BulkTypeName {
		return s.frameworkServer.ReadResource(ctx, req)
	}
	var diags diag.Diagnostics
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}
	state, ok := unmarshal(ctx, req.CurrentState, &diags)
	if ok {
		since, recent := createdAgo(req.Private)
		out, changed, allSeen, unlisted := s.resource().read(ctx, state, since, recent, &diags)
		if changed && !diags.HasError() {
			resp.NewState = marshal(ctx, out, &diags)
		}
		if allSeen {
			resp.Private = withPrivate(resp.Private, privateCreatedKey, nil)
		}
		resp.Private = withPrivate(resp.Private, privateUnlistedKey, unlisted)
	}
	resp.Diagnostics = toProto(diags)
	return resp, nil
}

func (s *bulkServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName != BulkTypeName {
		return s.frameworkServer.PlanResourceChange(ctx, req)
	}
	var diags diag.Diagnostics
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}
	if v, ok := unmarshalAll(ctx, &diags, req.ProposedNewState, req.PriorState, req.Config); ok && !v[0].IsNull() {
		proposed, prior, config := v[0], v[1], v[2]
		planned := withDefaults(ctx, proposed, config)
		if out, ok := s.resource().plan(ctx, planned, prior, privateValue(req.PriorPrivate, privateUnlistedKey), &diags); ok {
			resp.PlannedState = marshal(ctx, out, &diags)
		} else {
			resp.PlannedState = marshal(ctx, planned, &diags)
		}
	}
	resp.Diagnostics = toProto(diags)
	return resp, nil
}

// withDefaults gives optional attributes the configuration leaves out their defaults,
// as the schema's Default does on the framework's path. The defaults are read from the
// schema, so a new one applies here without an edit.
func withDefaults(ctx context.Context, proposed, config tftypes.Value) tftypes.Value {
	var vals, cfg map[string]tftypes.Value
	if proposed.As(&vals) != nil || config.As(&cfg) != nil {
		return proposed
	}
	for name, def := range bulkDefaults(ctx) {
		if c, ok := cfg[name]; ok && c.IsNull() {
			vals[name] = def
		}
	}
	return tftypes.NewValue(proposed.Type(), vals)
}

var (
	bulkDefaultsOnce sync.Once
	bulkDefaultVals  map[string]tftypes.Value
)

// bulkDefaults are the schema's attribute defaults as Terraform values.
func bulkDefaults(ctx context.Context) map[string]tftypes.Value {
	bulkDefaultsOnce.Do(func() {
		bulkDefaultVals = map[string]tftypes.Value{}
		for name, a := range CertificationsSchema(ctx).Attributes {
			var v attr.Value
			switch x := a.(type) {
			case schema.BoolAttribute:
				if x.Default != nil {
					var resp defaults.BoolResponse
					x.Default.DefaultBool(ctx, defaults.BoolRequest{}, &resp)
					v = resp.PlanValue
				}
			case schema.StringAttribute:
				if x.Default != nil {
					var resp defaults.StringResponse
					x.Default.DefaultString(ctx, defaults.StringRequest{}, &resp)
					v = resp.PlanValue
				}
			case schema.Int64Attribute:
				if x.Default != nil {
					var resp defaults.Int64Response
					x.Default.DefaultInt64(ctx, defaults.Int64Request{}, &resp)
					v = resp.PlanValue
				}
			}
			if v != nil {
				if tv, err := v.ToTerraformValue(ctx); err == nil {
					bulkDefaultVals[name] = tv
				}
			}
		}
	})
	return bulkDefaultVals
}

func (s *bulkServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if req.TypeName != BulkTypeName {
		return s.frameworkServer.ApplyResourceChange(ctx, req)
	}
	var diags diag.Diagnostics
	resp := &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Private: req.PlannedPrivate}
	if v, ok := unmarshalAll(ctx, &diags, req.PriorState, req.PlannedState); ok {
		prior, planned, r := v[0], v[1], s.resource()
		var out tftypes.Value
		switch {
		case planned.IsNull():
			out = r.destroy(ctx, prior, &diags)
		case prior.IsNull():
			out = r.create(ctx, planned, &diags)
			resp.Private = createdStamp()
		default:
			out = r.update(ctx, prior, planned, &diags)
			resp.Private = createdStamp()
		}
		if out.Type() == nil {
			out = tftypes.NewValue(bulkObjectType(ctx), nil)
		}
		resp.NewState = marshal(ctx, out, &diags)
	}
	resp.Diagnostics = toProto(diags)
	return resp, nil
}

// The private state holds when the last apply wrote, and what the last refresh found
// unlisted under exclusive, in the framework's format (a JSON object of base64 values),
// so either path reads what the other wrote.
func createdStamp() []byte {
	stamp, _ := json.Marshal(time.Now().UTC())
	return withPrivate(nil, privateCreatedKey, stamp)
}

func createdAgo(private []byte) (time.Duration, bool) {
	var t time.Time
	if json.Unmarshal(privateValue(private, privateCreatedKey), &t) != nil {
		return 0, false
	}
	return time.Since(t), true
}

// privateValue reads one key of a private state; nil when absent.
func privateValue(private []byte, key string) []byte {
	var keys map[string][]byte
	if len(private) == 0 || json.Unmarshal(private, &keys) != nil {
		return nil
	}
	return keys[key]
}

// withPrivate sets (or, with a nil value, removes) one key of a private state.
func withPrivate(private []byte, key string, value []byte) []byte {
	keys := map[string][]byte{}
	if len(private) > 0 {
		_ = json.Unmarshal(private, &keys)
	}
	if value == nil {
		delete(keys, key)
	} else {
		keys[key] = value
	}
	if len(keys) == 0 {
		return nil
	}
	b, _ := json.Marshal(keys)
	return b
}

func (s *bulkServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	if req.TypeName != BulkTypeName {
		return s.frameworkServer.ImportResourceState(ctx, req)
	}
	var diags diag.Diagnostics
	resp := &tfprotov6.ImportResourceStateResponse{}
	if req.ID == "" {
		diags.AddError("Import needs a list of users",
			"graph_person_certifications is imported by a comma-separated list of users, for example "+
				"\"megan.bowen@contoso.com,me\"; it has no resource identity.")
	} else if out, ok := s.resource().importUsers(ctx, req.ID, &diags); ok {
		state := marshal(ctx, out, &diags)
		resp.ImportedResources = []*tfprotov6.ImportedResource{{TypeName: BulkTypeName, State: state}}
	}
	resp.Diagnostics = toProto(diags)
	return resp, nil
}

func unmarshal(ctx context.Context, dv *tfprotov6.DynamicValue, diags *diag.Diagnostics) (tftypes.Value, bool) {
	objType := bulkObjectType(ctx)
	if dv == nil {
		return tftypes.NewValue(objType, nil), true
	}
	v, err := dv.Unmarshal(objType)
	if err != nil {
		diags.AddError("Cannot read graph_person_certifications' value", err.Error())
		return tftypes.Value{}, false
	}
	return v, true
}

// unmarshalAll reads several values of one call; ok when every one could be read.
func unmarshalAll(ctx context.Context, diags *diag.Diagnostics, dvs ...*tfprotov6.DynamicValue) ([]tftypes.Value, bool) {
	out := make([]tftypes.Value, len(dvs))
	ok := true
	for i, dv := range dvs {
		var good bool
		out[i], good = unmarshal(ctx, dv, diags)
		ok = ok && good
	}
	return out, ok
}

func marshal(ctx context.Context, v tftypes.Value, diags *diag.Diagnostics) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(bulkObjectType(ctx), v)
	if err != nil {
		diags.AddError("Cannot write graph_person_certifications' value", err.Error())
		return nil
	}
	return &dv
}

// toProto turns the framework's diagnostics into the protocol's.
func toProto(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityWarning}
		if d.Severity() == diag.SeverityError {
			pd.Severity = tfprotov6.DiagnosticSeverityError
		}
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = protoPath(dp.Path())
		}
		out = append(out, pd)
	}
	return out
}

func protoPath(p path.Path) *tftypes.AttributePath {
	steps := p.Steps()
	if len(steps) == 0 {
		return nil
	}
	ap := tftypes.NewAttributePath()
	for _, s := range steps {
		switch x := s.(type) {
		case path.PathStepAttributeName:
			ap = ap.WithAttributeName(string(x))
		case path.PathStepElementKeyString:
			ap = ap.WithElementKeyString(string(x))
		case path.PathStepElementKeyInt:
			ap = ap.WithElementKeyInt(int(x))
		default:
			return ap
		}
	}
	return ap
}
