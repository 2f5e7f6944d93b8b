package provider

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// cloud is one Microsoft cloud: where Graph is, and where Entra ID is.
type cloud struct {
	name          string
	graphHost     string // https://graph.microsoft.com; also the token audience
	authorityHost string // https://login.microsoftonline.com/
}

// clouds is the table. Graph hosts: learn.microsoft.com/graph/deployments.
var clouds = []cloud{
	{"public", "https://graph.microsoft.com", "https://login.microsoftonline.com/"},
	{"usgovernment", "https://graph.microsoft.us", "https://login.microsoftonline.us/"},
	{"usgovernmentl5", "https://dod-graph.microsoft.us", "https://login.microsoftonline.us/"},
	{"china", "https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn/"},
}

// cloudAliases are the azuread provider's names for the same clouds.
var cloudAliases = map[string]string{"global": "public", "usgovernmentl4": "usgovernment"}

func environmentNames() []string {
	names := make([]string, 0, len(clouds)+len(cloudAliases))
	for _, c := range clouds {
		names = append(names, c.name)
	}
	for a := range cloudAliases {
		names = append(names, a)
	}
	slices.Sort(names)
	return names
}

func lookupCloud(name string) (cloud, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := cloudAliases[n]; ok {
		n = a
	}
	for _, c := range clouds {
		if c.name == n {
			return c, true
		}
	}
	return cloud{}, false
}

// scope is what the token is requested for. It follows the environment, never endpoint:
// endpoint only says where requests go (a proxy, a private route, the mock), while Entra
// ID issues Graph tokens for the cloud's Graph resource, whatever host carries them.
func (c cloud) scope() string { return c.graphHost + "/.default" }

// knownAuthority reports whether host is one of the clouds' own authority hosts; for any
// other, azidentity is told to skip instance discovery (which would ask the public cloud).
func knownAuthority(host string) bool {
	u, err := url.Parse(host)
	if err != nil {
		return false
	}
	for _, c := range clouds {
		k, _ := url.Parse(c.authorityHost)
		if strings.EqualFold(k.Host, u.Host) {
			return true
		}
	}
	return false
}

// validateAbsURL accepts an absolute URL of one of the schemes, with a host and no user info.
func validateAbsURL(s string, schemes ...string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || !slices.Contains(schemes, strings.ToLower(u.Scheme)) {
		return fmt.Errorf("must be an absolute %s URL", strings.Join(schemes, " or "))
	}
	if u.User != nil {
		return fmt.Errorf("must not carry user info")
	}
	return nil
}

type httpsURLValidator struct{}

func (httpsURLValidator) Description(context.Context) string { return "an absolute https URL" }
func (v httpsURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (httpsURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := validateAbsURL(req.ConfigValue.ValueString(), "https"); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("%s %s (Entra ID is only reached over https).", req.Path, err))
	}
}

type httpURLValidator struct{}

func (httpURLValidator) Description(context.Context) string { return "an absolute http(s) URL" }
func (v httpURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (httpURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := validateAbsURL(req.ConfigValue.ValueString(), "http", "https"); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("%s %s.", req.Path, err))
	}
}

// resolveCloud picks the environment and the authority host (authority_host, else
// AZURE_AUTHORITY_HOST, else the environment's).
func resolveCloud(cfg providerModel, getenv func(string) string) (cloud, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	name := stringSetting(cfg.Environment, getenv, EnvEnvironment)
	c, ok := lookupCloud(cmp.Or(name, "public"))
	if !ok {
		diags.AddAttributeError(path.Root("environment"), "Invalid environment",
			fmt.Sprintf("environment (from %s) is %q; use one of %s.", source(cfg.Environment, EnvEnvironment), name, strings.Join(environmentNames(), ", ")))
		return c, "", diags
	}
	authority := stringSetting(cfg.AuthorityHost, getenv, EnvAuthorityHost)
	if authority == "" {
		return c, c.authorityHost, nil
	}
	if err := validateAbsURL(authority, "https"); err != nil {
		diags.AddAttributeError(path.Root("authority_host"), "Invalid authority_host",
			fmt.Sprintf("authority_host (from %s) %s (Entra ID is only reached over https).", source(cfg.AuthorityHost, EnvAuthorityHost), err))
		return c, "", diags
	}
	return c, strings.TrimRight(authority, "/") + "/", nil
}

// unknownCredentialSettings refuses values known only after apply: the credential is
// needed to plan.
func unknownCredentialSettings(cfg providerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m := cfg.credentialModel
	for _, a := range []struct {
		name    string
		unknown bool
	}{
		{"environment", m.Environment.IsUnknown()}, {"authority_host", m.AuthorityHost.IsUnknown()},
		{"tenant_id", m.TenantID.IsUnknown()}, {"client_id", m.ClientID.IsUnknown()},
		{"client_id_file_path", m.ClientIDFilePath.IsUnknown()}, {"client_secret", m.ClientSecret.IsUnknown()},
		{"client_secret_file_path", m.ClientSecretFilePath.IsUnknown()}, {"client_certificate", m.ClientCertificate.IsUnknown()},
		{"client_certificate_path", m.ClientCertificatePath.IsUnknown()}, {"client_certificate_password", m.ClientCertificatePassword.IsUnknown()},
		{"use_oidc", m.UseOIDC.IsUnknown()}, {"oidc_token", m.OIDCToken.IsUnknown()}, {"oidc_token_file_path", m.OIDCTokenFilePath.IsUnknown()},
		{"oidc_request_url", m.OIDCRequestURL.IsUnknown()}, {"oidc_request_token", m.OIDCRequestToken.IsUnknown()},
		{"oidc_azure_service_connection_id", m.OIDCAzureServiceConnectionID.IsUnknown()}, {"use_msi", m.UseMSI.IsUnknown()},
		{"msi_endpoint", m.MSIEndpoint.IsUnknown()}, {"use_cli", m.UseCLI.IsUnknown()},
	} {
		if a.unknown {
			diags.AddAttributeError(path.Root(a.name), "Unknown "+a.name,
				a.name+" depends on a value known only after apply; the provider needs it to sign in before planning. "+
					"Set it from a variable or its environment variable.")
		}
	}
	return diags
}
