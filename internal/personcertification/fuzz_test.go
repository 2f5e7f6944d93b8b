package personcertification

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"
)

// FuzzRoundTrip: for every valid model, expand, the wire, the SDK's parser and flatten
// give back the same values.
func FuzzRoundTrip(f *testing.F) {
	f.Add("Marketing Blackbelt", "KB-1", "Brand management", "IAME", "https://iame.io/x", 2024, 1, 15, 400, uint8(16|64), 0.75, true, "User,HR")
	f.Add("Ünïcødé ✓ \"quoted\" <tag> & more", "", "", "", "", 2000, 2, 29, 0, uint8(1), math.SmallestNonzeroFloat64, false, "")
	f.Add("x", "id with spaces", "line\nbreak", "a/b\\c", "http://127.0.0.1:8080/p?q=1#f", 9999, 12, 31, 1, uint8(127), -1.5, true, "a")
	f.Fuzz(func(t *testing.T, name, certID, desc, authority, webURL string, year, month, day, spanDays int, audiences uint8, score float64, verified bool, sources string) {
		m := emptyModel()
		set := func(dst *types.String, v string) bool {
			if v == "" {
				return true
			}
			if strings.TrimSpace(v) == "" || len([]rune(v)) > 1000 || !utf8Valid(v) {
				return false
			}
			*dst = types.StringValue(v)
			return true
		}
		if name == "" || !set(&m.DisplayName, name) || !set(&m.CertificationID, certID) || !set(&m.Description, desc) || !set(&m.IssuingAuthority, authority) {
			t.Skip("not a valid configuration")
		}
		if webURL != "" {
			if CheckHTTPURL(webURL) != nil {
				t.Skip("not a valid URL")
			}
			m.WebURL = types.StringValue(webURL)
		}
		start := fmt.Sprintf("%04d-%02d-%02d", year, month, day)
		if s, err := ParseDate(start); err == nil {
			m.StartDate = types.StringValue(start)
			if spanDays >= 0 && spanDays < 100000 {
				m.EndDate = types.StringValue(s.AddDate(0, 0, spanDays).Format(dateLayout))
				if _, err := ParseDate(m.EndDate.ValueString()); err != nil {
					m.EndDate = types.StringNull()
				}
			}
		}
		if a := audiences & 127; a != 0 {
			m.AllowedAudiences = mustSet(t, AudienceNames(audienceFlags(a))...)
		}
		if !math.IsNaN(score) && !math.IsInf(score, 0) {
			m.Inference = mustInference(t, &score, &verified)
		}
		if sources != "" {
			kinds := strings.Split(sources, ",")
			for _, k := range kinds {
				if strings.TrimSpace(k) == "" || !utf8Valid(k) {
					t.Skip("not a valid source")
				}
			}
			m.Source = mustSource(t, kinds...)
		}

		body, d := Expand(context.Background(), &m.Values)
		noErrors(t, d)
		c := parseCertification(t, wireJSON(t, body))
		out := emptyModel()
		noErrors(t, Flatten(context.Background(), c, &out.Values))
		assertModel(t, out, m)
	})
}

func utf8Valid(s string) bool {
	return strings.ToValidUTF8(s, "\uFFFD") == s && !strings.ContainsRune(s, 0)
}

// FuzzValidators: the validators never panic, and what they accept is what Graph and the
// SDK accept: dates re-format to themselves, URLs are absolute http(s), import ids split
// into a user and an id that recombine to the input.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{"2024-01-15", "2023-02-29", "0000-01-01", "https://iame.io/x", "ftp://x", "me", "me/abc",
		"adele@contoso.com/0fb4", "5c0b3f5e-8c1a-4d7e-9f43-1a2b3c4d5e6f", "a@b.c", "//", "", "\x00", "https://[::1]:80/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDate(s); err == nil && d.Format(dateLayout) != s {
			t.Fatalf("ParseDate(%q) accepted a value that formats as %q", s, d.Format(dateLayout))
		}
		if CheckHTTPURL(s) == nil && !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") &&
			!strings.HasPrefix(strings.ToLower(s), "http") {
			t.Fatalf("CheckHTTPURL(%q) accepted a non-http URL", s)
		}
		if CheckUserID(s) == nil && (strings.ContainsAny(s, "/?\\ \t\n") || s == "") {
			t.Fatalf("CheckUserID(%q) accepted a value that can escape its URL segment", s)
		}
		if user, id, err := ParseImportID(s); err == nil {
			if user+"/"+id != s || CheckUserID(user) != nil || id == "" {
				t.Fatalf("ParseImportID(%q) = %q, %q", s, user, id)
			}
		}
	})
}

func audienceFlags(bits uint8) models.AllowedAudiences { return models.AllowedAudiences(bits) }
