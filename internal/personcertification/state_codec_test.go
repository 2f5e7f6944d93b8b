package personcertification

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// timeoutsValue is the timeouts block with create set to create ("" leaves the block null).
func timeoutsValue(t *testing.T, create string) timeouts.Value {
	t.Helper()
	ctx := context.Background()
	typ := Schema(ctx).Blocks["timeouts"].Type()
	tfType, ok := typ.TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the timeouts block's type is not an object")
	}
	raw := tftypes.NewValue(tfType, nil)
	if create != "" {
		vals := map[string]tftypes.Value{}
		for name := range tfType.AttributeTypes {
			vals[name] = tftypes.NewValue(tftypes.String, nil)
		}
		vals["create"] = tftypes.NewValue(tftypes.String, create)
		raw = tftypes.NewValue(tfType, vals)
	}
	v, err := typ.ValueFromTerraform(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	tv, ok := v.(timeouts.Value)
	if !ok {
		t.Fatalf("%T is not timeouts.Value", v)
	}
	return tv
}

// The codec is what Create, Read and Update use instead of tfsdk's Get and Set, so it must
// give exactly their results, and it must be on (a nil codec silently means the slow path).
func TestCodecMatchesTfsdk(t *testing.T) {
	ctx := context.Background()
	c := resourceCodec(ctx)
	if c == nil {
		_, err := newStateCodec(ctx, Schema(ctx))
		t.Fatalf("the codec is off: %v", err)
	}
	full := fullModel(t)
	full.ID = types.StringValue("0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f")
	full.CreatedDateTime = types.StringValue("2020-07-06T06:34:12.2294868Z")
	full.Timeouts = timeoutsValue(t, "")
	planned := emptyModel() // a create's plan: computed attributes unknown
	planned.DisplayName = types.StringValue("Only a name")
	planned.ID = types.StringUnknown()
	planned.CreatedDateTime = types.StringUnknown()
	planned.CreatedBy = types.ObjectUnknown(identitySetAttrTypes)
	planned.AllowedAudiences = types.SetUnknown(types.StringType)
	planned.Timeouts = timeoutsValue(t, "10m")
	var flattened resourceModel
	flattened.UserID = types.StringValue("adele@contoso.example")
	flattened.Timeouts = timeoutsValue(t, "1m")
	noErrors(t, Flatten(ctx, parseCertification(t, []byte(`{
	  "id": "x-1", "allowedAudiences": "organization,everyone",
	  "inference": {"confidenceScore": 0.5, "userHasVerifiedAccuracy": null},
	  "createdDateTime": "2020-07-06T06:34:12Z",
	  "lastModifiedBy": {"user": {"displayName": "A", "id": "u-1"}, "application": null, "device": null},
	  "source": {"type": []}, "displayName": "Flattened", "issuedDate": "2024-01-10"}`)), &flattened.Values))

	s := Schema(ctx)
	objType := s.Type().TerraformType(ctx)
	for name, m := range map[string]resourceModel{"full": full, "planned": planned, "flattened": flattened} {
		st := tfsdk.State{Schema: s, Raw: tftypes.NewValue(objType, nil)}
		noErrors(t, st.Set(ctx, &m))
		got, ok := c.encode(ctx, &m)
		if !ok {
			t.Errorf("%s: the codec could not encode the model", name)
			continue
		}
		if !got.Equal(st.Raw) {
			diffs, _ := got.Diff(st.Raw)
			t.Errorf("%s: codec and tfsdk encode differently: %v", name, diffs)
		}
		var viaCodec, viaTfsdk resourceModel
		if !c.decode(ctx, st.Raw, &viaCodec) {
			t.Errorf("%s: the codec could not decode", name)
			continue
		}
		noErrors(t, st.Get(ctx, &viaTfsdk))
		if !sameValues(&viaCodec.Values, &viaTfsdk.Values) || !viaCodec.UserID.Equal(viaTfsdk.UserID) ||
			!viaCodec.Timeouts.Equal(viaTfsdk.Timeouts) {
			t.Errorf("%s: codec and tfsdk decode differently:\n%+v\n%+v", name, viaCodec, viaTfsdk)
		}
	}
}

// A value the codec cannot convert is handed to tfsdk, never half-written.
func TestCodecFallsBack(t *testing.T) {
	ctx := context.Background()
	c := resourceCodec(ctx)
	m := emptyModel() // its zero Timeouts carries no attribute types: not the schema's type
	if _, ok := c.encode(ctx, &m); ok {
		t.Fatal("a model whose timeouts do not fit the schema was encoded")
	}
	var got resourceModel
	if c.decode(ctx, tftypes.NewValue(tftypes.Object{}, nil), &got) {
		t.Fatal("a null object was decoded")
	}
	s := Schema(ctx)
	st := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
	m.Timeouts = timeoutsValue(t, "")
	noErrors(t, setState(ctx, &st, &m))
	if st.Raw.IsNull() {
		t.Fatal("setState wrote nothing")
	}
}
