package personcertification

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// CheckHTTPURL accepts absolute http and https URLs with a host.
func CheckHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		return fmt.Errorf("%q is not an absolute URL; use http:// or https:// followed by a host", s)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q uses the scheme %q; only http and https URLs are allowed", s, u.Scheme)
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
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("the value is blank; set some text or remove the attribute")
		}
		return nil
	}}
}

var (
	guidShape = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	upnShape  = regexp.MustCompile(`^[^@\s/\\?]+@[^@\s/\\?]+\.[^@\s/\\?]+$`)
)

// CheckUserID accepts "me", an object id (GUID) or a userPrincipalName.
func CheckUserID(s string) error {
	if s == "me" || guidShape.MatchString(s) || upnShape.MatchString(s) {
		return nil
	}
	return fmt.Errorf(`%q is not a user: use "me", a user's object id (a GUID) or a userPrincipalName such as adele@contoso.com`, s)
}

func userID() validator.String {
	return stringCheck{desc: `"me", an object id or a userPrincipalName`, check: CheckUserID}
}

// ParseImportID splits "<user_id>/<certification id>". A user id never holds a slash.
func ParseImportID(s string) (user, id string, err error) {
	user, id, ok := strings.Cut(s, "/")
	if !ok || user == "" || id == "" || strings.Contains(id, "/") {
		return "", "", fmt.Errorf(`%q is not an import id: use "<user_id>/<certification id>", for example me/0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f`, s)
	}
	if err := CheckUserID(user); err != nil {
		return "", "", err
	}
	if strings.TrimSpace(id) != id || strings.ContainsAny(id, " ?#\\") {
		return "", "", fmt.Errorf("%q is not a certification id", id)
	}
	return user, id, nil
}
