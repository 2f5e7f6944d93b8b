package personcertifications

import (
	"context"
	"fmt"
	"strings"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func (r *Resource) importUsers(ctx context.Context, id string, diags *diag.Diagnostics) (tftypes.Value, bool) {
	if strings.TrimSpace(id) == "" {
		diags.AddError("Import needs a list of users",
			"graph_person_certifications is imported by a comma-separated list of users, for example "+
				"\"megan.bowen@contoso.com,me\"; it has no resource identity.")
		return tftypes.Value{}, false
	}
	var users []string
	seenUser := map[string]bool{}
	for _, u := range strings.Split(id, ",") {
		u = strings.TrimSpace(u)
		if seenUser[strings.ToLower(u)] {
			continue // one user written twice: listed once
		}
		seenUser[strings.ToLower(u)] = true
		if err := personcertification.CheckUserID(u); err != nil {
			diags.AddError("Invalid import id",
				fmt.Sprintf("Expected a comma-separated list of users (object ids, userPrincipalNames or \"me\"), for example "+
					"\"megan.bowen@contoso.com,me\": %v", err))
			return tftypes.Value{}, false
		}
		users = append(users, u)
	}
	lists, failed := r.listUsers(ctx, users)
	if len(failed) > 0 {
		diags.Append(bulkError(personcertification.IdentityOf(r.writer.Client), "importing", "users", failed, func(k string) string { return k }))
		return tftypes.Value{}, false
	}
	m := &bulkModel{attrs: map[string]tftypes.Value{}, computed: map[string]computedEntry{}, deletions: map[string]string{},
		adoptions: map[string]string{}, adopt: true}
	m.attrs["id"] = tftypes.NewValue(tftypes.String, randomID())
	raws := map[string]tftypes.Value{}
	var flat diag.Diagnostics
	seen := map[string]bool{} // one user named in two forms lists each certification twice: it is imported once
	for _, u := range users {
		for _, c := range lists[strings.ToLower(u)] {
			if seen[graph.Deref(c.GetId())] {
				continue
			}
			seen[graph.Deref(c.GetId())] = true
			var v personcertification.Values
			flat.Append(personcertification.Flatten(ctx, c, &v)...)
			key := u + "/" + graph.Deref(c.GetId())
			raw, err := entryValue(ctx, u, &v)
			if err != nil {
				diags.AddError("Cannot import a certification", err.Error())
				return tftypes.Value{}, false
			}
			raws[key] = raw
			m.computed[key] = computedFrom(c)
		}
	}
	diags.Append(dedupeWarnings(flat)...)
	v, err := m.encode(ctx, encodeEntries(raws, false))
	if err != nil {
		diags.AddError("Cannot write the imported state", err.Error())
		return tftypes.Value{}, false
	}
	return v, true
}

// entryValue writes a certification as a configuration would: the attributes Graph holds
// a value for, lists as tuples, and allowed_audiences only when it is not the default.
func entryValue(ctx context.Context, user string, v *personcertification.Values) (tftypes.Value, error) {
	sh := entryShapeOf(ctx)
	prior := &entry{raw: tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"user_id": tftypes.String}},
		map[string]tftypes.Value{"user_id": tftypes.NewValue(tftypes.String, user)}), user: types.StringValue(user)}
	for _, f := range personcertification.Fields {
		if _, ok := sh.byName[f.Name]; ok {
			f.Set(&prior.vals, nullOf(ctx, f.Get(v).Type(ctx)))
		}
	}
	prior.vals.AllowedAudiences = sh.audiencesDefault
	return sh.rewriteEntry(ctx, prior, v)
}
