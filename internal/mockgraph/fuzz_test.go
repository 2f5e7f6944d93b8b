package mockgraph

import (
	"encoding/json"
	"testing"
)

// FuzzRequestParsing: whatever a client sends as a body, the mock's decoding and
// validation never panic, and what they accept is a well-formed change set that the
// store renders back as JSON.
func FuzzRequestParsing(f *testing.F) {
	for _, s := range []string{
		`{"displayName":"x"}`,
		`{"displayName":"x","allowedAudiences":"everyone,me","endDate":"2024-02-29","inference":{"confidenceScore":0.5},"source":{"type":["HR"]}}`,
		`{"@odata.type":"#microsoft.graph.personCertification","inference":{"@odata.type":"#x","userHasVerifiedAccuracy":true}}`,
		`{"endDate":"2023-02-29"}`, `{"allowedAudiences":"Organization"}`, `{"source":{"type":"HR"}}`, `{"bogus":1}`,
		`[]`, `null`, `{`, `{"displayName":null}`, `{"displayName":"a"} trailing`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		obj, err := decodeObject(body)
		if err != nil {
			if err.status != 400 || err.code == "" {
				t.Fatalf("decode error %+v is not a 400 with a code", err)
			}
			return
		}
		_, verr := validate(obj)
		if verr != nil {
			if verr.status != 400 || verr.code == "" {
				t.Fatalf("validation error %+v is not a 400 with a code", verr)
			}
			return
		}
		s := New()
		ent, cerr := s.Seed("me", obj)
		if cerr != nil {
			t.Fatalf("validate accepted %s but Seed refused it: %v", body, cerr)
		}
		if _, jerr := json.Marshal(ent); jerr != nil {
			t.Fatalf("rendering %v: %v", ent, jerr)
		}
	})
}
