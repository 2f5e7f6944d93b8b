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
// app-only token, 403 when neither roles nor scp allow the operation.
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

// permissionsFor lists the permissions any one of which allows the operation (docs/development/graph-api.md,
// Permissions). Application permissions follow the older docs' User.*.All.
func permissionsFor(rt route, delegated bool) []string {
	write := rt.op == opCreate || rt.op == opUpdate || rt.op == opDelete
	switch {
	case !delegated && write:
		return []string{"User.ReadWrite.All"}
	case !delegated:
		return []string{"User.Read.All", "User.ReadWrite.All"}
	case write && rt.user.me:
		return []string{"User.ReadWrite", "User.ReadWrite.All"}
	case write:
		return []string{"User.ReadWrite.All"}
	case rt.user.me:
		return []string{"User.Read", "User.ReadWrite", "User.Read.All", "User.ReadWrite.All", "User.ReadBasic.All"}
	default:
		return []string{"User.Read.All", "User.ReadWrite.All", "User.ReadBasic.All"}
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
