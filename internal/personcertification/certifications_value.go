package personcertification

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	attrs  []entryAttribute // in schema order: user_id first, then valueFields' order
	byName map[string]int
	// audiencesDefault is what an entry without allowed_audiences manages.
	audiencesDefault types.Set
	// computed are Values' attributes that only Graph sets, each with its unknown value.
	computed []struct {
		field   valueField
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
	s := Schema(ctx)
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
	for _, f := range valueFields {
		add(f.name)
	}
	for _, f := range valueFields {
		if _, ok := sh.byName[f.name]; !ok {
			sh.computed = append(sh.computed, struct {
				field   valueField
				unknown attr.Value
			}{f, unknownOf(ctx, s.Attributes[f.name].GetType())})
		}
	}
	sh.audiencesDefault = types.SetValueMust(types.StringType, []attr.Value{types.StringValue(defaultAudience)})
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
	vals Values // the writable values, in the single resource's types; computed ones null
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
			addErr(diags, at.AtName(name), "Unknown certification attribute",
				fmt.Sprintf("%s: an entry has no attribute %q. It takes: %s.", at, name, strings.Join(sh.names(), ", ")))
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
	for _, f := range valueFields {
		if i, ok := sh.byName[f.name]; ok {
			f.set(&e.vals, vals[i])
		}
	}
	// Computed ones are Graph's to set: unknown, as in a plan, so that comparing with
	// Graph's answer (differences) looks at the configured values alone.
	for _, c := range sh.computed {
		c.field.set(&e.vals, c.unknown)
	}
	if e.vals.AllowedAudiences.IsNull() {
		e.vals.AllowedAudiences = sh.audiencesDefault
	}
	if diags != nil {
		checkDatesInOrder(at, e.vals.StartDate, e.vals.EndDate, e.vals.IssuedDate, diags)
	}
	return e, true
}

func unknownOf(ctx context.Context, t attr.Type) attr.Value {
	v, _ := t.ValueFromTerraform(ctx, tftypes.NewValue(t.TerraformType(ctx), tftypes.UnknownValue))
	return v
}

func nullOf(ctx context.Context, t attr.Type) attr.Value {
	v, _ := t.ValueFromTerraform(ctx, tftypes.NewValue(t.TerraformType(ctx), nil))
	return v
}

// convertTo turns a value as Terraform's language produced it (an object literal's
// attributes are of any type) into the schema's type, converting as Terraform converts
// for a typed attribute: numbers and bools to strings, numeric and "true"/"false"
// strings to numbers and bools, tuples to lists and sets.
func convertTo(want tftypes.Type, v tftypes.Value, at path.Path, diags *diag.Diagnostics) (tftypes.Value, bool) {
	if !v.IsKnown() {
		return tftypes.NewValue(want, tftypes.UnknownValue), true
	}
	if v.IsNull() {
		return tftypes.NewValue(want, nil), true
	}
	wrong := func(expected string) (tftypes.Value, bool) {
		addErr(diags, at, "Wrong type for a certification attribute",
			fmt.Sprintf("%s must be %s; got %s.", at, expected, describe(v)))
		return tftypes.Value{}, false
	}
	got := v.Type()
	switch {
	case want.Is(tftypes.String):
		switch {
		case got.Is(tftypes.String):
			return v, true
		case got.Is(tftypes.Number):
			var f big.Float
			_ = v.As(&f)
			return tftypes.NewValue(tftypes.String, f.Text('f', -1)), true
		case got.Is(tftypes.Bool):
			var b bool
			_ = v.As(&b)
			return tftypes.NewValue(tftypes.String, fmt.Sprint(b)), true
		}
		return wrong("a string")
	case want.Is(tftypes.Number):
		switch {
		case got.Is(tftypes.Number):
			return v, true
		case got.Is(tftypes.String):
			var s string
			_ = v.As(&s)
			if f, _, err := big.ParseFloat(strings.TrimSpace(s), 10, 512, big.ToNearestEven); err == nil {
				return tftypes.NewValue(tftypes.Number, f), true
			}
		}
		return wrong("a number")
	case want.Is(tftypes.Bool):
		switch {
		case got.Is(tftypes.Bool):
			return v, true
		case got.Is(tftypes.String):
			var s string
			_ = v.As(&s)
			if s == "true" || s == "false" {
				return tftypes.NewValue(tftypes.Bool, s == "true"), true
			}
		}
		return wrong("true or false")
	case want.Is(tftypes.List{}), want.Is(tftypes.Set{}):
		var elemType tftypes.Type
		switch c := want.(type) {
		case tftypes.List:
			elemType = c.ElementType
		case tftypes.Set:
			elemType = c.ElementType
		}
		if !got.Is(tftypes.List{}) && !got.Is(tftypes.Set{}) && !got.Is(tftypes.Tuple{}) {
			return wrong("a list of strings")
		}
		var elems []tftypes.Value
		_ = v.As(&elems)
		out := make([]tftypes.Value, 0, len(elems))
		ok := true
		for i, el := range elems {
			c, good := convertTo(elemType, el, at.AtListIndex(i), diags)
			ok = ok && good
			out = append(out, c)
		}
		if !ok {
			return tftypes.Value{}, false
		}
		if want.Is(tftypes.Set{}) {
			out = uniqueValues(out)
		}
		return tftypes.NewValue(want, out), true
	case want.Is(tftypes.Object{}):
		o, _ := want.(tftypes.Object)
		if !got.Is(tftypes.Object{}) && !got.Is(tftypes.Map{}) {
			return wrong("an object with " + strings.Join(sortedKeys(o.AttributeTypes), ", "))
		}
		var attrs map[string]tftypes.Value
		_ = v.As(&attrs)
		out := make(map[string]tftypes.Value, len(o.AttributeTypes))
		ok := true
		for name, av := range attrs {
			t, known := o.AttributeTypes[name]
			if !known {
				ok = false
				addErr(diags, at.AtName(name), "Unknown certification attribute",
					fmt.Sprintf("%s has no attribute %q. It takes: %s.", at, name, strings.Join(sortedKeys(o.AttributeTypes), ", ")))
				continue
			}
			c, good := convertTo(t, av, at.AtName(name), diags)
			ok = ok && good
			out[name] = c
		}
		if !ok {
			return tftypes.Value{}, false
		}
		for name, t := range o.AttributeTypes {
			if _, set := out[name]; !set {
				out[name] = tftypes.NewValue(t, nil)
			}
		}
		return tftypes.NewValue(want, out), true
	}
	return wrong(typeName(want))
}

// uniqueValues drops repeated elements, as a set does.
func uniqueValues(vs []tftypes.Value) []tftypes.Value {
	out := vs[:0]
	for i, v := range vs {
		dup := false
		for _, w := range vs[:i] {
			if v.Equal(w) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

// runValidators runs a schema attribute's own validators on v at p, and checks that a
// required attribute is set; nested attributes are checked member by member.
func runValidators(ctx context.Context, a schema.Attribute, p path.Path, v attr.Value, diags *diag.Diagnostics) {
	if v.IsNull() {
		if a.IsRequired() {
			diags.AddAttributeError(p, "Missing required certification attribute",
				fmt.Sprintf("%s is required: every certification needs it.", p))
		}
		return
	}
	if v.IsUnknown() {
		return
	}
	switch sa := a.(type) {
	case schema.StringAttribute:
		cv, _ := v.(types.String)
		req := validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: cv}
		runEach(sa.Validators, diags, func(x validator.String) diag.Diagnostics {
			var r validator.StringResponse
			x.ValidateString(ctx, req, &r)
			return r.Diagnostics
		})
	case schema.SetAttribute:
		cv, _ := v.(types.Set)
		req := validator.SetRequest{Path: p, PathExpression: p.Expression(), ConfigValue: cv}
		runEach(sa.Validators, diags, func(x validator.Set) diag.Diagnostics {
			var r validator.SetResponse
			x.ValidateSet(ctx, req, &r)
			return r.Diagnostics
		})
	case schema.ListAttribute:
		cv, _ := v.(types.List)
		req := validator.ListRequest{Path: p, PathExpression: p.Expression(), ConfigValue: cv}
		runEach(sa.Validators, diags, func(x validator.List) diag.Diagnostics {
			var r validator.ListResponse
			x.ValidateList(ctx, req, &r)
			return r.Diagnostics
		})
	case schema.NumberAttribute:
		cv, _ := v.(types.Number)
		req := validator.NumberRequest{Path: p, PathExpression: p.Expression(), ConfigValue: cv}
		runEach(sa.Validators, diags, func(x validator.Number) diag.Diagnostics {
			var r validator.NumberResponse
			x.ValidateNumber(ctx, req, &r)
			return r.Diagnostics
		})
	case schema.BoolAttribute:
		// No validators beyond the type.
	case schema.SingleNestedAttribute:
		o, ok := v.(types.Object)
		if !ok {
			return
		}
		members := o.Attributes()
		for name, inner := range sa.Attributes {
			if mv, ok := members[name]; ok {
				runValidators(ctx, inner, p.AtName(name), mv, diags)
			}
		}
	}
}

// runEach runs every validator of an attribute, collecting what each says.
func runEach[V any](vs []V, diags *diag.Diagnostics, run func(V) diag.Diagnostics) {
	for _, x := range vs {
		diags.Append(run(x)...)
	}
}

func addErr(diags *diag.Diagnostics, p path.Path, summary, detail string) {
	if diags != nil {
		diags.AddAttributeError(p, summary, detail)
	}
}

func sortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// typeName names a type as the configuration language does.
func typeName(t tftypes.Type) string {
	switch {
	case t.Is(tftypes.String):
		return "a string"
	case t.Is(tftypes.Number):
		return "a number"
	case t.Is(tftypes.Bool):
		return "a bool"
	case t.Is(tftypes.List{}), t.Is(tftypes.Tuple{}), t.Is(tftypes.Set{}):
		return "a list"
	case t.Is(tftypes.Map{}), t.Is(tftypes.Object{}):
		return "an object"
	}
	return t.String()
}

func describe(v tftypes.Value) string {
	if v.IsNull() {
		return "null"
	}
	return typeName(v.Type())
}

// sameWritable reports whether a and b hold the same writable values, as Graph stores
// them; Graph's own (id, audit) do not count.
func (sh *entryShape) sameWritable(a, b *Values) bool {
	for _, f := range valueFields {
		if _, ok := sh.byName[f.name]; ok && !sameAsGraph(f.get(a), f.get(b)) {
			return false
		}
	}
	return true
}

// rewriteEntry builds the state value of an entry whose values Graph now holds: every
// attribute that Graph holds as written keeps its written form (and stays absent when
// it was absent), every other takes Graph's value. So the plan shows exactly the
// attributes that drifted.
func (sh *entryShape) rewriteEntry(ctx context.Context, prior *entry, graphVals *Values) (tftypes.Value, error) {
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
	for _, f := range valueFields {
		if _, writable := sh.byName[f.name]; !writable {
			continue
		}
		pv, gv := f.get(&prior.vals), f.get(graphVals)
		if sameAsGraph(pv, gv) {
			continue
		}
		if gv.IsNull() {
			delete(out, f.name) // Graph holds none: written as a configuration leaves it out
			continue
		}
		tv, err := gv.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, err
		}
		out[f.name] = configForm(tv)
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
