package personcertification

import (
	"context"
	"fmt"

	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// certificationAttributes derives the data sources' view of a certification from the
// resource schema: the same names, types and descriptions, all computed. The resource is
// the single source of truth, so the three never drift apart.
func certificationAttributes(ctx context.Context) map[string]dschema.Attribute {
	out := map[string]dschema.Attribute{}
	for name, a := range Schema(ctx).Attributes {
		out[name] = computedAttribute(a)
	}
	return out
}

func computedAttribute(a rschema.Attribute) dschema.Attribute {
	desc := a.GetMarkdownDescription()
	switch a := a.(type) {
	case rschema.StringAttribute:
		return dschema.StringAttribute{Computed: true, MarkdownDescription: desc}
	case rschema.BoolAttribute:
		return dschema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	case rschema.NumberAttribute:
		return dschema.NumberAttribute{Computed: true, MarkdownDescription: desc}
	case rschema.SetAttribute:
		return dschema.SetAttribute{Computed: true, ElementType: a.ElementType, MarkdownDescription: desc}
	case rschema.ListAttribute:
		return dschema.ListAttribute{Computed: true, ElementType: a.ElementType, MarkdownDescription: desc}
	case rschema.SingleNestedAttribute:
		nested := map[string]dschema.Attribute{}
		for n, x := range a.Attributes {
			nested[n] = computedAttribute(x)
		}
		return dschema.SingleNestedAttribute{Computed: true, Attributes: nested, MarkdownDescription: desc}
	}
	// Reached only when someone adds an attribute kind above does not know; the schema
	// unit test calls this for every attribute, so it fails there first.
	panic(fmt.Sprintf("computedAttribute: unsupported attribute type %T", a))
}

func dataSourceUserID(desc string) dschema.StringAttribute {
	return dschema.StringAttribute{
		Required:            true,
		MarkdownDescription: desc,
		Validators:          []validator.String{userID()},
	}
}
