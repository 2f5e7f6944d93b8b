package personcertifications

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"sort"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The framework does some work around a resource's own methods: it runs the schema's
// validators, gives optional attributes their defaults, makes computed attributes that
// the configuration leaves null unknown when the plan changes something, runs the
// attributes' plan modifiers, keeps private state in its own format and turns
// diagnostics into the protocol's. The protocol path (server.go) does the same here, read
// from the schema at run time, so a default, validator or plan modifier added to
// schema.go applies on the path that runs without another edit. What the schema holds
// that this file cannot run (a kind of attribute or modifier it does not know) is an
// error when the server starts (unserved), never a silent difference; the parity test
// (serve_test.go) holds the two paths equal.
//
// Only the top level is walked: the attributes, and the attributes of each block
// (timeouts). Entries inside the dynamic certifications are checked by entries.go.

// frameworkSteps is the schema's part of the framework's work, read once.
type frameworkSteps struct {
	schema   schema.Schema
	defaults map[string]tftypes.Value
}

var (
	stepsOnce sync.Once
	theSteps  *frameworkSteps
)

func stepsOf(ctx context.Context) *frameworkSteps {
	stepsOnce.Do(func() {
		s := Schema(ctx)
		theSteps = &frameworkSteps{schema: s, defaults: map[string]tftypes.Value{}}
		for name, a := range s.Attributes {
			if v := defaultOf(ctx, a); v != nil {
				if tv, err := v.ToTerraformValue(ctx); err == nil {
					theSteps.defaults[name] = tv
				}
			}
		}
	})
	return theSteps
}

// defaultOf is an attribute's Default, for the kinds this schema uses; nil without one.
func defaultOf(ctx context.Context, a schema.Attribute) attr.Value {
	switch x := a.(type) {
	case schema.BoolAttribute:
		if x.Default != nil {
			var resp defaults.BoolResponse
			x.Default.DefaultBool(ctx, defaults.BoolRequest{}, &resp)
			return resp.PlanValue
		}
	case schema.StringAttribute:
		if x.Default != nil {
			var resp defaults.StringResponse
			x.Default.DefaultString(ctx, defaults.StringRequest{}, &resp)
			return resp.PlanValue
		}
	case schema.Int64Attribute:
		if x.Default != nil {
			var resp defaults.Int64Response
			x.Default.DefaultInt64(ctx, defaults.Int64Request{}, &resp)
			return resp.PlanValue
		}
	}
	return nil
}

// unserved names what the schema asks of the framework that these steps do not do: a
// default, validator or plan modifier on a kind of attribute they do not run, or inside
// a nested attribute. Serve refuses to start while it is not empty.
func unserved(s schema.Schema) []string {
	var out []string
	for name, a := range s.Attributes {
		if !servedKind(a) {
			out = append(out, fmt.Sprintf("attribute %s (%T)", name, a))
		}
	}
	for name, b := range s.Blocks {
		nb, ok := b.(schema.SingleNestedBlock)
		if !ok {
			out = append(out, fmt.Sprintf("block %s (%T)", name, b))
			continue
		}
		for inner, a := range nb.Attributes {
			if _, mods := partsOf(a); len(mods) > 0 || hasDefault(a) || !servedKind(a) {
				out = append(out, fmt.Sprintf("attribute %s.%s (%T: only validators of the kinds here are run in blocks)", name, inner, a))
			}
		}
	}
	sort.Strings(out)
	return out
}

// servedKind: these steps run every default, validator and plan modifier the attribute
// has. They run defaults of bools, strings and int64s (defaultOf); validators of
// strings, int64s, numbers, sets and lists (validateValue); plan modifiers of strings
// (modifyValue). Anything else an attribute carries is unserved.
func servedKind(a schema.Attribute) bool {
	validators, modifiers := partsOf(a)
	switch a.(type) {
	case schema.StringAttribute:
		return true
	case schema.Int64Attribute:
		return len(modifiers) == 0
	case schema.BoolAttribute:
		return len(validators) == 0 && len(modifiers) == 0
	case schema.NumberAttribute, schema.SetAttribute, schema.ListAttribute:
		return len(modifiers) == 0 && !hasDefault(a)
	default:
		return len(validators) == 0 && len(modifiers) == 0 && !hasDefault(a)
	}
}

// validate runs the validators of every attribute and of every block's attributes on a
// configuration, as the framework's ValidateResourceConfig does.
func (f *frameworkSteps) validate(ctx context.Context, config tftypes.Value, diags *diag.Diagnostics) {
	var vals map[string]tftypes.Value
	if config.IsNull() || !config.IsKnown() || config.As(&vals) != nil {
		return
	}
	cfg := tfsdk.Config{Raw: config, Schema: f.schema}
	for _, name := range sortedKeys(f.schema.Attributes) {
		a := f.schema.Attributes[name]
		checkSet(a, path.Root(name), vals[name], diags)
		if len(validatorsOf(a)) == 0 {
			continue
		}
		if v, err := a.GetType().ValueFromTerraform(ctx, vals[name]); err == nil {
			validateValue(ctx, a, path.Root(name), v, cfg, diags)
		}
	}
	for _, name := range sortedKeys(f.schema.Blocks) {
		nb, ok := f.schema.Blocks[name].(schema.SingleNestedBlock)
		var inner map[string]tftypes.Value
		if !ok || vals[name].IsNull() || !vals[name].IsKnown() || vals[name].As(&inner) != nil {
			continue
		}
		for _, an := range sortedKeys(nb.Attributes) {
			a := nb.Attributes[an]
			checkSet(a, path.Root(name).AtName(an), inner[an], diags)
			if v, err := a.GetType().ValueFromTerraform(ctx, inner[an]); err == nil && len(validatorsOf(a)) > 0 {
				validateValue(ctx, a, path.Root(name).AtName(an), v, cfg, diags)
			}
		}
	}
}

// checkSet is the framework's check of what the configuration sets, which Terraform
// leaves to providers: a required attribute set to null (by a variable without a value,
// say), and a read-only one set at all. The texts are the framework's.
func checkSet(a schema.Attribute, p path.Path, v tftypes.Value, diags *diag.Diagnostics) {
	null := v.IsKnown() && v.IsNull()
	if a.IsComputed() && !a.IsOptional() && !null {
		diags.AddAttributeError(p, "Invalid Configuration for Read-Only Attribute",
			"Cannot set value for this attribute as the provider has marked it as read-only. Remove the configuration line setting the value.\n\n"+
				"Refer to the provider documentation or contact the provider developers for additional information about configurable and read-only attributes that are supported.")
	}
	if a.IsRequired() && null {
		diags.AddAttributeError(p, "Missing Configuration for Required Attribute",
			fmt.Sprintf("Must set a configuration value for the %s attribute as the provider has marked it as required.\n\n", p)+
				"Refer to the provider documentation or contact the provider developers for additional information about configurable attributes that are required.")
	}
}

// validatorsOf lists an attribute's validators, for the kinds whose validators run.
func validatorsOf(a schema.Attribute) []any {
	v, _ := partsOf(a)
	return v
}

// modifiersOf lists an attribute's plan modifiers (only a string's run: see servedKind).
func modifiersOf(a schema.Attribute) []any {
	_, m := partsOf(a)
	return m
}

// partsOf is an attribute's validators and plan modifiers, whatever their kinds: every
// attribute type of the framework's resource schema names them Validators and
// PlanModifiers.
func partsOf(a schema.Attribute) (validators, modifiers []any) {
	v := reflect.ValueOf(a)
	if v.Kind() != reflect.Struct {
		return nil, nil
	}
	return elems(v.FieldByName("Validators")), elems(v.FieldByName("PlanModifiers"))
}

// hasDefault reports whether an attribute, of any kind, has a Default.
func hasDefault(a schema.Attribute) bool {
	v := reflect.ValueOf(a)
	if v.Kind() != reflect.Struct {
		return false
	}
	f := v.FieldByName("Default")
	return f.IsValid() && f.Kind() == reflect.Interface && !f.IsNil()
}

func elems(f reflect.Value) []any {
	if !f.IsValid() || f.Kind() != reflect.Slice {
		return nil
	}
	out := make([]any, f.Len())
	for i := range out {
		out[i] = f.Index(i).Interface()
	}
	return out
}

// validateValue runs a's validators on v, a value at p of the configuration cfg. It is
// also the dispatcher that entries use (validate.go), with an empty cfg.
func validateValue(ctx context.Context, a schema.Attribute, p path.Path, v attr.Value, cfg tfsdk.Config, diags *diag.Diagnostics) {
	pe := p.Expression()
	for _, x := range validatorsOf(a) {
		switch vr := x.(type) {
		case validator.Int64:
			diags.Append(run(ctx, vr.ValidateInt64, validator.Int64Request{Path: p, PathExpression: pe, Config: cfg, ConfigValue: asValue[basetypes.Int64Value](v)})...)
		case validator.Number:
			diags.Append(run(ctx, vr.ValidateNumber, validator.NumberRequest{Path: p, PathExpression: pe, Config: cfg, ConfigValue: asValue[basetypes.NumberValue](v)})...)
		case validator.String:
			s, _ := toString(ctx, asValue[basetypes.StringValuable](v))
			diags.Append(run(ctx, vr.ValidateString, validator.StringRequest{Path: p, PathExpression: pe, Config: cfg, ConfigValue: s})...)
		case validator.Set:
			diags.Append(run(ctx, vr.ValidateSet, validator.SetRequest{Path: p, PathExpression: pe, Config: cfg, ConfigValue: asValue[basetypes.SetValue](v)})...)
		case validator.List:
			diags.Append(run(ctx, vr.ValidateList, validator.ListRequest{Path: p, PathExpression: pe, Config: cfg, ConfigValue: asValue[basetypes.ListValue](v)})...)
		}
	}
}

// run calls one validator with req and returns what it said. Every validator response of
// the framework carries its Diagnostics, read here by reflection so that one function
// serves every kind.
func run[Req, Resp any](ctx context.Context, validate func(context.Context, Req, *Resp), req Req) diag.Diagnostics {
	var resp Resp
	validate(ctx, req, &resp)
	d, _ := reflect.ValueOf(resp).FieldByName("Diagnostics").Interface().(diag.Diagnostics)
	return d
}

// asValue is v as the value type a validator of its kind takes; the zero value (null)
// when it is not one.
func asValue[V any](v attr.Value) V {
	x, _ := v.(V)
	return x
}

// toString reads a string attribute's value, a custom type's included (the timeouts block
// has one).
func toString(ctx context.Context, v basetypes.StringValuable) (basetypes.StringValue, bool) {
	if v == nil {
		return basetypes.NewStringNull(), false
	}
	s, d := v.ToStringValue(ctx)
	return s, !d.HasError()
}

// plan is the framework's part of PlanResourceChange before the resource's ModifyPlan:
// defaults for what the configuration leaves null; when the plan changes something,
// computed attributes the configuration leaves null (and without a default) become
// unknown; then every attribute's plan modifiers run. It returns the planned value and
// the paths that modifiers say require a replacement.
func (f *frameworkSteps) plan(ctx context.Context, proposed, prior, config tftypes.Value, diags *diag.Diagnostics) (tftypes.Value, []*tftypes.AttributePath) {
	var vals, cfg map[string]tftypes.Value
	if proposed.IsNull() || !proposed.IsKnown() || proposed.As(&vals) != nil || config.As(&cfg) != nil {
		return proposed, nil
	}
	vals = maps.Clone(vals) // As hands out the proposed value's own map, which must not change
	for name, def := range f.defaults {
		if c, ok := cfg[name]; ok && c.IsNull() {
			vals[name] = def
		}
	}
	planned := tftypes.NewValue(proposed.Type(), vals)
	if !planned.Equal(prior) {
		for name, a := range f.schema.Attributes {
			if c, ok := cfg[name]; ok && c.IsNull() && a.IsComputed() && f.defaults[name].Type() == nil {
				t := vals[name].Type()
				if _, dynamic := a.GetType().(basetypes.DynamicTypable); dynamic {
					t = tftypes.DynamicPseudoType
				}
				vals[name] = tftypes.NewValue(t, tftypes.UnknownValue)
			}
		}
		planned = tftypes.NewValue(proposed.Type(), vals)
	}
	var replace []*tftypes.AttributePath
	var priorVals map[string]tftypes.Value
	if !prior.IsNull() {
		_ = prior.As(&priorVals)
	}
	reqPlan := tfsdk.Plan{Raw: planned, Schema: f.schema}
	reqState := tfsdk.State{Raw: prior, Schema: f.schema}
	reqConfig := tfsdk.Config{Raw: config, Schema: f.schema}
	changed := false
	for _, name := range sortedKeys(f.schema.Attributes) {
		a := f.schema.Attributes[name]
		mods := modifiersOf(a)
		if len(mods) == 0 {
			continue
		}
		t := a.GetType()
		state := tftypes.NewValue(vals[name].Type(), nil)
		if v, ok := priorVals[name]; ok {
			state = v
		}
		pv, err1 := t.ValueFromTerraform(ctx, vals[name])
		sv, err2 := t.ValueFromTerraform(ctx, state)
		cv, err3 := t.ValueFromTerraform(ctx, cfg[name])
		if err1 != nil || err2 != nil || err3 != nil {
			diags.AddAttributeError(path.Root(name), "Cannot plan graph_person_certifications", fmt.Sprintf("%s cannot be read: %v %v %v", name, err1, err2, err3))
			continue
		}
		out, rr := modifyValue(ctx, mods, path.Root(name), cv, pv, sv, reqConfig, reqPlan, reqState, diags)
		if rr {
			replace = append(replace, tftypes.NewAttributePath().WithAttributeName(name))
		}
		if !out.Equal(pv) {
			tv, err := out.ToTerraformValue(ctx)
			if err != nil {
				diags.AddAttributeError(path.Root(name), "Cannot plan graph_person_certifications", err.Error())
				continue
			}
			vals[name], changed = tv, true
		}
	}
	if changed {
		planned = tftypes.NewValue(proposed.Type(), vals)
	}
	return planned, replace
}

// modifyValue runs plan modifiers on one attribute's values, each seeing what the one
// before it planned, as the framework does.
func modifyValue(ctx context.Context, mods []any, p path.Path, cv, pv, sv attr.Value, cfg tfsdk.Config, plan tfsdk.Plan, state tfsdk.State, diags *diag.Diagnostics) (attr.Value, bool) {
	pe := p.Expression()
	replace := false
	for _, m := range mods {
		if x, ok := m.(planmodifier.String); ok {
			req := planmodifier.StringRequest{Path: p, PathExpression: pe, Config: cfg, Plan: plan, State: state}
			req.ConfigValue, _ = cv.(basetypes.StringValue)
			req.PlanValue, _ = pv.(basetypes.StringValue)
			req.StateValue, _ = sv.(basetypes.StringValue)
			resp := planmodifier.StringResponse{PlanValue: req.PlanValue}
			x.PlanModifyString(ctx, req, &resp)
			diags.Append(resp.Diagnostics...)
			pv, replace = resp.PlanValue, replace || resp.RequiresReplace
		}
	}
	return pv, replace
}

// Private state is kept in the framework's format, a JSON object whose values are JSON
// documents (base64 in the object, as Go writes bytes), so that either path reads what
// the other wrote. Empty values are left out, as the framework does.

// privateValue reads one key of a private state; nil when absent.
func privateValue(private []byte, key string) []byte {
	var keys map[string][]byte
	if len(private) == 0 || json.Unmarshal(private, &keys) != nil {
		return nil
	}
	return keys[key]
}

// withPrivate sets (or, with an empty value, removes) one key of a private state.
func withPrivate(private []byte, key string, value []byte) []byte {
	keys := map[string][]byte{}
	if len(private) > 0 {
		_ = json.Unmarshal(private, &keys)
	}
	if len(value) == 0 {
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

// toProto turns the framework's diagnostics into the protocol's.
func toProto(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityWarning}
		if d.Severity() == diag.SeverityError {
			pd.Severity = tfprotov6.DiagnosticSeverityError
		}
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = protoPath(ctx, dp.Path())
		}
		out = append(out, pd)
	}
	return out
}

// protoPath is a diagnostic's path in the protocol's terms, every kind of step included.
func protoPath(ctx context.Context, p path.Path) *tftypes.AttributePath {
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
		case path.PathStepElementKeyValue:
			v, err := x.ToTerraformValue(ctx)
			if err != nil {
				return ap
			}
			ap = ap.WithElementKeyValue(v)
		}
	}
	return ap
}
