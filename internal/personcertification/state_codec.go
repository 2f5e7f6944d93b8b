package personcertification

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The state codec converts between resourceModel and the resource's Terraform object directly,
// one ValueFromTerraform or ToTerraformValue per attribute of Fields plus user_id
// and timeouts, with the attribute types worked out once. tfsdk's Get and Set do the
// same through the framework's reflection, which re-derives the schema per attribute and
// compiles a regular expression per struct tag on every call: most of Create's and
// Read's own CPU at scale (DECISIONS.md, Speed). Anything the codec cannot convert falls
// back to tfsdk, so its result is never different, only cheaper.
type stateCodec struct {
	objType tftypes.Object
	types   map[string]attr.Type
}

// resourceCodec returns the codec of resourceModel against the resource schema, or nil when the
// two do not match one to one (then every call takes tfsdk's path).
func resourceCodec(ctx context.Context) *stateCodec {
	codecOnce.Do(func() {
		c, err := newStateCodec(ctx, Schema(ctx))
		if err != nil {
			// Never silent: TestCodecMatchesTfsdk fails, and a build that ships anyway says so.
			tflog.Warn(ctx, "the state codec is off; every read and write takes tfsdk's slower path", map[string]interface{}{"error": err.Error()})
			return
		}
		codec = c
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
	for _, f := range Fields {
		names = append(names, f.Name)
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
	for _, f := range Fields {
		v, ok := value(f.Name)
		if !ok || !f.Set(&out.Values, v) {
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
	for _, f := range Fields {
		if !put(f.Name, f.Get(&m.Values)) {
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

var (
	codecOnce sync.Once
	codec     *stateCodec
)
