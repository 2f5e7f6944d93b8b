package personcertifications

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
)

// The plan decides, for every entry, which certification it holds, and the apply follows
// it (apply.go). The rules, in order:
//
//  1. An entry whose key the state holds, for the same user (in any form: letter case,
//     userPrincipalName, object id), keeps its certification: entries[key].id is known.
//  2. An added entry that matches a removed one (the same user, and the same
//     certification_id, or the same display_name where neither has one) takes its
//     certification over: a move, shown as entries[new key].id = the old id. Nothing is
//     deleted, and only what changed is sent.
//  3. Any other added entry lists its user: a user that does not exist waits (a pending
//     entry, id null) or fails the plan (missing_users); one that matches a certification
//     in Graph adopts it (adoptions names it and every field the adoption changes);
//     the rest are created (id unknown).
//
// Two entries of one user with one certification_id (or display_name, where neither has
// one) are refused; so is a plan that deletes more than max_deletions.

// plan settles a proposed plan's computed values against the prior state; ok is false
// when the plan stays as proposed (an error).
//
// unlisted is what the refresh of the prior state found unlisted under exclusive (JSON,
// from private state); nil when that refresh did not look.
func (r *Resource) plan(ctx context.Context, planRaw, priorRaw tftypes.Value, unlisted []byte, diags *diag.Diagnostics) (tftypes.Value, bool) {
	plan, ok := decodeBulk(ctx, planRaw, nil)
	prior, _ := decodeBulk(ctx, priorRaw, nil)
	if plan.attrs == nil {
		return planRaw, false
	}
	if certs := plan.attrs["certifications"]; certs.IsKnown() && certs.IsNull() {
		diags.AddAttributeError(path.Root("certifications"), "certifications is null",
			"certifications must be a map of certifications; it is null here (a variable or an expression without a value?). "+
				"A null map would delete every certification this resource holds, so it is refused. To delete them all, run "+
				"terraform destroy on this resource, or write certifications = {} with max_deletions set to allow it.")
		return planRaw, false
	}
	if !ok {
		// The certifications are unknown until apply: so is everything computed from them.
		return unknownPlan(ctx, plan, diags)
	}
	plan.computed, plan.adoptions = map[string]computedEntry{}, map[string]string{} // proposed: the prior state's
	c := &planner{r: r, ctx: ctx, plan: plan, prior: prior, held: map[string]string{}}
	// source has another shape in the US Government clouds: refused there, as on the single resource.
	for _, e := range plan.entries {
		was := types.ObjectNull(personcertification.SourceAttrTypes)
		if p := prior.byKey[e.key]; p != nil {
			was = p.vals.Source
		}
		personcertification.CheckSourceInCloud(c.client(), path.Root("certifications").AtMapKey(e.key).AtName("source"), e.vals.Source, was, diags)
	}
	if diags.HasError() {
		return planRaw, false
	}
	if unlisted != nil && json.Unmarshal(unlisted, &c.unlisted) != nil {
		c.unlisted = nil
	}
	if !c.refuseDuplicates(diags) {
		return planRaw, false
	}
	c.keep()
	c.move()
	if c.userErr != nil {
		diags.AddAttributeError(path.Root("certifications"), "Cannot compare users",
			fmt.Sprintf("An entry's user_id is written in another form than before (an object id, a userPrincipalName or "+
				"\"me\"), and Graph could not be asked whether both name one user: %v. Nothing was planned, so nothing is "+
				"deleted or posted on a guess; plan again.", c.userErr))
		return planRaw, false
	}
	if !c.listAndAdopt(diags) {
		return planRaw, false
	}
	if !c.exclusive(diags) {
		return planRaw, false
	}
	if !c.withinDeletionLimit(diags) {
		return planRaw, false
	}
	v, err := plan.encode(ctx, plan.attrs["certifications"])
	if err != nil {
		diags.AddError("Cannot plan graph_person_certifications", err.Error())
		return planRaw, false
	}
	if len(plan.deletions) == 0 && plan.adoptions != nil && len(plan.adoptions) == 0 && (len(prior.deletions) > 0 || len(prior.adoptions) > 0) {
		// Nothing left to delete or adopt, and nothing else to do: the lists of what the
		// last apply did stay until the next refresh or change, or every plan after an
		// apply that skipped the refresh would show them going.
		plan.deletions, plan.adoptions = prior.deletions, prior.adoptions
		if kept, err := plan.encode(ctx, plan.attrs["certifications"]); err == nil && kept.Equal(priorRaw) {
			v = kept
		}
	}
	return v, true
}

// unknownPlan is the plan of certifications unknown until apply.
func unknownPlan(ctx context.Context, plan *bulkModel, diags *diag.Diagnostics) (tftypes.Value, bool) {
	objType := bulkObjectType(ctx)
	vals := attrValues(objType, plan.attrs)
	for _, k := range []string{"entries", "exclusive_deletions", "adoptions"} {
		vals[k] = tftypes.NewValue(objType.AttributeTypes[k], tftypes.UnknownValue)
	}
	if err := tftypes.ValidateValue(objType, vals); err != nil {
		diags.AddError("Cannot plan graph_person_certifications", err.Error())
		return tftypes.Value{}, false
	}
	return tftypes.NewValue(objType, vals), true
}

// planner works out one plan.
type planner struct {
	r           *Resource
	ctx         context.Context
	plan, prior *bulkModel
	// held maps each certification id an entry holds to that entry's key.
	held map[string]string
	// creates are the entries without a certification yet, sorted by key.
	creates []*entry
	// released are the prior entries whose certification no entry holds any longer.
	released []*entry
	// lists are the listed users' certifications, by user in lower case.
	lists map[string][]*graph.Certification
	// unlisted is what the refresh found that no entry holds, under exclusive; nil when it did not look.
	unlisted map[string]string
	// userErr: Graph could not say whether two forms of user_id name one user.
	userErr error
}

// identity is what makes two certifications of one user the same: the certification_id,
// or the display_name where there is none.
func identity(v *personcertification.Values) (string, bool) {
	switch {
	case v.CertificationID.IsUnknown() || v.DisplayName.IsUnknown():
		return "", false
	case !v.CertificationID.IsNull():
		return "id\x00" + v.CertificationID.ValueString(), true
	default:
		return "name\x00" + v.DisplayName.ValueString(), true
	}
}

func (c *planner) client() *graph.Client { return c.r.writer.Client }

// sameUser reports whether two user_id values name one user: letter case never matters,
// and two different forms (an object id, a userPrincipalName, "me") are asked of Graph,
// once per user and client.
// A user Graph could not be asked about fails the plan (userErr): guessing "another
// user" would delete and post, guessing "the same" could move a certification between people.
func (c *planner) sameUser(a, b string) bool {
	same, err := sameUser(c.ctx, c.client(), a, b)
	if err != nil && c.userErr == nil {
		c.userErr = fmt.Errorf("%q and %q: %w", a, b, err)
	}
	return same
}

func sameUser(ctx context.Context, client *graph.Client, a, b string) (bool, error) {
	if strings.EqualFold(a, b) {
		return true, nil
	}
	fa, fb := userForm(a), userForm(b)
	if client == nil || fa == fb {
		return false, nil // two object ids, or two userPrincipalNames, that differ
	}
	if fa == "upn" || fb == "upn" {
		// A userPrincipalName is never asked for: the other form is asked for its own.
		ua, err := client.UserPrincipalName(ctx, a)
		if err != nil {
			return false, userLookupError(err)
		}
		ub, err := client.UserPrincipalName(ctx, b)
		return err == nil && ua == ub, userLookupError(err)
	}
	ia, err := client.UserObjectID(ctx, a)
	if err != nil {
		return false, userLookupError(err)
	}
	ib, err := client.UserObjectID(ctx, b)
	return err == nil && ia == ib, userLookupError(err)
}

// userLookupError: a user that does not exist is simply not the other one.
func userLookupError(err error) error {
	if err == nil || graph.IsNotFound(err) {
		return nil
	}
	return err
}

// userKey is a user in one form for comparing within a group of users: the
// userPrincipalName where the group has one (an object id or "me" is asked for its own),
// else the object id; letter case never matters.
func userKey(ctx context.Context, client *graph.Client, u string, withUPNs bool) string {
	switch form := userForm(u); {
	case form == "upn" || client == nil:
		return strings.ToLower(u)
	case withUPNs:
		if upn, err := client.UserPrincipalName(ctx, u); err == nil {
			return upn
		}
	default:
		if id, err := client.UserObjectID(ctx, u); err == nil {
			return id
		}
	}
	return strings.ToLower(u)
}

func userForm(u string) string {
	switch {
	case strings.EqualFold(u, graph.Me):
		return "me"
	case graph.IsObjectID(u):
		return "id"
	}
	return "upn"
}

// refuseDuplicates refuses two entries of one user with one identity: both would post,
// and Graph would hold a twin. Users are compared in one form per group of entries that
// share an identity, so Graph is asked only where forms mix, and only for the object ids
// and "me" among them.
func (c *planner) refuseDuplicates(diags *diag.Diagnostics) bool {
	byIdentity := map[string][]*entry{}
	for _, e := range c.plan.entries {
		if id, ok := identity(&e.vals); ok && !e.user.IsUnknown() && !e.user.IsNull() {
			byIdentity[id] = append(byIdentity[id], e)
		}
	}
	ok := true
	for _, id := range sortedKeys(byIdentity) {
		group := byIdentity[id]
		if len(group) < 2 {
			continue
		}
		forms := map[string]bool{}
		for _, e := range group {
			forms[userForm(e.user.ValueString())] = true
		}
		first := map[string]*entry{}
		for _, e := range group {
			u := strings.ToLower(e.user.ValueString())
			if len(forms) > 1 {
				u = userKey(c.ctx, c.client(), e.user.ValueString(), forms["upn"])
			}
			f := first[u]
			if f == nil {
				first[u] = e
				continue
			}
			what := fmt.Sprintf("certification_id %q", e.vals.CertificationID.ValueString())
			if e.vals.CertificationID.IsNull() {
				what = fmt.Sprintf("display_name %q and no certification_id", e.vals.DisplayName.ValueString())
			}
			diags.AddAttributeError(path.Root("certifications").AtMapKey(e.key), "Duplicate certification",
				fmt.Sprintf("The entries %q and %q name one certification: the same user (%q, %q) and the same %s. "+
					"Graph would hold it twice. Keep one of the two entries (an HR export that lists a certification twice "+
					"needs its rows merged first).", f.key, e.key, f.user.ValueString(), e.user.ValueString(), what))
			ok = false
		}
	}
	return ok
}

// keep settles the entries that keep the certification their key holds (rule 1).
func (c *planner) keep() {
	sh := entryShapeOf(c.ctx)
	for _, e := range c.plan.entries {
		p, pc := c.prior.byKey[e.key], c.prior.computed[e.key]
		id := pc.ID()
		switch {
		case p == nil || id == "" || e.user.IsUnknown() || c.held[id] != "" ||
			!c.sameUser(p.user.ValueString(), e.user.ValueString()):
			c.creates = append(c.creates, e)
			continue
		case !e.known || !sh.sameWritable(&p.vals, &e.vals):
			c.plan.computed[e.key] = computedEntry{id: pc.id, created: pc.created, modified: unknownString}
		default:
			c.plan.computed[e.key] = pc
		}
		c.held[id] = e.key
	}
	for _, p := range c.prior.entries {
		if id := c.prior.computed[p.key].ID(); id != "" && c.held[id] == "" {
			c.released = append(c.released, p)
		}
	}
}

// move gives an added entry the certification of a removed one that matches it (rule 2).
func (c *planner) move() {
	sh := entryShapeOf(c.ctx)
	var rest []*entry
	for _, e := range c.creates {
		id, ok := identity(&e.vals)
		var from *entry
		if ok && !e.user.IsUnknown() {
			for _, p := range c.released {
				pid := c.prior.computed[p.key].ID()
				if c.held[pid] != "" {
					continue
				}
				if pi, _ := identity(&p.vals); pi == id && c.sameUser(p.user.ValueString(), e.user.ValueString()) {
					from = p
					break
				}
			}
		}
		if from == nil {
			rest = append(rest, e)
			continue
		}
		pc := c.prior.computed[from.key]
		if e.known && sh.sameWritable(&from.vals, &e.vals) {
			c.plan.computed[e.key] = pc
		} else {
			c.plan.computed[e.key] = computedEntry{id: pc.id, created: pc.created, modified: unknownString}
		}
		c.held[pc.ID()] = e.key
	}
	c.creates = rest
	var still []*entry
	for _, p := range c.released {
		if c.held[c.prior.computed[p.key].ID()] == "" {
			still = append(still, p)
		}
	}
	c.released = still
}

// listAndAdopt lists the users of the entries still without a certification (rule 3).
func (c *planner) listAndAdopt(diags *diag.Diagnostics) bool {
	for _, e := range c.creates {
		c.plan.computed[e.key] = unknownEntry
	}
	if c.client() == nil || len(c.creates) == 0 {
		if len(c.creates) > 0 && c.plan.adopt {
			c.plan.adoptions = nil // known after apply
		}
		return true
	}
	lists, failed := c.r.listUsers(c.ctx, usersOf(c.creates))
	c.lists = lists
	missing := map[string]bool{}
	for u, err := range failed {
		if graph.IsNotFound(err) {
			missing[u] = true
			delete(failed, u)
		}
	}
	if len(failed) > 0 {
		diags.Append(bulkError(personcertification.IdentityOf(c.client()), "planning", "users", failed, func(k string) string { return k }))
		return false
	}
	var waiting, rest []*entry
	for _, e := range c.creates {
		if missing[strings.ToLower(e.user.ValueString())] {
			waiting = append(waiting, e)
			continue
		}
		rest = append(rest, e)
	}
	if len(waiting) > 0 {
		keys := make([]string, len(waiting))
		for i, e := range waiting {
			keys[i] = e.key
		}
		if c.plan.failMissing {
			diags.AddAttributeError(path.Root("certifications"), "Users not found",
				fmt.Sprintf("Graph has no user for %d entries: %s (Graph answered 404 Not Found when their certifications were "+
					"listed). Check each user_id, or wait until the users exist; with missing_users = \"wait\" these entries would "+
					"wait and everyone else's certifications would go through.", len(keys), keyList(keys)))
			return false
		}
		diags.AddWarning("Entries wait for their users",
			fmt.Sprintf("Graph has no user for %d entries yet: %s. They are planned as pending (their entries[key].id stays null), "+
				"nothing is written for them, and every later plan tries again until the user exists. If a user_id is wrong, "+
				"correct it; set missing_users = \"fail\" to make this an error.", len(keys), keyList(keys)))
		for _, e := range waiting {
			c.plan.computed[e.key] = pendingEntry
		}
	}
	c.creates = rest
	if !c.plan.adopt || len(c.creates) == 0 {
		return true
	}
	taken := map[string]bool{}
	for id := range c.held {
		taken[id] = true
	}
	adopted, _ := adoptions(c.creates, lists, taken)
	var shown []string
	for _, e := range c.creates {
		a := adopted[e.key]
		if a == nil {
			continue
		}
		id := graph.Deref(a.GetId())
		c.held[id] = e.key
		shown = append(shown, fmt.Sprintf("%q adopts %s", e.key, adoptionText(c.ctx, id, a, &e.vals)))
	}
	// What the apply adopts is known after it: it lists the users again, and the plan it
	// makes again at apply time must equal this one whatever Graph does in between. The
	// plan names each adoption and what it changes here.
	c.plan.adoptions = nil
	if len(shown) > 0 {
		const most = 20
		more := ""
		if len(shown) > most {
			more = fmt.Sprintf("\n(and %d more)", len(shown)-most)
			shown = shown[:most]
		}
		diags.AddWarning("Certifications already in Graph will be adopted",
			"These entries take over a certification Graph already holds, and the apply changes it to the configuration "+
				"(after the apply, adoptions records what was adopted):\n"+strings.Join(shown, "\n")+more)
	}
	return true
}

// adoptionText says what adopting c for an entry does: its id and each field it changes or clears.
func adoptionText(ctx context.Context, id string, c *graph.Certification, want *personcertification.Values) string {
	var have personcertification.Values
	_ = personcertification.Flatten(ctx, c, &have)
	var changes, clears []string
	sh := entryShapeOf(ctx)
	for _, f := range personcertification.Fields {
		if _, ok := sh.byName[f.Name]; !ok {
			continue
		}
		w, h := f.Get(want), f.Get(&have)
		if w.IsUnknown() || personcertification.SameAsGraph(w, h) {
			continue
		}
		if w.IsNull() {
			clears = append(clears, f.Name)
		} else {
			changes = append(changes, f.Name)
		}
	}
	s := id + ": "
	switch {
	case len(changes) == 0 && len(clears) == 0:
		s += "no change"
	case len(clears) == 0:
		s += "changes " + strings.Join(changes, ", ")
	case len(changes) == 0:
		s += "clears " + strings.Join(clears, ", ")
	default:
		s += "changes " + strings.Join(changes, ", ") + "; clears " + strings.Join(clears, ", ")
	}
	return s
}

// exclusive lists what exclusive deletes. For users the refresh already listed, that is
// what it found unlisted (kept in private state), less what entries now hold: so the plan
// that the apply makes again from the same prior state (a saved plan's too) is the same
// plan, and what appears in Graph after the plan is spared. Users new to the resource are
// listed.
func (c *planner) exclusive(diags *diag.Diagnostics) bool {
	c.plan.deletions = map[string]string{}
	if !c.plan.exclusive || c.client() == nil {
		return true
	}
	known := map[string]bool{}
	if c.unlisted != nil {
		for _, p := range c.prior.entries {
			if !c.prior.computed[p.key].pending() {
				known[strings.ToLower(p.user.ValueString())] = true
			}
		}
	}
	inPlan := map[string]string{}
	for _, e := range c.plan.entries {
		if !c.plan.computed[e.key].pending() && !e.user.IsUnknown() {
			inPlan[strings.ToLower(e.user.ValueString())] = e.user.ValueString()
		}
	}
	for k, name := range c.unlisted {
		user, id, _ := strings.Cut(k, "/")
		if u, ok := inPlan[strings.ToLower(user)]; ok && known[strings.ToLower(user)] && c.held[id] == "" {
			c.plan.deletions[u+"/"+id] = name
		}
	}
	var fresh []string
	for lu, u := range inPlan {
		if !known[lu] {
			if _, listed := c.lists[lu]; !listed {
				fresh = append(fresh, u)
			}
		}
	}
	sort.Strings(fresh)
	lists, failed := c.r.listUsers(c.ctx, fresh)
	if len(failed) > 0 {
		diags.Append(bulkError(personcertification.IdentityOf(c.client()), "planning", "users", failed, func(k string) string { return k }))
		return false
	}
	for lu, l := range c.lists {
		if inPlan[lu] != "" && !known[lu] {
			lists[lu] = l
		}
	}
	held := map[string]bool{}
	for id := range c.held {
		held[id] = true
	}
	ids := map[string]bool{}
	for k := range c.plan.deletions {
		_, id, _ := strings.Cut(k, "/")
		ids[id] = true
	}
	for k, name := range unlistedOf(c.plan.entries, lists, held) {
		if _, id, _ := strings.Cut(k, "/"); !ids[id] {
			c.plan.deletions[k] = name
		}
	}
	return true
}

// withinDeletionLimit refuses a plan that deletes more than max_deletions allows.
func (c *planner) withinDeletionLimit(diags *diag.Diagnostics) bool {
	deleting := len(c.plan.deletions)
	if !c.plan.retain {
		deleting += len(c.released)
	}
	if deleting == 0 {
		return true
	}
	size := max(len(c.prior.computed), len(c.plan.entries))
	limit, why := int64(max(1, size/10)), fmt.Sprintf("the default: 10%% of the %d certifications this resource holds or will hold, at least 1", size)
	if c.plan.maxDeletions != nil {
		limit, why = *c.plan.maxDeletions, "max_deletions"
	}
	if int64(deleting) <= limit {
		return true
	}
	var keys []string
	if !c.plan.retain {
		for _, p := range c.released {
			keys = append(keys, p.key)
		}
	}
	detail := fmt.Sprintf("This plan deletes %d certifications from Graph, more than the limit of %d (%s):", deleting, limit, why)
	if len(keys) > 0 {
		detail += fmt.Sprintf("\n- %d removed entries, or entries moved to another user: %s", len(keys), keyList(keys))
	}
	if n := len(c.plan.deletions); n > 0 {
		detail += fmt.Sprintf("\n- %d certifications that exclusive deletes: %s", n, keyList(sortedKeys(c.plan.deletions)))
	}
	detail += fmt.Sprintf("\n\nIf the configuration is wrong (an empty export, a filter, renamed keys that match nothing), correct it. "+
		"If these deletions are intended, set max_deletions = %d (or more) for this apply. To let entries go without deleting "+
		"their certifications, set retain_removed = true.", deleting)
	diags.AddAttributeError(path.Root("certifications"), "Too many deletions", detail)
	return false
}
