package tfwire

import (
	"bytes"
	"io"
	"math/big"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// Unmarshal returns what dv.Unmarshal(typ) returns. A msgpack value is decoded here, its
// dynamic parts' type descriptions parsed once per process (see the package comment); a
// JSON one, or one with neither, goes to dv.Unmarshal. A nil dv is
// tfprotov6.ErrUnknownDynamicValueType.
func Unmarshal(dv *tfprotov6.DynamicValue, typ tftypes.Type) (tftypes.Value, error) {
	if dv == nil {
		return tftypes.Value{}, tfprotov6.ErrUnknownDynamicValueType
	}
	if dv.JSON != nil || dv.MsgPack == nil {
		return dv.Unmarshal(typ)
	}
	return fromMsgPack(dv.MsgPack, typ, nil)
}

// fromMsgPack reads data as a value of typ. With attrs not nil, and typ an object, it
// notes there the attributes of that object that arrived as composite values.
func fromMsgPack(data []byte, typ tftypes.Type, attrs map[string]arrived) (tftypes.Value, error) {
	return fromMsgPackLike(data, typ, attrs, nil)
}

// fromMsgPackLike is fromMsgPack that takes, for an attribute of the outermost object that
// arrived as exactly the bytes one of like kept for it, like's value (see Decode).
func fromMsgPackLike(data []byte, typ tftypes.Type, attrs map[string]arrived, like []Decoded) (tftypes.Value, error) {
	r := bytes.NewReader(data)
	dec := msgpack.GetDecoder()
	dec.Reset(r) // a bytes.Reader is read as is, not buffered: r.Len() is where dec is
	defer msgpack.PutDecoder(dec)
	d := decoder{dec: dec, r: r, data: data, attrs: attrs, like: like}
	return d.value(typ)
}

// decoder reads one msgpack value. Its path to the value being read is kept as plain
// steps, turned into a tftypes.AttributePath only for an error.
type decoder struct {
	dec  *msgpack.Decoder
	r    *bytes.Reader
	data []byte // all r reads
	path []step
	// attrs, when not nil, is where the first object read notes its attributes (see
	// Decode).
	attrs map[string]arrived
	// like are values already read whose outermost attributes may arrive again, byte for
	// byte (see Decode).
	like []Decoded
	// lastJSON and lastType are the type description this call parsed last: the
	// elements of a collection of dynamic values mostly share one.
	lastJSON []byte
	lastType tftypes.Type
}

type step struct {
	kind  stepKind
	name  string // attributeName, elementKeyString
	index int    // elementKeyInt
}

type stepKind uint8

const (
	attributeName stepKind = iota
	elementKeyString
	elementKeyInt
)

func (d *decoder) push(s step) { d.path = append(d.path, s) }
func (d *decoder) pop()        { d.path = d.path[:len(d.path)-1] }

// errorf is the error tftypes builds at the current path.
func (d *decoder) errorf(format string, args ...any) error {
	p := tftypes.NewAttributePath()
	for _, s := range d.path {
		switch s.kind {
		case attributeName:
			p = p.WithAttributeName(s.name)
		case elementKeyString:
			p = p.WithElementKeyString(s.name)
		default:
			p = p.WithElementKeyInt(s.index)
		}
	}
	return p.NewErrorf(format, args...)
}

// capacity is a starting capacity for n elements: no more than the bytes left, since
// each element takes at least one.
func (d *decoder) capacity(n int) int {
	return min(n, d.r.Len())
}

// value reads a value of type typ, as tftypes' msgpackUnmarshal does.
func (d *decoder) value(typ tftypes.Type) (tftypes.Value, error) {
	code, err := d.dec.PeekCode()
	if err != nil {
		return tftypes.Value{}, d.errorf("error peeking next byte: %w", err)
	}
	if msgpcode.IsExt(code) {
		// Terraform writes an unknown value as an extension; tftypes (like go-cty)
		// reads any extension as unknown.
		if err := d.dec.Skip(); err != nil {
			return tftypes.Value{}, d.errorf("error skipping extension byte: %w", err)
		}
		return tftypes.NewValue(typ, tftypes.UnknownValue), nil
	}
	if typ.Is(tftypes.DynamicPseudoType) {
		return d.dynamic()
	}
	if code == msgpcode.Nil {
		if err := d.dec.Skip(); err != nil {
			return tftypes.Value{}, d.errorf("error skipping nil byte: %w", err)
		}
		return tftypes.NewValue(typ, nil), nil
	}
	// The common composite types first, without the chain of Is calls below.
	switch t := typ.(type) {
	case tftypes.Object:
		return d.object(t.AttributeTypes)
	case tftypes.Map:
		return d.mapValue(t.ElementType)
	case tftypes.List:
		return d.list(t.ElementType)
	case tftypes.Set:
		return d.set(t.ElementType)
	case tftypes.Tuple:
		return d.tuple(t.ElementTypes)
	}
	switch {
	case typ.Is(tftypes.String):
		s, err := d.dec.DecodeString()
		if err != nil {
			return tftypes.Value{}, d.errorf("error decoding string: %w", err)
		}
		return tftypes.NewValue(tftypes.String, s), nil
	case typ.Is(tftypes.Number):
		return d.number(code)
	case typ.Is(tftypes.Bool):
		b, err := d.dec.DecodeBool()
		if err != nil {
			return tftypes.Value{}, d.errorf("couldn't decode bool: %w", err)
		}
		return tftypes.NewValue(tftypes.Bool, b), nil
	// Anything else whose Is says composite (a pointer to a composite type) panics on
	// the assertion, as in tftypes.
	case typ.Is(tftypes.List{}):
		return d.list(typ.(tftypes.List).ElementType) //nolint:forcetypeassert // panics as tftypes does
	case typ.Is(tftypes.Set{}):
		return d.set(typ.(tftypes.Set).ElementType) //nolint:forcetypeassert // panics as tftypes does
	case typ.Is(tftypes.Map{}):
		return d.mapValue(typ.(tftypes.Map).ElementType) //nolint:forcetypeassert // panics as tftypes does
	case typ.Is(tftypes.Tuple{}):
		return d.tuple(typ.(tftypes.Tuple).ElementTypes) //nolint:forcetypeassert // panics as tftypes does
	case typ.Is(tftypes.Object{}):
		return d.object(typ.(tftypes.Object).AttributeTypes) //nolint:forcetypeassert // panics as tftypes does
	}
	return tftypes.Value{}, d.errorf("unsupported type %s", typ.String())
}

// number reads a number whose first byte is code: an integer, a float, or a string of
// decimal digits (how Terraform sends numbers no float64 holds).
func (d *decoder) number(code byte) (tftypes.Value, error) {
	switch {
	case msgpcode.IsFixedNum(code), code == msgpcode.Int8, code == msgpcode.Int16,
		code == msgpcode.Int32, code == msgpcode.Int64:
		n, err := d.dec.DecodeInt64()
		if err != nil {
			return tftypes.Value{}, d.errorf("couldn't decode number as int64: %w", err)
		}
		return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(n)), nil
	case code == msgpcode.Uint8, code == msgpcode.Uint16, code == msgpcode.Uint32, code == msgpcode.Uint64:
		n, err := d.dec.DecodeUint64()
		if err != nil {
			return tftypes.Value{}, d.errorf("couldn't decode number as uint64: %w", err)
		}
		return tftypes.NewValue(tftypes.Number, new(big.Float).SetUint64(n)), nil
	case code == msgpcode.Float, code == msgpcode.Double:
		f, err := d.dec.DecodeFloat64()
		if err != nil {
			return tftypes.Value{}, d.errorf("couldn't decode number as float64: %w", err)
		}
		return tftypes.NewValue(tftypes.Number, big.NewFloat(f)), nil
	}
	s, err := d.dec.DecodeString()
	if err != nil {
		return tftypes.Value{}, d.errorf("couldn't decode number as string: %w", err)
	}
	// Base 10, 512 bits, to nearest even: how go-cty and tftypes read a number string.
	f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	if err != nil {
		return tftypes.Value{}, d.errorf("error parsing %q as number: %w", s, err)
	}
	return tftypes.NewValue(tftypes.Number, f), nil
}

// elements reads n values of type typ, the path of the i-th ending in ElementKeyInt(i).
func (d *decoder) elements(n int, typ tftypes.Type) ([]tftypes.Value, error) {
	vals := make([]tftypes.Value, 0, d.capacity(n))
	d.push(step{kind: elementKeyInt})
	defer d.pop()
	for i := range n {
		d.path[len(d.path)-1].index = i
		v, err := d.value(typ)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	return vals, nil
}

func (d *decoder) list(elem tftypes.Type) (tftypes.Value, error) {
	n, err := d.dec.DecodeArrayLen()
	if err != nil {
		return tftypes.Value{}, d.errorf("error decoding list length: %w", err)
	}
	switch {
	case n < 0:
		return tftypes.NewValue(tftypes.List{ElementType: elem}, nil), nil
	case n == 0:
		return tftypes.NewValue(tftypes.List{ElementType: elem}, []tftypes.Value{}), nil
	}
	vals, err := d.elements(n, elem)
	if err != nil {
		return tftypes.Value{}, err
	}
	if elem.Is(tftypes.DynamicPseudoType) {
		// A list of dynamic values takes its elements' type.
		if elem, err = tftypes.TypeFromElements(vals); err != nil {
			return tftypes.Value{}, err
		}
	}
	return tftypes.NewValue(tftypes.List{ElementType: elem}, vals), nil
}

func (d *decoder) set(elem tftypes.Type) (tftypes.Value, error) {
	n, err := d.dec.DecodeArrayLen()
	if err != nil {
		return tftypes.Value{}, d.errorf("error decoding set length: %w", err)
	}
	switch {
	case n < 0:
		return tftypes.NewValue(tftypes.Set{ElementType: elem}, nil), nil
	case n == 0:
		return tftypes.NewValue(tftypes.Set{ElementType: elem}, []tftypes.Value{}), nil
	}
	vals, err := d.elements(n, elem)
	if err != nil {
		return tftypes.Value{}, err
	}
	// A set always takes its elements' type, as in tftypes.
	if elem, err = tftypes.TypeFromElements(vals); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(tftypes.Set{ElementType: elem}, vals), nil
}

func (d *decoder) tuple(types []tftypes.Type) (tftypes.Value, error) {
	n, err := d.dec.DecodeArrayLen()
	if err != nil {
		return tftypes.Value{}, d.errorf("error decoding tuple length: %w", err)
	}
	switch {
	case n < 0:
		return tftypes.NewValue(tftypes.Tuple{ElementTypes: types}, nil), nil
	case n != len(types):
		return tftypes.Value{}, d.errorf("error decoding tuple; expected %d items, got %d", len(types), n)
	}
	vals := make([]tftypes.Value, 0, n)
	d.push(step{kind: elementKeyInt})
	defer d.pop()
	for i, t := range types {
		d.path[len(d.path)-1].index = i
		v, err := d.value(t)
		if err != nil {
			return tftypes.Value{}, err
		}
		vals = append(vals, v)
	}
	return tftypes.NewValue(tftypes.Tuple{ElementTypes: types}, vals), nil
}

func (d *decoder) mapValue(elem tftypes.Type) (tftypes.Value, error) {
	n, err := d.dec.DecodeMapLen()
	if err != nil {
		return tftypes.Value{}, d.errorf("error decoding map length: %w", err)
	}
	switch {
	case n < 0:
		return tftypes.NewValue(tftypes.Map{ElementType: elem}, nil), nil
	case n == 0:
		return tftypes.NewValue(tftypes.Map{ElementType: elem}, map[string]tftypes.Value{}), nil
	}
	vals := make(map[string]tftypes.Value, d.capacity(n))
	for range n {
		key, err := d.dec.DecodeString()
		if err != nil {
			return tftypes.Value{}, d.errorf("error decoding map key: %w", err)
		}
		d.push(step{kind: elementKeyString, name: key})
		v, err := d.value(elem)
		d.pop()
		if err != nil {
			return tftypes.Value{}, err
		}
		vals[key] = v
	}
	return tftypes.NewValue(tftypes.Map{ElementType: elem}, vals), nil
}

func (d *decoder) object(types map[string]tftypes.Type) (tftypes.Value, error) {
	n, err := d.dec.DecodeMapLen()
	if err != nil {
		return tftypes.Value{}, d.errorf("error decoding object length: %w", err)
	}
	switch {
	case n < 0:
		return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, nil), nil
	case n != len(types):
		return tftypes.Value{}, d.errorf("error decoding object; expected %d attributes, got %d", len(types), n)
	}
	attrs := d.attrs
	d.attrs = nil // the outermost object's attributes only
	vals := make(map[string]tftypes.Value, n)
	for range n {
		key, err := d.dec.DecodeString()
		if err != nil {
			return tftypes.Value{}, d.errorf("error decoding object key: %w", err)
		}
		t, ok := types[key]
		if !ok {
			return tftypes.Value{}, d.errorf("unknown attribute %q", key)
		}
		start := len(d.data) - d.r.Len()
		if v, ok := d.arrivedBefore(attrs, key, t, start); ok {
			vals[key] = v
			continue
		}
		d.push(step{kind: attributeName, name: key})
		v, err := d.value(t)
		d.pop()
		if err != nil {
			return tftypes.Value{}, err
		}
		vals[key] = v
		if attrs != nil {
			note(attrs, key, t, v, d.data[start:len(d.data)-d.r.Len()])
		}
	}
	return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, vals), nil
}

// dynamic reads a value of DynamicPseudoType: null, or the pair [type description as
// JSON, value of that type].
func (d *decoder) dynamic() (tftypes.Value, error) {
	n, err := d.dec.DecodeArrayLen()
	if err != nil {
		return tftypes.Value{}, d.errorf("error checking length of DynamicPseudoType value: %w", err)
	}
	switch {
	case n == -1:
		return tftypes.NewValue(tftypes.DynamicPseudoType, nil), nil
	case n != 2:
		return tftypes.Value{}, d.errorf("expected %d elements in DynamicPseudoType array, got %d", 2, n)
	}
	desc, err := d.dec.DecodeBytes()
	if err != nil {
		return tftypes.Value{}, d.errorf("error decoding bytes: %w", err)
	}
	typ, err := d.parseType(desc)
	if err != nil {
		return tftypes.Value{}, d.errorf("error parsing type information: %w", err)
	}
	return d.value(typ)
}

func (d *decoder) parseType(desc []byte) (tftypes.Type, error) {
	if d.lastType != nil && bytes.Equal(desc, d.lastJSON) {
		return d.lastType, nil
	}
	typ, err := types.parse(desc)
	if err == nil {
		d.lastJSON, d.lastType = desc, typ
	}
	return typ, err
}

// arrivedBefore takes, for attribute key of the outermost object (attrs not nil), the
// value one of d.like read from exactly the bytes that follow start, read as type t: it
// skips those bytes and notes the attribute as arrived here too.
func (d *decoder) arrivedBefore(attrs map[string]arrived, key string, t tftypes.Type, start int) (tftypes.Value, bool) {
	if attrs == nil {
		return tftypes.Value{}, false
	}
	for _, l := range d.like {
		a, ok := l.attrs[key]
		if !ok || !a.typ.Equal(t) || len(d.data)-start < len(a.raw) || !bytes.Equal(d.data[start:start+len(a.raw)], a.raw) {
			continue
		}
		if _, err := d.r.Seek(int64(len(a.raw)), io.SeekCurrent); err != nil {
			return tftypes.Value{}, false
		}
		attrs[key] = arrived{typ: a.typ, val: a.val, id: a.id, raw: d.data[start : start+len(a.raw)]}
		return a.val, true
	}
	return tftypes.Value{}, false
}
