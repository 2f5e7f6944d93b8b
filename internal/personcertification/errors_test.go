package personcertification

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

func TestErrorDiag(t *testing.T) {
	const (
		reqID    = "7e1f3a52-0000-4000-8000-000000000001"
		clientID = "7e1f3a52-0000-4000-8000-000000000002"
	)
	graphErr := func(status int, code, msg string) *graph.Error {
		return &graph.Error{Status: status, Code: code, Message: msg, RequestID: reqID, ClientRequestID: clientID, Attempts: 1}
	}
	tests := []struct {
		name        string
		action      string
		user        string
		err         error
		wantSummary string
		want        []string // pieces of the detail
		notWant     []string
	}{
		{
			name: "401", action: "reading", user: "me",
			err:         graphErr(401, "InvalidAuthenticationToken", "Access token has expired."),
			wantSummary: "Error reading person certification",
			want: []string{"401", "InvalidAuthenticationToken", "Access token has expired.", reqID, clientID,
				"access token was refused", "GRAPH_ACCESS_TOKEN", "access_token"},
		},
		{
			name: "403 on me wants User.ReadWrite", action: "creating", user: "me",
			err:         graphErr(403, "ErrorAccessDeniedForRole", "Exception of type 'X' was thrown."),
			wantSummary: "Error creating person certification",
			want:        []string{"403", "ErrorAccessDeniedForRole", reqID, "User.ReadWrite ", `user_id = "me"`, "application permissions"},
			notWant:     []string{"User.ReadWrite.All"},
		},
		{
			name: "403 on another user wants User.ReadWrite.All", action: "updating", user: "megan.bowen@contoso.example",
			err:         graphErr(403, "ErrorAccessDeniedForRole", ""),
			wantSummary: "Error updating person certification",
			want:        []string{"403", "User.ReadWrite.All", `user_id = "megan.bowen@contoso.example"`, reqID},
		},
		{
			name: "404 on create means the user", action: "creating", user: "nobody@contoso.example",
			err:         graphErr(404, "Request_ResourceNotFound", "Resource 'nobody@contoso.example' does not exist."),
			wantSummary: "Error creating person certification",
			want:        []string{"404", `The user "nobody@contoso.example" was not found`, `"me"`, reqID},
			notWant:     []string{"no longer exists"},
		},
		{
			name: "404 on read means the object", action: "reading", user: "me",
			err:         graphErr(404, "itemNotFound", "The requested resource 'x' does not exist."),
			wantSummary: "Error reading person certification",
			want:        []string{"404", "itemNotFound", "no longer exists", reqID},
			notWant:     []string{"was not found"},
		},
		{
			name: "400", action: "creating", user: "me",
			err:         graphErr(400, "BadRequest", "Cannot convert the literal 'Date' to the expected type 'Edm.Date'."),
			wantSummary: "Error creating person certification",
			want:        []string{"400", "Edm.Date", "Graph rejected the request", reqID},
		},
		{
			name: "429", action: "creating", user: "me",
			err:         &graph.Error{Status: 429, Code: "TooManyRequests", RequestID: reqID, Attempts: 9},
			wantSummary: "Error creating person certification",
			want:        []string{"429", "TooManyRequests", "after 9 attempts", "throttling", "timeouts", reqID},
		},
		{
			name: "503", action: "deleting", user: "me",
			err:         graphErr(503, "ServiceUnavailable", "The service is temporarily unavailable."),
			wantSummary: "Error deleting person certification",
			want:        []string{"503", "ServiceUnavailable", "unavailable", "Run apply again later", reqID},
		},
		{
			name: "504", action: "reading", user: "me",
			err:         graphErr(504, "", ""),
			wantSummary: "Error reading person certification",
			want:        []string{"504", "Run apply again later"},
		},
		{
			name: "transport failure", action: "creating", user: "me",
			err:         &graph.Error{Op: "create", Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")},
			wantSummary: "Error creating person certification",
			want:        []string{"connection refused", "No answer came from Graph", "HTTPS_PROXY"},
		},
		{
			name: "wrapped graph error keeps its hint", action: "reading", user: "me",
			err:         fmt.Errorf("reading: %w", graphErr(401, "InvalidAuthenticationToken", "")),
			wantSummary: "Error reading person certification",
			want:        []string{"401", "access token was refused"},
		},
		{
			name: "decode error", action: "creating", user: "me",
			err:         &graph.DecodeError{ID: "abc", Err: errors.New(`parsing time "Date"`)},
			wantSummary: "Error creating person certification",
			want:        []string{"could not be read by the SDK", `parsing time "Date"`, "could not read Graph's answer", "request-id", "TF_LOG=DEBUG"},
			notWant:     []string{"No answer came from Graph"},
		},
		{
			name: "unlisted status has no hint", action: "reading", user: "me",
			err:         graphErr(500, "UnknownError", "boom"),
			wantSummary: "Error reading person certification",
			want:        []string{"500", "UnknownError", "boom", reqID},
			notWant:     []string{"\n\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := errorDiag(tt.action, tt.user, tt.err)
			if d.Severity() != diag.SeverityError {
				t.Errorf("severity = %v, want error", d.Severity())
			}
			if d.Summary() != tt.wantSummary {
				t.Errorf("summary = %q, want %q", d.Summary(), tt.wantSummary)
			}
			checkDetail(t, d, tt.want, tt.notWant)
		})
	}
}

// A 403 to an app-only token is about the kind of token: the hint says the docs disagree
// and that a delegated sign-in works, not which application permission to grant. Other
// answers, and 403s to delegated tokens, keep their hints.
func TestErrorDiagAppOnly(t *testing.T) {
	app := &graph.Identity{Kind: graph.AppOnly, AppID: "a1", AppName: "hr-pipeline", Roles: []string{"User.ReadWrite.All"}}
	user := &graph.Identity{Kind: graph.Delegated, AppID: "cli", User: "adele", Scopes: []string{"User.Read"}}
	forbidden := &graph.Error{Status: 403, Code: "ErrorAccessDeniedForRole"}
	tests := []struct {
		name    string
		id      *graph.Identity
		err     error
		want    []string
		notWant []string
	}{
		{"app-only 403", app, forbidden,
			[]string{"app-only token", `"hr-pipeline"`, "current docs pages", "application permissions as not supported",
				"older docs", "User.ReadWrite.All", "delegated sign-in is the dependable path", `user_id = "me"`},
			[]string{"Grant the delegated permission"}},
		{"delegated 403", user, forbidden, []string{"Grant the delegated permission User.ReadWrite.All"}, []string{"app-only"}},
		{"unknown identity 403", nil, forbidden, []string{"Grant the delegated permission User.ReadWrite.All"}, []string{"app-only"}},
		{"app-only 404", app, &graph.Error{Status: 404, Code: "itemNotFound"}, []string{"no longer exists"}, []string{"app-only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDetail(t, ErrorDiagAs(tt.id, "updating", "megan.bowen@contoso.example", tt.err), tt.want, tt.notWant)
		})
	}
}

// checkDetail fails unless d's detail contains every piece of want and none of notWant.
func checkDetail(t *testing.T, d diag.Diagnostic, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(d.Detail(), w) {
			t.Errorf("detail does not contain %q:\n%s", w, d.Detail())
		}
	}
	for _, nw := range notWant {
		if strings.Contains(d.Detail(), nw) {
			t.Errorf("detail contains %q:\n%s", nw, d.Detail())
		}
	}
}
