package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// No provider setting may let a user's value reach a framework conversion error, whose
// text blames the provider. An Int64 attribute converts before any validator runs (2.5 or
// 1e30 fail there), so whole numbers are Numbers with wholeNumberValidator; a list or set
// must refuse null elements at validate time, naming the attribute.
func TestProviderSchema_noConversionTraps(t *testing.T) {
	var resp provider.SchemaResponse
	(&Provider{}).Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if len(resp.Schema.Attributes) == 0 {
		t.Fatal("the provider schema has no attributes")
	}
	numbers := 0
	for name, a := range resp.Schema.Attributes {
		switch a := a.(type) {
		case schema.Int64Attribute, schema.Float64Attribute, schema.Int32Attribute, schema.Float32Attribute:
			t.Errorf("%s is a %T: a value it cannot represent fails in the framework's conversion; use a NumberAttribute with wholeNumberValidator", name, a)
		case schema.NumberAttribute:
			numbers++
			ok := false
			for _, v := range a.Validators {
				if _, is := v.(wholeNumberValidator); is {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s is a Number without wholeNumberValidator", name)
			}
		case schema.ListAttribute:
			if !hasValidator(a.Validators, validator.List(listvalidator.NoNullValues())) {
				t.Errorf("%s is a list without listvalidator.NoNullValues: [null] would reach the provider", name)
			}
		case schema.SetAttribute:
			if !hasValidator(a.Validators, validator.Set(setvalidator.NoNullValues())) {
				t.Errorf("%s is a set without setvalidator.NoNullValues: [null] would reach the provider", name)
			}
		case schema.MapAttribute, schema.ListNestedAttribute, schema.SetNestedAttribute, schema.MapNestedAttribute:
			t.Errorf("%s is a %T: refuse null elements at validate time, add a catalogue case, then allow it here", name, a)
		}
	}
	if numbers == 0 {
		t.Error("max_retries is no longer a NumberAttribute")
	}
}

// hasValidator reports whether vs holds a validator that describes itself as want does
// (the validators package keeps its types unexported).
func hasValidator[V interface{ Description(context.Context) string }](vs []V, want V) bool {
	ctx := context.Background()
	for _, v := range vs {
		if v.Description(ctx) == want.Description(ctx) {
			return true
		}
	}
	return false
}
