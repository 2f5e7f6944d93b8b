package personcertifications

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// obj builds an object value the way the configuration language does: each attribute
// of its own type.
func obj(attrs map[string]tftypes.Value) tftypes.Value {
	ts := map[string]tftypes.Type{}
	for k, v := range attrs {
		ts[k] = v.Type()
	}
	return tftypes.NewValue(tftypes.Object{AttributeTypes: ts}, attrs)
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func tuple(vs ...tftypes.Value) tftypes.Value {
	ts := make([]tftypes.Type, len(vs))
	for i, v := range vs {
		ts[i] = v.Type()
	}
	return tftypes.NewValue(tftypes.Tuple{ElementTypes: ts}, vs)
}

func decodeOne(t *testing.T, e tftypes.Value) (*entry, diag.Diagnostics) {
	t.Helper()
	var diags diag.Diagnostics
	entries, _ := decodeEntries(context.Background(), obj(map[string]tftypes.Value{"k/1": e}), &diags)
	if len(entries) == 1 {
		return entries[0], diags
	}
	return nil, diags
}

func TestDecodeEntries_validEntry(t *testing.T) {
	e, diags := decodeOne(t, obj(map[string]tftypes.Value{
		"user_id":      str("Megan@contoso.com"),
		"display_name": str("AZ-305"),
		"issued_date":  str("2025-03-14"),
		"inference":    obj(map[string]tftypes.Value{"confidence_score": str("0.92")}),
		"source":       obj(map[string]tftypes.Value{"type": tuple(str("User"))}),
	}))
	if diags.HasError() || e == nil {
		t.Fatalf("diags = %v", diags)
	}
	if e.user.ValueString() != "Megan@contoso.com" || e.vals.DisplayName.ValueString() != "AZ-305" || e.vals.IssuedDate.ValueString() != "2025-03-14" {
		t.Errorf("values = %+v", e.vals)
	}
	if !e.vals.AllowedAudiences.Equal(types.SetValueMust(types.StringType, []attr.Value{types.StringValue("organization")})) {
		t.Errorf("allowed_audiences = %v, want the managed default", e.vals.AllowedAudiences)
	}
	score, ok := e.vals.Inference.Attributes()["confidence_score"].(types.Number)
	if !ok {
		t.Fatalf("confidence_score = %T, want a number", e.vals.Inference.Attributes()["confidence_score"])
	}
	if f, _ := score.ValueBigFloat().Float64(); f != 0.92 {
		t.Errorf("confidence_score = %v, want 0.92 converted from the string", score)
	}
	if !e.vals.ID.IsUnknown() || !e.vals.CreatedDateTime.IsUnknown() {
		t.Errorf("computed values must be unknown (Graph's to set), got id %v", e.vals.ID)
	}
	if !e.known {
		t.Error("a fully known entry is known")
	}
}

func TestDecodeEntries_errorsNameTheEntryAndAttribute(t *testing.T) {
	for name, tc := range map[string]struct {
		attrs map[string]tftypes.Value
		want  string
	}{
		"wrong type": {map[string]tftypes.Value{"user_id": str("me"), "display_name": tuple(str("x"))},
			`certifications["k/1"].display_name must be a string; got a list`},
		"number as date": {map[string]tftypes.Value{"user_id": str("me"), "display_name": str("x"), "issued_date": tftypes.NewValue(tftypes.Number, big.NewFloat(5))},
			`"5" is not a date in the form YYYY-MM-DD`},
		"unknown attribute": {map[string]tftypes.Value{"user_id": str("me"), "display_name": str("x"), "titel": str("x")},
			`an entry has no attribute "titel"`},
		"unknown nested attribute": {map[string]tftypes.Value{"user_id": str("me"), "display_name": str("x"), "inference": obj(map[string]tftypes.Value{"score": str("1")})},
			`certifications["k/1"].inference has no attribute "score"`},
		"missing display_name": {map[string]tftypes.Value{"user_id": str("me")},
			`certifications["k/1"].display_name is required`},
		"invalid user": {map[string]tftypes.Value{"user_id": str("../x"), "display_name": str("x")},
			`user_id`},
		"blank text": {map[string]tftypes.Value{"user_id": str("me"), "display_name": str("  ")},
			`display_name`},
		"bad audience": {map[string]tftypes.Value{"user_id": str("me"), "display_name": str("x"), "allowed_audiences": tuple(str("world"))},
			`allowed_audiences`},
		"dates out of order": {map[string]tftypes.Value{"user_id": str("me"), "display_name": str("x"), "start_date": str("2025-01-02"), "end_date": str("2025-01-01")},
			`certifications["k/1"].end_date 2025-01-01 falls before start_date 2025-01-02`},
		"not a bool": {map[string]tftypes.Value{"user_id": str("me"), "display_name": str("x"), "inference": obj(map[string]tftypes.Value{"user_has_verified_accuracy": str("yes")})},
			`user_has_verified_accuracy must be true or false`},
	} {
		t.Run(name, func(t *testing.T) {
			_, diags := decodeOne(t, obj(tc.attrs))
			if !diags.HasError() {
				t.Fatal("no error")
			}
			text := ""
			for _, d := range diags.Errors() {
				text += d.Summary() + ": " + d.Detail() + "\n"
			}
			if !strings.Contains(text, tc.want) {
				t.Errorf("errors = %q, want one containing %q", text, tc.want)
			}
		})
	}
}

func TestDecodeEntries_notAMap(t *testing.T) {
	var diags diag.Diagnostics
	decodeEntries(context.Background(), str("x"), &diags)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "must be a map of objects") {
		t.Errorf("diags = %v", diags)
	}
	diags = nil
	decodeEntries(context.Background(), obj(map[string]tftypes.Value{"k": str("x")}), &diags)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), `certifications["k"] must be an object`) {
		t.Errorf("diags = %v", diags)
	}
}

func TestDecodeEntries_unknownValuesWaitForApply(t *testing.T) {
	e, diags := decodeOne(t, obj(map[string]tftypes.Value{
		"user_id": str("me"), "display_name": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	}))
	if diags.HasError() || e == nil {
		t.Fatalf("diags = %v", diags)
	}
	if e.known || !e.vals.DisplayName.IsUnknown() {
		t.Errorf("known = %v, display_name = %v; want an unknown entry", e.known, e.vals.DisplayName)
	}
}

func TestRewriteEntry_keepsTheWrittenFormOfWhatDidNotDrift(t *testing.T) {
	ctx := context.Background()
	written := obj(map[string]tftypes.Value{
		"user_id": str("me"), "display_name": str("A"), "allowed_audiences": tuple(str("organization")),
		"inference": obj(map[string]tftypes.Value{"confidence_score": tftypes.NewValue(tftypes.Number, big.NewFloat(0.5))}),
	})
	e, diags := decodeOne(t, written)
	if diags.HasError() {
		t.Fatal(diags)
	}
	graph := e.vals
	graph.DisplayName = types.StringValue("B")           // drifted
	graph.Description = types.StringValue("set outside") // added out of band
	got, err := entryShapeOf(ctx).rewriteEntry(ctx, e, &graph)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := got.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if !attrs["display_name"].Equal(str("B")) || !attrs["description"].Equal(str("set outside")) {
		t.Errorf("drifted values not written: %v", got)
	}
	var orig map[string]tftypes.Value
	_ = written.As(&orig)
	for _, name := range []string{"user_id", "allowed_audiences", "inference"} {
		if !attrs[name].Equal(orig[name]) {
			t.Errorf("%s = %v, want it as written: %v", name, attrs[name], orig[name])
		}
	}
	if _, ok := attrs["issued_date"]; ok {
		t.Error("an attribute absent as written and null in Graph must stay absent")
	}
}

func TestConfigForm(t *testing.T) {
	set := tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("a")})
	if got := configForm(set); !got.Equal(tuple(str("a"))) {
		t.Errorf("a set is written as a tuple: %v", got)
	}
	o := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String, "b": tftypes.Bool}},
		map[string]tftypes.Value{"a": str("x"), "b": tftypes.NewValue(tftypes.Bool, nil)})
	if got := configForm(o); !got.Equal(obj(map[string]tftypes.Value{"a": str("x")})) {
		t.Errorf("an object drops its null attributes: %v", got)
	}
}

func TestEncodeEntries_keepsAMapWhileItCan(t *testing.T) {
	a := obj(map[string]tftypes.Value{"user_id": str("me")})
	b := obj(map[string]tftypes.Value{"user_id": str("me"), "display_name": str("x")})
	if got := encodeEntries(map[string]tftypes.Value{"1": a, "2": a}, true); !got.Type().Is(tftypes.Map{}) {
		t.Errorf("same-typed entries of a map stay a map: %v", got.Type())
	}
	if got := encodeEntries(map[string]tftypes.Value{"1": a, "2": b}, true); !got.Type().Is(tftypes.Object{}) {
		t.Errorf("entries of different types become an object: %v", got.Type())
	}
}

func TestKeyList(t *testing.T) {
	var keys []string
	for i := 0; i < 25; i++ {
		keys = append(keys, string(rune('a'+i)))
	}
	got := keyList(keys)
	if !strings.HasSuffix(got, `"t" and 5 more`) || strings.Contains(got, `"u"`) {
		t.Errorf("keyList = %s", got)
	}
}

// An entry runs the single resource's meAlone validator, as the schema carries it.
func TestEntryMeAlone(t *testing.T) {
	_, diags := decodeOne(t, obj(map[string]tftypes.Value{
		"user_id": str("me"), "display_name": str("x"), "allowed_audiences": tuple(str("organization"), str("me")),
	}))
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), `"me" cannot be combined with "organization"`) {
		t.Errorf("an entry with me and organization: %v", diags)
	}
	if _, diags := decodeOne(t, obj(map[string]tftypes.Value{
		"user_id": str("me"), "display_name": str("x"), "allowed_audiences": tuple(str("me")),
	})); diags.HasError() {
		t.Errorf("an entry with me alone: %v", diags)
	}
}
