package mockgraph

import (
	"net/http"
	"reflect"
	"testing"
)

func TestInvalidBodiesAre400WithoutSideEffects(t *testing.T) {
	s := start(t)
	existing := mustCreate(t, s, meColl, map[string]any{"displayName": "keep"})
	item := meColl + "/" + str(t, existing, "id")

	cases := []struct {
		name    string
		body    any
		msgPart string
	}{
		{"unknown property", map[string]any{"displayName": "A", "colour": "red"},
			"The property 'colour' does not exist on type 'microsoft.graph.personCertification'. Make sure to only use property names that are defined by the type or mark the type as open type."},
		{"SDK store key typeEscaped", map[string]any{"source": map[string]any{"typeEscaped": nil}}, "The property 'typeEscaped' does not exist on type 'microsoft.graph.personDataSources'"},
		{"date with time", map[string]any{"startDate": "2024-01-15T00:00:00Z"}, "Cannot convert the literal '2024-01-15T00:00:00Z' to the expected type 'Edm.Date'."},
		{"date docs placeholder", map[string]any{"endDate": "Date"}, "Cannot convert the literal 'Date' to the expected type 'Edm.Date'."},
		{"date short form", map[string]any{"issuedDate": "2024-1-5"}, "'2024-1-5'"},
		{"impossible date", map[string]any{"issuedDate": "2023-02-30"}, "Cannot convert the literal '2023-02-30' to the expected type 'Edm.Date'."},
		{"empty date", map[string]any{"issuedDate": ""}, "Edm.Date"},
		{"numeric date", map[string]any{"issuedDate": 20240115}, "Edm.Date"},
		{"audience wrong case", map[string]any{"allowedAudiences": "Organization"}, "'Organization'"},
		{"audience numeric", map[string]any{"allowedAudiences": "8"}, "allowedAudiences"},
		{"audience empty token", map[string]any{"allowedAudiences": "me,,everyone"}, "allowedAudiences"},
		{"audience not a string", map[string]any{"allowedAudiences": 16}, "allowedAudiences"},
		{"string property as number", map[string]any{"displayName": 5}, "Edm.String"},
		{"string property as object", map[string]any{"webUrl": map[string]any{}}, "'StartObject'"},
		{"inference unknown key", map[string]any{"inference": map[string]any{"confidence": 1}}, "'confidence' does not exist on type 'microsoft.graph.inferenceData'"},
		{"inference scalar", map[string]any{"inference": "high"}, "A 'StartObject' node was expected"},
		{"inference score as string", map[string]any{"inference": map[string]any{"confidenceScore": "0.5"}}, "Edm.Double"},
		{"inference verified as string", map[string]any{"inference": map[string]any{"userHasVerifiedAccuracy": "yes"}}, "Edm.Boolean"},
		{"source scalar type (old docs shape)", map[string]any{"source": map[string]any{"type": "User"}}, "A 'StartArray' node was expected"},
		{"source type with number", map[string]any{"source": map[string]any{"type": []any{1}}}, "Edm.String"},
		{"malformed JSON", `{"displayName": "A",`, "Unable to read JSON request payload"},
		{"trailing garbage", `{"displayName": "A"} x`, "Unable to read JSON request payload"},
		{"extra closing brace", `{"displayName": "A"}}`, "Unable to read JSON request payload"},
		{"two objects", `{"displayName": "A"}{}`, "Unable to read JSON request payload"},
		{"array body", `[{"displayName": "A"}]`, "A 'StartObject' node was expected"},
		{"empty body", ``, "Empty Payload"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, do(t, s, http.MethodPost, meColl, c.body), http.StatusBadRequest, "BadRequest", c.msgPart)
			wantError(t, do(t, s, http.MethodPatch, item, c.body), http.StatusBadRequest, "BadRequest", c.msgPart)
		})
	}
	certs := s.Certifications("me")
	if len(certs) != 1 || !reflect.DeepEqual(certs[0], existing) {
		t.Errorf("rejected requests changed state: %v", certs)
	}
}

func TestAcceptedBodiesAreNormalised(t *testing.T) {
	s := start(t)
	cases := []struct {
		name string
		body map[string]any
		want map[string]any // subset of the created entity
	}{
		{"empty body object gets defaults", map[string]any{},
			map[string]any{"allowedAudiences": "organization", "displayName": nil}},
		{"audiences ordered by bit", map[string]any{"allowedAudiences": "everyone,me"},
			map[string]any{"allowedAudiences": "me,everyone"}},
		{"spaces around commas and duplicates", map[string]any{"allowedAudiences": " organization , contacts,organization"},
			map[string]any{"allowedAudiences": "contacts,organization"}},
		{"all eight audiences", map[string]any{"allowedAudiences": "unknownFutureValue,everyone,federatedOrganizations,organization,groupMembers,contacts,family,me"},
			map[string]any{"allowedAudiences": "me,family,contacts,groupMembers,organization,federatedOrganizations,everyone,unknownFutureValue"}},
		{"null audiences on create", map[string]any{"allowedAudiences": nil},
			map[string]any{"allowedAudiences": "organization"}},
		{"annotations at every level", map[string]any{
			"@odata.type": "#microsoft.graph.personCertification", "displayName": "A",
			"inference": map[string]any{"@odata.type": "#microsoft.graph.inferenceData", "confidenceScore": 0.75},
			"source":    map[string]any{"@odata.type": "#microsoft.graph.personDataSources", "type": []any{"User", "LinkedIn"}},
		}, map[string]any{
			"displayName": "A",
			"inference":   map[string]any{"confidenceScore": 0.75, "userHasVerifiedAccuracy": nil},
			"source":      map[string]any{"type": []any{"User", "LinkedIn"}},
		}},
		{"read-only fields are ignored", map[string]any{
			"id": "client-chosen", "createdDateTime": "2000-01-01T00:00:00Z", "isSearchable": true,
			"createdBy": map[string]any{"user": map[string]any{"id": "x"}}, "sources": []any{}, "displayName": "R",
		}, map[string]any{"displayName": "R"}},
		{"explicit nulls on create", map[string]any{"displayName": nil, "inference": nil, "source": nil, "endDate": nil},
			map[string]any{"displayName": nil, "inference": nil, "source": nil, "endDate": nil}},
		{"source with null type", map[string]any{"source": map[string]any{"type": nil}},
			map[string]any{"source": map[string]any{"type": nil}}},
		{"leap day", map[string]any{"endDate": "2024-02-29"}, map[string]any{"endDate": "2024-02-29"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ent := mustCreate(t, s, meColl, c.body)
			for k, v := range c.want {
				if !reflect.DeepEqual(ent[k], v) {
					t.Errorf("%s = %#v, want %#v", k, ent[k], v)
				}
			}
			if ent["id"] == "client-chosen" || ent["createdDateTime"] == "2000-01-01T00:00:00Z" || ent["isSearchable"] != nil {
				t.Errorf("read-only values were taken from the body: %v", ent)
			}
		})
	}
}
