// Package provider is the graph provider: its configuration, the credential it resolves,
// and the one Graph client every resource shares.
package provider

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertifications"
)

var _ provider.Provider = (*Provider)(nil)

// Environment variables that stand in for configuration values.
const (
	EnvEndpoint    = "GRAPH_ENDPOINT"
	EnvAccessToken = "GRAPH_ACCESS_TOKEN"
)

// Provider is the graph provider.
type Provider struct {
	version string
	// getenv reads the environment; tests swap it instead of touching the process.
	getenv func(string) string
	// transport carries Graph and token traffic; nil means a clone of http.DefaultTransport
	// (HTTPS_PROXY, NO_PROXY, the system trust store and SSL_CERT_FILE). Set by
	// NewWithOptions, for embedding and tests; there is no configuration setting for it.
	transport http.RoundTripper
	// client is the configured client, for the calls served outside the framework
	// (personcertifications.Serve); nil until ConfigureProvider.
	client atomic.Pointer[graph.Client]
}

// Server is the provider's plugin-protocol server: the framework's, with
// graph_person_certifications served by its own handler (personcertifications.Serve).
// main and the acceptance tests both use it, so tests run what users run.
func Server(version string) func() (tfprotov6.ProviderServer, error) {
	return ServerOf(New(version))
}

// ServerOf is Server for a provider made by New or NewWithOptions.
func ServerOf(newProvider func() provider.Provider) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p, ok := newProvider().(*Provider)
		if !ok {
			return nil, fmt.Errorf("unexpected provider type")
		}
		fw, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		return personcertifications.Serve(fw, p.client.Load)
	}
}

// providerModel is the provider block.
type providerModel struct {
	Endpoint      types.String `tfsdk:"endpoint"`
	AccessToken   types.String `tfsdk:"access_token"`
	MaxRetries    types.Number `tfsdk:"max_retries"` // a Number: see wholeNumberValidator
	MaxRetryDelay types.String `tfsdk:"max_retry_delay"`
	credentialModel
}

// New returns the provider factory for a given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &Provider{version: version, getenv: os.Getenv} }
}

func (p *Provider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "graph"
	resp.Version = p.version
}

func (p *Provider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	defer func() { maps.Copy(resp.Schema.Attributes, credentialAttributes()) }() // credentials_schema.go
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages people's profile certifications in Microsoft Graph (beta `personCertification`). " +
			"The credential is the first configured one of: `access_token`, client certificate, client secret, OIDC, " +
			"managed identity, Azure CLI. When the settings (attributes or `ARM_*` variables) of more than one are present, " +
			"the plan warns, naming the method used and those ignored.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The Graph root URL; requests go to `{endpoint}/beta/...`. Defaults to `GRAPH_ENDPOINT`, then the " +
					"`environment`'s Graph host (`" + graph.DefaultEndpoint + "` for `public`). Must be an absolute http(s) URL " +
					"without the API version: the provider adds `/beta` itself, so `" + graph.DefaultEndpoint + "/beta` or `/v1.0` " +
					"(any case, with or without a trailing slash) is refused, here and in `GRAPH_ENDPOINT`. " +
					"The access token is sent only to this host. It does not change the token's audience, which follows `environment`.",
				Validators: []validator.String{endpointValidator{}},
			},
			"max_retries": schema.NumberAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times one request is retried after Graph throttles it (429) or, for a read, "+
					"update or delete, is unavailable (503, 504, or no answer): a whole number between 0 and %d. Default %d. A create "+
					"answered 5xx may have been applied, so it is looked for before it is sent again, never retried blindly. Retries "+
					"never outlive the operation's timeout (the resource's `timeouts` block).", maxRetriesLimit, defaultMaxRetries),
				Validators: []validator.Number{wholeNumberValidator{lo: 0, hi: maxRetriesLimit}},
			},
			"max_retry_delay": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The longest single wait between retries, as a Go duration such as `30s` or `2m` (1s to 10m). " +
					"Graph's `Retry-After` is honoured up to this; without it the wait grows exponentially with jitter. Default `60s`.",
				Validators: []validator.String{retryDelayValidator{}},
			},
			"access_token": schema.StringAttribute{
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "A bearer token for Microsoft Graph obtained elsewhere, for example with " +
					"`az account get-access-token --resource-type ms-graph`. Defaults to `GRAPH_ACCESS_TOKEN`. It is used as " +
					"is and never renewed. When it is a JWT, its claims are read (not its signature) and the plan fails, " +
					"before any request, if it expired (more than a minute ago) or if its audience (`aud`) is not the " +
					"`environment`'s Graph: its Graph host (`https://graph.microsoft.com` for `public`) or Graph's app id `" +
					graphAppID + "`. Opaque tokens are sent unchecked. It comes first in the credential order: when the settings " +
					"of other methods are present too, the plan warns, naming the methods it ignores.",
			},
		},
	}
}

func (p *Provider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings, diags := resolveWith(cfg, p.getenv, p.transport)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "access_token", "token", "Authorization")
	ctx = tflog.MaskAllFieldValuesStrings(ctx, settings.redact.values()...)
	identity, diags := settings.identify(ctx) // the first token: proves the credential, decodes its claims once
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	retry, err := retryPolicy(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid retry settings", err.Error())
		return
	}
	client, err := graph.NewClient(graph.Config{Endpoint: settings.endpoint, Cloud: settings.cloud.name, Token: settings.token, Identity: identity, Transport: p.transport, Retry: retry, Batching: true})
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the graph provider", err.Error())
		return
	}
	tflog.Debug(ctx, "graph provider configured", map[string]interface{}{"base_url": client.BaseURL(), "credential": settings.credentialName})
	p.client.Store(client)
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.ListResourceData = client
}

func (p *Provider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{personcertification.NewResource, personcertifications.NewResource}
}

func (p *Provider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{personcertification.NewDataSource, personcertification.NewCertificationsDataSource}
}
