package tfwire

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

var (
	str  = tftypes.String
	num  = tftypes.Number
	boo  = tftypes.Bool
	dyn  = tftypes.DynamicPseudoType
	unk  = tftypes.UnknownValue
	strs = tftypes.List{ElementType: str}
)

func sv(v string) tftypes.Value  { return tftypes.NewValue(str, v) }
func nv(v float64) tftypes.Value { return tftypes.NewValue(num, big.NewFloat(v)) }
func bv(v bool) tftypes.Value    { return tftypes.NewValue(boo, v) }

func bigNum(t testing.TB, text string) tftypes.Value {
	f, _, err := big.ParseFloat(text, 10, 512, big.ToNearestEven)
	if err != nil {
		t.Fatal(err)
	}
	return tftypes.NewValue(num, f)
}

func obj(types map[string]tftypes.Type, vals map[string]tftypes.Value) tftypes.Value {
	return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, vals)
}

var (
	oneString     = tftypes.Tuple{ElementTypes: []tftypes.Type{str}}
	inferenceType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"confidence_score": num, "user_has_verified_accuracy": boo}}
	sourceType    = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"type": oneString}}
)

// entryType is an entry of graph_person_certifications' certifications, as Terraform
// types an object written in a configuration (a list written there is a tuple).
var entryType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"user_id": str, "display_name": str, "certification_id": str, "description": str,
	"issuing_authority": str, "issuing_company": str, "start_date": str, "end_date": str,
	"issued_date": str, "thumbnail_url": str, "web_url": str,
	"allowed_audiences": oneString, "inference": inferenceType, "source": sourceType,
}}

// entry is entry i of user u; unknown leaves some attributes unknown (a plan).
func entry(u, i int, unknown bool) tftypes.Value {
	aud := tftypes.NewValue(oneString, []tftypes.Value{sv("organization")})
	inference := tftypes.NewValue(inferenceType, nil)
	if i%3 == 0 {
		inference = obj(inferenceType.AttributeTypes,
			map[string]tftypes.Value{"confidence_score": nv(float64(i%100) / 8), "user_has_verified_accuracy": bv(i%2 == 0)})
	}
	issued := sv(fmt.Sprintf("2025-%02d-14", i%12+1))
	if unknown && i%5 == 0 {
		issued = tftypes.NewValue(str, unk)
	}
	return tftypes.NewValue(entryType, map[string]tftypes.Value{
		"user_id":           sv(fmt.Sprintf("user%05d@contoso.example", u)),
		"display_name":      sv(fmt.Sprintf("Azure certification %d", i)),
		"certification_id":  sv(fmt.Sprintf("AZ-%05d", i)),
		"description":       tftypes.NewValue(str, nil),
		"issuing_authority": sv("Microsoft"),
		"issuing_company":   sv("Microsoft"),
		"start_date":        sv("2025-01-01"),
		"end_date":          tftypes.NewValue(str, nil),
		"issued_date":       issued,
		"thumbnail_url":     tftypes.NewValue(str, nil),
		"web_url":           sv(fmt.Sprintf("https://learn.microsoft.com/credentials/%d", i)),
		"allowed_audiences": aud,
		"inference":         inference,
		"source":            obj(sourceType.AttributeTypes, map[string]tftypes.Value{"type": tftypes.NewValue(oneString, []tftypes.Value{sv("user")})}),
	})
}

// certsObject is n entries keyed "user/AZ-xxx" as an object, the type Terraform gives a
// map written in a configuration (a for expression).
func certsObject(n int, unknown bool) tftypes.Value {
	types := make(map[string]tftypes.Type, n)
	vals := make(map[string]tftypes.Value, n)
	for i := range n {
		k := fmt.Sprintf("user%05d@contoso.example/AZ-%05d", i%(n/10+1), i)
		types[k] = entryType
		vals[k] = entry(i%(n/10+1), i, unknown)
	}
	return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, vals)
}

// certsMap is the same entries as a map (a variable typed map(object)).
func certsMap(n int) tftypes.Value {
	vals := make(map[string]tftypes.Value, n)
	for i := range n {
		vals[fmt.Sprintf("user%05d@contoso.example/AZ-%05d", i%(n/10+1), i)] = entry(i%(n/10+1), i, false)
	}
	return tftypes.NewValue(tftypes.Map{ElementType: entryType}, vals)
}

var computedType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"id": str, "created_date_time": str, "last_modified_date_time": str,
}}

// bulkType is graph_person_certifications' type.
var bulkType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"id": str, "certifications": dyn, "adopt_existing": boo, "exclusive": boo,
	"entries": tftypes.Map{ElementType: computedType}, "max_deletions": num, "missing_users": str,
	"retain_removed": boo, "adoptions": tftypes.Map{ElementType: str}, "exclusive_deletions": tftypes.Map{ElementType: str},
	"timeouts": tftypes.Object{AttributeTypes: map[string]tftypes.Type{"create": str, "read": str, "update": str, "delete": str}},
}}

// bulk is a value of bulkType holding certs; computed sets entries for each of them
// (state), else they are unknown (a plan).
func bulk(certs tftypes.Value, computed bool) tftypes.Value {
	entries := tftypes.NewValue(tftypes.Map{ElementType: computedType}, unk)
	if computed {
		var m map[string]tftypes.Value
		if err := certs.As(&m); err != nil {
			panic(err)
		}
		e := make(map[string]tftypes.Value, len(m))
		i := 0
		for k := range m {
			e[k] = tftypes.NewValue(computedType, map[string]tftypes.Value{
				"id":                      sv(fmt.Sprintf("5a1f0c2e-0000-4b7d-9e3a-%012d", i)),
				"created_date_time":       sv("2026-01-02T03:04:05.0000000Z"),
				"last_modified_date_time": sv("2026-01-02T03:04:05.0000000Z"),
			})
			i++
		}
		entries = tftypes.NewValue(tftypes.Map{ElementType: computedType}, e)
	}
	return tftypes.NewValue(bulkType, map[string]tftypes.Value{
		"id": sv("hr"), "certifications": certs, "adopt_existing": bv(true), "exclusive": bv(false),
		"entries": entries, "max_deletions": tftypes.NewValue(num, nil), "missing_users": sv("wait"),
		"retain_removed": bv(false), "adoptions": tftypes.NewValue(tftypes.Map{ElementType: str}, map[string]tftypes.Value{}),
		"exclusive_deletions": tftypes.NewValue(tftypes.Map{ElementType: str}, nil),
		"timeouts":            tftypes.NewValue(bulkType.AttributeTypes["timeouts"], nil),
	})
}

// values are typed values of every kind, each with the type it is sent as.
func values(t testing.TB) []tftypes.Value {
	nested := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": str, "b": tftypes.List{ElementType: num}, "c": dyn}}
	mixed := tftypes.Tuple{ElementTypes: []tftypes.Type{str, num, boo, dyn}}
	vs := []tftypes.Value{
		sv(""), sv("x"), sv("Zürich ✓"), sv(strings.Repeat("long ", 20000)),
		bv(true), bv(false),
		nv(0), nv(1), nv(-1), nv(127), nv(128), nv(-32), nv(-33), nv(255), nv(256), nv(65535), nv(65536), nv(-129),
		nv(1 << 31), nv(-(1 << 31) - 1), nv(1 << 40), nv(-(1 << 40)), nv(0.5), nv(-0.25), nv(1e300), nv(-1e-300),
		nv(math.Inf(1)), nv(math.Inf(-1)), nv(math.MaxInt64),
		tftypes.NewValue(num, new(big.Float).SetUint64(math.MaxUint64)),
		bigNum(t, "123456789012345678901234567890.123456789"), bigNum(t, "-1e400"), bigNum(t, "0.1"),
		tftypes.NewValue(strs, []tftypes.Value{sv("a"), sv("b")}),
		tftypes.NewValue(strs, []tftypes.Value{}),
		tftypes.NewValue(strs, []tftypes.Value{sv("a"), tftypes.NewValue(str, unk), tftypes.NewValue(str, nil)}),
		tftypes.NewValue(tftypes.List{ElementType: strs}, []tftypes.Value{tftypes.NewValue(strs, []tftypes.Value{sv("x")}), tftypes.NewValue(strs, nil)}),
		tftypes.NewValue(tftypes.Set{ElementType: num}, []tftypes.Value{nv(1), nv(2), nv(3.5)}),
		tftypes.NewValue(tftypes.Set{ElementType: num}, []tftypes.Value{}),
		tftypes.NewValue(tftypes.Set{ElementType: entryType}, []tftypes.Value{entry(1, 1, false), entry(2, 3, false)}),
		tftypes.NewValue(tftypes.Map{ElementType: str}, map[string]tftypes.Value{"a": sv("1"), "": sv("empty key"), "c": tftypes.NewValue(str, unk)}),
		tftypes.NewValue(tftypes.Map{ElementType: str}, map[string]tftypes.Value{}),
		tftypes.NewValue(tftypes.Map{ElementType: entryType}, map[string]tftypes.Value{"u/AZ-1": entry(1, 1, true), "u/AZ-2": entry(1, 2, true)}),
		tftypes.NewValue(tftypes.Tuple{ElementTypes: []tftypes.Type{str, num, boo}}, []tftypes.Value{sv("a"), nv(2), bv(true)}),
		tftypes.NewValue(tftypes.Tuple{ElementTypes: []tftypes.Type{}}, []tftypes.Value{}),
		tftypes.NewValue(mixed, []tftypes.Value{tftypes.NewValue(str, nil), tftypes.NewValue(num, unk), bv(false), sv("dynamic in a tuple")}),
		tftypes.NewValue(mixed, []tftypes.Value{sv(""), nv(0), bv(true), tftypes.NewValue(dyn, nil)}),
		tftypes.NewValue(mixed, []tftypes.Value{sv(""), nv(0), bv(true), tftypes.NewValue(dyn, unk)}),
		tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, map[string]tftypes.Value{}),
		obj(nested.AttributeTypes, map[string]tftypes.Value{"a": sv("x"), "b": tftypes.NewValue(tftypes.List{ElementType: num}, []tftypes.Value{nv(1)}), "c": nv(3)}),
		obj(nested.AttributeTypes, map[string]tftypes.Value{"a": tftypes.NewValue(str, unk), "b": tftypes.NewValue(tftypes.List{ElementType: num}, unk), "c": tftypes.NewValue(dyn, unk)}),
		obj(nested.AttributeTypes, map[string]tftypes.Value{"a": sv("x"), "b": tftypes.NewValue(tftypes.List{ElementType: num}, nil), "c": entry(3, 4, true)}),
		// Collections of dynamic values: their elements carry their types.
		tftypes.NewValue(tftypes.List{ElementType: dyn}, []tftypes.Value{sv("a"), sv("b")}),
		tftypes.NewValue(tftypes.List{ElementType: dyn}, []tftypes.Value{}),
		tftypes.NewValue(tftypes.Set{ElementType: dyn}, []tftypes.Value{nv(1), nv(2)}),
		tftypes.NewValue(tftypes.Map{ElementType: dyn}, map[string]tftypes.Value{"a": entry(1, 1, false), "b": entry(2, 2, false)}),
		// A map of objects with a dynamic attribute: the same type descriptions repeat.
		tftypes.NewValue(tftypes.Map{ElementType: nested}, map[string]tftypes.Value{
			"x": obj(nested.AttributeTypes, map[string]tftypes.Value{"a": sv("1"), "b": tftypes.NewValue(tftypes.List{ElementType: num}, nil), "c": certsObject(3, false)}),
			"y": obj(nested.AttributeTypes, map[string]tftypes.Value{"a": sv("2"), "b": tftypes.NewValue(tftypes.List{ElementType: num}, nil), "c": certsObject(3, false)}),
			"z": obj(nested.AttributeTypes, map[string]tftypes.Value{"a": sv("3"), "b": tftypes.NewValue(tftypes.List{ElementType: num}, nil), "c": certsMap(2)}),
			"w": obj(nested.AttributeTypes, map[string]tftypes.Value{"a": sv("4"), "b": tftypes.NewValue(tftypes.List{ElementType: num}, nil), "c": sv("other type")}),
		}),
		certsObject(50, false), certsObject(50, true), certsMap(50),
		bulk(certsObject(40, false), true), bulk(certsObject(40, true), false), bulk(certsMap(40), true),
		bulk(tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, map[string]tftypes.Value{}), true),
		bulk(tftypes.NewValue(dyn, unk), false), bulk(tftypes.NewValue(dyn, nil), false),
		tftypes.NewValue(bulkType, unk),
	}
	// Every type's null and unknown.
	for _, v := range slices.Clone(vs) {
		vs = append(vs, tftypes.NewValue(v.Type(), nil), tftypes.NewValue(v.Type(), unk))
	}
	return vs
}

// Unmarshal reads every value exactly as DynamicValue.Unmarshal does: sent as its own type,
// and as a dynamic value (its type description first), twice so that the second read finds
// the description cached.
func TestUnmarshalSameAsTFTypes(t *testing.T) {
	for _, v := range values(t) {
		for _, as := range []tftypes.Type{v.Type(), dyn} {
			if as.Is(dyn) && v.Type().Is(dyn) {
				continue
			}
			dv, err := tfprotov6.NewDynamicValue(as, v)
			if err != nil {
				t.Fatalf("%s as %s: %v", v, as, err)
			}
			for range 2 {
				if got := compare(t, dv.MsgPack, as); got != "value" {
					t.Errorf("%s as %s: %s, not a value", v, as, got)
				}
			}
		}
	}
}

// enc is msgpack written by hand, for encodings tftypes never writes but reads.
func enc(t *testing.T, parts ...any) []byte {
	t.Helper()
	var sb strings.Builder
	e := msgpack.NewEncoder(&sb)
	for _, p := range parts {
		var err error
		switch p := p.(type) {
		case raw:
			_, err = sb.Write(p)
		case arr:
			err = e.EncodeArrayLen(int(p))
		case mp:
			err = e.EncodeMapLen(int(p))
		case bin:
			err = e.EncodeBytes(p)
		case nil:
			err = e.EncodeNil()
		default:
			err = e.Encode(p)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return []byte(sb.String())
}

type (
	raw []byte // written as is
	arr int    // an array header
	mp  int    // a map header
	bin []byte // a bin (not str) value
)

// Encodings and errors beyond what NewDynamicValue writes: each reads as in tftypes,
// value or error (with its path) or panic.
func TestUnmarshalCraftedSameAsTFTypes(t *testing.T) {
	attrs := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": str, "b": tftypes.List{ElementType: num}}}
	tests := []struct {
		name string
		typ  tftypes.Type
		data []byte
		want string // "value", "error" or "panic"
	}{
		{"uint8", num, raw{0xcc, 0xff}, "value"},
		{"uint16", num, raw{0xcd, 0xff, 0xfe}, "value"},
		{"uint32", num, raw{0xce, 0xff, 0, 0, 1}, "value"},
		{"uint64 max", num, raw{0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "value"},
		{"int8", num, raw{0xd0, 0x80}, "value"},
		{"int16", num, raw{0xd1, 0x80, 0}, "value"},
		{"int32", num, raw{0xd2, 0x80, 0, 0, 0}, "value"},
		{"int64 min", num, raw{0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0}, "value"},
		{"float32", num, enc(t, float32(1.5)), "value"},
		{"number string", num, enc(t, "1e400"), "value"},
		{"number bin", num, enc(t, bin("-12.5")), "value"},
		{"number not a number", num, enc(t, "twelve"), "error"},
		{"number bool", num, enc(t, true), "error"},
		{"number truncated", num, raw{0xcd, 0xff}, "error"},
		{"string bin", str, enc(t, bin("x")), "value"},
		{"string int", str, enc(t, 7), "error"},
		{"string truncated", str, raw{0xa5, 'a', 'b'}, "error"},
		{"bool int", boo, enc(t, 1), "error"},
		{"empty input", str, raw{}, "error"},
		{"empty input dynamic", dyn, raw{}, "error"},
		{"unknown fixext4", str, raw{0xd6, 0, 1, 2, 3, 4}, "value"},
		{"unknown ext8", attrs, raw{0xc7, 2, 5, 1, 2}, "value"},
		{"unknown ext truncated", str, raw{0xd6, 0, 1}, "error"},
		{"unknown dynamic", dyn, raw{0xd4, 0, 0}, "value"},
		{"null dynamic", dyn, enc(t, nil), "value"},
		{"dynamic string type as str", dyn, enc(t, arr(2), `"string"`, "x"), "value"},
		{"dynamic string type as bin", dyn, enc(t, arr(2), bin(`"string"`), "x"), "value"},
		{"dynamic of dynamic", dyn, enc(t, arr(2), `"dynamic"`, arr(2), `"number"`, 5), "value"},
		{"dynamic unknown value", dyn, enc(t, arr(2), `["list","string"]`, raw{0xd4, 0, 0}), "value"},
		{"dynamic null value", dyn, enc(t, arr(2), `["object",{"a":"string"}]`, nil), "value"},
		{"dynamic object optional attributes", dyn, enc(t, arr(2), `["object",{"a":"string","b":"number"},["b"]]`, mp(2), "a", "x", "b", 1), "value"},
		{"dynamic three elements", dyn, enc(t, arr(3), `"string"`, "x", "y"), "error"},
		{"dynamic not an array", dyn, enc(t, "x"), "error"},
		{"dynamic type not bytes", dyn, enc(t, arr(2), 1, "x"), "error"},
		{"dynamic bad type json", dyn, enc(t, arr(2), `["lis","string"]`, arr(0)), "error"},
		{"dynamic type json null", dyn, enc(t, arr(2), `null`, "x"), "error"},
		{"dynamic empty type", dyn, enc(t, arr(2), "", "x"), "error"},
		{"dynamic nil type", dyn, enc(t, arr(2), nil, "x"), "error"},
		{"dynamic value of wrong kind", dyn, enc(t, arr(2), `"bool"`, "x"), "error"},
		{"dynamic truncated", dyn, enc(t, arr(2), `"string"`), "error"},
		{"list of dynamic mixed", tftypes.List{ElementType: dyn}, enc(t, arr(2), arr(2), `"string"`, "x", arr(2), `"number"`, 1), "error"},
		{"set of dynamic mixed", tftypes.Set{ElementType: dyn}, enc(t, arr(2), arr(2), `"string"`, "x", arr(2), `"number"`, 1), "error"},
		{"map of dynamic mixed", tftypes.Map{ElementType: dyn}, enc(t, mp(2), "a", arr(2), `"string"`, "x", "b", arr(2), `"number"`, 1), "panic"}, // tftypes.NewValue refuses it
		{"list element error path", tftypes.List{ElementType: attrs}, enc(t, arr(2), mp(2), "a", "x", "b", arr(0), mp(2), "a", "x", "b", arr(1), "NaN?"), "error"},
		{"map element error path", tftypes.Map{ElementType: attrs}, enc(t, mp(1), "k", mp(2), "a", 1, "b", arr(0)), "error"},
		{"map key not a string", tftypes.Map{ElementType: str}, enc(t, mp(1), 1, "x"), "error"},
		{"map truncated", tftypes.Map{ElementType: str}, enc(t, mp(2), "k", "x"), "error"},
		{"list not an array", strs, enc(t, "x"), "error"},
		{"set not an array", tftypes.Set{ElementType: str}, enc(t, mp(0)), "error"},
		{"map not a map", tftypes.Map{ElementType: str}, enc(t, arr(0)), "error"},
		{"object not a map", attrs, enc(t, arr(0)), "error"},
		{"tuple not an array", tftypes.Tuple{ElementTypes: []tftypes.Type{str}}, enc(t, "x"), "error"},
		{"tuple too short", tftypes.Tuple{ElementTypes: []tftypes.Type{str, str}}, enc(t, arr(1), "x"), "error"},
		{"tuple element error", tftypes.Tuple{ElementTypes: []tftypes.Type{str, num}}, enc(t, arr(2), "x", "y"), "error"},
		{"object too few attributes", attrs, enc(t, mp(1), "a", "x"), "error"},
		{"object unknown attribute", attrs, enc(t, mp(2), "a", "x", "c", 1), "error"},
		{"object key not a string", attrs, enc(t, mp(2), 1, "x", "b", nil), "error"},
		{"object duplicate attribute", attrs, enc(t, mp(2), "a", "x", "a", "y"), "panic"}, // likewise
		{"object attribute error", attrs, enc(t, mp(2), "a", "x", "b", arr(1), true), "error"},
		{"nested path", tftypes.Map{ElementType: tftypes.List{ElementType: attrs}},
			enc(t, mp(1), "k", arr(2), mp(2), "a", "x", "b", nil, mp(2), "a", "x", "b", arr(2), 1, "two"), "error"},
		{"error inside a dynamic", tftypes.Map{ElementType: dyn}, enc(t, mp(1), "k", arr(2), `["object",{"a":"string"}]`, mp(1), "a", 1), "error"},
		{"trailing bytes ignored", str, enc(t, "x", "y"), "value"},
		{"pointer to a list type", &tftypes.List{ElementType: str}, enc(t, arr(1), "x"), "panic"}, // tftypes asserts tftypes.List
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 2 {
				if got := compare(t, tc.data, tc.typ); got != tc.want {
					t.Errorf("%s, want %s", got, tc.want)
				}
			}
		})
	}
}

// An error names the path of the value that failed, as tftypes does.
func TestUnmarshalErrorPath(t *testing.T) {
	typ := tftypes.Map{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"c": dyn}}}
	data := enc(t, mp(1), "u/AZ-1", mp(1), "c", arr(2), `["list","number"]`, arr(2), 1, "two")
	_, err := Unmarshal(&tfprotov6.DynamicValue{MsgPack: data}, typ)
	var pathErr tftypes.AttributePathError
	if !errors.As(err, &pathErr) {
		t.Fatalf("error %v is not an AttributePathError", err)
	}
	want := tftypes.NewAttributePath().WithElementKeyString("u/AZ-1").WithAttributeName("c").WithElementKeyInt(1)
	if !pathErr.Path.Equal(want) {
		t.Errorf("error at %s, want %s", pathErr.Path, want)
	}
	if !strings.Contains(err.Error(), `error parsing "two" as number`) {
		t.Errorf("error %q", err)
	}
}

// JSON values and values without either encoding go to DynamicValue.Unmarshal; nil is an
// error.
func TestUnmarshalOtherEncodings(t *testing.T) {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": str}}
	got, err := Unmarshal(&tfprotov6.DynamicValue{JSON: []byte(`{"a":"x"}`), MsgPack: []byte{0xc0}}, typ)
	if want := obj(typ.AttributeTypes, map[string]tftypes.Value{"a": sv("x")}); err != nil || !got.Equal(want) {
		t.Errorf("JSON: %s, %v; want %s", got, err, want)
	}
	if _, err := Unmarshal(&tfprotov6.DynamicValue{}, typ); !errors.Is(err, tfprotov6.ErrUnknownDynamicValueType) {
		t.Errorf("empty: %v", err)
	}
	if _, err := Unmarshal(nil, typ); !errors.Is(err, tfprotov6.ErrUnknownDynamicValueType) {
		t.Errorf("nil: %v", err)
	}
}

// outcome is what one unmarshal gave: a value, an error, or a panic.
type outcome struct {
	val      tftypes.Value
	err      error
	panicked bool
	panicMsg string
}

func run(fn func() (tftypes.Value, error)) (o outcome) {
	defer func() {
		if r := recover(); r != nil {
			o = outcome{panicked: true, panicMsg: fmt.Sprint(r)}
		}
	}()
	o.val, o.err = fn()
	return o
}

func panicKind(msg string) string {
	kind, _, _ := strings.Cut(msg, `"`)
	return kind
}

// compare fails unless Unmarshal gives what DynamicValue.Unmarshal gives for data read as
// typ: equal values (Equal, and no Diff), or the same error at the same path, or a panic
// with the same message. It returns which of these it was: "value", "error" or "panic".
func compare(t testing.TB, data []byte, typ tftypes.Type) string {
	t.Helper()
	dv := &tfprotov6.DynamicValue{MsgPack: data}
	want := run(func() (tftypes.Value, error) { return dv.Unmarshal(typ) })
	got := run(func() (tftypes.Value, error) { return Unmarshal(dv, typ) })
	switch {
	case want.panicked || got.panicked:
		// A panic message may name one of several attributes missing from an object,
		// whichever tftypes' map iteration meets first: compared up to the first name.
		if want.panicked != got.panicked || panicKind(want.panicMsg) != panicKind(got.panicMsg) {
			t.Errorf("%x as %s: panic %v %q, tftypes: panic %v %q", data, typ, got.panicked, got.panicMsg, want.panicked, want.panicMsg)
		}
		return "panic"
	case want.err != nil || got.err != nil:
		if want.err == nil || got.err == nil || want.err.Error() != got.err.Error() {
			t.Errorf("%x as %s: error %v, tftypes: %v", data, typ, got.err, want.err)
			return "error"
		}
		var wantPath, gotPath tftypes.AttributePathError
		if errors.As(want.err, &wantPath) != errors.As(got.err, &gotPath) || !wantPath.Equal(gotPath) {
			t.Errorf("%x as %s: error %#v, tftypes: %#v", data, typ, got.err, want.err)
		}
		return "error"
	}
	if !got.val.Equal(want.val) {
		t.Errorf("%x as %s: %s, tftypes: %s", data, typ, got.val, want.val)
		return "value"
	}
	if !got.val.Type().Equal(want.val.Type()) {
		t.Errorf("%x as %s: type %s, tftypes: %s", data, typ, got.val.Type(), want.val.Type())
	}
	diffs, err := want.val.Diff(got.val)
	if err != nil || len(diffs) != 0 {
		t.Errorf("%x as %s: %d diffs (%v) from tftypes' %s", data, typ, len(diffs), err, want.val)
	}
	if g, w := numbers(t, got.val), numbers(t, want.val); !slices.Equal(g, w) {
		t.Errorf("%x as %s: numbers %v, tftypes: %v", data, typ, g, w)
	}
	return "value"
}

// numbers lists v's known numbers with their paths, exactly: precision and bits, which
// Equal does not compare.
func numbers(t testing.TB, v tftypes.Value) []string {
	t.Helper()
	var out []string
	err := tftypes.Walk(v, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		if v.Type().Is(tftypes.Number) && v.IsKnown() && !v.IsNull() {
			var f big.Float
			if err := v.As(&f); err != nil {
				return false, err
			}
			out = append(out, fmt.Sprintf("%s=%d:%s", p, f.Prec(), f.Text('p', 0)))
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
