package personcertification

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// sameValues reports whether a and b hold the same values in every attribute, as Graph
// stores them (sameAsGraph).
func sameValues(a, b *Values) bool {
	for _, f := range Fields {
		if !SameAsGraph(f.Get(a), f.Get(b)) {
			return false
		}
	}
	return true
}

// Differences names the attributes whose applied value differs from a known planned
// value, as Graph stores values. Unknown planned values (computed ones) never differ.
func Differences(plan, applied *Values) []string {
	var names []string
	for _, f := range Fields {
		if pv := f.Get(plan); !pv.IsUnknown() && !SameAsGraph(pv, f.Get(applied)) {
			names = append(names, f.Name)
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
	names := Differences(plan, applied)
	for _, f := range Fields {
		if pv := f.Get(plan); !pv.IsUnknown() {
			f.Set(applied, pv)
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
	for _, f := range Fields {
		if pv := f.Get(prior); !pv.IsUnknown() && SameAsGraph(pv, f.Get(got)) {
			f.Set(got, pv)
		}
	}
}

// SameAsGraph is attr.Value equality with numbers compared as Graph stores them, as IEEE
// doubles. Terraform parses 0.92 with 512 bits of precision; Graph keeps, and echoes, the
// nearest double. Compared exactly, the two differ, and every write would look
// unapplied and every lost create answer unmatched.
func SameAsGraph(a, b attr.Value) bool {
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
			if !ok || !SameAsGraph(v, w) {
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
			if !SameAsGraph(v, ye[i]) {
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
