package personcertification

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" = error expected
	}{
		{"2024-01-15", "2024-01-15"},
		{"2024-02-29", "2024-02-29"}, // leap year
		{"2000-02-29", "2000-02-29"}, // divisible by 400
		{"0001-01-01", "0001-01-01"},
		{"9999-12-31", "9999-12-31"},
		{"2023-02-29", ""}, // not a leap year
		{"1900-02-29", ""}, // divisible by 100, not by 400
		{"2024-04-31", ""},
		{"2024-13-01", ""},
		{"2024-00-10", ""},
		{"2024-01-00", ""},
		{"2024-1-5", ""},
		{"24-01-05", ""},
		{"2024/01/05", ""},
		{"2024-01-15T00:00:00Z", ""},
		{"2024-01-15 ", ""},
		{" 2024-01-15", ""},
		{"2024-01-15\n", ""},
		{"Date", ""},
		{"", ""},
		{"２０２４-01-15", ""}, // full-width digits are not \d in RE2
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, want an error", tt.in, got)
				}
				if !strings.Contains(err.Error(), "YYYY-MM-DD") && !strings.Contains(err.Error(), "calendar date") {
					t.Errorf("error %q does not explain the expected form", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if s := got.Format(time.DateOnly); s != tt.want {
				t.Errorf("ParseDate(%q) = %s, want %s", tt.in, s, tt.want)
			}
			if got.Location() != time.UTC || got.Hour() != 0 {
				t.Errorf("ParseDate(%q) = %v, want midnight UTC", tt.in, got)
			}
		})
	}
}

func TestCheckHTTPURL(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"http://example.com", true},
		{"https://example.com", true},
		{"https://www.iame.io/blackbelt", true},
		{"https://example.com:8443/a/b?c=d&e=f#g", true},
		{"https://[2001:db8::1]/x", true},
		{"HTTPS://EXAMPLE.COM/", true}, // schemes are case-insensitive
		{"https://example.com/a%20b", true},
		{"ftp://example.com/file", false},
		{"mailto:someone@example.com", false},
		{"javascript:alert(1)", false},
		{"file:///etc/passwd", false},
		{"/relative/path", false},
		{"example.com/x", false},
		{"//example.com/x", false},
		{"https://", false},
		{"https:///path", false},
		{"http://:80/", false},
		{"https://example.com/a b", false},
		{"https://exa mple.com", false},
		{"https://example.com/\tx", false},
		{" https://example.com", false},
		{"", false},
		// Credentials would be published in the person's profile.
		{"https://user:secret@example.com/cert", false},
		{"https://user@example.com/cert", false},
		{"https://example.com/" + strings.Repeat("a", maxURL-len("https://example.com/")), true},
		{"https://example.com/" + strings.Repeat("a", maxURL-len("https://example.com/")+1), false},
		// Characters, not bytes: 2,048 two-byte characters would be 4,096 bytes.
		{"https://example.com/" + strings.Repeat("é", maxURL-len("https://example.com/")), true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := CheckHTTPURL(tt.in)
			if tt.ok && err != nil {
				t.Errorf("CheckHTTPURL(%q) = %v, want ok", tt.in, err)
			}
			if !tt.ok && err == nil {
				t.Errorf("CheckHTTPURL(%q) accepted, want an error", tt.in)
			}
		})
	}
}

func TestCheckUserID(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"me", true},
		{"5c0b3f5e-8c1a-4d7e-9f43-1a2b3c4d5e6f", true},
		{"5C0B3F5E-8C1A-4D7E-9F43-1A2B3C4D5E6F", true},
		{"adele.vance@contoso.example", true},
		{"megan.bowen@contoso.onmicrosoft.com", true},
		{"adele_fabrikam.com#EXT#@contoso.onmicrosoft.com", true}, // guest (external) UPN
		{"first.o'neil+tag@sub.contoso.com", true},
		{"", false},
		// Only the exact "me" addresses /me; "ME" would go to /users/ME, which is no user.
		{"ME", false},
		{"Me", false},
		{"a/b", false},
		{"adele@contoso.com/x", false},
		{"has space", false},
		{"has space@contoso.com", false},
		{"@x.com", false},
		{"adele@", false},
		{"adele@localhost", false},
		{"a@b@c.com", false},
		{`a\b@contoso.com`, false},
		{"a?b@contoso.com", false},
		{"{5c0b3f5e-8c1a-4d7e-9f43-1a2b3c4d5e6f}", false},
		{"5c0b3f5e8c1a4d7e9f431a2b3c4d5e6f", false},
		{"5c0b3f5e-8c1a-4d7e-9f43-1a2b3c4d5e6", false},
		{"users", false},
		// Path segments: nothing may leave its segment or be read as a path operator.
		{"Adele.Vance@Contoso.Example", true},
		{".", false},
		{"..", false},
		{"$batch", false},
		{"$metadata@contoso.com", false},
		{"adele$@contoso.com", false},
		{"a%2Fb@contoso.com", false},
		{"%2e%2e", false},
		{"adele@contoso.com%2F..", false},
		{"adele@contoso.com/..", false},
		{"adele..vance@contoso.com", false},
		{".adele@contoso.com", false},
		{"adele.@contoso.com", false},
		{"adele@-contoso.com", false},
		{"adele@contoso..com", false},
		{"adele@contoso.com.", false},
		{"adele@contoso.com\u200b", false},
		{"adele&x@contoso.com", false},
		{strings.Repeat("a", 102) + "@contoso.com", false}, // over Entra ID's 113 characters
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := CheckUserID(tt.in)
			if tt.ok && err != nil {
				t.Errorf("CheckUserID(%q) = %v, want ok", tt.in, err)
			}
			if !tt.ok {
				if err == nil {
					t.Errorf("CheckUserID(%q) accepted, want an error", tt.in)
				} else if !strings.Contains(err.Error(), `"me"`) {
					t.Errorf("error %q does not say what a user id looks like", err)
				}
			}
		})
	}
}

func TestParseImportID(t *testing.T) {
	const certID = "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"
	tests := []struct {
		in       string
		user, id string // "" = error expected
	}{
		{"me/" + certID, "me", certID},
		{"5c0b3f5e-8c1a-4d7e-9f43-1a2b3c4d5e6f/" + certID, "5c0b3f5e-8c1a-4d7e-9f43-1a2b3c4d5e6f", certID},
		{"megan.bowen@contoso.example/" + certID, "megan.bowen@contoso.example", certID},
		{"adele_fabrikam.com#EXT#@contoso.onmicrosoft.com/abc", "adele_fabrikam.com#EXT#@contoso.onmicrosoft.com", "abc"},
		{"me/AAMkAGI2TG93AAA=", "me", "AAMkAGI2TG93AAA="}, // ids need not be GUIDs
		{certID, "", ""}, // missing slash
		{"", "", ""},
		{"/", "", ""},
		{"/" + certID, "", ""},
		{"me/", "", ""},
		{"me/a/b", "", ""},
		{"me//" + certID, "", ""},
		{"ME/" + certID, "", ""},
		{"bad user/" + certID, "", ""},
		{"me/ " + certID, "", ""},
		{"me/" + certID + " ", "", ""},
		{"me/a?b", "", ""},
		{"me/a#b", "", ""},
		{`me/a\b`, "", ""},
		{"me/$count", "", ""},
		{"me/$metadata", "", ""},
		{"me/..", "", ""},
		{"me/.", "", ""},
		{"me/%2e%2e", "", ""},
		{"me/a%2Fb", "", ""},
		{"me/.hidden", "", ""},
		{"me/" + strings.Repeat("a", 257), "", ""},
		{"../" + certID, "", ""},
		{"%2e%2e/" + certID, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			user, id, err := ParseImportID(tt.in)
			if tt.user == "" {
				if err == nil {
					t.Fatalf("ParseImportID(%q) = (%q, %q), want an error", tt.in, user, id)
				}
				if user != "" || id != "" {
					t.Errorf("on error the parts must be empty, got (%q, %q)", user, id)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseImportID(%q): %v", tt.in, err)
			}
			if user != tt.user || id != tt.id {
				t.Errorf("ParseImportID(%q) = (%q, %q), want (%q, %q)", tt.in, user, id, tt.user, tt.id)
			}
		})
	}
}

func TestParseImportID_errorShowsTheForm(t *testing.T) {
	_, _, err := ParseImportID("no-slash")
	if err == nil || !strings.Contains(err.Error(), "<user_id>/<certification id>") {
		t.Errorf("err = %v, want one that shows the expected form", err)
	}
}

// TestStringValidators runs the validators the schema uses through the framework's
// validator interface.
func TestStringValidators(t *testing.T) {
	tests := []struct {
		name      string
		v         validator.String
		attr      string
		value     types.String
		wantError bool
	}{
		{"date ok", calendarDate(), "start_date", types.StringValue("2024-02-29"), false},
		{"date bad", calendarDate(), "start_date", types.StringValue("2023-02-29"), true},
		{"date null skipped", calendarDate(), "start_date", types.StringNull(), false},
		{"date unknown skipped", calendarDate(), "end_date", types.StringUnknown(), false},
		{"url ok", httpURL(), "web_url", types.StringValue("https://example.com"), false},
		{"url bad", httpURL(), "web_url", types.StringValue("ftp://example.com"), true},
		{"url null skipped", httpURL(), "thumbnail_url", types.StringNull(), false},
		{"url unknown skipped", httpURL(), "thumbnail_url", types.StringUnknown(), false},
		{"user ok", userID(), "user_id", types.StringValue("me"), false},
		{"user bad", userID(), "user_id", types.StringValue("a/b"), true},
		{"user unknown skipped", userID(), "user_id", types.StringUnknown(), false},
		{"blank spaces", notBlank(), "description", types.StringValue("   "), true},
		{"empty is for textLength", notBlank(), "description", types.StringValue(""), false},
		{"empty", textLength(maxText), "description", types.StringValue(""), true},
		{"invisible", notBlank(), "description", types.StringValue("\u200b\u2060"), true},
		{"blank newline", notBlank(), "description", types.StringValue("\n\t"), true},
		{"not blank", notBlank(), "description", types.StringValue(" x "), false},
		{"blank null skipped", notBlank(), "description", types.StringNull(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := path.Root(tt.attr)
			req := validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: tt.value}
			var resp validator.StringResponse
			tt.v.ValidateString(context.Background(), req, &resp)
			d := oneErrorOrNone(t, resp.Diagnostics, tt.wantError)
			if d == nil {
				return
			}
			if !strings.Contains(d.Summary(), tt.attr) {
				t.Errorf("summary %q does not name %s", d.Summary(), tt.attr)
			}
			wp, ok := d.(diag.DiagnosticWithPath)
			if !ok || !wp.Path().Equal(p) {
				t.Errorf("diagnostic is not attached to %s: %#v", p, d)
			}
			if d.Detail() == "" {
				t.Error("empty detail")
			}
		})
	}
}

func TestStringValidators_describeThemselves(t *testing.T) {
	ctx := context.Background()
	for _, v := range []validator.String{calendarDate(), httpURL(), userID(), notBlank()} {
		if v.Description(ctx) == "" || v.MarkdownDescription(ctx) != v.Description(ctx) {
			t.Errorf("%T: description %q, markdown %q", v, v.Description(ctx), v.MarkdownDescription(ctx))
		}
	}
}

// configWith builds a resource configuration from the real schema: every attribute
// null (the timeouts block too) except those given.
func configWith(t *testing.T, values map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	s := Schema(ctx)
	objType, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("schema type is %T, want an object", s.Type().TerraformType(ctx))
	}
	attrs := make(map[string]tftypes.Value, len(objType.AttributeTypes))
	for name, typ := range objType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range values {
		if _, ok := attrs[name]; !ok {
			t.Fatalf("no attribute %q in the schema", name)
		}
		attrs[name] = v
	}
	return tfsdk.Config{Schema: s, Raw: tftypes.NewValue(objType, attrs)}
}

func TestDatesInOrder(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	tests := []struct {
		name      string
		values    map[string]tftypes.Value
		wantError string // a piece of the error detail; "" = no error
	}{
		{"in order", map[string]tftypes.Value{"start_date": str("2024-01-15"), "end_date": str("2027-01-14")}, ""},
		{"same day", map[string]tftypes.Value{"start_date": str("2024-01-15"), "end_date": str("2024-01-15")}, ""},
		{"end one day before start", map[string]tftypes.Value{"start_date": str("2024-01-15"), "end_date": str("2024-01-14")}, "end_date 2024-01-14 falls before start_date 2024-01-15"},
		{"end years before start", map[string]tftypes.Value{"start_date": str("2024-01-15"), "end_date": str("1999-12-31")}, "1999-12-31"},
		{"only start", map[string]tftypes.Value{"start_date": str("2024-01-15")}, ""},
		{"only end", map[string]tftypes.Value{"end_date": str("2024-01-15")}, ""},
		{"neither", nil, ""},
		{"unknown start", map[string]tftypes.Value{"start_date": unknown, "end_date": str("2000-01-01")}, ""},
		{"unknown end", map[string]tftypes.Value{"start_date": str("2024-01-15"), "end_date": unknown}, ""},
		// The attribute validator reports a malformed date; this one stays quiet.
		{"malformed start", map[string]tftypes.Value{"start_date": str("2024-1-15"), "end_date": str("2000-01-01")}, ""},
		{"issued before start", map[string]tftypes.Value{"start_date": str("2024-01-15"), "issued_date": str("2000-01-01")}, ""},
		{"end before issued", map[string]tftypes.Value{"issued_date": str("2024-01-15"), "end_date": str("2024-01-14")}, "end_date 2024-01-14 falls before issued_date 2024-01-15"},
		{"end on the issue day", map[string]tftypes.Value{"issued_date": str("2024-01-15"), "end_date": str("2024-01-15")}, ""},
		{"end after start, before issued", map[string]tftypes.Value{"start_date": str("2020-01-01"), "issued_date": str("2024-01-15"), "end_date": str("2023-01-01")}, "before issued_date 2024-01-15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]tftypes.Value{"display_name": str("n"), "user_id": str("me")}
			for k, v := range tt.values {
				values[k] = v
			}
			req := resource.ValidateConfigRequest{Config: configWith(t, values)}
			var resp resource.ValidateConfigResponse
			datesInOrder{}.ValidateResource(context.Background(), req, &resp)
			d := oneErrorOrNone(t, resp.Diagnostics, tt.wantError != "")
			if d == nil {
				return
			}
			wp, ok := d.(diag.DiagnosticWithPath)
			if !ok || !wp.Path().Equal(path.Root("end_date")) {
				t.Errorf("error is not attached to end_date: %#v", d)
			}
			if !strings.Contains(d.Detail(), tt.wantError) {
				t.Errorf("detail %q does not contain %q", d.Detail(), tt.wantError)
			}
		})
	}
}

func TestResourceRegistersDatesInOrder(t *testing.T) {
	vs := (&Resource{}).ConfigValidators(context.Background())
	found := false
	for _, v := range vs {
		if _, ok := v.(datesInOrder); ok {
			found = true
		}
	}
	if !found {
		t.Errorf("ConfigValidators = %#v, want datesInOrder among them", vs)
	}
}

func TestCheckCertificationID(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f", true},
		{"AAMkAGI2TG93AAA=", true},
		{"a_b-c.d", true},
		{"", false},
		{".", false},
		{"..", false},
		{"$count", false},
		{"$metadata", false},
		{"a/b", false},
		{"a%2Fb", false},
		{"%2e%2e", false},
		{" x", false},
		{"x ", false},
		{"x?y", false},
		{"x#y", false},
		{"x\\y", false},
		{"x\u200by", false},
		{strings.Repeat("a", 257), false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := CheckCertificationID(tt.in)
			if tt.ok != (err == nil) {
				t.Fatalf("CheckCertificationID(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f") {
				t.Errorf("error %q does not show what an id looks like", err)
			}
		})
	}
}

func TestBlank(t *testing.T) {
	for _, s := range []string{"", " ", "\t\n", "\u200b", "\u200b\u200c\u200d", "\ufeff", "\u2060 \u00a0", "\u3164", "\u202e"} {
		if !Blank(s) {
			t.Errorf("Blank(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"a", " a ", "\u200ba", "é", "✓", "0"} {
		if Blank(s) {
			t.Errorf("Blank(%q) = true, want false", s)
		}
	}
}

func TestTextLengthCountsCharacters(t *testing.T) {
	v, ok := textLength(maxText).(stringCheck)
	if !ok {
		t.Fatalf("textLength is a %T, not a stringCheck", textLength(maxText))
	}
	check := v.check
	if err := check(strings.Repeat("é", maxText)); err != nil {
		t.Errorf("1,000 two-byte characters refused: %v", err)
	}
	if err := check(strings.Repeat("日", maxText+1)); err == nil || !strings.Contains(err.Error(), "1001 characters") {
		t.Errorf("1,001 characters: err = %v, want one that counts characters", err)
	}
	if err := check(""); err == nil {
		t.Error("empty text accepted")
	}
}

func TestCheckDouble(t *testing.T) {
	parse := func(s string) *big.Float {
		f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, s := range []string{"0", "0.92", "-1", "1e300", "4.9e-324"} {
		if err := CheckDouble(parse(s)); err != nil {
			t.Errorf("CheckDouble(%s) = %v, want ok", s, err)
		}
	}
	for s, want := range map[string]string{"1e400": "too large", "-1e400": "too large", "1e-400": "too close to zero"} {
		if err := CheckDouble(parse(s)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckDouble(%s) = %v, want %q", s, err, want)
		}
	}
	if err := CheckDouble(new(big.Float).SetInf(false)); err == nil || !strings.Contains(err.Error(), "infinite") {
		t.Errorf("CheckDouble(+Inf) = %v, want an error naming infinity", err)
	}
}

// oneErrorOrNone checks diags: exactly one error when wantError (returned), else none at
// all (nil returned).
func oneErrorOrNone(t *testing.T, diags diag.Diagnostics, wantError bool) diag.Diagnostic {
	t.Helper()
	if !wantError {
		if len(diags) != 0 {
			t.Fatalf("unexpected diagnostics: %v", diags)
		}
		return nil
	}
	if n := diags.ErrorsCount(); n != 1 {
		t.Fatalf("got %d errors, want 1: %v", n, diags)
	}
	return diags.Errors()[0]
}

// `me` is Graph's zero value: next to another audience it is dropped, so it is refused at
// plan time, for the single resource's attribute and for an entry of the set resource.
func TestMeAlone(t *testing.T) {
	set := func(names ...string) types.Set {
		vals := make([]attr.Value, len(names))
		for i, n := range names {
			vals[i] = types.StringValue(n)
		}
		return types.SetValueMust(types.StringType, vals)
	}
	tests := []struct {
		name      string
		value     types.Set
		wantError bool
	}{
		{"me alone", set("me"), false},
		{"organization", set("organization"), false},
		{"organization and everyone", set("organization", "everyone"), false},
		{"me and organization", set("me", "organization"), true},
		{"me and two others", set("family", "me", "everyone"), true},
		{"me and an unknown", types.SetValueMust(types.StringType, []attr.Value{types.StringValue("me"), types.StringUnknown()}), false},
		{"null", types.SetNull(types.StringType), false},
		{"unknown", types.SetUnknown(types.StringType), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := path.Root("allowed_audiences")
			var resp validator.SetResponse
			meAlone{}.ValidateSet(context.Background(), validator.SetRequest{Path: p, PathExpression: p.Expression(), ConfigValue: tt.value}, &resp)
			d := oneErrorOrNone(t, resp.Diagnostics, tt.wantError)
			if d == nil {
				return
			}
			if !strings.Contains(d.Summary(), "allowed_audiences") || !strings.Contains(d.Detail(), `Graph numbers "me" as 0`) {
				t.Errorf("diagnostic %q: %q does not name the attribute and say why", d.Summary(), d.Detail())
			}
		})
	}

	// The schema carries it, so both resources run it: the single resource's attribute...
	found := false
	audiences, ok := Schema(context.Background()).Attributes["allowed_audiences"].(schema.SetAttribute)
	if !ok {
		t.Fatal("allowed_audiences is not a set attribute")
	}
	for _, v := range audiences.Validators {
		if _, ok := v.(meAlone); ok {
			found = true
		}
	}
	if !found {
		t.Error("allowed_audiences does not run meAlone")
	}
}
