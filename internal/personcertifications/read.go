package personcertifications

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
	"github.com/graphprofile/terraform-provider-graph/internal/wait"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// users lists the distinct users of entries (letter case does not matter), in the
// form first written.
func usersOf(entries []*entry) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		u := e.user.ValueString()
		if e.user.IsUnknown() || e.user.IsNull() || seen[strings.ToLower(u)] {
			continue
		}
		seen[strings.ToLower(u)] = true
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// listUsers lists every user's certifications concurrently, by user in lower case; the
// client batches the lists and shares one taken moments ago (ListCertificationsShared).
func (r *Resource) listUsers(ctx context.Context, users []string) (map[string][]*graph.Certification, map[string]error) {
	return listEach(users, func(u string) ([]*graph.Certification, error) {
		return r.writer.Client.ListCertificationsShared(ctx, u)
	})
}

// listEach runs list for every user concurrently: the lists by user in lower case, and
// the errors of those that failed.
func listEach(users []string, list func(user string) ([]*graph.Certification, error)) (map[string][]*graph.Certification, map[string]error) {
	lists := make([][]*graph.Certification, len(users))
	errs := make([]error, len(users))
	wait.Each(bulkWorkers, len(users), func(i int) {
		lists[i], errs[i] = list(users[i])
	})
	out := make(map[string][]*graph.Certification, len(users))
	failed := map[string]error{}
	for i, u := range users {
		if errs[i] != nil {
			failed[strings.ToLower(u)] = errs[i]
			continue
		}
		out[strings.ToLower(u)] = lists[i]
	}
	return out, failed
}

// privateUnlistedKey holds, in private state, what a refresh under exclusive found that no
// entry holds: the plan deletes it (less what entries take over), so the plan that the
// apply makes again from the same prior state is the same plan, whatever Graph does in
// between.
const privateUnlistedKey = "unlisted"

func unlistedJSON(m map[string]string) []byte {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m)
	return b
}

// read refreshes a state: changed is false when Graph holds what it says, allSeen when no
// entry was missing from the lists. since and recent tell when the last apply wrote.
//
// unlisted is, under exclusive, what the lists hold that no entry does (for private
// state, as JSON); nil otherwise.
func (r *Resource) read(ctx context.Context, raw tftypes.Value, since time.Duration, recent bool, diags *diag.Diagnostics) (_ tftypes.Value, changed, allSeen bool, unlisted []byte) {
	m, ok := decodeBulk(ctx, raw, nil)
	if !ok {
		return raw, false, false, nil
	}
	d, dd := m.timeouts.Read(ctx, defaultBulkReadTimeout)
	diags.Append(dd...)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()

	// Pending entries (their user did not exist at the last plan) hold nothing to read.
	var holding []*entry
	for _, e := range m.entries {
		if !m.computed[e.key].pending() {
			holding = append(holding, e)
		}
	}
	lists, failed := r.listUsers(ctx, usersOf(holding))
	if len(failed) > 0 {
		diags.Append(bulkError(personcertification.IdentityOf(r.writer.Client), "reading", "users", failed, func(k string) string { return k }))
		return raw, false, false, nil
	}
	byID := map[string]*graph.Certification{}
	for _, l := range lists {
		for _, c := range l {
			byID[graph.Deref(c.GetId())] = c
		}
	}
	raws := make(map[string]tftypes.Value, len(m.entries))
	var gone []string
	var flat diag.Diagnostics
	sh := entryShapeOf(ctx)
	claimed := map[string]bool{}
	// An entry missing from its user's list is asked for directly; one written by the last
	// apply moments ago is waited for through Graph's replication lag, as
	// graph_person_certification does, before it counts as deleted.
	var missing []*entry
	for _, e := range m.entries {
		if id := m.computed[e.key].ID(); id != "" && byID[id] == nil {
			missing = append(missing, e)
		}
	}
	recent = recent && since < personcertification.ConsistencyWindow
	var readErr error
	var mu sync.Mutex
	wait.Each(bulkWorkers, len(missing), func(i int) {
		e := missing[i]
		user, id := e.user.ValueString(), m.computed[e.key].ID()
		got, err := r.writer.Client.GetCertification(ctx, user, id)
		if graph.IsNotFound(err) && recent {
			got, err = r.writer.AwaitVisible(ctx, user, id, personcertification.ConsistencyWindow-since)
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			byID[id] = got
		case !graph.IsNotFound(err) && readErr == nil:
			readErr = err
		}
	})
	if readErr != nil {
		diags.Append(personcertification.ErrorDiagAs(personcertification.IdentityOf(r.writer.Client), "reading", "", readErr))
		return raw, false, false, nil
	}
	allSeen = len(missing) == 0
	for _, e := range m.entries {
		if m.computed[e.key].pending() {
			raws[e.key] = e.raw
			continue
		}
		id := m.computed[e.key].ID()
		c := byID[id]
		if c == nil {
			gone = append(gone, e.key)
			delete(m.computed, e.key)
			changed = true
			continue
		}
		claimed[id] = true
		var got personcertification.Values
		flat.Append(personcertification.Flatten(ctx, c, &got)...)
		if c.AudiencesUnreadable {
			got.AllowedAudiences = e.vals.AllowedAudiences
		}
		raw := e.raw
		if !entryShapeOf(ctx).sameWritable(&e.vals, &got) {
			v, err := sh.rewriteEntry(ctx, e, &got)
			if err != nil {
				diags.AddError("Cannot record a certification's drift", err.Error())
				return raw, false, false, nil
			}
			raw, changed = v, true
		}
		raws[e.key] = raw
		if nc := computedFrom(c); !nc.value().Equal(m.computed[e.key].value()) {
			m.computed[e.key] = nc
			changed = true
		}
	}
	diags.Append(dedupeWarnings(flat)...)
	if len(gone) > 0 {
		diags.AddWarning("Certifications no longer in Graph",
			fmt.Sprintf("%s no longer exist in Graph; they were removed from the state and the plan creates them again.", keyList(gone)))
	}
	if m.exclusive {
		unlisted = unlistedJSON(unlistedOf(m.entries, lists, claimed))
	}
	if len(m.deletions) > 0 {
		m.deletions, changed = map[string]string{}, true // what the last apply deleted, shown once
	}
	if len(m.adoptions) > 0 {
		m.adoptions, changed = map[string]string{}, true // what the last apply adopted, shown once
	}
	if !changed {
		return raw, false, allSeen, unlisted
	}
	v, err := m.encode(ctx, encodeEntries(raws, m.wasMap))
	if err != nil {
		diags.AddError("Cannot write the refreshed state", err.Error())
		return raw, false, allSeen, unlisted
	}
	return v, true, allSeen, unlisted
}

// unlistedOf is what exclusive deletes: every listed certification that no entry holds,
// each once (a user written in two forms is listed twice), keyed "<user_id>/<id>" with
// the user as the entries write it.
func unlistedOf(entries []*entry, lists map[string][]*graph.Certification, held map[string]bool) map[string]string {
	out := map[string]string{}
	users := map[string]string{}
	for _, e := range entries {
		users[strings.ToLower(e.user.ValueString())] = e.user.ValueString()
	}
	seen := map[string]bool{}
	for _, lu := range sortedKeys(lists) {
		for _, c := range lists[lu] {
			if id := graph.Deref(c.GetId()); id != "" && !held[id] && !seen[id] {
				seen[id] = true
				out[users[lu]+"/"+id] = graph.Deref(c.GetDisplayName())
			}
		}
	}
	return out
}

// awaitListed waits, up to personcertification.ConsistencyWindow, until every certification m holds is in
// its user's list, and returns the keys of those that are still not.
func (r *Resource) awaitListed(ctx context.Context, m *bulkModel) []string {
	want := map[string]map[string]string{} // user in lower case -> id -> key
	users := map[string]string{}
	for _, e := range m.entries {
		if id := m.computed[e.key].ID(); id != "" {
			lu := strings.ToLower(e.user.ValueString())
			if want[lu] == nil {
				want[lu] = map[string]string{}
			}
			want[lu][id] = e.key
			users[lu] = e.user.ValueString()
		}
	}
	deadline := time.Now().Add(personcertification.ConsistencyWindow)
	for round := 0; len(want) > 0 && time.Now().Before(deadline) && ctx.Err() == nil; round++ {
		if round > 0 {
			time.Sleep(time.Second)
		}
		var names []string
		for lu := range want {
			names = append(names, users[lu])
		}
		lists, _ := listEach(names, func(u string) ([]*graph.Certification, error) {
			return r.writer.Client.ListCertifications(ctx, u, graph.ListFilter{}) // fresh, never shared
		})
		for lu, l := range lists {
			for _, c := range l {
				delete(want[lu], graph.Deref(c.GetId()))
			}
			if len(want[lu]) == 0 {
				delete(want, lu)
			}
		}
	}
	var missing []string
	for _, ids := range want {
		for _, k := range ids {
			missing = append(missing, k)
		}
	}
	return missing
}
