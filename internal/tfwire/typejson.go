package tfwire

import (
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// parseType is tftypes.ParseJSONType(desc). A description in the compact form Terraform
// writes (no whitespace, strings without escapes, no repeated attribute) is read here, in
// one pass; anything else goes to ParseJSONType, errors included. Equal composite
// descriptions within one description (the entries of a map of objects) share one parsed
// type, as values of a cached type share it (see the package comment).
func parseType(desc []byte) (tftypes.Type, error) {
	p := typeParser{b: desc}
	if t, ok := p.typ(0); ok && p.i == len(desc) {
		return t, nil
	}
	return tftypes.ParseJSONType(desc) //nolint:staticcheck // the parser DynamicValue.Unmarshal uses
}

type typeParser struct {
	b     []byte
	i     int
	seen  map[string]tftypes.Type // nested composite descriptions parsed so far
	names map[string]string       // attribute names, one string each
}

// typ reads a type at p.i, depth levels down; ok is false for anything the compact form
// does not hold.
func (p *typeParser) typ(depth int) (tftypes.Type, bool) {
	if p.i >= len(p.b) {
		return nil, false
	}
	switch p.b[p.i] {
	case '"':
		name, ok := p.str()
		if !ok {
			return nil, false
		}
		switch string(name) {
		case "string":
			return tftypes.String, true
		case "number":
			return tftypes.Number, true
		case "bool":
			return tftypes.Bool, true
		case "dynamic":
			return tftypes.DynamicPseudoType, true
		}
		return nil, false
	case '[':
		if depth == 0 {
			return p.composite(depth)
		}
		start := p.i
		end, ok := skip(p.b, start)
		if !ok {
			return nil, false
		}
		if t, ok := p.seen[string(p.b[start:end])]; ok {
			p.i = end
			return t, true
		}
		t, ok := p.composite(depth)
		if !ok || p.i != end {
			return nil, false
		}
		if p.seen == nil {
			p.seen = map[string]tftypes.Type{}
		}
		p.seen[string(p.b[start:end])] = t
		return t, true
	}
	return nil, false
}

// composite reads ["kind", ...] as ParseJSONType builds it.
func (p *typeParser) composite(depth int) (tftypes.Type, bool) {
	p.i++ // [
	kind, ok := p.str()
	if !ok || !p.eat(',') {
		return nil, false
	}
	var t tftypes.Type
	switch string(kind) {
	case "list", "set", "map":
		var el tftypes.Type
		if el, ok = p.typ(depth + 1); ok {
			switch string(kind) {
			case "list":
				t = tftypes.List{ElementType: el}
			case "set":
				t = tftypes.Set{ElementType: el}
			default:
				t = tftypes.Map{ElementType: el}
			}
		}
	case "object":
		t, ok = p.object(depth)
	case "tuple":
		t, ok = p.tuple(depth)
	default:
		return nil, false
	}
	if !ok || !p.eat(']') {
		return nil, false
	}
	return t, true
}

// object reads {"name":type,...} and an optional list of optional attributes.
func (p *typeParser) object(depth int) (tftypes.Type, bool) {
	if !p.eat('{') {
		return nil, false
	}
	types := map[string]tftypes.Type{}
	if !p.eat('}') {
		for {
			name, ok := p.name()
			if !ok || !p.eat(':') {
				return nil, false
			}
			if _, dup := types[name]; dup {
				return nil, false // json keeps the last; left to ParseJSONType
			}
			if types[name], ok = p.typ(depth + 1); !ok {
				return nil, false
			}
			if p.eat(',') {
				continue
			}
			if !p.eat('}') {
				return nil, false
			}
			break
		}
	}
	o := tftypes.Object{AttributeTypes: types, OptionalAttributes: map[string]struct{}{}}
	if !p.eat(',') {
		return o, true
	}
	if !p.eat('[') {
		return nil, false
	}
	if p.eat(']') {
		return o, true
	}
	for {
		name, ok := p.name()
		if !ok {
			return nil, false
		}
		o.OptionalAttributes[name] = struct{}{}
		if p.eat(',') {
			continue
		}
		return o, p.eat(']')
	}
}

// tuple reads [type,...].
func (p *typeParser) tuple(depth int) (tftypes.Type, bool) {
	if !p.eat('[') {
		return nil, false
	}
	types := []tftypes.Type{}
	if p.eat(']') {
		return tftypes.Tuple{ElementTypes: types}, true
	}
	for {
		t, ok := p.typ(depth + 1)
		if !ok {
			return nil, false
		}
		types = append(types, t)
		if p.eat(',') {
			continue
		}
		return tftypes.Tuple{ElementTypes: types}, p.eat(']')
	}
}

func (p *typeParser) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a string without escapes: its bytes are what json would decode it to when
// they are valid UTF-8 (json replaces invalid bytes) and hold no control character (which
// json refuses).
func (p *typeParser) str() ([]byte, bool) {
	if !p.eat('"') {
		return nil, false
	}
	start, ascii := p.i, true
	for ; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			return s, ascii || utf8.Valid(s)
		case c < 0x20, c == '\\':
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// name is str as a string, one per distinct name.
func (p *typeParser) name() (string, bool) {
	s, ok := p.str()
	if !ok {
		return "", false
	}
	if n, ok := p.names[string(s)]; ok {
		return n, true
	}
	if p.names == nil {
		p.names = map[string]string{}
	}
	n := string(s)
	p.names[n] = n
	return n, true
}

// skip returns the index just past the array or object that starts at b[i]; ok is false
// when it does not close, or holds a string with an escape.
func skip(b []byte, i int) (end int, ok bool) {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					return 0, false
				}
			}
		}
	}
	return 0, false
}
