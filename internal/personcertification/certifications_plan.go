package personcertification

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ModifyPlan of graph_person_certifications settles the computed values: an unchanged
// entry keeps its id and timestamps, a changed one keeps its id (its modification time is
// unknown), a new one or one moved to another user is unknown until apply. So the plan
// shows exactly the entries that change. With exclusive, it lists what it will delete.
func (r *CertificationsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	plan, ok := decodeBulk(ctx, req.Plan.Raw, nil)
	if !ok {
		return // certifications unknown until apply: the computed values stay unknown
	}
	prior, _ := decodeBulk(ctx, req.State.Raw, nil)
	plan.computed = make(map[string]computedEntry, len(plan.entries))
	unknown := computedEntry{id: unknownString, created: unknownString, modified: unknownString}
	var creates []*entry
	held := map[string]bool{}
	for _, e := range plan.entries {
		p, pc := prior.byKey[e.key], prior.computed[e.key]
		switch {
		case p == nil || pc.ID() == "" || e.user.IsUnknown() || !strings.EqualFold(p.user.ValueString(), e.user.ValueString()):
			plan.computed[e.key] = unknown
			creates = append(creates, e)
		case !e.known || !entryShapeOf(ctx).sameWritable(&p.vals, &e.vals):
			plan.computed[e.key] = computedEntry{id: pc.id, created: pc.created, modified: unknownString}
			held[pc.ID()] = true
		default:
			plan.computed[e.key] = pc
			held[pc.ID()] = true
		}
	}
	plan.deletions = map[string]string{}
	if plan.exclusive && r.one.client != nil {
		lists, failed := r.listUsers(ctx, usersOf(plan.entries))
		if len(failed) > 0 {
			resp.Diagnostics.Append(bulkError("planning", "users", failed, func(k string) string { return k }))
			return
		}
		if plan.adopt {
			adopted, _ := adoptions(creates, lists, held)
			for _, c := range adopted {
				held[deref(c.GetId())] = true
			}
		}
		plan.deletions = unlisted(plan, lists, held)
	}
	if prior.attrs != nil {
		plan.attrs["id"] = prior.attrs["id"]
	} else {
		plan.attrs["id"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	}
	v, err := plan.encode(ctx, plan.attrs["certifications"])
	if err != nil {
		resp.Diagnostics.AddError("Cannot plan graph_person_certifications", err.Error())
		return
	}
	if len(plan.deletions) == 0 && len(prior.deletions) > 0 {
		// Nothing left to delete, and nothing else to do: the list of what the last apply
		// deleted stays until the next refresh or change, or every plan after an exclusive
		// apply that skipped the refresh would show it going.
		plan.deletions = prior.deletions
		if kept, err := plan.encode(ctx, plan.attrs["certifications"]); err == nil && kept.Equal(req.State.Raw) {
			v = kept
		}
	}
	resp.Plan.Raw = v
}
