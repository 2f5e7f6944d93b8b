package personcertification

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

var _ resource.ResourceWithModifyPlan = (*Resource)(nil)

// ModifyPlan decides whether a changed user_id moves the certification to another user
// (replace) or only names the same user differently (update in place, nothing sent), and
// refuses a source the configured cloud's schema cannot take (cloud.go), and
// checks, before any write, that the provider's token can make it: an app-only token with
// user_id = "me" is an error (Graph refuses /me without a signed-in user), and a token
// without any permission that could allow the write gets a warning naming the one to
// grant. The claims were decoded once, when the provider was configured. Terraform plans
// again during apply once values from other resources are known, so a user_id that is
// unknown now is checked then, still before the request.
func (r *Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var user types.String
	switch {
	case req.Plan.Raw.IsNull(): // destroy
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("user_id"), &user)...)
	case !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw): // nothing to write
		return
	default:
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("user_id"), &user)...)
		source, priorSource := types.ObjectNull(SourceAttrTypes), types.ObjectNull(SourceAttrTypes)
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("source"), &source)...)
		if !req.State.Raw.IsNull() {
			var prior types.String
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("user_id"), &prior)...)
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("source"), &priorSource)...)
			r.planUserChange(ctx, prior, user, resp)
		}
		CheckSourceInCloud(r.client, path.Root("source"), source, priorSource, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() || user.IsNull() || user.IsUnknown() || r.client == nil {
		return
	}
	text, blocking := r.client.Identity().WriteProblem(user.ValueString())
	switch {
	case text == "":
	case blocking:
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "This token cannot write the profile of \"me\"", text)
	default:
		resp.Diagnostics.AddAttributeWarning(path.Root("user_id"), "The token lacks permission "+graph.WritePermission(user.ValueString()), text)
	}
}

// planUserChange replaces the certification when user_id now names another user. User
// addressing is case-insensitive in Entra ID, so a change of letter case alone is the
// same user. "me", an object id and a userPrincipalName of one person are the same user
// too; the provider asks Graph for both object ids (users.go), and when it cannot tell,
// it replaces and says why.
func (r *Resource) planUserChange(ctx context.Context, prior, planned types.String, resp *resource.ModifyPlanResponse) {
	if prior.IsNull() || prior.IsUnknown() || planned.IsNull() {
		return
	}
	if planned.IsUnknown() {
		resp.RequiresReplace.Append(path.Root("user_id"))
		return
	}
	from, to := prior.ValueString(), planned.ValueString()
	if strings.EqualFold(from, to) {
		return
	}
	if r.client == nil {
		resp.RequiresReplace.Append(path.Root("user_id"))
		return
	}
	a, errA := r.client.UserObjectID(ctx, from)
	b, errB := r.client.UserObjectID(ctx, to)
	switch {
	case errA == nil && errB == nil && a == b:
		// The same person: Update sends nothing and records the new spelling.
	case errA == nil && errB == nil:
		resp.RequiresReplace.Append(path.Root("user_id"))
	default:
		err := errA
		if err == nil {
			err = errB
		}
		resp.RequiresReplace.Append(path.Root("user_id"))
		resp.Diagnostics.AddAttributeWarning(path.Root("user_id"), "Cannot tell whether user_id still names the same user",
			fmt.Sprintf("user_id changes from %q to %q. The provider asked Graph whether both name the same user and could not tell (%v), "+
				"so the plan replaces the certification: it is deleted from the profile of %q and created in the profile of %q. "+
				"If both name the same person, keep user_id = %q (as in the state) to keep the certification as it is, "+
				"or give the token a permission that reads users (User.ReadBasic.All, or User.ReadWrite.All, which writing "+
				"other users' profiles needs anyway).", from, to, err, from, to, from))
	}
}
