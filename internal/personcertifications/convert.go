package personcertifications

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func unknownOf(ctx context.Context, t attr.Type) attr.Value {
	v, _ := t.ValueFromTerraform(ctx, tftypes.NewValue(t.TerraformType(ctx), tftypes.UnknownValue))
	return v
}

func nullOf(ctx context.Context, t attr.Type) attr.Value {
	v, _ := t.ValueFromTerraform(ctx, tftypes.NewValue(t.TerraformType(ctx), nil))
	return v
}

// convertTo turns a value as Terraform's language produced it (an object literal's
// attributes are of any type) into the schema's type, converting as Terraform converts
// for a typed attribute: numbers and bools to strings, numeric and "true"/"false"
// strings to numbers and bools, tuples to lists and sets.
func convertTo(want tftypes.Type, v tftypes.Value, at path.Path, diags *diag.Diagnostics) (tftypes.Value, bool) {
	if !v.IsKnown() {
		return tftypes.NewValue(want, tftypes.UnknownValue), true
	}
	if v.IsNull() {
		return tftypes.NewValue(want, nil), true
	}
	wrong := func(expected string) (tftypes.Value, bool) {
		addErr(diags, at, "Wrong type for a certification attribute",
			fmt.Sprintf("%s must be %s; got %s.", at, expected, describe(v)))
		return tftypes.Value{}, false
	}
	got := v.Type()
	switch {
	case want.Is(tftypes.String):
		switch {
		case got.Is(tftypes.String):
			return v, true
		case got.Is(tftypes.Number):
			var f big.Float
			_ = v.As(&f)
			return tftypes.NewValue(tftypes.String, f.Text('f', -1)), true
		case got.Is(tftypes.Bool):
			var b bool
			_ = v.As(&b)
			return tftypes.NewValue(tftypes.String, fmt.Sprint(b)), true
		}
		return wrong("a string")
	case want.Is(tftypes.Number):
		switch {
		case got.Is(tftypes.Number):
			return v, true
		case got.Is(tftypes.String):
			var s string
			_ = v.As(&s)
			if f, _, err := big.ParseFloat(strings.TrimSpace(s), 10, 512, big.ToNearestEven); err == nil {
				return tftypes.NewValue(tftypes.Number, f), true
			}
		}
		return wrong("a number")
	case want.Is(tftypes.Bool):
		switch {
		case got.Is(tftypes.Bool):
			return v, true
		case got.Is(tftypes.String):
			var s string
			_ = v.As(&s)
			if s == "true" || s == "false" {
				return tftypes.NewValue(tftypes.Bool, s == "true"), true
			}
		}
		return wrong("true or false")
	case want.Is(tftypes.List{}), want.Is(tftypes.Set{}):
		var elemType tftypes.Type
		switch c := want.(type) {
		case tftypes.List:
			elemType = c.ElementType
		case tftypes.Set:
			elemType = c.ElementType
		}
		if !got.Is(tftypes.List{}) && !got.Is(tftypes.Set{}) && !got.Is(tftypes.Tuple{}) {
			return wrong("a list of strings")
		}
		var elems []tftypes.Value
		_ = v.As(&elems)
		out := make([]tftypes.Value, 0, len(elems))
		ok := true
		for i, el := range elems {
			c, good := convertTo(elemType, el, at.AtListIndex(i), diags)
			ok = ok && good
			out = append(out, c)
		}
		if !ok {
			return tftypes.Value{}, false
		}
		if want.Is(tftypes.Set{}) {
			out = uniqueValues(out)
		}
		return tftypes.NewValue(want, out), true
	case want.Is(tftypes.Object{}):
		o, _ := want.(tftypes.Object)
		if !got.Is(tftypes.Object{}) && !got.Is(tftypes.Map{}) {
			return wrong("an object with " + strings.Join(sortedKeys(o.AttributeTypes), ", "))
		}
		var attrs map[string]tftypes.Value
		_ = v.As(&attrs)
		out := make(map[string]tftypes.Value, len(o.AttributeTypes))
		ok := true
		for name, av := range attrs {
			t, known := o.AttributeTypes[name]
			if !known {
				ok = false
				unknownAttribute(diags, at, name, "has", sortedKeys(o.AttributeTypes))
				continue
			}
			c, good := convertTo(t, av, at.AtName(name), diags)
			ok = ok && good
			out[name] = c
		}
		if !ok {
			return tftypes.Value{}, false
		}
		for name, t := range o.AttributeTypes {
			if _, set := out[name]; !set {
				out[name] = tftypes.NewValue(t, nil)
			}
		}
		return tftypes.NewValue(want, out), true
	}
	return wrong(typeName(want))
}

// uniqueValues drops repeated elements, as a set does.
func uniqueValues(vs []tftypes.Value) []tftypes.Value {
	out := vs[:0]
	for i, v := range vs {
		dup := false
		for _, w := range vs[:i] {
			if v.Equal(w) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

// typeName names a type as the configuration language does.
func typeName(t tftypes.Type) string {
	switch {
	case t.Is(tftypes.String):
		return "a string"
	case t.Is(tftypes.Number):
		return "a number"
	case t.Is(tftypes.Bool):
		return "a bool"
	case t.Is(tftypes.List{}), t.Is(tftypes.Tuple{}), t.Is(tftypes.Set{}):
		return "a list"
	case t.Is(tftypes.Map{}), t.Is(tftypes.Object{}):
		return "an object"
	}
	return t.String()
}

func describe(v tftypes.Value) string {
	if v.IsNull() {
		return "null"
	}
	return typeName(v.Type())
}

// unknownAttribute reports an attribute that the object at has no place for, naming what
// it takes.
func unknownAttribute(diags *diag.Diagnostics, at path.Path, name, has string, takes []string) {
	addErr(diags, at.AtName(name), "Unknown certification attribute",
		fmt.Sprintf("%s %s no attribute %q. It takes: %s.", at, has, name, strings.Join(takes, ", ")))
}
