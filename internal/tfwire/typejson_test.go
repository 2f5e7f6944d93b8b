package tfwire

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// sameAsParseJSONType fails unless parseType gives what tftypes.ParseJSONType gives for
// desc: the same error, or a deeply equal type.
func sameAsParseJSONType(t testing.TB, desc []byte) {
	t.Helper()
	want, wantErr := tftypes.ParseJSONType(desc) //nolint:staticcheck // the reference
	got, err := parseType(desc)
	switch {
	case wantErr != nil || err != nil:
		if wantErr == nil || err == nil || err.Error() != wantErr.Error() {
			t.Errorf("%q: error %v, ParseJSONType: %v", desc, err, wantErr)
		}
	case !reflect.DeepEqual(got, want):
		t.Errorf("%q: %#v, ParseJSONType: %#v", desc, got, want)
	}
}

// typeDescriptions are descriptions in the compact form and out of it.
var typeDescriptions = []string{
	`"string"`, `"number"`, `"bool"`, `"dynamic"`, `"strin"`, `"String"`, `string`, ``, `null`, `[]`, `{}`,
	`["list","string"]`, `["set",["list","number"]]`, `["map",["object",{"a":"bool"}]]`,
	`["object",{}]`, `["object",{"a":"string","b":["tuple",["number","dynamic"]]}]`,
	`["object",{"a":"string","b":"number"},["b"]]`, `["object",{"a":"string"},[]]`, `["object",{"a":"string"},["a","a"]]`,
	`["object",{"a":"string"},null]`, `["object",{"a":"string"},"a"]`, `["object",{"a":"string"},["a"],1]`,
	`["object",{"a":"string","a":"number"}]`, `["object",{"a":null}]`, `["object",{"a":"string",}]`,
	`["tuple",[]]`, `["tuple",["string","string"]]`, `["tuple",["string",]]`, `["tuple","string"]`,
	`["list"]`, `["list","string","string"]`, `["list","string"`, `["lis","string"]`, `[1,"string"]`, `["list",1]`,
	` ["list","string"]`, `["list", "string"]`, `["list","string"] `, `["list","string"]x`,
	`["object",{"z\u00fcrich":"string"}]`, `["object",{"zürich":"string"}]`, "[\"object\",{\"z\xffrich\":\"string\"}]",
	"[\"object\",{\"a\tb\":\"string\"}]", `["object",{"a\"b":"string"}]`, `["object",{"":"string"}]`,
	`["map",["object",{"x":["list","string"]}]]`, `["list",["list",["list",["list","bool"]]]]`,
	`["object",{"a":["object",{"x":"string"}],"b":["object",{"x":"string"}],"c":["object",{"x":"number"}]}]`,
	`["object",{"a":["object",{"x":"string"}],"b":["object",{"x":"string"}]]]`, `["list",["list","string"}]`,
}

func TestParseTypeSameAsParseJSONType(t *testing.T) {
	for _, d := range typeDescriptions {
		sameAsParseJSONType(t, []byte(d))
	}
	for _, v := range values(t) {
		desc, err := v.Type().MarshalJSON() //nolint:staticcheck // what NewDynamicValue sends
		if err != nil {
			t.Fatal(err)
		}
		sameAsParseJSONType(t, desc)
		if p := (typeParser{b: desc}); !compact(&p) {
			t.Errorf("%s: not read in the compact form", desc)
		}
	}
}

func compact(p *typeParser) bool {
	_, ok := p.typ(0)
	return ok && p.i == len(p.b)
}

// The compact form is read here, not by ParseJSONType, and equal nested descriptions share
// one type.
func TestParseTypeShares(t *testing.T) {
	p := typeParser{b: []byte(`["object",{"a":["object",{"x":"string"}],"b":["object",{"x":"string"}]}]`)}
	typ, ok := p.typ(0)
	if !ok || p.i != len(p.b) {
		t.Fatalf("not read in the compact form: %v, at %d of %d", ok, p.i, len(p.b))
	}
	o, _ := typ.(tftypes.Object)
	if attributeTypes(t, o.AttributeTypes["a"]) != attributeTypes(t, o.AttributeTypes["b"]) {
		t.Error("two equal descriptions were parsed into two types")
	}
}

// FuzzParseType compares parseType with tftypes.ParseJSONType on arbitrary descriptions.
func FuzzParseType(f *testing.F) {
	for _, d := range typeDescriptions {
		f.Add([]byte(d))
	}
	f.Fuzz(func(t *testing.T, desc []byte) {
		sameAsParseJSONType(t, desc)
	})
}
