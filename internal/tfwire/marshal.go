package tfwire

import (
	"bytes"
	"maps"
	"reflect"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// Decoded is an object read by Decode, with the msgpack each of its composite top-level
// attributes arrived as, for Marshal to send back unchanged.
type Decoded struct {
	Value tftypes.Value
	attrs map[string]arrived
}

// arrived is a top-level attribute as read: its type, its value, the map or slice inside
// that value (its identity), and its bytes (part of the DynamicValue read).
type arrived struct {
	typ tftypes.Type
	val tftypes.Value
	id  identity
	raw []byte
}

// Decode returns what Unmarshal returns, and keeps the bytes of the object's attributes
// whose values are known, non-empty collections, tuples or objects (of the attribute's
// type or, for a dynamic attribute, any). A JSON value keeps none. The bytes kept are
// dv.MsgPack's own, not a copy.
//
// A top-level attribute that arrived as exactly the bytes one of like kept for that
// attribute, read as the same type, is not decoded again: its value is like's, the very
// same value. A plan's configuration and proposed new state, and an unchanged state and
// plan, mostly carry the same certifications; each call then holds one copy of them.
func Decode(dv *tfprotov6.DynamicValue, typ tftypes.Object, like ...Decoded) (Decoded, error) {
	if dv == nil || dv.JSON != nil || dv.MsgPack == nil {
		v, err := Unmarshal(dv, typ)
		return Decoded{Value: v}, err
	}
	attrs := map[string]arrived{}
	v, err := fromMsgPackLike(dv.MsgPack, typ, attrs, like)
	if err != nil {
		return Decoded{}, err
	}
	return Decoded{Value: v, attrs: attrs}, nil
}

// note keeps the attribute key of type typ, read as v from raw, if v has an identity.
func note(attrs map[string]arrived, key string, typ tftypes.Type, v tftypes.Value, raw []byte) {
	if id, ok := identityOf(v); ok {
		attrs[key] = arrived{typ: typ, val: v, id: id, raw: raw}
	}
}

// Marshal returns what tfprotov6.NewDynamicValue(typ, v) returns, or an encoding of v
// that reads back the same: an object in msgpack, its attributes in order of name. A top-level attribute whose value in
// v is the very value one of from read (the same map or slice inside it, the same type,
// read as the same attribute type) is copied as it arrived; any other is encoded by
// tftypes. Values must not be modified in place (tftypes' values are immutable; As hands
// out their maps and slices unguarded): one that was would be sent as it arrived.
//
// A null or unknown v, and any value tftypes cannot encode, go to NewDynamicValue, errors
// included.
func Marshal(typ tftypes.Object, v tftypes.Value, from ...Decoded) (*tfprotov6.DynamicValue, error) {
	dv, _, err := marshal(typ, v, from)
	return dv, err
}

// marshal is Marshal, and the names of the attributes it copied.
func marshal(typ tftypes.Object, v tftypes.Value, from []Decoded) (*tfprotov6.DynamicValue, []string, error) {
	var vals map[string]tftypes.Value
	if v.Type() == nil || !v.IsKnown() || v.IsNull() || v.As(&vals) != nil || !anyArrived(from) {
		return newDynamicValue(typ, v)
	}
	var copied []string
	names := slices.Sorted(maps.Keys(typ.AttributeTypes))
	encoded := make([][]byte, len(names))
	size := 5 // the map's header
	for i, name := range names {
		t := typ.AttributeTypes[name]
		val, ok := vals[name]
		if !ok {
			return newDynamicValue(typ, v) // tftypes' error: no value set
		}
		if raw, ok := arrivedAs(from, name, t, val); ok {
			encoded[i] = raw
			copied = append(copied, name)
		} else {
			b, err := val.MarshalMsgPack(t) //nolint:staticcheck // how NewDynamicValue encodes
			if err != nil {
				return newDynamicValue(typ, v) // the error with its whole path
			}
			encoded[i] = b
		}
		size += 5 + len(name) + len(encoded[i])
	}
	var buf bytes.Buffer
	buf.Grow(size)
	enc := msgpack.GetEncoder()
	defer msgpack.PutEncoder(enc)
	enc.Reset(&buf) // a bytes.Buffer is written to as is: encoding and copying interleave
	if err := enc.EncodeMapLen(len(names)); err != nil {
		return nil, nil, err
	}
	for i, name := range names {
		if err := enc.EncodeString(name); err != nil {
			return nil, nil, err
		}
		buf.Write(encoded[i])
	}
	return &tfprotov6.DynamicValue{MsgPack: buf.Bytes()}, copied, nil
}

func newDynamicValue(typ tftypes.Type, v tftypes.Value) (*tfprotov6.DynamicValue, []string, error) {
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		return nil, nil, err
	}
	return &dv, nil, nil
}

func anyArrived(from []Decoded) bool {
	for _, d := range from {
		if len(d.attrs) > 0 {
			return true
		}
	}
	return false
}

// arrivedAs is the bytes attribute name of type typ arrived as in one of from, if val is
// the value read from them.
func arrivedAs(from []Decoded, name string, typ tftypes.Type, val tftypes.Value) ([]byte, bool) {
	id, ok := identityOf(val)
	if !ok {
		return nil, false
	}
	for _, d := range from {
		if a, ok := d.attrs[name]; ok && a.id == id && a.typ.Equal(typ) && sameType(a.val.Type(), val.Type()) {
			return a.raw, true
		}
	}
	return nil, false
}

// identity is the map or slice holding a value's elements or attributes: tftypes.Value.As
// hands it out as is, so a value passed on keeps it, and a value built anew has another.
type identity struct {
	ptr uintptr
	len int
}

// identityOf is v's identity, if v is a known collection, tuple or object with at least
// one element or attribute. (Empty ones, null ones and primitives are cheap to encode.)
func identityOf(v tftypes.Value) (identity, bool) {
	typ := v.Type()
	if typ == nil || !v.IsKnown() || v.IsNull() {
		return identity{}, false
	}
	switch typ.(type) {
	case tftypes.Object, tftypes.Map:
		var m map[string]tftypes.Value
		if v.As(&m) == nil && len(m) > 0 {
			return identity{reflect.ValueOf(m).Pointer(), len(m)}, true
		}
	case tftypes.List, tftypes.Set, tftypes.Tuple:
		var s []tftypes.Value
		if v.As(&s) == nil && len(s) > 0 {
			return identity{reflect.ValueOf(s).Pointer(), len(s)}, true
		}
	}
	return identity{}, false
}

// sameType is a.Equal(b), at once for objects whose attribute types are one map (a value
// passed on keeps the type it was read with; Equal would walk all 10,000 attributes of an
// object of certifications).
func sameType(a, b tftypes.Type) bool {
	oa, okA := a.(tftypes.Object)
	ob, okB := b.(tftypes.Object)
	if okA && okB && oa.AttributeTypes != nil && sameMap(oa.AttributeTypes, ob.AttributeTypes) &&
		sameMap(oa.OptionalAttributes, ob.OptionalAttributes) {
		return true
	}
	return a.Equal(b)
}

func sameMap[V any](a, b map[string]V) bool {
	return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer()
}
