package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// redactor removes known secret strings from text that leaves the provider: errors from
// azidentity (which quote response bodies and CLI output), diagnostics and log fields.
// Secrets learnt later (an OIDC id token fetched from a CI service) are added as they come.
type redactor struct {
	mu      sync.Mutex
	secrets []string
}

const redacted = "[redacted]"

func (r *redactor) add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		// Very short values would shred ordinary words; no real secret is that short.
		if len(strings.TrimSpace(s)) >= 6 && !slices.Contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
	// Longest first, so a secret that contains another is removed whole.
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
}

func (r *redactor) values() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.secrets)
}

func (r *redactor) redact(s string) string {
	for _, secret := range r.values() {
		s = strings.ReplaceAll(s, secret, redacted)
	}
	return s
}

// credentialError is a failed token request, already redacted.
type credentialError struct {
	method string
	msg    string
}

func (e *credentialError) Error() string { return e.method + ": " + e.msg }

// azureToken adapts an azidentity credential to graph.TokenSource. It keeps the current
// token until shortly before it expires: the Azure CLI credential has no cache of its own
// and would otherwise run `az` for every Graph request.
type azureToken struct {
	method string
	cred   azcore.TokenCredential
	scope  string
	redact *redactor

	mu  sync.Mutex
	cur azcore.AccessToken
}

var _ graph.TokenSource = (*azureToken)(nil)

// refreshMargin is how long before expiry a token is replaced.
const refreshMargin = 3 * time.Minute

func (a *azureToken) Token(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cur.Token != "" && time.Until(a.cur.ExpiresOn) > refreshMargin {
		return a.cur.Token, nil
	}
	tok, err := a.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{a.scope}})
	if err != nil {
		msg := err.Error()
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			msg = "no token before the operation's deadline: " + msg
		}
		return "", &credentialError{method: a.method, msg: a.redact.redact(msg)}
	}
	if tok.Token == "" {
		return "", &credentialError{method: a.method, msg: "the credential returned an empty token"}
	}
	a.redact.add(tok.Token)
	a.cur = tok
	return tok.Token, nil
}

// String never shows a token.
func (a *azureToken) String() string { return fmt.Sprintf("azureToken(%s, redacted)", a.method) }

// staticToken is the access_token setting; the token also goes into the redactor.
func staticTokenSource(tok string, r *redactor) graph.TokenSource {
	r.add(tok)
	return graph.StaticToken(tok)
}

// defaultTransport is a clone of http.DefaultTransport: proxies from HTTPS_PROXY and
// NO_PROXY, the system trust store (SSL_CERT_FILE, SSL_CERT_DIR).
func defaultTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return http.DefaultTransport
}
