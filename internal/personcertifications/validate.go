package personcertifications

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// validateBulkConfig is ValidateConfig's work on a raw configuration.
func validateBulkConfig(ctx context.Context, cfg tftypes.Value, diags *diag.Diagnostics) {
	var vals map[string]tftypes.Value
	if cfg.IsNull() || !cfg.IsKnown() || cfg.As(&vals) != nil {
		return
	}
	if c := vals["certifications"]; c.IsKnown() && c.IsNull() {
		diags.AddAttributeError(path.Root("certifications"), "certifications is null",
			"certifications must be a map of certifications; it is null here (a variable or an expression without a value?). "+
				"A null map would delete every certification this resource holds, so it is refused.")
		return
	}
	decodeEntries(ctx, vals["certifications"], diags)
}

// runValidators runs a schema attribute's own validators on v at p, and checks that a
// required attribute is set; nested attributes are checked member by member.
func runValidators(ctx context.Context, a schema.Attribute, p path.Path, v attr.Value, diags *diag.Diagnostics) {
	if v.IsNull() {
		if a.IsRequired() {
			diags.AddAttributeError(p, "Missing required certification attribute",
				fmt.Sprintf("%s is required: every certification needs it.", p))
		}
		return
	}
	if v.IsUnknown() {
		return
	}
	validateValue(ctx, a, p, v, tfsdk.Config{}, diags)
	if sa, ok := a.(schema.SingleNestedAttribute); ok {
		o, ok := v.(types.Object)
		if !ok {
			return
		}
		members := o.Attributes()
		for name, inner := range sa.Attributes {
			if mv, ok := members[name]; ok {
				runValidators(ctx, inner, p.AtName(name), mv, diags)
			}
		}
	}
}

func addErr(diags *diag.Diagnostics, p path.Path, summary, detail string) {
	if diags != nil {
		diags.AddAttributeError(p, summary, detail)
	}
}
