package mockgraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// audienceNames in bit order: me=1 … unknownFutureValue=128. The order is
// also the order names are written back in, like the SDK serialises flags.
// A function, not a package var, so no state is shared between servers.
func audienceNames() [8]string {
	return [8]string{"me", "family", "contacts", "groupMembers", "organization", "federatedOrganizations", "everyone", "unknownFutureValue"}
}

const audienceOrganization = 16

// decodeObject parses a request body into a JSON object. Numbers stay
// json.Number so that type checks can tell them from strings.
func decodeObject(body []byte) (map[string]any, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("Empty Payload. JSON content expected.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err != nil || len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		// Trailing bytes after the object are as malformed as a bad token.
		return nil, badRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("An unexpected '%s' node was found when reading from the JSON reader. A 'StartObject' node was expected.", nodeKind(v))
	}
	return m, nil
}

// validate checks a create or update body and returns the normalised
// changes: property -> value, where nil means "clear". allowedAudiences is
// returned as an int bitmask. Keys are visited in sorted order so the first
// error reported is deterministic.
func validate(body map[string]any) (map[string]any, *apiError) {
	changes := map[string]any{}
	for _, k := range sortedKeys(body) {
		v := body[k]
		kind := kindOf(k)
		switch {
		case strings.HasPrefix(k, "@"), kind == propServerSet, kind == propIgnored:
			// Annotations (the SDK always sends @odata.type) and echoed
			// read-only values are accepted and ignored.
		case kind == propString:
			if v != nil {
				if _, ok := v.(string); !ok {
					return nil, wrongType(k, v, "Edm.String")
				}
			}
			changes[k] = v
		case kind == propDate:
			if v != nil {
				s, ok := v.(string)
				if !ok || !validDate(s) {
					return nil, badRequest("Cannot convert the literal '%s' to the expected type 'Edm.Date'.", literal(v))
				}
			}
			changes[k] = v
		case kind == propAudiences:
			if v == nil {
				changes[k] = nil
				continue
			}
			s, ok := v.(string)
			if !ok {
				return nil, wrongType(k, v, "microsoft.graph.allowedAudiences")
			}
			mask, err := parseAudiences(s)
			if err != nil {
				return nil, err
			}
			changes[k] = mask
		case kind == propInference:
			inf, err := validateInference(v)
			if err != nil {
				return nil, err
			}
			changes[k] = inf
		case kind == propSource:
			src, err := validateSource(v)
			if err != nil {
				return nil, err
			}
			changes[k] = src
		default:
			return nil, unknownProperty(k, "microsoft.graph.personCertification")
		}
	}
	return changes, nil
}

// validDate accepts exactly YYYY-MM-DD naming a real day. time.Parse with
// the DateOnly layout insists on 4-2-2 digits, rejects trailing text and
// impossible days such as 2023-02-30.
func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// parseAudiences accepts "name,name" with spaces around commas tolerated.
// Names are case-sensitive, as in the SDK's enum parser.
func parseAudiences(s string) (int, *apiError) {
	mask := 0
	for _, tok := range strings.Split(s, ",") {
		bit := -1
		for i, name := range audienceNames() {
			if strings.TrimSpace(tok) == name {
				bit = i
			}
		}
		if bit < 0 {
			return 0, badRequest("Cannot convert the literal '%s' to the expected type 'microsoft.graph.allowedAudiences'.", s)
		}
		mask |= 1 << bit
	}
	return mask, nil
}

func formatAudiences(mask int, numeric bool) string {
	if numeric {
		// The real-Graph quirk: the value as a decimal string, in Graph's schema
		// numbering, where me is 0 (no flag) and each other name is one bit from
		// family = 1 to unknownFutureValue = 64 ("8" is organization). mask has one
		// bit per name, me's included, so the schema's number is mask without me's
		// bit, shifted down by one; me with others is lost, as in Graph.
		return strconv.Itoa(mask >> 1)
	}
	var names []string
	for i, name := range audienceNames() {
		if mask&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	return strings.Join(names, ",")
}

// validateInference returns nil (clear) or a map holding both inferenceData
// properties, so responses always show both keys.
func validateInference(v any) (any, *apiError) {
	if v == nil {
		return nil, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, unexpectedNode("inference", v, "StartObject")
	}
	out := map[string]any{"confidenceScore": nil, "userHasVerifiedAccuracy": nil}
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		switch {
		case strings.HasPrefix(k, "@"):
		case k == "confidenceScore":
			if val != nil {
				n, ok := val.(json.Number)
				if !ok {
					return nil, wrongType(k, val, "Edm.Double")
				}
				f, err := n.Float64()
				if err != nil {
					return nil, wrongType(k, val, "Edm.Double")
				}
				val = f
			}
			out[k] = val
		case k == "userHasVerifiedAccuracy":
			if _, ok := val.(bool); val != nil && !ok {
				return nil, wrongType(k, val, "Edm.Boolean")
			}
			out[k] = val
		default:
			return nil, unknownProperty(k, "microsoft.graph.inferenceData")
		}
	}
	return out, nil
}

// validateSource accepts personDataSources: {"type": [string...] | null}.
// A scalar "type" (the older docs shape) is rejected, as the SDK cannot read it.
func validateSource(v any) (any, *apiError) {
	if v == nil {
		return nil, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, unexpectedNode("source", v, "StartObject")
	}
	out := map[string]any{"type": nil}
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		switch {
		case strings.HasPrefix(k, "@"):
		case k == "type":
			if val == nil {
				continue
			}
			arr, ok := val.([]any)
			if !ok {
				return nil, unexpectedNode("type", val, "StartArray")
			}
			types := make([]any, 0, len(arr))
			for _, item := range arr {
				s, ok := item.(string)
				if !ok {
					return nil, wrongType("type", item, "Edm.String")
				}
				types = append(types, s)
			}
			out["type"] = types
		default:
			return nil, unknownProperty(k, "microsoft.graph.personDataSources")
		}
	}
	return out, nil
}

func unknownProperty(name, typ string) *apiError {
	return badRequest("The property '%s' does not exist on type '%s'. Make sure to only use property names that are defined by the type or mark the type as open type.", name, typ)
}

func wrongType(name string, v any, want string) *apiError {
	switch v.(type) {
	case map[string]any, []any:
		return unexpectedNode(name, v, "PrimitiveValue")
	}
	return badRequest("Cannot convert the literal '%s' to the expected type '%s'.", literal(v), want)
}

func unexpectedNode(name string, v any, want string) *apiError {
	return badRequest("An unexpected '%s' node was found for property named '%s' when reading from the JSON reader. A '%s' node was expected.", nodeKind(v), name, want)
}

func nodeKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "StartObject"
	case []any:
		return "StartArray"
	default:
		return "PrimitiveValue"
	}
}

func literal(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// deepCopy copies JSON-shaped values so callers never share stored maps.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			out[k] = deepCopy(val)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = deepCopy(val)
		}
		return out
	default:
		return v
	}
}

// roundTrip returns v as encoding/json would decode the GET body: numbers
// become float64, slices []any. Used for the state accessors.
func roundTrip(v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("mockgraph: encoding entity: %v", err))
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("mockgraph: decoding entity: %v", err))
	}
	return out
}
