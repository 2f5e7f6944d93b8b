package tfwire

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// decode is Decode of v sent as typ, which must not fail.
func decode(t testing.TB, typ tftypes.Object, v tftypes.Value) Decoded {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode(&dv, typ)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// readsBack fails unless dv reads, with DynamicValue.Unmarshal, as want: Equal, of an
// equal type, with the numbers (their precision) want sent by NewDynamicValue reads back
// with.
func readsBack(t testing.TB, dv *tfprotov6.DynamicValue, typ tftypes.Type, want tftypes.Value) {
	t.Helper()
	got, err := dv.Unmarshal(typ)
	if err != nil {
		t.Errorf("%s does not read back: %v", want, err)
		return
	}
	if !got.Equal(want) || !got.Type().Equal(want.Type()) {
		t.Errorf("reads back as %s, want %s", got, want)
		return
	}
	sent, err := dvOf(t, typ, want).Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := numbers(t, got), numbers(t, sent); !slices.Equal(g, w) {
		t.Errorf("reads back with numbers %v, NewDynamicValue's %v", g, w)
	}
}

// attrsOf is v's attributes.
func attrsOf(t testing.TB, v tftypes.Value) map[string]tftypes.Value {
	t.Helper()
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// kept is the attributes d kept, by name.
func kept(d Decoded) []string {
	return slices.Sorted(maps.Keys(d.attrs))
}

// Decode reads what Unmarshal reads and keeps the attributes that are known, non-empty
// composites; Marshal of the value read copies exactly those, and what it writes reads
// back as the value. Rebuilt (equal, not the same) attributes are encoded, and whatever
// mix of attributes read, rebuilt and changed, what Marshal writes reads back as given.
func TestMarshalReadsBack(t *testing.T) {
	tested := 0
	for _, v := range values(t) {
		typ, ok := v.Type().(tftypes.Object)
		if !ok {
			continue
		}
		tested++
		d := decode(t, typ, v)
		if want, _ := Unmarshal(dvOf(t, typ, v), typ); !d.Value.Equal(want) {
			t.Fatalf("Decode read %s, Unmarshal %s", d.Value, want)
		}
		var composite []string
		if d.Value.IsKnown() && !d.Value.IsNull() {
			for name, a := range attrsOf(t, d.Value) {
				if _, ok := identityOf(a); ok {
					composite = append(composite, name)
				}
			}
		}
		slices.Sort(composite)
		if got := kept(d); !slices.Equal(got, composite) {
			t.Errorf("%s: kept %v, want %v", v, got, composite)
		}

		dv, copied, err := marshal(typ, d.Value, []Decoded{d})
		if err != nil {
			t.Fatal(err)
		}
		readsBack(t, dv, typ, d.Value)
		if !slices.Equal(copied, composite) {
			t.Errorf("%s: copied %v, want %v", v, copied, composite)
		}
		if !d.Value.IsKnown() || d.Value.IsNull() {
			if want := dvOf(t, typ, v); !bytes.Equal(dv.MsgPack, want.MsgPack) {
				t.Errorf("%s: %x, NewDynamicValue %x", v, dv.MsgPack, want.MsgPack)
			}
			continue
		}

		// Every other attribute rebuilt (read again: equal values in other maps), and
		// one changed: to null, to unknown, to another value of its type.
		again := decode(t, typ, v)
		names := slices.Sorted(maps.Keys(typ.AttributeTypes))
		for changed := range len(names) {
			for _, to := range []string{"null", "unknown", "other"} {
				attrs := maps.Clone(attrsOf(t, d.Value))
				var want []string
				for i, name := range names {
					switch {
					case i == changed:
						attrs[name] = changedValue(typ.AttributeTypes[name], attrs[name], to)
					case i%2 == 1:
						attrs[name] = attrsOf(t, again.Value)[name]
					case slices.Contains(composite, name):
						want = append(want, name)
					}
				}
				mixed := tftypes.NewValue(typ, attrs)
				dv, copied, err := marshal(typ, mixed, []Decoded{d})
				if err != nil {
					t.Fatal(err)
				}
				readsBack(t, dv, typ, mixed)
				if !slices.Equal(copied, want) {
					t.Errorf("%s with %s %s: copied %v, want %v", v, names[changed], to, copied, want)
				}
				// Given both reads, every attribute not changed is copied from one.
				_, copied, _ = marshal(typ, mixed, []Decoded{d, again})
				want = slices.DeleteFunc(slices.Clone(composite), func(n string) bool { return n == names[changed] })
				if !slices.Equal(copied, want) {
					t.Errorf("%s with %s %s, from both: copied %v, want %v", v, names[changed], to, copied, want)
				}
			}
		}
	}
	if tested < 10 {
		t.Fatalf("only %d objects among the values", tested)
	}
}

func dvOf(t testing.TB, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// changedValue is a value of an attribute of type typ, now v, changed to null, to unknown
// or (other) to a known one that differs from v.
func changedValue(typ tftypes.Type, v tftypes.Value, to string) tftypes.Value {
	switch to {
	case "null":
		return tftypes.NewValue(v.Type(), nil)
	case "unknown":
		return tftypes.NewValue(v.Type(), unk)
	}
	switch {
	case typ.Is(dyn):
		return certsObject(3, true)
	case typ.Is(str):
		return sv("changed")
	case typ.Is(num):
		return nv(42)
	case typ.Is(boo):
		return bv(true)
	}
	if !v.IsKnown() || v.IsNull() {
		return tftypes.NewValue(typ, nil)
	}
	// A composite of the same elements in another map or slice.
	var m map[string]tftypes.Value
	if v.As(&m) == nil {
		return tftypes.NewValue(v.Type(), maps.Clone(m))
	}
	var s []tftypes.Value
	if v.As(&s) == nil {
		return tftypes.NewValue(v.Type(), slices.Clone(s))
	}
	return tftypes.NewValue(typ, nil)
}

// Copied attributes are the bytes that arrived, not an encoding of their values: strings
// sent as msgpack bin (which tftypes reads but never writes) come back as bin.
func TestMarshalCopiesArrivedBytes(t *testing.T) {
	inner := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"x": str}}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"m": tftypes.Map{ElementType: str}, "l": strs, "d": dyn, "o": inner, "s": str, "e": strs,
	}}
	parts := map[string][]any{
		"m": {mp(1), "k", bin("map value")},
		"l": {arr(2), bin("list 0"), bin("list 1")},
		"d": {arr(2), `["object",{"x":"string"}]`, mp(1), "x", bin("dynamic")},
		"o": {mp(1), "x", bin("nested")},
		"s": {bin("string")},
		"e": {arr(0)},
	}
	var all []any
	all = append(all, mp(len(parts)))
	for name, p := range parts {
		all = append(all, name)
		all = append(all, p...)
	}
	d, err := Decode(&tfprotov6.DynamicValue{MsgPack: enc(t, all...)}, typ)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kept(d), []string{"d", "l", "m", "o"}; !slices.Equal(got, want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
	out, err := Marshal(typ, d.Value, d)
	if err != nil {
		t.Fatal(err)
	}
	readsBack(t, out, typ, d.Value)
	for name, p := range parts {
		if name == "e" {
			continue // [] reads the same either way
		}
		arrivedBytes := enc(t, p...)
		if copied := bytes.Contains(out.MsgPack, arrivedBytes); copied != slices.Contains(kept(d), name) {
			t.Errorf("%s: copied %v", name, copied)
		}
	}
	// The same contents in other maps and slices are encoded anew, in str.
	rebuilt := map[string]tftypes.Value{}
	for name, v := range attrsOf(t, d.Value) {
		rebuilt[name] = changedValue(typ.AttributeTypes[name], v, "other")
		if name == "d" || name == "s" {
			rebuilt[name] = v
		}
	}
	out, err = Marshal(typ, tftypes.NewValue(typ, rebuilt), d)
	if err != nil {
		t.Fatal(err)
	}
	readsBack(t, out, typ, tftypes.NewValue(typ, rebuilt))
	if bytes.Contains(out.MsgPack, []byte("\xc4\x09map value")) || !bytes.Contains(out.MsgPack, []byte("\xa9map value")) {
		t.Errorf("a rebuilt map is not encoded anew: %x", out.MsgPack)
	}
	if !bytes.Contains(out.MsgPack, enc(t, parts["d"]...)) {
		t.Errorf("the dynamic attribute, passed on, is not copied: %x", out.MsgPack)
	}
}

// A value is copied only as the very value read as the same attribute type: the same map
// under another type, or read as another attribute type, is encoded.
func TestMarshalIdentityAndTypes(t *testing.T) {
	inner := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": str, "b": str}}
	dynType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"c": dyn}}
	attrs := map[string]tftypes.Value{"a": sv("1"), "b": sv("2")}
	d := decode(t, dynType, tftypes.NewValue(dynType, map[string]tftypes.Value{"c": tftypes.NewValue(inner, attrs)}))
	read := attrsOf(t, d.Value)["c"]
	same := attrsOf(t, read)

	// The map read, under a map type.
	asMap := tftypes.NewValue(dynType, map[string]tftypes.Value{"c": tftypes.NewValue(tftypes.Map{ElementType: str}, same)})
	dv, copied, err := marshal(dynType, asMap, []Decoded{d})
	if err != nil || len(copied) > 0 {
		t.Errorf("same map, another type: copied %v, %v", copied, err)
	} else {
		readsBack(t, dv, dynType, asMap)
	}

	// The value read, sent as an attribute of its own type (not dynamic).
	objType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"c": inner}}
	asObject := tftypes.NewValue(objType, map[string]tftypes.Value{"c": read})
	dv, copied, err = marshal(objType, asObject, []Decoded{d})
	if err != nil || len(copied) > 0 {
		t.Errorf("another attribute type: copied %v, %v", copied, err)
	} else {
		readsBack(t, dv, objType, asObject)
	}

	// The value read, in another object: copied.
	dv, copied, err = marshal(dynType, tftypes.NewValue(dynType, map[string]tftypes.Value{"c": read}), []Decoded{d})
	if err != nil || !slices.Equal(copied, []string{"c"}) {
		t.Errorf("the value read: copied %v, %v", copied, err)
	} else {
		readsBack(t, dv, dynType, d.Value)
	}

	// Under another name: encoded.
	twoType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"c": dyn, "z": dyn}}
	two := tftypes.NewValue(twoType, map[string]tftypes.Value{"c": tftypes.NewValue(dyn, nil), "z": read})
	dv, copied, err = marshal(twoType, two, []Decoded{d})
	if err != nil || len(copied) > 0 {
		t.Errorf("another name: copied %v, %v", copied, err)
	} else {
		readsBack(t, dv, twoType, two)
	}
}

// sameType is Equal, at once for objects sharing their attribute types.
func TestSameType(t *testing.T) {
	attrs := map[string]tftypes.Type{"a": str, "b": dyn}
	optional := map[string]struct{}{"b": {}}
	for _, tc := range []struct {
		a, b tftypes.Type
		want bool
	}{
		{tftypes.Object{AttributeTypes: attrs}, tftypes.Object{AttributeTypes: attrs}, true},
		{tftypes.Object{AttributeTypes: attrs}, tftypes.Object{AttributeTypes: maps.Clone(attrs)}, true},
		{tftypes.Object{AttributeTypes: attrs, OptionalAttributes: optional}, tftypes.Object{AttributeTypes: attrs, OptionalAttributes: optional}, true},
		{tftypes.Object{AttributeTypes: attrs, OptionalAttributes: optional}, tftypes.Object{AttributeTypes: attrs}, false},
		{tftypes.Object{AttributeTypes: attrs}, tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": str, "b": str}}, false},
		{tftypes.Object{AttributeTypes: attrs}, tftypes.Map{ElementType: str}, false},
		{tftypes.Object{}, tftypes.Object{}, false}, // as Equal: no attribute types, no comparison
		{tftypes.Map{ElementType: str}, tftypes.Map{ElementType: str}, true},
		{str, dyn, false},
	} {
		if got := sameType(tc.a, tc.b); got != tc.want || got != tc.a.Equal(tc.b) {
			t.Errorf("sameType(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// Without anything kept, and for what tftypes cannot encode, Marshal is NewDynamicValue:
// the same bytes, the same errors. A JSON value keeps nothing; nil is an error.
func TestMarshalElseNewDynamicValue(t *testing.T) {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": str, "b": tftypes.List{ElementType: str}}}
	v := tftypes.NewValue(typ, map[string]tftypes.Value{"a": sv("x"), "b": tftypes.NewValue(strs, []tftypes.Value{sv("y")})})
	d := decode(t, typ, v)
	for _, tc := range []struct {
		name string
		v    tftypes.Value
		from []Decoded
	}{
		{"nothing kept", v, nil},
		{"nothing kept, empty Decoded", v, []Decoded{{Value: v}}},
		{"null", tftypes.NewValue(typ, nil), []Decoded{d}},
		{"unknown", tftypes.NewValue(typ, unk), []Decoded{d}},
	} {
		got, err := Marshal(typ, tc.v, tc.from...)
		want := dvOf(t, typ, tc.v)
		if err != nil || !bytes.Equal(got.MsgPack, want.MsgPack) {
			t.Errorf("%s: %x, %v; NewDynamicValue %x", tc.name, got.MsgPack, err, want.MsgPack)
		}
	}
	for _, tc := range []struct {
		name string
		v    tftypes.Value
	}{
		{"an attribute missing", tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": str}}, map[string]tftypes.Value{"a": sv("x")})},
		{"an attribute of another type", tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": num, "b": strs}},
			map[string]tftypes.Value{"a": nv(1), "b": attrsOf(t, d.Value)["b"]})},
		{"not an object", tftypes.NewValue(strs, []tftypes.Value{sv("y")})},
	} {
		_, err := Marshal(typ, tc.v, d)
		_, want := tfprotov6.NewDynamicValue(typ, tc.v)
		if err == nil || want == nil || err.Error() != want.Error() {
			t.Errorf("%s: %v, NewDynamicValue: %v", tc.name, err, want)
		}
		var gotPath, wantPath tftypes.AttributePathError
		if errors.As(err, &gotPath) != errors.As(want, &wantPath) || !gotPath.Equal(wantPath) {
			t.Errorf("%s: error %#v, NewDynamicValue %#v", tc.name, err, want)
		}
	}

	j, err := Decode(&tfprotov6.DynamicValue{JSON: []byte(`{"a":"x","b":["y"]}`)}, typ)
	if err != nil || !j.Value.Equal(v) || len(j.attrs) > 0 {
		t.Errorf("JSON: %s, kept %v, %v", j.Value, kept(j), err)
	}
	if _, err := Decode(nil, typ); !errors.Is(err, tfprotov6.ErrUnknownDynamicValueType) {
		t.Errorf("nil: %v", err)
	}
}

// FuzzMarshal reads arbitrary bytes as one of the object types among fuzzTypes with
// Decode, which must read what Unmarshal reads; Marshal of that value, and of it with
// every other attribute rebuilt, copies exactly what was read and writes what reads back
// as the value.
func FuzzMarshal(f *testing.F) {
	var objects []tftypes.Object
	for _, typ := range fuzzTypes {
		if o, ok := typ.(tftypes.Object); ok {
			objects = append(objects, o)
		}
	}
	for _, v := range values(f) {
		for i, typ := range objects {
			if typ.Equal(v.Type()) {
				if dv := dvOf(f, typ, v); len(dv.MsgPack) <= 4<<10 {
					f.Add(dv.MsgPack, uint8(i))
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		if declaresTooMuch(data) {
			t.Skip("declares a length beyond the input")
		}
		typ := objects[int(sel)%len(objects)]
		if compare(t, data, typ) != "value" {
			return // as Unmarshal, which compare holds to tftypes
		}
		dv := &tfprotov6.DynamicValue{MsgPack: data}
		d, err := Decode(dv, typ)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		again, _ := Decode(dv, typ)
		if want, _ := Unmarshal(dv, typ); !d.Value.Equal(want) {
			t.Fatalf("Decode read %s, Unmarshal %s", d.Value, want)
		}
		out, copied, err := marshal(typ, d.Value, []Decoded{d})
		if err != nil {
			t.Fatal(err)
		}
		readsBack(t, out, typ, d.Value)
		if !slices.Equal(copied, kept(d)) {
			t.Errorf("copied %v, kept %v", copied, kept(d))
		}
		if !d.Value.IsKnown() || d.Value.IsNull() {
			return
		}
		attrs := maps.Clone(attrsOf(t, d.Value))
		var want []string
		for i, name := range slices.Sorted(maps.Keys(attrs)) {
			if i%2 == 1 {
				attrs[name] = attrsOf(t, again.Value)[name]
			} else if slices.Contains(kept(d), name) {
				want = append(want, name)
			}
		}
		mixed := tftypes.NewValue(typ, attrs)
		out, copied, err = marshal(typ, mixed, []Decoded{d})
		if err != nil {
			t.Fatal(err)
		}
		readsBack(t, out, typ, mixed)
		if !slices.Equal(copied, want) {
			t.Errorf("mixed: copied %v, want %v", copied, want)
		}
	})
}

// BenchmarkMarshal writes graph_person_certifications' state at 10,000 entries, as
// personcertifications' marshal (server.go) does for each answer: with NewDynamicValue, and with
// Marshal from the value read (certifications and entries passed on).
func BenchmarkMarshal(b *testing.B) {
	v := bulk(certsObject(10000, false), true)
	d := decode(b, bulkType, v)
	for _, tc := range []struct {
		name string
		fn   func() (*tfprotov6.DynamicValue, error)
	}{
		{"tfprotov6", func() (*tfprotov6.DynamicValue, error) { return newDynamicValueOnly(d.Value) }},
		{"tfwire", func() (*tfprotov6.DynamicValue, error) { return Marshal(bulkType, d.Value, d) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			defer reportCPU(b)()
			var size int
			for b.Loop() {
				dv, err := tc.fn()
				if err != nil {
					b.Fatal(err)
				}
				size = len(dv.MsgPack)
			}
			b.ReportMetric(float64(size), "bytes")
		})
	}
}

func newDynamicValueOnly(v tftypes.Value) (*tfprotov6.DynamicValue, error) {
	dv, err := tfprotov6.NewDynamicValue(bulkType, v)
	if err != nil {
		return nil, fmt.Errorf("NewDynamicValue: %w", err)
	}
	return &dv, nil
}

// An attribute that arrives byte for byte as one already read is not decoded again: it is
// that very value, and the rest of the object reads as it would alone.
func TestDecodeTakesWhatArrivedBefore(t *testing.T) {
	// One element each: tftypes writes a map's elements in Go's map order, so only a
	// one-element map is written byte for byte alike twice (Terraform writes them sorted).
	entries := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
		"a": tftypes.NewValue(tftypes.String, "one"),
	})
	other := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
		"a": tftypes.NewValue(tftypes.String, "three"),
	})
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"certs": tftypes.DynamicPseudoType, "list": tftypes.Map{ElementType: tftypes.String}, "n": tftypes.Number,
	}}
	obj := func(certs, list tftypes.Value, n int) *tfprotov6.DynamicValue {
		dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
			"certs": certs, "list": list, "n": tftypes.NewValue(tftypes.Number, n),
		}))
		if err != nil {
			t.Fatal(err)
		}
		return &dv
	}
	first, err := Decode(obj(entries, entries, 1), typ)
	if err != nil {
		t.Fatal(err)
	}
	dv := obj(entries, other, 2)
	second, err := Decode(dv, typ, first)
	if err != nil {
		t.Fatal(err)
	}
	want, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Value.Equal(want) {
		t.Fatalf("read %v, want %v", second.Value, want)
	}
	var a, b map[string]tftypes.Value
	_ = first.Value.As(&a)
	_ = second.Value.As(&b)
	if ida, _ := identityOf(a["certs"]); ida != mustIdentity(t, b["certs"]) {
		t.Error("certs arrived as before but was decoded again")
	}
	if ida, _ := identityOf(a["list"]); ida == mustIdentity(t, b["list"]) {
		t.Error("list arrived with other bytes but was taken from before")
	}
	// What was taken is copied back as it arrived in the second value.
	out, err := Marshal(typ, second.Value, second)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := out.Unmarshal(typ); err != nil || !back.Equal(want) {
		t.Errorf("written back as %v (%v), want %v", back, err, want)
	}
}

func mustIdentity(t *testing.T, v tftypes.Value) identity {
	t.Helper()
	id, ok := identityOf(v)
	if !ok {
		t.Fatalf("%v has no identity", v)
	}
	return id
}
