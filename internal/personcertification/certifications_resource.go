package personcertification

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

var (
	_ resource.ResourceWithConfigure      = (*CertificationsResource)(nil)
	_ resource.ResourceWithImportState    = (*CertificationsResource)(nil)
	_ resource.ResourceWithValidateConfig = (*CertificationsResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*CertificationsResource)(nil)
)

// Timeouts of graph_person_certifications: one operation covers every entry.
const (
	defaultBulkWriteTimeout = 30 * time.Minute
	defaultBulkReadTimeout  = 10 * time.Minute
	// bulkWorkers bounds the calls in flight at once; the client batches them 20 to a
	// request and paces them under Graph's throttling.
	bulkWorkers = 64
)

// CertificationsResource is graph_person_certifications: many certifications, of any
// number of users, as one resource instance. It reuses graph_person_certification's
// writes and their lost-answer handling (resource_reconcile.go) through one.
type CertificationsResource struct {
	one Resource
}

// NewCertificationsResource is the provider's factory for the resource.
func NewCertificationsResource() resource.Resource { return &CertificationsResource{} }

func (r *CertificationsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_person_certifications"
}

func (r *CertificationsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.one.client = configureClient(req.ProviderData, &resp.Diagnostics)
}

var entryComputedAttrTypes = map[string]attr.Type{
	"id": types.StringType, "created_date_time": types.StringType, "last_modified_date_time": types.StringType,
}

var entryComputedType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"id": tftypes.String, "created_date_time": tftypes.String, "last_modified_date_time": tftypes.String,
}}

// CertificationsSchema is the schema of graph_person_certifications.
func CertificationsSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Many certifications in people's Microsoft Graph profiles, of any number of users, as one resource: " +
			"the way to keep thousands of certifications (an HR system's export) in step with Graph, since Terraform's own cost per " +
			"resource instance grows with the size of the state. Each entry takes exactly the attributes of " +
			"`graph_person_certification`, with the same validation.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "An id of this resource instance, fixed when it is created.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"certifications": schema.DynamicAttribute{
				Required:            true,
				MarkdownDescription: entryDescription(ctx),
			},
			"adopt_existing": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Before creating an entry, look for a certification of that user with the same `certification_id` " +
					"(for an entry without one: the same `display_name`) and adopt it, updating it to the configured values, instead of " +
					"creating a twin. When Graph holds several, the oldest is adopted and a warning names the others, which are left " +
					"alone. Default `true`.",
			},
			"exclusive": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Delete every certification of the users in `certifications` that is not in it. The plan lists " +
					"each one in `exclusive_deletions` before anything is deleted. Users not in the map are never touched. Default `false`.",
			},
			"entries": schema.MapAttribute{
				Computed:            true,
				ElementType:         types.ObjectType{AttrTypes: entryComputedAttrTypes},
				MarkdownDescription: "What Graph set for each entry, keyed like `certifications`: `id` (the certification's id), `created_date_time` and `last_modified_date_time` (RFC 3339).",
			},
			"max_deletions": schema.Int64Attribute{
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
				MarkdownDescription: "The most certifications one plan may delete: removed entries, entries moved to another user and " +
					"`exclusive` deletions together. A plan that would delete more fails, saying how many and how to allow it, so that " +
					"an empty or null export, a wrong filter or a renamed column cannot wipe Graph unattended. Unset, the limit is " +
					"10% of the certifications this resource holds or will hold (the larger), and at least 1. `terraform destroy` " +
					"is not limited: it is explicit.",
			},
			"missing_users": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(missingUsersWait),
				Validators: []validator.String{stringvalidator.OneOf(missingUsersWait, missingUsersFail)},
				MarkdownDescription: "What the plan does with entries whose user does not exist (yet) in Entra ID, found when it lists " +
					"that user's certifications: `\"wait\"` (the default) plans them as pending, with a warning naming their keys, so that " +
					"everyone else's certifications go through and the pending ones are tried again on every run until the user " +
					"exists (HR exports list new hires before their accounts exist); `\"fail\"` fails the plan, naming the keys.",
			},
			"retain_removed": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "When `true`, a certification that this resource stops holding (its entry removed, or moved to " +
					"another user) is forgotten, not deleted: it stays in Graph for another resource to adopt. The way to move users " +
					"between workspaces or resources without deleting anything. Default `false`.",
			},
			"adoptions": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "What the plan adopts: for each entry that takes over a certification already in Graph, its id and " +
					"every field the adoption changes or clears, so that nothing is overwritten unseen. Empty when nothing is adopted; " +
					"after the apply it names what was adopted until the next refresh empties it.",
			},
			"exclusive_deletions": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "With `exclusive = true`: the certifications the plan deletes because they are not in `certifications`, " +
					"as `\"<user_id>/<id>\" = \"<display_name>\"`, so each is seen before anything is deleted. After the apply it names what " +
					"was deleted until the next refresh empties it. Empty without `exclusive`.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// entryDescription documents an entry from the single resource's schema, attribute by
// attribute, so both resources are described by one text.
func entryDescription(ctx context.Context) string {
	var b strings.Builder
	b.WriteString("The certifications, as a map keyed by a label of your choice (an HR export's `\"<user>/<certification_id>\"`, " +
		"for example). A changed key is a removed entry and an added one. Each entry is an object with these attributes, " +
		"as on `graph_person_certification` (a wrong type or value is an error naming the entry's key and attribute):\n\n")
	var describe func(prefix string, attrs map[string]schema.Attribute, order []string)
	describe = func(prefix string, attrs map[string]schema.Attribute, order []string) {
		for _, name := range order {
			a := attrs[name]
			req := "optional"
			if a.IsRequired() {
				req = "required"
			}
			fmt.Fprintf(&b, "%s- `%s` (%s) %s\n", prefix, name, req, a.GetMarkdownDescription())
			if n, ok := a.(schema.SingleNestedAttribute); ok {
				describe(prefix+"  ", n.Attributes, sortedKeys(n.Attributes))
			}
		}
	}
	sh := entryShapeOf(ctx)
	all := map[string]schema.Attribute{}
	for _, a := range sh.attrs {
		all[a.name] = a.attr
	}
	describe("", all, sh.names())
	return b.String()
}

func (r *CertificationsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = CertificationsSchema(ctx)
}

func (r *CertificationsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateBulkConfig(ctx, req.Config.Raw, &resp.Diagnostics)
}

// bulkModel is the resource's Terraform value, read straight from tftypes: the
// certifications are dynamic, so tfsdk's reflection has nothing to offer but cost.
type bulkModel struct {
	attrs     map[string]tftypes.Value
	entries   []*entry // sorted by key
	byKey     map[string]*entry
	wasMap    bool
	computed  map[string]computedEntry
	deletions map[string]string
	// adoptions is nil while unknown (planned, until apply).
	adoptions map[string]string
	adopt     bool
	exclusive bool
	retain    bool
	// failMissing: missing_users = "fail".
	failMissing bool
	// maxDeletions is max_deletions; nil when unset.
	maxDeletions *int64
	timeouts     timeouts.Value
}

const (
	missingUsersWait = "wait"
	missingUsersFail = "fail"
)

// computedEntry is one element of entries.
type computedEntry struct {
	id, created, modified tftypes.Value // strings; unknown while planned
}

func (c computedEntry) ID() string {
	var s string
	if c.id.IsKnown() && !c.id.IsNull() {
		_ = c.id.As(&s)
	}
	return s
}

// pending: the entry waits for its user (its id is known to be null).
func (c computedEntry) pending() bool { return c.id.Type() != nil && c.id.IsKnown() && c.id.IsNull() }

func (c computedEntry) value() tftypes.Value {
	return tftypes.NewValue(entryComputedType, map[string]tftypes.Value{
		"id": c.id, "created_date_time": c.created, "last_modified_date_time": c.modified,
	})
}

var (
	unknownString = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	nullString    = tftypes.NewValue(tftypes.String, nil)
	unknownEntry  = computedEntry{id: unknownString, created: unknownString, modified: unknownString}
	pendingEntry  = computedEntry{id: nullString, created: nullString, modified: nullString}
)

func stringValue(s *string) tftypes.Value {
	if s == nil {
		return nullString
	}
	return tftypes.NewValue(tftypes.String, *s)
}

func computedFrom(c *graph.Certification) computedEntry {
	return computedEntry{id: stringValue(c.GetId()), created: stringValue(timeValue(c.GetCreatedDateTime()).ValueStringPointer()),
		modified: stringValue(timeValue(c.GetLastModifiedDateTime()).ValueStringPointer())}
}

// decodeBulk reads a plan or state. With diags nil, entries are not validated.
func decodeBulk(ctx context.Context, raw tftypes.Value, diags *diag.Diagnostics) (*bulkModel, bool) {
	m := &bulkModel{byKey: map[string]*entry{}, computed: map[string]computedEntry{}, deletions: map[string]string{}, adoptions: map[string]string{}}
	if raw.IsNull() || !raw.IsKnown() {
		return m, false
	}
	if err := raw.As(&m.attrs); err != nil {
		return m, false
	}
	certs := m.attrs["certifications"]
	m.wasMap = certs.IsKnown() && !certs.IsNull() && certs.Type().Is(tftypes.Map{})
	m.adopt = boolOf(m.attrs["adopt_existing"], true)
	m.exclusive = boolOf(m.attrs["exclusive"], false)
	m.retain = boolOf(m.attrs["retain_removed"], false)
	var missing string
	if v := m.attrs["missing_users"]; v.IsKnown() && !v.IsNull() {
		_ = v.As(&missing)
	}
	m.failMissing = missing == missingUsersFail
	if v := m.attrs["max_deletions"]; v.IsKnown() && !v.IsNull() {
		var f big.Float
		if v.As(&f) == nil {
			n, _ := f.Int64()
			m.maxDeletions = &n
		}
	}
	if t, ok := m.attrs["timeouts"]; ok {
		if v, err := (timeouts.Type{ObjectType: types.ObjectType{AttrTypes: timeoutsAttrTypes(ctx)}}).ValueFromTerraform(ctx, t); err == nil {
			m.timeouts, _ = v.(timeouts.Value)
		}
	}
	entries, ok := decodeEntries(ctx, certs, diags)
	if !ok {
		return m, false
	}
	m.entries = entries
	for _, e := range entries {
		m.byKey[e.key] = e
	}
	if v := m.attrs["entries"]; v.IsKnown() && !v.IsNull() {
		var elems map[string]tftypes.Value
		_ = v.As(&elems)
		for k, el := range elems {
			var o map[string]tftypes.Value
			if el.IsKnown() && !el.IsNull() && el.As(&o) == nil {
				m.computed[k] = computedEntry{id: o["id"], created: o["created_date_time"], modified: o["last_modified_date_time"]}
			}
		}
	}
	m.deletions = stringMap(m.attrs["exclusive_deletions"])
	m.adoptions = stringMap(m.attrs["adoptions"])
	if v := m.attrs["adoptions"]; v.Type() != nil && !v.IsKnown() {
		m.adoptions = nil // planned: known after apply
	}
	return m, true
}

// stringMap reads a known map of strings; empty otherwise.
func stringMap(v tftypes.Value) map[string]string {
	out := map[string]string{}
	if v.Type() == nil || !v.IsKnown() || v.IsNull() {
		return out
	}
	var elems map[string]tftypes.Value
	_ = v.As(&elems)
	for k, el := range elems {
		var s string
		_ = el.As(&s)
		out[k] = s
	}
	return out
}

func stringMapValue(m map[string]string) tftypes.Value {
	vals := make(map[string]tftypes.Value, len(m))
	for k, s := range m {
		vals[k] = tftypes.NewValue(tftypes.String, s)
	}
	return tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, vals)
}

func boolOf(v tftypes.Value, def bool) bool {
	var b bool
	if v.Type() != nil && v.IsKnown() && !v.IsNull() && v.As(&b) == nil {
		return b
	}
	return def
}

// encode writes m back as the resource's value, with certs as the certifications.
func (m *bulkModel) encode(ctx context.Context, certs tftypes.Value) (tftypes.Value, error) {
	objType := bulkObjectType(ctx)
	vals := attrValues(objType, m.attrs)
	vals["certifications"] = certs
	computed := make(map[string]tftypes.Value, len(m.computed))
	for k, c := range m.computed {
		computed[k] = c.value()
	}
	vals["entries"] = tftypes.NewValue(tftypes.Map{ElementType: entryComputedType}, computed)
	vals["exclusive_deletions"] = stringMapValue(m.deletions)
	vals["adoptions"] = stringMapValue(m.adoptions)
	if m.adoptions == nil {
		vals["adoptions"] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, tftypes.UnknownValue)
	}
	vals["adopt_existing"] = tftypes.NewValue(tftypes.Bool, m.adopt)
	vals["exclusive"] = tftypes.NewValue(tftypes.Bool, m.exclusive)
	vals["retain_removed"] = tftypes.NewValue(tftypes.Bool, m.retain)
	missing := missingUsersWait
	if m.failMissing {
		missing = missingUsersFail
	}
	vals["missing_users"] = tftypes.NewValue(tftypes.String, missing)
	if err := tftypes.ValidateValue(objType, vals); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(objType, vals), nil
}

// attrValues is every attribute of objType: its value in attrs, or null.
func attrValues(objType tftypes.Object, attrs map[string]tftypes.Value) map[string]tftypes.Value {
	vals := make(map[string]tftypes.Value, len(objType.AttributeTypes))
	for k, t := range objType.AttributeTypes {
		if v, ok := attrs[k]; ok {
			vals[k] = v
		} else {
			vals[k] = tftypes.NewValue(t, nil)
		}
	}
	return vals
}

var (
	bulkTypeOnce sync.Once
	bulkType     tftypes.Object
)

// bulkObjectType is the resource's Terraform type, worked out once.
func bulkObjectType(ctx context.Context) tftypes.Object {
	bulkTypeOnce.Do(func() { bulkType, _ = CertificationsSchema(ctx).Type().TerraformType(ctx).(tftypes.Object) })
	return bulkType
}

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
func (r *CertificationsResource) listUsers(ctx context.Context, users []string) (map[string][]*graph.Certification, map[string]error) {
	return listEach(users, func(u string) ([]*graph.Certification, error) {
		return r.one.client.ListCertificationsShared(ctx, u)
	})
}

// listEach runs list for every user concurrently: the lists by user in lower case, and
// the errors of those that failed.
func listEach(users []string, list func(user string) ([]*graph.Certification, error)) (map[string][]*graph.Certification, map[string]error) {
	lists := make([][]*graph.Certification, len(users))
	errs := make([]error, len(users))
	forEach(len(users), func(i int) {
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

// forEach runs fn(0..n-1) on up to bulkWorkers goroutines.
func forEach(n int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(n, bulkWorkers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func (r *CertificationsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	since, recent := r.one.createdAgo(ctx, req)
	out, changed, allSeen, unlisted := r.read(ctx, req.State.Raw, since, recent, &resp.Diagnostics)
	if changed && !resp.Diagnostics.HasError() {
		resp.State.Raw = out
	}
	if allSeen {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCreatedKey, nil)...) // all seen once
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUnlistedKey, unlisted)...)
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
func (r *CertificationsResource) read(ctx context.Context, raw tftypes.Value, since time.Duration, recent bool, diags *diag.Diagnostics) (_ tftypes.Value, changed, allSeen bool, unlisted []byte) {
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
		diags.Append(bulkError(identityOf(r.one.client), "reading", "users", failed, func(k string) string { return k }))
		return raw, false, false, nil
	}
	byID := map[string]*graph.Certification{}
	for _, l := range lists {
		for _, c := range l {
			byID[deref(c.GetId())] = c
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
	recent = recent && since < consistencyWindow
	var readErr error
	var mu sync.Mutex
	forEach(len(missing), func(i int) {
		e := missing[i]
		user, id := e.user.ValueString(), m.computed[e.key].ID()
		got, err := r.one.client.GetCertification(ctx, user, id)
		if graph.IsNotFound(err) && recent {
			got, err = r.one.awaitVisible(ctx, user, id, consistencyWindow-since)
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
		diags.Append(errorDiagAs(identityOf(r.one.client), "reading", "", readErr))
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
		var got Values
		flat.Append(flatten(ctx, c, &got)...)
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
			if id := deref(c.GetId()); id != "" && !held[id] && !seen[id] {
				seen[id] = true
				out[users[lu]+"/"+id] = deref(c.GetDisplayName())
			}
		}
	}
	return out
}

// dedupeWarnings keeps one of each warning (flatten's, once per certification).
func dedupeWarnings(diags diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	seen := map[string]bool{}
	for _, d := range diags {
		k := d.Summary() + "\x00" + d.Detail()
		if !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}

// keyList names keys for a message: the first 20, then a count.
func keyList(keys []string) string {
	sort.Strings(keys)
	const most = 20
	quoted := make([]string, 0, min(len(keys), most))
	for _, k := range keys[:min(len(keys), most)] {
		quoted = append(quoted, fmt.Sprintf("%q", k))
	}
	s := strings.Join(quoted, ", ")
	if len(keys) > most {
		s += fmt.Sprintf(" and %d more", len(keys)-most)
	}
	return s
}

// bulkError is one error for many failed keys: the first 20 with what Graph said, then a count.
// id is the caller, for the next step that fits its sign-in.
func bulkError(id *graph.Identity, action, what string, failed map[string]error, userOf func(key string) string) diag.Diagnostic {
	keys := sortedKeys(failed)
	var b strings.Builder
	if len(keys) == 1 {
		what = strings.TrimSuffix(what, "s")
	}
	fmt.Fprintf(&b, "%d %s failed: %s.\n", len(keys), what, keyList(append([]string(nil), keys...)))
	hints := map[string]bool{}
	for i, k := range keys {
		if i >= 20 {
			break
		}
		fmt.Fprintf(&b, "\n%q: %v", k, failed[k])
		if h := nextStepAs(id, action, userOf(k), graph.StatusOf(failed[k])); h != "" {
			hints[h] = true
		}
	}
	for _, h := range sortedKeys(hints) {
		b.WriteString("\n\n" + h)
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("Error %s person certifications", action), b.String())
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
