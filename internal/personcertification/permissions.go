package personcertification

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

var _ resource.ResourceWithModifyPlan = (*Resource)(nil)

// ModifyPlan checks, before any write, that the provider's token can make it: an app-only
// token with user_id = "me" is an error (Graph refuses /me without a signed-in user), and
// a token without any permission that could allow the write gets a warning naming the one
// to grant. The claims were decoded once, when the provider was configured. Terraform
// plans again during apply once values from other resources are known, so a user_id that
// is unknown now is checked then, still before the request.
func (r *Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil {
		return
	}
	id := r.client.Identity()
	if id == nil {
		return
	}
	var user types.String
	switch {
	case req.Plan.Raw.IsNull(): // destroy
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("user_id"), &user)...)
	case !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw): // nothing to write
		return
	default:
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("user_id"), &user)...)
	}
	if resp.Diagnostics.HasError() || user.IsNull() || user.IsUnknown() {
		return
	}
	text, blocking := id.WriteProblem(user.ValueString())
	switch {
	case text == "":
	case blocking:
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "This token cannot write the profile of \"me\"", text)
	default:
		resp.Diagnostics.AddAttributeWarning(path.Root("user_id"), "The token lacks permission "+graph.WritePermission(user.ValueString()), text)
	}
}
