package personcertification

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// All validators skip null and unknown values: unknown ones are checked again at apply.

type stringCheck struct {
	desc  string
	check func(string) error
}

func (v stringCheck) Description(context.Context) string             { return v.desc }
func (v stringCheck) MarkdownDescription(ctx context.Context) string { return v.desc }
func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), err.Error())
	}
}

const dateLayout = "2006-01-02"

var dateShape = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ParseDate accepts exactly what Graph's Edm.Date and the SDK's DateOnly accept:
// YYYY-MM-DD, a real calendar date.
func ParseDate(s string) (time.Time, error) {
	if !dateShape.MatchString(s) {
		return time.Time{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD (for example 2024-03-31)", s)
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a real calendar date", s)
	}
	return t, nil
}

func calendarDate() validator.String {
	return stringCheck{desc: "a calendar date, YYYY-MM-DD", check: func(s string) error { _, err := ParseDate(s); return err }}
}

// maxURL caps URLs at 2,048 characters: the longest URL that browsers, Microsoft 365's
// profile card and most link handlers reliably carry, so a longer one would be stored but
// could not be opened.
const maxURL = 2048

// CheckHTTPURL accepts absolute http and https URLs with a host and no credentials, at
// most maxURL characters long. The URL is published in a person's profile, so a
// user:password@ part would publish the password.
func CheckHTTPURL(s string) error {
	if n := utf8.RuneCountInString(s); n > maxURL {
		return fmt.Errorf("the URL is %d characters long; at most %d are allowed (longer URLs do not open reliably from a profile)", n, maxURL)
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		return fmt.Errorf("%q is not an absolute URL; use http:// or https:// followed by a host", s)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q uses the scheme %q; only http and https URLs are allowed", s, u.Scheme)
	}
	if u.User != nil {
		// Never echo the credentials themselves.
		return fmt.Errorf("%q carries a user name or password; remove the part before @, since the URL is published in the person's profile", u.Redacted())
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%q has no host", s)
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return fmt.Errorf("%q contains white space; percent-encode it", s)
	}
	return nil
}

func httpURL() validator.String {
	return stringCheck{desc: "an absolute http(s) URL", check: CheckHTTPURL}
}

func notBlank() validator.String {
	return stringCheck{desc: "not blank", check: func(s string) error {
		if s != "" && Blank(s) { // empty text is textLength's to report
			return fmt.Errorf("the value is blank (only white space or invisible characters); set some text or remove the attribute")
		}
		return nil
	}}
}

// Blank reports whether s shows nothing: every character is white space, a format
// character (zero-width space, joiners, byte-order mark, bidi controls) or one of the
// Hangul fillers that render as nothing. Graph would store such text as a value nobody
// can see.
func Blank(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), unicode.Is(unicode.Cf, r):
		case r == 'ᅟ', r == 'ᅠ', r == 'ㅤ', r == 'ﾠ', r == '⠀':
		default:
			return false
		}
	}
	return true
}

// textLength limits free text in characters (Unicode code points), not bytes, so a
// name in any script gets the same room.
func textLength(maxLen int) validator.String {
	return stringCheck{desc: fmt.Sprintf("1 to %d characters", maxLen), check: func(s string) error {
		n := utf8.RuneCountInString(s)
		switch {
		case n == 0:
			return fmt.Errorf("the value is empty; set some text (1 to %d characters) or remove the attribute", maxLen)
		case n > maxLen:
			return fmt.Errorf("the value is %d characters long; at most %d are allowed", n, maxLen)
		}
		return nil
	}}
}

var (
	// A userPrincipalName as Entra ID allows it: a local part of letters, digits and
	// ' . - _ ! # ^ ~ + (guests carry #EXT#), no leading, trailing or doubled dot; @; a DNS
	// domain. Nothing in it can leave its URL path segment or be read as a path operator.
	upnShape = regexp.MustCompile(`^[A-Za-z0-9'_!#^~+-]+(\.[A-Za-z0-9'_!#^~+-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$`)
	// A certification id as Graph issues them (GUIDs in practice): letters, digits and
	// - _ = . with a letter or digit first, so it is never a reserved segment ($...), a
	// dot segment or anything that needs percent-encoding.
	certIDShape = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_=.-]*$`)
)

// maxUPN is Entra ID's limit for a userPrincipalName; maxCertID bounds ids well above
// what Graph issues.
const (
	maxUPN    = 113
	maxCertID = 256
)

// CheckUserID accepts "me", an object id (GUID) or a userPrincipalName: values that are
// safe as one URL path segment.
func CheckUserID(s string) error {
	if s == graph.Me || graph.IsObjectID(s) || (len(s) <= maxUPN && upnShape.MatchString(s)) {
		return nil
	}
	return fmt.Errorf(`%q is not a user: use "me", a user's object id (a GUID such as 8e2d6a41-7b3c-4f5e-a1d2-9c8b7a6f5e4d) `+
		`or a userPrincipalName such as adele@contoso.com (letters, digits and ' . - _ ! # ^ ~ + before the @, a domain after it)`, s)
}

func userID() validator.String {
	return stringCheck{desc: `"me", an object id or a userPrincipalName`, check: CheckUserID}
}

// CheckCertificationID accepts an id as Graph issues them; anything else could not be a
// certification's id, and some values (a $-segment, "..", a slash or its encoded form)
// would address another URL.
func CheckCertificationID(s string) error {
	if len(s) <= maxCertID && certIDShape.MatchString(s) {
		return nil
	}
	return fmt.Errorf("%q is not a certification id: Graph's ids are like 0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f "+
		"(letters, digits and - _ = ., starting with a letter or digit); copy it from the certification's id attribute "+
		"or from data \"graph_person_certifications\"", s)
}

func certificationID() validator.String {
	return stringCheck{desc: "a certification id as Graph issues them", check: CheckCertificationID}
}

// ParseImportID splits "<user_id>/<certification id>". Neither part may hold a slash.
func ParseImportID(s string) (user, id string, err error) {
	user, id, ok := strings.Cut(s, "/")
	if !ok || user == "" || id == "" || strings.Contains(id, "/") {
		return "", "", fmt.Errorf(`%q is not an import id: use "<user_id>/<certification id>", for example me/0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f`, s)
	}
	if err := CheckUserID(user); err != nil {
		return "", "", err
	}
	if err := CheckCertificationID(id); err != nil {
		return "", "", err
	}
	return user, id, nil
}

// finiteDouble accepts the numbers Graph's Edm.Double can hold. Terraform numbers are
// arbitrary-precision and include infinity (1/0), which a double cannot carry.
type finiteDoubleValidator struct{}

func finiteDouble() validator.Number { return finiteDoubleValidator{} }

func (finiteDoubleValidator) Description(context.Context) string {
	return "a finite number that fits a double"
}

func (v finiteDoubleValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (finiteDoubleValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := CheckDouble(req.ConfigValue.ValueBigFloat()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), err.Error())
	}
}

// CheckDouble reports why f cannot be stored as a double, if it cannot.
func CheckDouble(f *big.Float) error {
	if f == nil {
		return fmt.Errorf("the value is missing; set a number such as 0.92 or remove the attribute")
	}
	if f.IsInf() {
		return fmt.Errorf("the value is infinite; set a finite number such as 0.92 (an expression like 1/0 yields infinity)")
	}
	d, acc := f.Float64()
	if math.IsInf(d, 0) {
		return fmt.Errorf("%s is too large for Graph, which stores a double (at most about 1.8e308 in size)", f.Text('g', 10))
	}
	if d == 0 && acc != big.Exact {
		return fmt.Errorf("%s is too close to zero for Graph, which stores a double; use 0 or a larger number", f.Text('g', 10))
	}
	return nil
}

// noNullElements refuses a list or set with a null element ([null], or a variable that
// is null), which the framework could otherwise only report as its own conversion error.
type noNullElements struct{ want string }

func (v noNullElements) Description(context.Context) string {
	return "no null elements"
}

func (v noNullElements) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v noNullElements) check(p path.Path, elems []attr.Value, diags *diag.Diagnostics) {
	for i, e := range elems {
		if e.IsNull() {
			diags.AddAttributeError(p, "Invalid "+p.String(),
				fmt.Sprintf("element %d is null; remove it, or give %s", i+1, v.want))
			return
		}
	}
}

func (v noNullElements) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if !req.ConfigValue.IsNull() && !req.ConfigValue.IsUnknown() {
		v.check(req.Path, req.ConfigValue.Elements(), &resp.Diagnostics)
	}
}

func (v noNullElements) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if !req.ConfigValue.IsNull() && !req.ConfigValue.IsUnknown() {
		v.check(req.Path, req.ConfigValue.Elements(), &resp.Diagnostics)
	}
}

// meAlone refuses `me` together with another audience. Graph's schema numbers `me` 0, the
// value with no audience flag set, so `me` has no bit of its own: with another audience
// Graph keeps only the other, and every refresh would show `me` missing, a difference no
// apply can remove.
type meAlone struct{}

func (meAlone) Description(context.Context) string {
	return `"me" only on its own`
}

func (meAlone) MarkdownDescription(context.Context) string { return "`me` only on its own" }

func (meAlone) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	me := false
	var others []string
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if s.ValueString() == "me" {
			me = true
		} else {
			others = append(others, fmt.Sprintf("%q", s.ValueString()))
		}
	}
	if me && len(others) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(),
			fmt.Sprintf(`"me" cannot be combined with %s. Graph numbers "me" as 0, the absence of every other `+
				`audience, so next to another audience it is dropped: Graph would keep only %s, and every refresh `+
				`would show "me" missing, a difference no apply can remove. Use ["me"] alone (only the person `+
				`sees it), or leave "me" out.`, strings.Join(others, ", "), strings.Join(others, ", ")))
	}
}

// datesInOrder refuses, at plan time, an end_date before start_date or before
// issued_date: a certification cannot expire before it becomes valid or is issued.
type datesInOrder struct{}

var _ resource.ConfigValidator = datesInOrder{}

func (datesInOrder) Description(context.Context) string {
	return "end_date may not fall before start_date or issued_date"
}

func (v datesInOrder) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (datesInOrder) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	get := func(name string) types.String {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), &v)...)
		return v
	}
	CheckDatesInOrder(path.Empty(), get("start_date"), get("end_date"), get("issued_date"), &resp.Diagnostics)
}

// CheckDatesInOrder is datesInOrder for one certification's dates; at is where the
// certification sits (empty for the resource itself, an entry of graph_person_certifications).
func CheckDatesInOrder(at path.Path, start, end, issued types.String, diags *diag.Diagnostics) {
	date := func(v types.String) (time.Time, bool) {
		if v.IsNull() || v.IsUnknown() {
			return time.Time{}, false
		}
		t, err := ParseDate(v.ValueString())
		// A malformed date is reported by the attribute's own validator.
		return t, err == nil
	}
	endAt, ok := date(end)
	if !ok {
		return
	}
	for _, earlier := range []struct {
		name, why string
		v         types.String
	}{
		{"start_date", "expire before it becomes valid", start},
		{"issued_date", "expire before it is issued", issued},
	} {
		if t, ok := date(earlier.v); ok && endAt.Before(t) {
			p := at.AtName("end_date")
			if len(at.Steps()) == 0 {
				p = path.Root("end_date")
			}
			diags.AddAttributeError(p, "end_date before "+earlier.name,
				fmt.Sprintf("%s %s falls before %s %s; a certification cannot %s. Correct either date.",
					p, end.ValueString(), earlier.name, earlier.v.ValueString(), earlier.why))
		}
	}
}
