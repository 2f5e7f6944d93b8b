package personcertification

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

var errEmptyAudiences = errors.New("allowed_audiences needs at least one audience")

func errUnknownAudience(names []string) error {
	return fmt.Errorf("allowed_audiences %q holds a value Graph does not know; use any of %s",
		names, strings.Join(Audiences, ", "))
}

// errorDiag turns a failed call into a diagnostic: the summary names the action and the
// object, the detail says what Graph answered and what to do next.
func errorDiag(action, userID string, err error) diag.Diagnostic {
	return ErrorDiagAs(nil, action, userID, err)
}

// ErrorDiagAs is errorDiag for a caller whose token the provider decoded (the client's
// Identity, nil when unknown): a 403 to an app-only token gets its own next step.
func ErrorDiagAs(id *graph.Identity, action, userID string, err error) diag.Diagnostic {
	summary := fmt.Sprintf("Error %s person certification", action)
	return diag.NewErrorDiagnostic(summary, errorDetail(id, action, userID, err))
}

func errorDetail(id *graph.Identity, action, userID string, err error) string {
	detail := err.Error()
	var de *graph.DecodeError
	if errors.As(err, &de) {
		return detail + ". The provider could not read Graph's answer; please report it with the request-id from TF_LOG=DEBUG output."
	}
	if hint := NextStepAs(id, action, userID, graph.StatusOf(err)); hint != "" {
		detail += "\n\n" + hint
	}
	return detail
}

// NextStepAs is nextStep knowing the caller: Graph's 403 to an app-only token is about
// the kind of token, not a permission to grant. The provider lets such a token try (older
// docs listed User.ReadWrite.All for applications); when Graph refuses it, this says why.
func NextStepAs(id *graph.Identity, action, userID string, status int) string {
	if status == http.StatusForbidden && id != nil && id.Kind == graph.AppOnly {
		return appOnlyRefused(id)
	}
	return nextStep(action, userID, status)
}

// appOnlyRefused is the next step after Graph refused an app-only token.
func appOnlyRefused(id *graph.Identity) string {
	return fmt.Sprintf("Graph refused the provider's app-only token (the %s). The current docs pages of the profile "+
		"certification operations list application permissions as not supported, for every operation; older docs "+
		"listed the application permission User.ReadWrite.All, and some tenants still accept it, but that is not "+
		"something to build on. A delegated sign-in is the dependable path: a user's token (use_cli with `az login`, "+
		"or an access_token issued to a user) with User.ReadWrite for user_id = \"me\", or User.ReadWrite.All for "+
		"other users' profiles.", id)
}

func nextStep(action, userID string, status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "The access token was refused. Get a fresh token (for example `az account get-access-token --resource-type ms-graph`) " +
			"and set it in the provider's access_token or in GRAPH_ACCESS_TOKEN."
	case http.StatusForbidden:
		perm := graph.WritePermission(userID) // the permission the plan-time warning names
		return fmt.Sprintf("The token may not write this profile. Grant the delegated permission %s (user_id = %q) and sign in again; "+
			"the profile API does not support application permissions, and writing another user's profile may be refused even then.", perm, userID)
	case http.StatusNotFound:
		if action == "creating" {
			return fmt.Sprintf("The user %q was not found. Check that user_id is an existing user's object id or userPrincipalName, or use \"me\".", userID)
		}
		return "The certification or its user no longer exists."
	case http.StatusBadRequest:
		return "Graph rejected the request. Check the values in the configuration; the message above names the property when Graph says which."
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return "Graph kept throttling or was unavailable until the retries or the operation's timeout ran out. " +
			"Run apply again later, or raise the timeouts block's value."
	case 0:
		return "No answer came from Graph. Check the endpoint, the network and any proxy (HTTPS_PROXY, NO_PROXY)."
	}
	return ""
}

// errNoID is the error for a Graph answer that names no id: such an object cannot be
// tracked, so nothing is written to state.
func errNoID(user, id string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Error reading person certification",
		fmt.Sprintf("Graph answered for certification %q of user %q with an object that has no id, so it cannot be tracked. "+
			"Check the endpoint (it must be Microsoft Graph or a faithful proxy of it) and try again.", id, user))
}
