package personcertification

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// valueField is one attribute of Values: its name in the schema, and how to read and
// write it. valueFields lists them all, once; every walk over a certification's values
// (comparison, differences, keeping planned values, the state codec) goes through it,
// so a new attribute is one line here (TestValueFieldsCoverValues holds the list to the
// struct).
type valueField struct {
	name string
	get  func(*Values) attr.Value
	set  func(*Values, attr.Value) bool // false when v is not of the field's type
}

func fieldOf[T attr.Value](name string, at func(*Values) *T) valueField {
	return valueField{
		name: name,
		get:  func(v *Values) attr.Value { return *at(v) },
		set: func(v *Values, x attr.Value) bool {
			t, ok := x.(T)
			if ok {
				*at(v) = t
			}
			return ok
		},
	}
}

var valueFields = []valueField{
	fieldOf("id", func(v *Values) *types.String { return &v.ID }),
	fieldOf("allowed_audiences", func(v *Values) *types.Set { return &v.AllowedAudiences }),
	fieldOf("certification_id", func(v *Values) *types.String { return &v.CertificationID }),
	fieldOf("description", func(v *Values) *types.String { return &v.Description }),
	fieldOf("display_name", func(v *Values) *types.String { return &v.DisplayName }),
	fieldOf("issuing_authority", func(v *Values) *types.String { return &v.IssuingAuthority }),
	fieldOf("issuing_company", func(v *Values) *types.String { return &v.IssuingCompany }),
	fieldOf("start_date", func(v *Values) *types.String { return &v.StartDate }),
	fieldOf("end_date", func(v *Values) *types.String { return &v.EndDate }),
	fieldOf("issued_date", func(v *Values) *types.String { return &v.IssuedDate }),
	fieldOf("thumbnail_url", func(v *Values) *types.String { return &v.ThumbnailURL }),
	fieldOf("web_url", func(v *Values) *types.String { return &v.WebURL }),
	fieldOf("inference", func(v *Values) *types.Object { return &v.Inference }),
	fieldOf("source", func(v *Values) *types.Object { return &v.Source }),
	fieldOf("created_date_time", func(v *Values) *types.String { return &v.CreatedDateTime }),
	fieldOf("created_by", func(v *Values) *types.Object { return &v.CreatedBy }),
	fieldOf("last_modified_date_time", func(v *Values) *types.String { return &v.LastModifiedDateTime }),
	fieldOf("last_modified_by", func(v *Values) *types.Object { return &v.LastModifiedBy }),
}

// sameValues reports whether a and b hold the same values in every attribute, as Graph
// stores them (sameAsGraph).
func sameValues(a, b *Values) bool {
	for _, f := range valueFields {
		if !sameAsGraph(f.get(a), f.get(b)) {
			return false
		}
	}
	return true
}

// differences names the attributes whose applied value differs from a known planned
// value, as Graph stores values. Unknown planned values (computed ones) never differ.
func differences(plan, applied *Values) []string {
	var names []string
	for _, f := range valueFields {
		if pv := f.get(plan); !pv.IsUnknown() && !sameAsGraph(pv, f.get(applied)) {
			names = append(names, f.name)
		}
	}
	return names
}

// keepPlanned settles applied onto every known planned value, so Terraform never sees
// an inconsistent result after apply, not even a number Graph rounded to a double. When
// Graph stored something else, it warns: the next refresh reads Graph's value and the
// plan shows the difference.
func keepPlanned(plan, applied *Values) diag.Diagnostics {
	var diags diag.Diagnostics
	names := differences(plan, applied)
	for _, f := range valueFields {
		if pv := f.get(plan); !pv.IsUnknown() {
			f.set(applied, pv)
		}
	}
	if len(names) > 0 {
		diags.AddWarning("Graph answered with other values than were sent",
			fmt.Sprintf("After the write Graph still returned different values for %s. The configured values are kept in state; the next plan reads Graph again and shows any real difference.",
				strings.Join(names, ", ")))
	}
	return diags
}

// keepSame puts prior's value back into each attribute of got that holds the same value
// as Graph stores it, so a refresh never turns 0.920000000000000001 as written into
// Graph's 0.92 and shows a difference that is not one.
func keepSame(prior, got *Values) {
	for _, f := range valueFields {
		if pv := f.get(prior); !pv.IsUnknown() && sameAsGraph(pv, f.get(got)) {
			f.set(got, pv)
		}
	}
}

// sameAsGraph is attr.Value equality with numbers compared as Graph stores them, as IEEE
// doubles. Terraform parses 0.92 with 512 bits of precision; Graph keeps, and echoes, the
// nearest double. Compared exactly, the two differ, and every write would look
// unapplied and every lost create answer unmatched.
func sameAsGraph(a, b attr.Value) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Equal(b) { // the common case, and the only answer for null, unknown and plain values
		return true
	}
	if a.IsNull() || a.IsUnknown() || b.IsNull() || b.IsUnknown() {
		return false
	}
	switch x := a.(type) {
	case types.Number:
		y, ok := b.(types.Number)
		return ok && sameDouble(x.ValueBigFloat(), y.ValueBigFloat())
	case types.Object:
		y, ok := b.(types.Object)
		if !ok {
			return false
		}
		xa, ya := x.Attributes(), y.Attributes()
		if len(xa) != len(ya) {
			return false
		}
		for name, v := range xa {
			w, ok := ya[name]
			if !ok || !sameAsGraph(v, w) {
				return false
			}
		}
		return true
	case types.List:
		y, ok := b.(types.List)
		if !ok || len(x.Elements()) != len(y.Elements()) {
			return false
		}
		ye := y.Elements()
		for i, v := range x.Elements() {
			if !sameAsGraph(v, ye[i]) {
				return false
			}
		}
		return true
	}
	// Strings, bools and sets of strings have one representation each: Equal decided.
	return false
}

// sameDouble compares two numbers after rounding each to the nearest double.
func sameDouble(a, b *big.Float) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, _ := a.Float64()
	y, _ := b.Float64()
	return x == y
}

// The state codec converts between resourceModel and the resource's Terraform object directly,
// one ValueFromTerraform or ToTerraformValue per attribute of valueFields plus user_id
// and timeouts, with the attribute types worked out once. tfsdk's Get and Set do the
// same through the framework's reflection, which re-derives the schema per attribute and
// compiles a regular expression per struct tag on every call: most of Create's and
// Read's own CPU at scale (DECISIONS.md, Speed). Anything the codec cannot convert falls
// back to tfsdk, so its result is never different, only cheaper.
type stateCodec struct {
	objType tftypes.Object
	types   map[string]attr.Type
}

var (
	codecOnce sync.Once
	codec     *stateCodec
)

// resourceCodec returns the codec of resourceModel against the resource schema, or nil when the
// two do not match one to one (then every call takes tfsdk's path).
func resourceCodec(ctx context.Context) *stateCodec {
	codecOnce.Do(func() {
		if c, err := newStateCodec(ctx, Schema(ctx)); err == nil {
			codec = c
		}
	})
	return codec
}

func newStateCodec(ctx context.Context, s schema.Schema) (*stateCodec, error) {
	objType, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		return nil, fmt.Errorf("the schema's type is not an object")
	}
	c := &stateCodec{objType: objType, types: map[string]attr.Type{}}
	names := []string{"user_id", "timeouts"}
	for _, f := range valueFields {
		names = append(names, f.name)
	}
	for _, name := range names {
		if a, ok := s.Attributes[name]; ok {
			c.types[name] = a.GetType()
		} else if b, ok := s.Blocks[name]; ok {
			c.types[name] = b.Type()
		} else {
			return nil, fmt.Errorf("%q is not in the schema", name)
		}
	}
	if len(c.types) != len(objType.AttributeTypes) {
		return nil, fmt.Errorf("the model has %d attributes, the schema %d", len(c.types), len(objType.AttributeTypes))
	}
	return c, nil
}

// decode fills m from raw; false means the caller must use tfsdk instead.
func (c *stateCodec) decode(ctx context.Context, raw tftypes.Value, m *resourceModel) bool {
	if c == nil || raw.IsNull() || !raw.IsKnown() {
		return false
	}
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil {
		return false
	}
	value := func(name string) (attr.Value, bool) {
		tv, ok := vals[name]
		if !ok {
			return nil, false
		}
		v, err := c.types[name].ValueFromTerraform(ctx, tv)
		return v, err == nil
	}
	var out resourceModel
	user, _ := value("user_id") // nil when it failed, which the assertion refuses
	to, _ := value("timeouts")
	var okUser, okTimeouts bool
	out.UserID, okUser = user.(types.String)
	out.Timeouts, okTimeouts = to.(timeouts.Value)
	if !okUser || !okTimeouts {
		return false
	}
	for _, f := range valueFields {
		v, ok := value(f.name)
		if !ok || !f.set(&out.Values, v) {
			return false
		}
	}
	*m = out
	return true
}

// encode builds the Terraform object of m; false means the caller must use tfsdk instead.
func (c *stateCodec) encode(ctx context.Context, m *resourceModel) (tftypes.Value, bool) {
	if c == nil {
		return tftypes.Value{}, false
	}
	vals := make(map[string]tftypes.Value, len(c.types))
	put := func(name string, v attr.Value) bool {
		tv, err := v.ToTerraformValue(ctx)
		vals[name] = tv
		return err == nil
	}
	if !put("user_id", m.UserID) || !put("timeouts", m.Timeouts) {
		return tftypes.Value{}, false
	}
	for _, f := range valueFields {
		if !put(f.name, f.get(&m.Values)) {
			return tftypes.Value{}, false
		}
	}
	// NewValue panics on a value whose type does not fit; ask first.
	if err := tftypes.ValidateValue(c.objType, vals); err != nil {
		return tftypes.Value{}, false
	}
	return tftypes.NewValue(c.objType, vals), true
}

// getModel reads a plan or state into m: the codec when it can, tfsdk otherwise.
func getModel(ctx context.Context, raw tftypes.Value, m *resourceModel, get func(context.Context, any) diag.Diagnostics) diag.Diagnostics {
	if resourceCodec(ctx).decode(ctx, raw, m) {
		return nil
	}
	return get(ctx, m)
}

// setState writes m to st: the codec when it can, tfsdk otherwise.
func setState(ctx context.Context, st *tfsdk.State, m *resourceModel) diag.Diagnostics {
	if v, ok := resourceCodec(ctx).encode(ctx, m); ok {
		st.Raw = v
		return nil
	}
	return st.Set(ctx, m)
}
