package mockgraph

// The Graph side of sign-in: the TLS server azidentity needs, and, with
// RequireIssuedTokens on, Graph's check of the tokens the Entra ID fake
// (internal/mockentra, embedded in Server) issued.

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
)

// checkIssuedToken is Graph's token check when RequireIssuedTokens is on: 401 for a token
// this server did not issue (or expired, or for another audience), 400 for /me with an
// app-only token, 403 for an app-only token on the certifications (unless
// SetAllowAppOnly), 403 when neither roles nor scp allow the operation.
func (s *Server) checkIssuedToken(r *http.Request, rt route) *apiError {
	claims, err := s.issuedClaims(r)
	if err != nil || claims == nil {
		return err
	}
	scp, _ := claims["scp"].(string)
	delegated := scp != ""
	if rt.user.me && !delegated {
		return badRequest("/me request is only valid with delegated authentication flow.")
	}
	s.mu.Lock()
	appOnly := s.allowAppOnly
	s.mu.Unlock()
	if !delegated && !appOnly && rt.op != opUser {
		// The profile service's refusal (microsoft-graph-docs-contrib issue 736: an app
		// holding User.ReadWrite.All got exactly this). Reading the user object itself
		// is the directory's, which takes application permissions.
		return &apiError{status: http.StatusForbidden, code: "ErrorAccessDeniedForRole", message: accessDeniedMessage}
	}
	var have []string
	if delegated {
		have = strings.Fields(scp)
	} else {
		have = mockentra.Audiences(claims["roles"])
	}
	if !slices.ContainsFunc(permissionsFor(rt, delegated), func(p string) bool { return slices.Contains(have, p) }) {
		code, msg := defaultCodeMessage(http.StatusForbidden)
		return &apiError{status: http.StatusForbidden, code: code, message: msg}
	}
	return nil
}

// SetAllowAppOnly lets app-only tokens (application permissions, no signed-in user) use
// the profile certification routes, as the older docs allowed. Off by default: the
// current docs pages list application permissions as not supported for every operation,
// so with RequireIssuedTokens on an app-only token is refused (checkIssuedToken).
func (s *Server) SetAllowAppOnly(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allowAppOnly = on
}

// issuedClaims is the token half of checkIssuedToken: with RequireIssuedTokens on, the
// claims of a valid token this server issued for the Graph audience, or a 401; with it
// off, (nil, nil). A $batch checks only this; its sub-requests get the whole check.
func (s *Server) issuedClaims(r *http.Request) (map[string]any, *apiError) {
	on, aud := s.Requirement()
	if !on {
		return nil, nil
	}
	_, tok, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	claims, err := s.Verify(strings.TrimSpace(tok))
	if err != nil {
		return nil, &apiError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken", message: "Access token validation failure: " + err.Error() + "."}
	}
	if !slices.Contains(mockentra.Audiences(claims["aud"]), aud) {
		return nil, &apiError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken", message: "Access token validation failure. Invalid audience."}
	}
	return claims, nil
}

// permissionsFor lists the permissions any one of which allows the operation
// (docs/development/graph-api.md, Permissions): the delegated ones the current docs pages
// list; for an app-only token (SetAllowAppOnly) the application ones the older docs listed.
func permissionsFor(rt route, delegated bool) []string {
	write := rt.op == opCreate || rt.op == opUpdate || rt.op == opDelete
	agent := []string{"AgentIdUser.ReadWrite.All", "AgentIdUser.ReadWrite.IdentityParentedBy"}
	switch {
	case !delegated && write:
		return []string{"User.ReadWrite.All"}
	case !delegated:
		return []string{"User.Read.All", "User.ReadWrite.All"}
	case write && rt.user.me:
		return append([]string{"User.ReadWrite", "User.ReadWrite.All"}, agent...)
	case write:
		return append([]string{"User.ReadWrite.All"}, agent...)
	case rt.op == opUser && rt.user.me:
		return []string{"User.Read", "User.ReadWrite", "User.Read.All", "User.ReadWrite.All", "User.ReadBasic.All"}
	case rt.op == opUser:
		return []string{"User.Read.All", "User.ReadWrite.All", "User.ReadBasic.All"}
	case rt.user.me:
		return append([]string{"User.Read", "User.ReadWrite", "User.Read.All", "User.ReadWrite.All", "User.ReadBasic.All"}, agent...)
	default:
		return append([]string{"User.Read.All", "User.ReadWrite.All", "User.ReadBasic.All"}, agent...)
	}
}

// StartTLS is Start over HTTPS. azidentity only talks to an authority host over https, so
// a test that signs in through this server uses it. cert nil uses httptest's certificate
// (valid for 127.0.0.1, ::1 and example.com); otherwise cert is served, for example one
// naming login.microsoftonline.com and graph.microsoft.com for a test behind a proxy.
func StartTLS(cert *tls.Certificate) *Server {
	s := New()
	ts := httptest.NewUnstartedServer(s.Handler())
	if cert != nil {
		ts.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	}
	ts.StartTLS()
	s.ts, s.URL = ts, ts.URL
	return s
}

// Certificate is the TLS certificate of a StartTLS server, for a client's trust pool.
func (s *Server) Certificate() *x509.Certificate {
	if s.ts == nil {
		return nil
	}
	return s.ts.Certificate()
}
