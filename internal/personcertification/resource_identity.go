package personcertification

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var _ resource.ResourceWithIdentity = (*Resource)(nil)

// resourceIdentityType is the resource identity's Terraform type: the two values that address a
// certification, /users/{user_id}/profile/certifications/{id}.
var resourceIdentityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"user_id": tftypes.String, "id": tftypes.String}}

// IdentitySchema declares the identity Terraform 1.12+ records for each certification
// and takes in import blocks (`identity = { user_id = ..., id = ... }`) and from
// `terraform query`.
func (r *Resource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"user_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       `Whose profile holds the certification: "me", the user's object id or userPrincipalName.`,
			},
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The certification's id, set by Graph.",
			},
		},
	}
}

// setIdentity records the identity of a certification. The identity never changes over
// the object's life: once set it is kept, even when user_id is later rewritten as
// another form of the same user (which the old form still addresses). ident is nil when
// the CLI knows no identities (Terraform before 1.12, OpenTofu).
func setIdentity(ident *tfsdk.ResourceIdentity, user, id types.String) {
	if ident == nil || user.IsNull() || user.IsUnknown() || id.IsNull() || id.IsUnknown() {
		return
	}
	if !ident.Raw.IsNull() && ident.Raw.IsKnown() {
		var vals map[string]tftypes.Value
		if ident.Raw.As(&vals) == nil && vals["id"].IsKnown() && !vals["id"].IsNull() {
			return
		}
	}
	ident.Raw = tftypes.NewValue(resourceIdentityType, map[string]tftypes.Value{
		"user_id": tftypes.NewValue(tftypes.String, user.ValueString()),
		"id":      tftypes.NewValue(tftypes.String, id.ValueString()),
	})
}

// importFromIdentity reads an import block's identity, checked like an import id.
func importFromIdentity(ctx context.Context, ident *tfsdk.ResourceIdentity) (user, id string, diags diag.Diagnostics) {
	var u, i types.String
	diags.Append(ident.GetAttribute(ctx, path.Root("user_id"), &u)...)
	diags.Append(ident.GetAttribute(ctx, path.Root("id"), &i)...)
	if diags.HasError() {
		return "", "", diags
	}
	if err := CheckUserID(u.ValueString()); err != nil {
		diags.AddAttributeError(path.Root("user_id"), "Invalid import identity", err.Error())
	}
	if err := CheckCertificationID(i.ValueString()); err != nil {
		diags.AddAttributeError(path.Root("id"), "Invalid import identity", err.Error())
	}
	return u.ValueString(), i.ValueString(), diags
}
