package graph

import (
	"context"
	"net/url"

	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
)

// TokenSource yields a bearer token for Graph. The static access_token is one; the
// Entra ID credential methods wrap an azidentity credential behind the same interface.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// StaticToken is a bearer token obtained elsewhere (for example
// `az account get-access-token --resource-type ms-graph`).
type StaticToken string

// Token returns the token unchanged.
func (t StaticToken) Token(context.Context) (string, error) { return string(t), nil }

// String never reveals the token, so a stray %v cannot leak it.
func (t StaticToken) String() string { return "StaticToken(redacted)" }

// tokenProvider adapts a TokenSource to kiota, sending the token only to allowed hosts.
type tokenProvider struct {
	source TokenSource
	hosts  *absauth.AllowedHostsValidator
}

func (p *tokenProvider) GetAuthorizationToken(ctx context.Context, u *url.URL, _ map[string]interface{}) (string, error) {
	if !p.hosts.IsUrlHostValid(u) {
		return "", nil
	}
	return p.source.Token(ctx)
}

func (p *tokenProvider) GetAllowedHostsValidator() *absauth.AllowedHostsValidator { return p.hosts }
