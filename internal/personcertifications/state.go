package personcertifications

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"maps"
	"math/big"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
)

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
	return computedEntry{id: stringValue(c.GetId()), created: stringValue(personcertification.TimeValue(c.GetCreatedDateTime()).ValueStringPointer()),
		modified: stringValue(personcertification.TimeValue(c.GetLastModifiedDateTime()).ValueStringPointer())}
}

// decodeBulk reads a plan or state. With diags nil, entries are not validated.
func decodeBulk(ctx context.Context, raw tftypes.Value, diags *diag.Diagnostics) (*bulkModel, bool) {
	m := &bulkModel{byKey: map[string]*entry{}, computed: map[string]computedEntry{}, deletions: map[string]string{}, adoptions: map[string]string{}}
	if raw.IsNull() || !raw.IsKnown() {
		return m, false
	}
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return m, false
	}
	// As hands out the value's own map; the plan and the apply set attributes in m.attrs,
	// and a decoded value must never change in place (tfwire.Marshal copies by identity).
	m.attrs = maps.Clone(attrs)
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
		if v, err := stepsOf(ctx).schema.Blocks["timeouts"].Type().ValueFromTerraform(ctx, t); err == nil {
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

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func sortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
