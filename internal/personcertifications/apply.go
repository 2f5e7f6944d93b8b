package personcertifications

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
	"github.com/graphprofile/terraform-provider-graph/internal/wait"
)

// How an apply of graph_person_certifications goes, entry by entry. It follows the plan
// (plan.go): an entry whose planned id is known keeps, or takes over by a
// move, exactly that certification; one whose id is unknown is created or adopts; a
// pending one (id null) waits for its user.
//
//  1. Users with entries to create are listed (batched), to adopt what Graph holds.
//  2. Deletes: certifications no entry holds any longer (removed entries, the old side of
//     an entry moved to another user) unless retain_removed, and with exclusive the
//     certifications the plan listed (batched). A certification an entry holds, adopts,
//     or another graph_person_certifications of this run holds, is never deleted.
//  3. PATCHes: changed entries and moves (only what changed) and adopted certifications
//     (only what differs from the configuration).
//  4. Creates, 20 to a $batch; a create whose answer was lost is searched for and adopted
//     before it is ever posted again (resource_reconcile.go), so no twin is left.
//
// Whatever fails, the state written holds what Graph holds for every entry: created
// ones with their ids, failed ones as they were, so the next apply does only the rest.

// create applies the first plan. The state it returns is what Graph holds; a zero value
// when nothing could be done.
func (r *Resource) create(ctx context.Context, planRaw tftypes.Value, diags *diag.Diagnostics) tftypes.Value {
	plan, ok := decodeBulk(ctx, planRaw, diags)
	if !ok || diags.HasError() {
		return tftypes.Value{}
	}
	d, dd := plan.timeouts.Create(ctx, defaultBulkWriteTimeout)
	diags.Append(dd...)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	prior := &bulkModel{byKey: map[string]*entry{}, computed: map[string]computedEntry{}}
	state, more := r.apply(ctx, prior, plan)
	if more.HasError() && plan.adopt {
		// Terraform taints an object whose create returned an error, and the next apply
		// would replace it: delete every certification and post them again. So nothing is
		// kept: what this apply created stays in Graph, and the next apply adopts it. It
		// finds them by listing, so they are first waited for in the lists (replication
		// lag): a run that retries at once must not miss one and post a twin.
		if kept, ok := decodeBulk(ctx, state, nil); ok {
			if missing := r.awaitListed(ctx, kept); len(missing) > 0 {
				more.AddWarning("Certifications not yet listed by Graph",
					fmt.Sprintf("Graph does not list %s yet, moments after creating them. Wait a minute before the next apply, "+
						"so that it adopts them instead of creating them again.", keyList(missing)))
			}
		}
		more.AddError("The first apply of this resource did not finish",
			"Nothing of this resource is kept in the state, so that Terraform does not taint it (a tainted object is replaced: "+
				"every certification would be deleted and posted again). The certifications created so far stay in Graph, and the "+
				"next apply adopts them (adopt_existing) and creates only what is missing: correct what the errors above name, or "+
				"simply apply again.")
		diags.Append(more...)
		return tftypes.NewValue(bulkObjectType(ctx), nil)
	}
	if more.HasError() {
		more.AddError("The first apply of this resource did not finish",
			"Terraform marks a resource whose creation returned an error as tainted, and would replace it: delete every "+
				"certification it holds and create them again. The state holds every certification created so far, so instead run "+
				"`terraform untaint` on this resource (for example `terraform untaint graph_person_certifications.hr`) and apply "+
				"again: that apply creates only what is missing.")
	}
	diags.Append(more...)
	return state
}

// update applies a plan to a prior state.
func (r *Resource) update(ctx context.Context, priorRaw, planRaw tftypes.Value, diags *diag.Diagnostics) tftypes.Value {
	plan, ok := decodeBulk(ctx, planRaw, diags)
	if !ok || diags.HasError() {
		return priorRaw // nothing was done: the state stays as it was
	}
	prior, _ := decodeBulk(ctx, priorRaw, nil)
	d, dd := plan.timeouts.Update(ctx, defaultBulkWriteTimeout)
	diags.Append(dd...)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	state, more := r.apply(ctx, prior, plan)
	diags.Append(more...)
	return state
}

// destroy deletes every entry; what could not be deleted stays in the state it returns
// (a null state when everything went).
func (r *Resource) destroy(ctx context.Context, priorRaw tftypes.Value, diags *diag.Diagnostics) tftypes.Value {
	prior, ok := decodeBulk(ctx, priorRaw, nil)
	if !ok {
		return tftypes.Value{}
	}
	d, dd := prior.timeouts.Delete(ctx, defaultBulkWriteTimeout)
	diags.Append(dd...)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	failed := map[string]error{}
	var mu sync.Mutex
	owner := ownerOf(prior)
	var spared []string
	wait.Each(bulkWorkers, len(prior.entries), func(i int) {
		e := prior.entries[i]
		id := prior.computed[e.key].ID()
		if id == "" {
			return
		}
		if r.writer.Client.HeldByOther(owner, id) {
			mu.Lock()
			spared = append(spared, e.key)
			mu.Unlock()
			return
		}
		if err := r.writer.Client.DeleteCertification(ctx, e.user.ValueString(), id); err != nil && !graph.IsNotFound(err) {
			mu.Lock()
			failed[e.key] = err
			mu.Unlock()
		}
	})
	if len(spared) > 0 {
		diags.AddWarning("Certifications left to their new holder",
			fmt.Sprintf("%s were not deleted: another graph_person_certifications of this apply holds them now (a replacement "+
				"with create_before_destroy adopted them).", keyList(spared)))
	}
	if len(failed) == 0 {
		return tftypes.NewValue(bulkObjectType(ctx), nil)
	}
	// Keep exactly the entries that are still in Graph.
	raws := map[string]tftypes.Value{}
	for k := range prior.computed {
		if _, f := failed[k]; !f {
			delete(prior.computed, k)
		}
	}
	for _, e := range prior.entries {
		if _, f := failed[e.key]; f {
			raws[e.key] = e.raw
		}
	}
	prior.deletions = map[string]string{}
	diags.Append(bulkError(personcertification.IdentityOf(r.writer.Client), "deleting", "certifications", failed, userOfKey(prior)))
	v, err := prior.encode(ctx, encodeEntries(raws, prior.wasMap))
	if err != nil {
		return priorRaw
	}
	return v
}

func userOfKey(m *bulkModel) func(string) string {
	return func(k string) string {
		if e := m.byKey[k]; e != nil {
			return e.user.ValueString()
		}
		if u, _, ok := strings.Cut(k, "/"); ok {
			return u
		}
		return k
	}
}

// outcome is what became of one planned entry.
type outcome struct {
	cert *graph.Certification // Graph's answer: created, adopted or updated
	err  error
	// unchanged: nothing was sent, Graph holds the entry as its computed values say.
	unchanged bool
	// gone: Graph answered 404 for the certification the entry held; it is not in state.
	gone bool
}

// ownerOf is the resource instance's id, which holds its certifications in this process.
func ownerOf(m *bulkModel) string {
	var s string
	if v := m.attrs["id"]; v.Type() != nil && v.IsKnown() && !v.IsNull() {
		_ = v.As(&s)
	}
	return s
}

func (r *Resource) apply(ctx context.Context, prior, plan *bulkModel) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	start := time.Now()
	if ownerOf(plan) == "" {
		plan.attrs = copyAttrs(plan.attrs)
		plan.attrs["id"] = tftypes.NewValue(tftypes.String, randomID())
	}
	owner := ownerOf(plan)
	client := r.writer.Client
	priorByID := map[string]*entry{}
	for _, p := range prior.entries {
		if id := prior.computed[p.key].ID(); id != "" {
			priorByID[id] = p
		}
	}
	held := map[string]bool{} // ids that entries keep, take over or adopt
	var creates []*entry
	type patchJob struct {
		e    *entry
		id   string
		from *entry // the entry as Graph holds it
	}
	var patches []patchJob
	out := map[string]outcome{}
	var mu sync.Mutex
	record := func(key string, o outcome) {
		mu.Lock()
		out[key] = o
		mu.Unlock()
	}
	sh := entryShapeOf(ctx)
	for _, e := range plan.entries {
		pc := plan.computed[e.key]
		id := pc.ID()
		from := priorByID[id]
		switch {
		case pc.pending():
		case id == "" || from == nil:
			creates = append(creates, e)
		default:
			held[id] = true
			client.Hold(owner, id)
			if sh.sameWritable(&from.vals, &e.vals) {
				record(e.key, outcome{unchanged: true})
			} else {
				patches = append(patches, patchJob{e: e, id: id, from: from})
			}
		}
	}

	// 1. Adoption: what Graph holds for the users with entries to create.
	adopted := map[string]*graph.Certification{}
	adoptedText := map[string]string{}
	if plan.adopt && len(creates) > 0 {
		lists, failed := r.listUsers(ctx, usersOf(creates))
		var remaining []*entry
		for _, e := range creates {
			if err, bad := failed[strings.ToLower(e.user.ValueString())]; bad {
				record(e.key, outcome{err: err})
				continue
			}
			remaining = append(remaining, e)
		}
		creates = remaining
		var others []string
		adopted, others = adoptions(creates, lists, held)
		for _, e := range creates {
			if c := adopted[e.key]; c != nil {
				held[graph.Deref(c.GetId())] = true // adopted: kept, as the plan counted it
				client.Hold(owner, graph.Deref(c.GetId()))
				adoptedText[e.key] = adoptionText(ctx, graph.Deref(c.GetId()), c, &e.vals)
			}
		}
		if len(others) > 0 {
			diags.AddWarning("Several certifications matched an entry",
				"Graph holds more than one certification that an entry could adopt. The oldest was adopted; these were left "+
					"alone (delete them in Graph, or add entries for them): "+strings.Join(others, "; ")+".")
		}
	}

	// 2. Deletes. Nothing an entry holds or adopts, or another resource of this run holds, is deleted.
	var deletes []deleteJob
	for _, p := range prior.entries {
		id := prior.computed[p.key].ID()
		if id == "" || held[id] || plan.retain {
			continue
		}
		deletes = append(deletes, deleteJob{key: p.key, user: p.user.ValueString(), id: id, moving: plan.byKey[p.key] != nil})
	}
	for k := range plan.deletions {
		user, id, _ := strings.Cut(k, "/")
		if held[id] {
			continue
		}
		deletes = append(deletes, deleteJob{key: k, user: user, id: id, exclusive: true})
	}
	delErr := map[string]error{}
	var spared []string
	wait.Each(bulkWorkers, len(deletes), func(i int) {
		j := deletes[i]
		if client.HeldByOther(owner, j.id) {
			mu.Lock()
			spared = append(spared, j.key)
			mu.Unlock()
			return
		}
		if err := client.DeleteCertification(ctx, j.user, j.id); err != nil && !graph.IsNotFound(err) {
			mu.Lock()
			delErr[j.key] = err
			mu.Unlock()
		}
	})
	if len(spared) > 0 {
		diags.AddWarning("Certifications left to their new holder",
			fmt.Sprintf("%s were not deleted: another graph_person_certifications of this apply holds them now.", keyList(spared)))
	}
	movingFailed := map[string]bool{}
	for _, j := range deletes {
		if _, f := delErr[j.key]; f && j.moving {
			movingFailed[j.key] = true
		}
	}

	// 3. PATCHes of changed entries, moves and adopted certifications.
	var posts []*entry
	for _, e := range creates {
		if movingFailed[e.key] {
			continue // the old certification is still there; nothing more this time
		}
		if c := adopted[e.key]; c != nil {
			have := &entry{key: e.key, user: e.user}
			_ = personcertification.Flatten(ctx, c, &have.vals)
			patches = append(patches, patchJob{e: e, id: graph.Deref(c.GetId()), from: have})
			continue
		}
		posts = append(posts, e)
	}
	wait.Each(bulkWorkers, len(patches), func(i int) {
		j := patches[i]
		body, d := personcertification.ExpandChanges(ctx, &j.e.vals, &j.from.vals)
		if d.HasError() {
			record(j.e.key, outcome{err: errors.New(diagText(d))})
			return
		}
		user := j.e.user.ValueString()
		if !personcertification.HasChanges(body) {
			// Nothing for Graph (an adopted certification as configured, or only the form
			// of user_id changed): no request.
			record(j.e.key, outcome{cert: adopted[j.e.key], unchanged: adopted[j.e.key] == nil})
			return
		}
		got, err := client.UpdateCertification(ctx, user, j.id, body)
		if err == nil {
			got = r.writer.AwaitUpdated(ctx, user, j.id, &j.e.vals, got)
		}
		record(j.e.key, outcome{cert: got, err: err, gone: graph.IsNotFound(err)})
	})

	// 4. Creates.
	reqs := make([]graph.CreateRequest, 0, len(posts))
	var sent []*entry
	for _, e := range posts {
		body, d := personcertification.Expand(ctx, &e.vals)
		if d.HasError() {
			record(e.key, outcome{err: errors.New(diagText(d))})
			continue
		}
		sent = append(sent, e)
		reqs = append(reqs, graph.CreateRequest{UserID: e.user.ValueString(), Body: body})
	}
	results := client.CreateCertifications(ctx, reqs)
	for _, res := range results {
		if res.Cert != nil && res.Cert.GetId() != nil {
			client.Claim(*res.Cert.GetId())
			client.Hold(owner, *res.Cert.GetId())
		}
	}
	wait.Each(bulkWorkers, len(sent), func(i int) {
		e, res := sent[i], results[i]
		switch {
		case res.Cert != nil:
			record(e.key, outcome{cert: res.Cert})
		case !res.Lost:
			record(e.key, outcome{err: res.Err})
		default:
			c, d, err := r.recoverLost(ctx, e, reqs[i].Body, res.Err, start)
			if c != nil && c.GetId() != nil {
				client.Hold(owner, *c.GetId())
			}
			mu.Lock()
			diags.Append(d...)
			mu.Unlock()
			record(e.key, outcome{cert: c, err: err})
		}
	})

	if plan.adoptions == nil {
		plan.adoptions = adoptedText
	}
	return r.result(ctx, prior, plan, priorByID, out, delErr, movingFailed, diags)
}

type deleteJob struct {
	key, user, id     string
	moving, exclusive bool
}

// recoverLost finds a certification whose create answer was lost, or creates it anew
// with the single resource's guarantee (createOrAdopt): never a twin.
func (r *Resource) recoverLost(ctx context.Context, e *entry, body personcertification.Body, lost error, start time.Time) (*graph.Certification, diag.Diagnostics, error) {
	user := e.user.ValueString()
	var de *graph.DecodeError
	if errors.As(lost, &de) && de.ID != "" {
		rctx, cancel := personcertification.ReconcileContext(ctx)
		defer cancel()
		r.writer.Client.Claim(de.ID)
		got, err := r.writer.ReadBack(rctx, user, de.ID)
		return got, nil, err
	}
	found, err := r.writer.FindCreated(ctx, user, &e.vals, start)
	if found != nil {
		return found, nil, nil
	}
	if err != nil {
		//nolint:errorlint // err is context only: the failure is classified by lost
		return nil, nil, fmt.Errorf("%w; looking for the certification afterwards also failed: %v", lost, err)
	}
	if ctx.Err() != nil {
		return nil, nil, lost
	}
	return r.writer.CreateOrAdopt(ctx, user, body, &e.vals)
}

// adoptions picks, for every entry to create, the oldest unheld certification of its user
// with its certification_id (without one: its display_name). others names the further
// candidates, which are left alone.
func adoptions(creates []*entry, lists map[string][]*graph.Certification, held map[string]bool) (map[string]*graph.Certification, []string) {
	adopted := map[string]*graph.Certification{}
	taken := map[string]bool{}
	var others []string
	for _, e := range creates { // sorted by key: a stable choice between equal entries
		list := lists[strings.ToLower(e.user.ValueString())]
		graph.SortByCreated(list)
		var match []*graph.Certification
		for _, c := range list {
			id := graph.Deref(c.GetId())
			if id == "" || held[id] || taken[id] {
				continue
			}
			if e.vals.CertificationID.IsNull() {
				if c.GetCertificationId() == nil && graph.Deref(c.GetDisplayName()) == e.vals.DisplayName.ValueString() {
					match = append(match, c)
				}
			} else if graph.Deref(c.GetCertificationId()) == e.vals.CertificationID.ValueString() {
				match = append(match, c)
			}
		}
		if len(match) == 0 {
			continue
		}
		adopted[e.key] = match[0]
		taken[graph.Deref(match[0].GetId())] = true
		if len(match) > 1 {
			var ids []string
			for _, c := range match[1:] {
				ids = append(ids, graph.Deref(c.GetId()))
			}
			others = append(others, fmt.Sprintf("%q adopted %s; not %s", e.key, graph.Deref(match[0].GetId()), strings.Join(ids, ", ")))
		}
	}
	return adopted, others
}

// result writes the state after an apply: on success exactly the plan with its
// computed values filled in; after a failure, what Graph holds for every entry.
func (r *Resource) result(ctx context.Context, prior, plan *bulkModel, priorByID map[string]*entry,
	out map[string]outcome, delErr map[string]error, movingFailed map[string]bool, diags diag.Diagnostics,
) (tftypes.Value, diag.Diagnostics) {
	failed := map[string]error{}
	for k, err := range delErr {
		failed[k] = err
	}
	st := &bulkModel{attrs: plan.attrs, wasMap: plan.wasMap, computed: map[string]computedEntry{}, deletions: map[string]string{},
		adoptions: plan.adoptions, adopt: plan.adopt, exclusive: plan.exclusive, retain: plan.retain,
		failMissing: plan.failMissing, maxDeletions: plan.maxDeletions, byKey: plan.byKey}
	raws := map[string]tftypes.Value{}
	var differ, gone []string
	var flat diag.Diagnostics
	for _, e := range plan.entries {
		p := prior.byKey[e.key]
		pc := plan.computed[e.key]
		o, touched := out[e.key]
		switch {
		case pc.pending():
			raws[e.key], st.computed[e.key] = e.raw, pendingEntry
		case movingFailed[e.key]:
			raws[e.key], st.computed[e.key] = p.raw, prior.computed[e.key]
		case !touched, o.unchanged:
			raws[e.key], st.computed[e.key] = e.raw, pc
			if from := priorByID[pc.ID()]; from != nil && !pc.modified.IsKnown() {
				st.computed[e.key] = prior.computed[from.key]
			}
		case o.err != nil:
			failed[e.key] = o.err
			if o.gone {
				gone = append(gone, e.key)
			} else if from := priorByID[pc.ID()]; from != nil && pc.ID() != "" {
				// Held as Graph still holds it, under the key that holds it now.
				raws[e.key], st.computed[e.key] = from.raw, prior.computed[from.key]
			}
		default:
			raws[e.key] = e.raw
			st.computed[e.key] = computedFrom(o.cert)
			var got personcertification.Values
			flat.Append(personcertification.Flatten(ctx, o.cert, &got)...)
			if o.cert.AudiencesUnreadable {
				got.AllowedAudiences = e.vals.AllowedAudiences
			}
			if len(personcertification.Differences(&e.vals, &got)) > 0 {
				differ = append(differ, e.key)
			}
		}
	}
	for _, p := range prior.entries {
		if plan.byKey[p.key] == nil {
			if _, f := delErr[p.key]; f {
				raws[p.key], st.computed[p.key] = p.raw, prior.computed[p.key]
			}
		}
	}
	for k, name := range plan.deletions {
		if _, f := delErr[k]; f {
			st.deletions[k] = name
		}
	}
	diags.Append(dedupeWarnings(flat)...)
	if len(differ) > 0 {
		diags.AddWarning("Graph answered with other values than were sent",
			fmt.Sprintf("After the write Graph still returned different values for %s. The configured values are kept in state; the next plan reads Graph again and shows any real difference.", keyList(differ)))
	}
	if len(gone) > 0 {
		diags.AddWarning("Certifications deleted in Graph during the apply",
			fmt.Sprintf("Graph answered 404 Not Found for the certifications of %s: someone deleted them after the plan. They "+
				"are not in the state, and the next apply creates them again.", keyList(gone)))
	}
	certs := plan.attrs["certifications"]
	if len(failed) > 0 {
		certs = encodeEntries(raws, plan.wasMap)
		diags.Append(bulkError(personcertification.IdentityOf(r.writer.Client), "applying", "certifications", failed, userOfKey(plan)))
	} else {
		st.deletions = plan.deletions
	}
	v, err := st.encode(ctx, certs)
	if err != nil {
		diags.AddError("Cannot write the state", err.Error())
		return tftypes.Value{}, diags
	}
	return v, diags
}

func copyAttrs(m map[string]tftypes.Value) map[string]tftypes.Value {
	out := make(map[string]tftypes.Value, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
