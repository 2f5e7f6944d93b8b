package personcertifications

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The certifications map of graph_person_certifications is a dynamic attribute: the
// framework leaves it alone (its plan modification of a nested map copies the whole map
// for every element), and this file gives it its shape instead. An entry takes exactly the
// writable attributes of graph_person_certification, read from that resource's schema
// (schema.go): one definition, the same validators, the same messages, at the entry's
// path (certifications["<key>"].<attribute>).

// entryAttribute is one attribute an entry takes.
type entryAttribute struct {
	name   string
	attr   schema.Attribute
	tfType tftypes.Type
	typ    attr.Type
}

// entryShape is the writable part of the single resource's schema, worked out once.
type entryShape struct {
	attrs  []entryAttribute // in schema order: user_id first, then personcertification.Fields' order
	byName map[string]int
	// audiencesDefault is what an entry without allowed_audiences manages.
	audiencesDefault types.Set
	// computed are personcertification.Values' attributes that only Graph sets, each with its unknown value.
	computed []struct {
		field   personcertification.Field
		unknown attr.Value
	}
}

var (
	entryShapeOnce sync.Once
	theEntryShape  *entryShape
)

func entryShapeOf(ctx context.Context) *entryShape {
	entryShapeOnce.Do(func() { theEntryShape = newEntryShape(ctx) })
	return theEntryShape
}

func newEntryShape(ctx context.Context) *entryShape {
	s := personcertification.Schema(ctx)
	sh := &entryShape{byName: map[string]int{}}
	add := func(name string) {
		a := s.Attributes[name]
		if a == nil || (a.IsComputed() && !a.IsOptional()) {
			return
		}
		sh.byName[name] = len(sh.attrs)
		sh.attrs = append(sh.attrs, entryAttribute{name: name, attr: a, typ: a.GetType(), tfType: a.GetType().TerraformType(ctx)})
	}
	add("user_id")
	for _, f := range personcertification.Fields {
		add(f.Name)
	}
	for _, f := range personcertification.Fields {
		if _, ok := sh.byName[f.Name]; !ok {
			sh.computed = append(sh.computed, struct {
				field   personcertification.Field
				unknown attr.Value
			}{f, unknownOf(ctx, s.Attributes[f.Name].GetType())})
		}
	}
	sh.audiencesDefault = types.SetValueMust(types.StringType, []attr.Value{types.StringValue(personcertification.DefaultAudience)})
	return sh
}

// names lists the attribute names an entry takes.
func (sh *entryShape) names() []string {
	out := make([]string, len(sh.attrs))
	for i, a := range sh.attrs {
		out[i] = a.name
	}
	return out
}

// entry is one certification of the map as configured (or as in state).
type entry struct {
	key  string
	raw  tftypes.Value // the entry's value exactly as written: what state keeps
	user types.String
	vals personcertification.Values // the writable values, in the single resource's types; computed ones null
	// known is false when any value is unknown (not before apply).
	known bool
}

// decodeEntries reads the certifications value. Keys come back sorted. With diags nil,
// nothing is validated (a state that was valid when written).
func decodeEntries(ctx context.Context, v tftypes.Value, diags *diag.Diagnostics) ([]*entry, bool) {
	root := path.Root("certifications")
	if !v.IsKnown() {
		return nil, false
	}
	if v.IsNull() {
		return nil, true
	}
	var elems map[string]tftypes.Value
	switch {
	case v.Type().Is(tftypes.Object{}), v.Type().Is(tftypes.Map{}):
		if err := v.As(&elems); err != nil {
			addErr(diags, root, "Invalid certifications", "certifications must be a map of objects, one per certification: "+err.Error())
			return nil, false
		}
	default:
		addErr(diags, root, "Invalid certifications",
			fmt.Sprintf("certifications must be a map of objects keyed by a label of your choice, one per certification; got %s.", typeName(v.Type())))
		return nil, false
	}
	sh := entryShapeOf(ctx)
	keys := make([]string, 0, len(elems))
	for k := range elems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*entry, 0, len(keys))
	for _, k := range keys {
		e, ok := sh.decodeEntry(ctx, k, elems[k], diags)
		if ok {
			out = append(out, e)
		}
	}
	return out, true
}

func (sh *entryShape) decodeEntry(ctx context.Context, key string, v tftypes.Value, diags *diag.Diagnostics) (*entry, bool) {
	at := path.Root("certifications").AtMapKey(key)
	e := &entry{key: key, raw: v, known: v.IsFullyKnown()}
	if v.IsNull() || !v.Type().Is(tftypes.Object{}) && !v.Type().Is(tftypes.Map{}) {
		if v.IsKnown() {
			addErr(diags, at, "Invalid certification entry",
				fmt.Sprintf("%s must be an object with the attributes of a certification (%s); got %s.", at, strings.Join(sh.names(), ", "), describe(v)))
			return nil, false
		}
		return e, true // unknown as a whole until apply
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		addErr(diags, at, "Invalid certification entry", err.Error())
		return nil, false
	}
	vals := make([]attr.Value, len(sh.attrs))
	ok := true
	for name, av := range attrs {
		i, known := sh.byName[name]
		if !known {
			ok = false
			unknownAttribute(diags, at, name, ": an entry has", sh.names())
			continue
		}
		a := sh.attrs[i]
		tv, good := convertTo(a.tfType, av, at.AtName(name), diags)
		if !good {
			ok = false
			continue
		}
		x, err := a.typ.ValueFromTerraform(ctx, tv)
		if err != nil {
			ok = false
			addErr(diags, at.AtName(name), "Invalid certification attribute", fmt.Sprintf("%s: %v", at.AtName(name), err))
			continue
		}
		vals[i] = x
	}
	for i, a := range sh.attrs {
		if vals[i] == nil {
			vals[i] = nullOf(ctx, a.typ)
		}
		if diags != nil {
			runValidators(ctx, a.attr, at.AtName(a.name), vals[i], diags)
		}
	}
	if !ok {
		return nil, false
	}
	user, isString := vals[0].(types.String)
	if !isString {
		return nil, false
	}
	e.user = user
	for _, f := range personcertification.Fields {
		if i, ok := sh.byName[f.Name]; ok {
			f.Set(&e.vals, vals[i])
		}
	}
	// Computed ones are Graph's to set: unknown, as in a plan, so that comparing with
	// Graph's answer (differences) looks at the configured values alone.
	for _, c := range sh.computed {
		c.field.Set(&e.vals, c.unknown)
	}
	if e.vals.AllowedAudiences.IsNull() {
		e.vals.AllowedAudiences = sh.audiencesDefault
	}
	if diags != nil {
		personcertification.CheckDatesInOrder(at, e.vals.StartDate, e.vals.EndDate, e.vals.IssuedDate, diags)
	}
	return e, true
}

// sameWritable reports whether a and b hold the same writable values, as Graph stores
// them; Graph's own (id, audit) do not count.
func (sh *entryShape) sameWritable(a, b *personcertification.Values) bool {
	for _, f := range personcertification.Fields {
		if _, ok := sh.byName[f.Name]; ok && !personcertification.SameAsGraph(f.Get(a), f.Get(b)) {
			return false
		}
	}
	return true
}

// rewriteEntry builds the state value of an entry whose values Graph now holds: every
// attribute that Graph holds as written keeps its written form (and stays absent when
// it was absent), every other takes Graph's value. So the plan shows exactly the
// attributes that drifted.
func (sh *entryShape) rewriteEntry(ctx context.Context, prior *entry, graphVals *personcertification.Values) (tftypes.Value, error) {
	var attrs map[string]tftypes.Value
	if prior.raw.IsKnown() && !prior.raw.IsNull() {
		if err := prior.raw.As(&attrs); err != nil {
			return tftypes.Value{}, err
		}
	}
	out := make(map[string]tftypes.Value, len(attrs)+2)
	for k, v := range attrs {
		out[k] = v
	}
	for _, f := range personcertification.Fields {
		if _, writable := sh.byName[f.Name]; !writable {
			continue
		}
		pv, gv := f.Get(&prior.vals), f.Get(graphVals)
		if personcertification.SameAsGraph(pv, gv) {
			continue
		}
		if gv.IsNull() {
			delete(out, f.Name) // Graph holds none: written as a configuration leaves it out
			continue
		}
		tv, err := gv.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, err
		}
		out[f.Name] = configForm(tv)
	}
	types := make(map[string]tftypes.Type, len(out))
	for k, v := range out {
		types[k] = v.Type()
	}
	return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, out), nil
}

// encodeEntries builds the certifications value from each key's entry value. A map
// stays a map while its elements share one type; anything else is an object.
func encodeEntries(raws map[string]tftypes.Value, wasMap bool) tftypes.Value {
	if wasMap && len(raws) > 0 {
		var t tftypes.Type
		same := true
		for _, v := range raws {
			if t == nil {
				t = v.Type()
			} else if !t.Equal(v.Type()) {
				same = false
				break
			}
		}
		if same {
			return tftypes.NewValue(tftypes.Map{ElementType: t}, raws)
		}
	}
	types := make(map[string]tftypes.Type, len(raws))
	for k, v := range raws {
		types[k] = v.Type()
	}
	return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, raws)
}

// configForm is a value as the configuration language writes it: lists and sets as
// tuples, objects without their null attributes. A value written back in that form
// compares equal to the configuration that would produce it.
func configForm(v tftypes.Value) tftypes.Value {
	if !v.IsKnown() || v.IsNull() {
		return v
	}
	switch {
	case v.Type().Is(tftypes.List{}), v.Type().Is(tftypes.Set{}):
		var elems []tftypes.Value
		_ = v.As(&elems)
		ts := make([]tftypes.Type, len(elems))
		for i := range elems {
			elems[i] = configForm(elems[i])
			ts[i] = elems[i].Type()
		}
		return tftypes.NewValue(tftypes.Tuple{ElementTypes: ts}, elems)
	case v.Type().Is(tftypes.Object{}):
		var attrs map[string]tftypes.Value
		_ = v.As(&attrs)
		out := map[string]tftypes.Value{}
		ts := map[string]tftypes.Type{}
		for k, x := range attrs {
			if x.IsNull() {
				continue
			}
			out[k] = configForm(x)
			ts[k] = out[k].Type()
		}
		return tftypes.NewValue(tftypes.Object{AttributeTypes: ts}, out)
	}
	return v
}
