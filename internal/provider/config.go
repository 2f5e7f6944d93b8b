package provider

import (
	"context"
	"fmt"
	"strings"

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
func resolve(cfg Model, getenv func(string) string) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := settings{endpoint: stringSetting(cfg.Endpoint, getenv, EnvEndpoint)}
	if s.endpoint == "" {
		s.endpoint = graph.DefaultEndpoint
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

	var tried []string
	for _, m := range credentialMethods {
		ts, name, why := m(cfg, getenv)
		if ts != nil {
			s.token, s.credentialName = ts, name
			return s, diags
		}
		tried = append(tried, fmt.Sprintf("- %s: %s", name, why))
	}
	diags.AddError("No Graph credential configured",
		"The provider found no way to get a token for Microsoft Graph. Tried:\n"+strings.Join(tried, "\n")+
			"\n\nSet access_token in the provider block or GRAPH_ACCESS_TOKEN in the environment.")
	return s, diags
}

// A credentialMethod returns a TokenSource when it is configured, else why it is not.
// The Entra ID methods (client secret, certificate, OIDC, managed identity, Azure CLI)
// slot into this list.
type credentialMethod func(cfg Model, getenv func(string) string) (ts graph.TokenSource, name, whyNot string)

var credentialMethods = []credentialMethod{
	staticAccessToken,
}

func staticAccessToken(cfg Model, getenv func(string) string) (graph.TokenSource, string, string) {
	const name = "access_token"
	tok := stringSetting(cfg.AccessToken, getenv, EnvAccessToken)
	if tok == "" {
		return nil, name, "neither access_token nor " + EnvAccessToken + " is set"
	}
	return graph.StaticToken(tok), name, ""
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
