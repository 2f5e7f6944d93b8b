package graph

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"
)

// docsExample is the personCertification example of Graph's reference page (docs/development/graph-api.md), with real dates in
// place of the "Date" placeholders.
const docsExample = `{
  "@odata.context": "https://graph.microsoft.com/beta/$metadata#users('db789417-4ccb-41d1-a0a9-47b01a09ea49')/profile/certifications/$entity",
  "id": "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f",
  "allowedAudiences": "organization",
  "inference": null,
  "createdDateTime": "2020-07-06T06:34:12.2294868Z",
  "createdBy": {"application": null, "device": null,
    "user": {"displayName": "Innocenty Popov", "id": "db789417-4ccb-41d1-a0a9-47b01a09ea49"}},
  "lastModifiedDateTime": "2020-07-07T06:34:12.2294868Z",
  "lastModifiedBy": {"application": null, "device": null,
    "user": {"displayName": "Innocenty Popov", "id": "db789417-4ccb-41d1-a0a9-47b01a09ea49"}},
  "source": null,
  "certificationId": "KB-1235466333663322",
  "description": "Blackbelt in Marketing - Brand Management",
  "displayName": "Marketing Blackbelt - Brand Management",
  "endDate": "2027-01-14",
  "issuedDate": "2024-01-10",
  "issuingAuthority": "International Academy of Marketing Excellence",
  "issuingCompany": "International Academy of Marketing Excellence",
  "startDate": "2024-01-15",
  "thumbnailUrl": "https://iame.io/dfhdfdfd334.jpg",
  "webUrl": "https://www.iame.io/blackbelt"
}`

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func TestDecodeCertification_docsExample(t *testing.T) {
	c, err := decodeCertification([]byte(docsExample))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if c.AudiencesUnreadable {
		t.Error("AudiencesUnreadable set for a readable value")
	}
	fields := []struct {
		name      string
		got, want string
	}{
		{"id", str(c.GetId()), "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"},
		{"certificationId", str(c.GetCertificationId()), "KB-1235466333663322"},
		{"description", str(c.GetDescription()), "Blackbelt in Marketing - Brand Management"},
		{"displayName", str(c.GetDisplayName()), "Marketing Blackbelt - Brand Management"},
		{"issuingAuthority", str(c.GetIssuingAuthority()), "International Academy of Marketing Excellence"},
		{"issuingCompany", str(c.GetIssuingCompany()), "International Academy of Marketing Excellence"},
		{"thumbnailUrl", str(c.GetThumbnailUrl()), "https://iame.io/dfhdfdfd334.jpg"},
		{"webUrl", str(c.GetWebUrl()), "https://www.iame.io/blackbelt"},
		{"startDate", c.GetStartDate().String(), "2024-01-15"},
		{"endDate", c.GetEndDate().String(), "2027-01-14"},
		{"issuedDate", c.GetIssuedDate().String(), "2024-01-10"},
		{"createdBy.user.displayName", str(c.GetCreatedBy().GetUser().GetDisplayName()), "Innocenty Popov"},
		{"createdBy.user.id", str(c.GetCreatedBy().GetUser().GetId()), "db789417-4ccb-41d1-a0a9-47b01a09ea49"},
		{"lastModifiedBy.user.id", str(c.GetLastModifiedBy().GetUser().GetId()), "db789417-4ccb-41d1-a0a9-47b01a09ea49"},
	}
	for _, s := range fields {
		if s.got != s.want {
			t.Errorf("%s = %q, want %q", s.name, s.got, s.want)
		}
	}
	if a := c.GetAllowedAudiences(); a == nil || *a != models.ORGANIZATION_ALLOWEDAUDIENCES {
		t.Errorf("allowedAudiences = %v, want organization", a)
	}
	if c.GetInference() != nil || c.GetSource() != nil {
		t.Errorf("inference/source = %v/%v, want nil", c.GetInference(), c.GetSource())
	}
	if c.GetCreatedBy().GetApplication() != nil || c.GetCreatedBy().GetDevice() != nil {
		t.Error("createdBy application/device should be nil")
	}
	wantCreated := time.Date(2020, 7, 6, 6, 34, 12, 229486800, time.UTC)
	if got := c.GetCreatedDateTime(); got == nil || !got.Equal(wantCreated) {
		t.Errorf("createdDateTime = %v, want %v", got, wantCreated)
	}
	if got := c.GetLastModifiedDateTime(); got == nil || !got.Equal(wantCreated.Add(24*time.Hour)) {
		t.Errorf("lastModifiedDateTime = %v", got)
	}
}

func TestDecodeCertification_nestedValues(t *testing.T) {
	c, err := decodeCertification([]byte(`{"id":"x","inference":{"confidenceScore":0.87,"userHasVerifiedAccuracy":true},
		"source":{"type":["User","LinkedIn"]}}`))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	inf := c.GetInference()
	if inf == nil || inf.GetConfidenceScore() == nil || *inf.GetConfidenceScore() != 0.87 ||
		inf.GetUserHasVerifiedAccuracy() == nil || !*inf.GetUserHasVerifiedAccuracy() {
		t.Errorf("inference = %+v", inf)
	}
	if src := c.GetSource(); src == nil || strings.Join(src.GetTypeEscaped(), ",") != "User,LinkedIn" {
		t.Errorf("source = %+v", src)
	}
}

func TestDecodeCertification_audiences(t *testing.T) {
	tests := []struct {
		name       string
		json       string // the allowedAudiences member, or "" for none
		want       string // names, "" = nil
		unreadable bool
	}{
		{"names", `"allowedAudiences":"organization,everyone"`, "organization,everyone", false},
		{"names out of bit order", `"allowedAudiences":"everyone,me"`, "me,everyone", false},
		// A number is Graph's schema numbering (me = 0, family = 1, contacts = 2,
		// groupMembers = 4, organization = 8, federatedOrganizations = 16, everyone = 32,
		// unknownFutureValue = 64), never the SDK's constants (organization = 16 there).
		{"numeric organization", `"allowedAudiences":"8"`, "organization", false},
		{"numeric organization and everyone", `"allowedAudiences":"40"`, "organization,everyone", false},
		{"numeric me", `"allowedAudiences":"0"`, "me", false},
		{"numeric family", `"allowedAudiences":"1"`, "family", false},
		{"numeric federatedOrganizations", `"allowedAudiences":"16"`, "federatedOrganizations", false},
		{"numeric everyone", `"allowedAudiences":"32"`, "everyone", false},
		{"numeric contacts and groupMembers", `"allowedAudiences":"6"`, "contacts,groupMembers", false},
		{"numeric unknownFutureValue", `"allowedAudiences":"64"`, "unknownFutureValue", false},
		{"numeric all", `"allowedAudiences":"127"`, "family,contacts,groupMembers,organization,federatedOrganizations,everyone,unknownFutureValue", false},
		{"numeric with spaces", `"allowedAudiences":" 8 "`, "organization", false},
		{"JSON number organization", `"allowedAudiences":8`, "organization", false},
		{"JSON number zero", `"allowedAudiences":0`, "me", false},
		{"JSON number organization and everyone", `"allowedAudiences":40`, "organization,everyone", false},
		{"numeric bit the schema does not name", `"allowedAudiences":"128"`, "", true},
		{"numeric too large", `"allowedAudiences":"256"`, "", true},
		{"negative", `"allowedAudiences":"-16"`, "", true},
		{"JSON number negative", `"allowedAudiences":-8`, "", true},
		{"JSON number fraction", `"allowedAudiences":8.5`, "", true},
		{"JSON number too large", `"allowedAudiences":1024`, "", true},
		{"numbers joined by a comma", `"allowedAudiences":"8,32"`, "", true},
		{"a name and a number", `"allowedAudiences":"organization,32"`, "", true},
		{"a list", `"allowedAudiences":["organization"]`, "", true},
		{"an object", `"allowedAudiences":{"value":8}`, "", true},
		{"a bool", `"allowedAudiences":true`, "", true},
		{"unknown token", `"allowedAudiences":"Organization"`, "", true},
		{"one unknown among known", `"allowedAudiences":"organization,world"`, "", true},
		{"empty string", `"allowedAudiences":""`, "", true},
		{"null", `"allowedAudiences":null`, "", false},
		{"absent", ``, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"id":"x"`
			if tt.json != "" {
				body += "," + tt.json
			}
			body += "}"
			c, err := decodeCertification([]byte(body))
			if err != nil {
				t.Fatalf("decode %s: %v", body, err)
			}
			got := ""
			if a := c.GetAllowedAudiences(); a != nil {
				got = a.String()
			}
			if got != tt.want {
				t.Errorf("allowedAudiences = %q, want %q", got, tt.want)
			}
			if c.AudiencesUnreadable != tt.unreadable {
				t.Errorf("AudiencesUnreadable = %v, want %v", c.AudiencesUnreadable, tt.unreadable)
			}
		})
	}
}

func TestDecodeCertification_errors(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		wantID string
	}{
		{"placeholder date keeps the id", `{"id":"0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f","displayName":"x","endDate":"Date"}`, "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"},
		{"date with time keeps the id", `{"id":"abc","startDate":"2024-01-15T00:00:00Z"}`, "abc"},
		{"numeric source type keeps the id", `{"id":"abc","source":{"type":5}}`, "abc"},
		{"bad date without id", `{"endDate":"Date"}`, ""},
		{"not JSON", `<html>502 Bad Gateway</html>`, ""},
		{"truncated JSON", `{"id":"abc","displayName":"x"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := decodeCertification([]byte(tt.body))
			if err == nil {
				t.Fatalf("decoded %s without error: %+v", tt.body, c)
			}
			if c != nil {
				t.Error("a certification was returned along with the error")
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %T %v, want *DecodeError", err, err)
			}
			if de.ID != tt.wantID {
				t.Errorf("ID = %q, want %q", de.ID, tt.wantID)
			}
			if de.Err == nil || !strings.Contains(err.Error(), "could not be read") {
				t.Errorf("error %q lacks its cause or wording", err)
			}
		})
	}
}

// holdsSent decides whether a PATCH answered 5xx was applied: Graph must hold every value
// sent, compared as Graph stores it.
func TestHoldsSent(t *testing.T) {
	const sent = `{"@odata.type":"#microsoft.graph.personCertification","displayName":"A","description":null,` +
		`"allowedAudiences":"organization,everyone","inference":{"@odata.type":"#microsoft.graph.inferenceData","confidenceScore":0.92,"userHasVerifiedAccuracy":true},` +
		`"source":{"type":["User","HR"]}}`
	for _, tc := range []struct {
		name string
		got  string
		want bool
	}{
		{"the same", `{"id":"x","displayName":"A","allowedAudiences":"organization,everyone","inference":{"confidenceScore":0.92,"userHasVerifiedAccuracy":true},"source":{"type":["User","HR"]},"webUrl":"https://x.example"}`, true},
		{"null as absent", `{"id":"x","displayName":"A","description":null,"allowedAudiences":"everyone,organization","inference":{"confidenceScore":0.92,"userHasVerifiedAccuracy":true},"source":{"type":["User","HR"]}}`, true},
		{"audiences as Graph's number", `{"id":"x","displayName":"A","allowedAudiences":"40","inference":{"confidenceScore":0.92,"userHasVerifiedAccuracy":true},"source":{"type":["User","HR"]}}`, true},
		{"other text", `{"id":"x","displayName":"B","allowedAudiences":"organization,everyone","inference":{"confidenceScore":0.92,"userHasVerifiedAccuracy":true},"source":{"type":["User","HR"]}}`, false},
		{"not cleared", `{"id":"x","displayName":"A","description":"old","allowedAudiences":"organization,everyone","inference":{"confidenceScore":0.92,"userHasVerifiedAccuracy":true},"source":{"type":["User","HR"]}}`, false},
		{"other audiences", `{"id":"x","displayName":"A","allowedAudiences":"organization","inference":{"confidenceScore":0.92,"userHasVerifiedAccuracy":true},"source":{"type":["User","HR"]}}`, false},
		{"unreadable audiences", `{"id":"x","displayName":"A","allowedAudiences":"Organization","inference":{"confidenceScore":0.92,"userHasVerifiedAccuracy":true},"source":{"type":["User","HR"]}}`, false},
		{"other nested value", `{"id":"x","displayName":"A","allowedAudiences":"organization,everyone","inference":{"confidenceScore":0.9,"userHasVerifiedAccuracy":true},"source":{"type":["User","HR"]}}`, false},
		{"other list order", `{"id":"x","displayName":"A","allowedAudiences":"organization,everyone","inference":{"confidenceScore":0.92,"userHasVerifiedAccuracy":true},"source":{"type":["HR","User"]}}`, false},
		{"nested object missing", `{"id":"x","displayName":"A","allowedAudiences":"organization,everyone","source":{"type":["User","HR"]}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := decodeCertification([]byte(tc.got))
			if err != nil {
				t.Fatal(err)
			}
			if got := holdsSent([]byte(sent), []byte(tc.got), c); got != tc.want {
				t.Errorf("holdsSent = %v, want %v", got, tc.want)
			}
		})
	}
}

// The US Government clouds' beta schema types source.type as one string
// (personDataSource); the SDK reads only a list and would fail the whole answer on a
// string. A string is read as a list of that one type, so a certification whose source
// another service set can still be read there.
func TestDecodeCertification_sourceTypeString(t *testing.T) {
	for _, tt := range []struct {
		source string
		want   []string
	}{
		{`{"type": "LinkedIn"}`, []string{"LinkedIn"}},
		{`{"@odata.type": "#microsoft.graph.personDataSource", "type": "LinkedIn"}`, []string{"LinkedIn"}},
		{`{"type": ["User", "HR"]}`, []string{"User", "HR"}},
		{`{"type": null}`, nil},
	} {
		raw := strings.Replace(docsExample, `"source": null`, `"source": `+tt.source, 1)
		got, err := decodeCertification([]byte(raw))
		if err != nil {
			t.Errorf("%s: %v", tt.source, err)
			continue
		}
		if got.GetSource() == nil || strings.Join(got.GetSource().GetTypeEscaped(), ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: source %v, want type %v", tt.source, got.GetSource(), tt.want)
		}
		if str(got.GetDisplayName()) != "Marketing Blackbelt - Brand Management" {
			t.Errorf("%s: the rest of the entity was lost", tt.source)
		}
	}
}
