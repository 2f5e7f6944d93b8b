package personcertification

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// modelCodec converts between Model and the resource's Terraform object directly: one
// ValueFromTerraform or ToTerraformValue per attribute, with the field list and attribute
// types worked out once. tfsdk's Get and Set do the same through the framework's
// reflection, which re-derives the schema per attribute and compiles a regular expression
// per struct tag on every call; at 1,000 resources that was most of Create's and Read's
// own CPU time (DECISIONS.md, Speed). Anything the codec cannot convert falls back to
// tfsdk, so its result is never different, only cheaper.
type modelCodec struct {
	objType tftypes.Object
	fields  []codecField
}

type codecField struct {
	name  string
	index []int
	typ   attr.Type
}

var (
	codecOnce sync.Once
	codec     *modelCodec
)

// theCodec returns the codec of Model against the resource schema, or nil when the two
// do not match one to one (then every call takes tfsdk's path).
func theCodec(ctx context.Context) *modelCodec {
	codecOnce.Do(func() {
		c, err := newModelCodec(ctx, Schema(ctx), reflect.TypeFor[Model]())
		if err == nil {
			codec = c
		}
	})
	return codec
}

func newModelCodec(ctx context.Context, s schema.Schema, t reflect.Type) (*modelCodec, error) {
	objType, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		return nil, fmt.Errorf("the schema's type is not an object")
	}
	c := &modelCodec{objType: objType}
	seen := map[string]bool{}
	var walk func(t reflect.Type, index []int) error
	walk = func(t reflect.Type, index []int) error {
		for i := range t.NumField() {
			f := t.Field(i)
			idx := append(append([]int(nil), index...), i)
			name := f.Tag.Get("tfsdk")
			if name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct {
				if err := walk(f.Type, idx); err != nil {
					return err
				}
				continue
			}
			var typ attr.Type
			if a, ok := s.Attributes[name]; ok {
				typ = a.GetType()
			} else if b, ok := s.Blocks[name]; ok {
				typ = b.Type()
			} else {
				return fmt.Errorf("field %s (tfsdk %q) is not in the schema", f.Name, name)
			}
			if !f.Type.Implements(reflect.TypeFor[attr.Value]()) {
				return fmt.Errorf("field %s is not an attr.Value", f.Name)
			}
			c.fields = append(c.fields, codecField{name: name, index: idx, typ: typ})
			seen[name] = true
		}
		return nil
	}
	if err := walk(t, nil); err != nil {
		return nil, err
	}
	if len(seen) != len(objType.AttributeTypes) {
		return nil, fmt.Errorf("the model has %d attributes, the schema %d", len(seen), len(objType.AttributeTypes))
	}
	return c, nil
}

// decode fills m from raw; false means the caller must use tfsdk instead.
func (c *modelCodec) decode(ctx context.Context, raw tftypes.Value, m *Model) bool {
	if c == nil || raw.IsNull() || !raw.IsKnown() {
		return false
	}
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil {
		return false
	}
	var out Model
	rv := reflect.ValueOf(&out).Elem()
	for _, f := range c.fields {
		tv, ok := vals[f.name]
		if !ok {
			return false
		}
		v, err := f.typ.ValueFromTerraform(ctx, tv)
		if err != nil {
			return false
		}
		fv := rv.FieldByIndex(f.index)
		vv := reflect.ValueOf(v)
		if !vv.IsValid() || !vv.Type().AssignableTo(fv.Type()) {
			return false
		}
		fv.Set(vv)
	}
	*m = out
	return true
}

// encode builds the Terraform object of m; false means the caller must use tfsdk instead.
func (c *modelCodec) encode(ctx context.Context, m *Model) (tftypes.Value, bool) {
	if c == nil {
		return tftypes.Value{}, false
	}
	vals := make(map[string]tftypes.Value, len(c.fields))
	rv := reflect.ValueOf(m).Elem()
	for _, f := range c.fields {
		v, ok := rv.FieldByIndex(f.index).Interface().(attr.Value)
		if !ok {
			return tftypes.Value{}, false
		}
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, false
		}
		vals[f.name] = tv
	}
	// NewValue panics on a value whose type does not fit; ask first.
	if err := tftypes.ValidateValue(c.objType, vals); err != nil {
		return tftypes.Value{}, false
	}
	return tftypes.NewValue(c.objType, vals), true
}

// getModel reads a plan or state into m: the codec when it can, tfsdk otherwise.
func getModel(ctx context.Context, raw tftypes.Value, m *Model, get func(context.Context, any) diag.Diagnostics) diag.Diagnostics {
	if theCodec(ctx).decode(ctx, raw, m) {
		return nil
	}
	return get(ctx, m)
}

// setState writes m to st: the codec when it can, tfsdk otherwise.
func setState(ctx context.Context, st *tfsdk.State, m *Model) diag.Diagnostics {
	if v, ok := theCodec(ctx).encode(ctx, m); ok {
		st.Raw = v
		return nil
	}
	return st.Set(ctx, m)
}
