package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// settings is the provider configuration after environment fallbacks.
type settings struct {
	endpoint       string
	token          graph.TokenSource
	credentialName string
	cloud          cloud     // environment: Graph host (token audience) and authority host
	tried          []string  // each method in order and why it was or was not used
	redact         *redactor // every secret seen while resolving
}

// stringSetting returns the configured value, else the environment variable's.
// A configuration value always wins over its environment variable.
func stringSetting(v types.String, getenv func(string) string, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return strings.TrimSpace(getenv(env))
}

// resolve applies the fallbacks and picks a credential. Credential methods are tried in a
// fixed order; each one that is not configured says why, so the final error lists them.
func resolve(cfg providerModel, getenv func(string) string) (settings, diag.Diagnostics) {
	return resolveWith(cfg, getenv, nil)
}

// resolveWith is resolve with the HTTP transport for token traffic (nil: a clone of
// http.DefaultTransport, which honours HTTPS_PROXY, NO_PROXY and the system trust store).
func resolveWith(cfg providerModel, getenv func(string) string, transport http.RoundTripper) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := settings{endpoint: stringSetting(cfg.Endpoint, getenv, EnvEndpoint), redact: &redactor{}}
	if d := unknownCredentialSettings(cfg); d.HasError() {
		return s, d
	}
	c, authority, d := resolveCloud(cfg, getenv)
	if diags.Append(d...); diags.HasError() {
		return s, diags
	}
	s.cloud = c
	if s.endpoint == "" {
		s.endpoint = c.graphHost
	}
	if err := graph.ValidateEndpoint(s.endpoint); err != nil {
		diags.AddAttributeError(path.Root("endpoint"), "Invalid endpoint",
			fmt.Sprintf("%s (from %s).", err, source(cfg.Endpoint, EnvEndpoint)))
		return s, diags
	}
	if cfg.Endpoint.IsUnknown() {
		diags.AddAttributeError(path.Root("endpoint"), "Unknown endpoint",
			"endpoint depends on a value known only after apply; the provider needs it to plan. Set it from a variable or GRAPH_ENDPOINT.")
		return s, diags
	}
	if cfg.AccessToken.IsUnknown() {
		diags.AddAttributeError(path.Root("access_token"), "Unknown access_token",
			"access_token depends on a value known only after apply; the provider needs it to plan. Set it from a variable or GRAPH_ACCESS_TOKEN.")
		return s, diags
	}

	if transport == nil {
		transport = defaultTransport()
	}
	in := &credentialInput{cfg: cfg, getenv: getenv, cloud: c, authority: authority,
		customAuthority: !knownAuthority(authority), transport: transport, redact: s.redact}
	var tried []string
	whyNot := make([]string, len(credentialMethods))
	for i, m := range credentialMethods {
		ts, why, d := m.build(in)
		if diags.Append(d...); diags.HasError() {
			return s, diags
		}
		if ts != nil {
			s.token, s.credentialName = ts, m.name
			tried = append(tried, fmt.Sprintf("- %s: used", m.name))
			for _, rest := range credentialMethods[i+1:] {
				tried = append(tried, fmt.Sprintf("- %s: not tried", rest.name))
			}
			s.tried = tried
			diags.Append(severalMethodsWarning(in, i, whyNot)...)
			return s, diags
		}
		whyNot[i] = why
		tried = append(tried, fmt.Sprintf("- %s: %s", m.name, why))
	}
	s.tried = tried
	diags.AddError("No Graph credential configured",
		"The provider found no way to get a token for Microsoft Graph. Tried:\n"+strings.Join(tried, "\n")+
			"\n\nSet access_token (GRAPH_ACCESS_TOKEN), or the ARM_* variables of a client secret, certificate, OIDC, "+
			"managed identity or Azure CLI sign-in. "+credentialsDocs)
	return s, diags
}

// A credentialMethod returns a TokenSource when it is configured, else why it is not, or
// a diagnostic when it is configured but cannot work (credentials.go).
// configuredBy names the settings the user set that select the method (attribute or
// environment variable names, never values), for the several-methods warning.
type credentialMethod struct {
	name         string
	build        func(in *credentialInput) (ts graph.TokenSource, whyNot string, diags diag.Diagnostics)
	configuredBy func(in *credentialInput) []string
}

// credentialMethods is the default order: the azuread provider's (certificate, secret,
// OIDC, managed identity, Azure CLI), with a handed-over access_token first.
var credentialMethods = []credentialMethod{
	{"access_token", staticAccessToken, accessTokenSetBy},
	{"client certificate", clientCertificate, clientCertificateSetBy},
	{"client secret", clientSecret, clientSecretSetBy},
	{"OIDC", oidcMethod, oidcSetBy},
	{"managed identity", managedIdentity, managedIdentitySetBy},
	{"Azure CLI", azureCLI, azureCLISetBy},
}

func staticAccessToken(in *credentialInput) (graph.TokenSource, string, diag.Diagnostics) {
	tok := stringSetting(in.cfg.AccessToken, in.getenv, EnvAccessToken)
	if tok == "" {
		return nil, "neither access_token nor " + EnvAccessToken + " is set", nil
	}
	in.redact.add(tok)
	if d := checkStaticToken(tok, source(in.cfg.AccessToken, EnvAccessToken), in.cloud, time.Now()); d.HasError() {
		return nil, "", d
	}
	return staticTokenSource(tok, in.redact), "", nil
}

func source(v types.String, env string) string {
	if !v.IsNull() {
		return "the provider block"
	}
	return env
}

// endpointValidator checks endpoint at validate time.
type endpointValidator struct{}

func (endpointValidator) Description(context.Context) string { return "an absolute http(s) URL" }
func (v endpointValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := graph.ValidateEndpoint(strings.TrimRight(req.ConfigValue.ValueString(), "/")); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint", err.Error()+".")
	}
}
