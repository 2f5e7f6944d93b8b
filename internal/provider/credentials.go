package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azcloud "github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// The credential methods, in the order they are tried (credentialMethods in config.go).
// Each one either is not configured (and says why), or builds a token source, or fails
// with a diagnostic (a file that cannot be read, a certificate that does not parse, a
// method missing its tenant). The order is the azuread provider's, with access_token
// first: a token handed over is the most explicit choice there is.

// setting is a resolved string value and where it came from: the attribute's name, or
// the environment variable's.
type setting struct {
	value, from string
	attr        string
}

func (s setting) set() bool { return s.value != "" }

// credentialInput is what the methods share.
type credentialInput struct {
	cfg             providerModel
	getenv          func(string) string
	cloud           cloud
	authority       string
	customAuthority bool
	transport       http.RoundTripper // for token traffic; never nil
	redact          *redactor
}

// str resolves an attribute: the configured value, else the first environment variable
// that is set. Values are trimmed; a blank value counts as unset.
func (in *credentialInput) str(v types.String, attr string, envs ...string) setting {
	if !v.IsNull() && !v.IsUnknown() {
		return setting{value: strings.TrimSpace(v.ValueString()), from: attr, attr: attr}
	}
	for _, e := range envs {
		if x := strings.TrimSpace(in.getenv(e)); x != "" {
			return setting{value: x, from: e, attr: attr}
		}
	}
	return setting{attr: attr}
}

// flag resolves a use_* attribute: configured, else its environment variable, else def.
func (in *credentialInput) flag(v types.Bool, attr, env string, def bool) (on, explicit bool, from string, diags diag.Diagnostics) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool(), true, attr, nil
	}
	if x := strings.TrimSpace(in.getenv(env)); x != "" {
		b, err := strconv.ParseBool(x)
		if err != nil {
			diags.AddAttributeError(path.Root(attr), "Invalid "+env,
				fmt.Sprintf("%s must be true or false, got %q.", env, x))
			return def, false, env, diags
		}
		return b, true, env, nil
	}
	return def, false, "default", nil
}

// fileOrValue resolves a value that can also be given as a file (client_id,
// client_secret). Both may be set only when they agree.
func (in *credentialInput) fileOrValue(val, file setting, secret bool) (setting, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !file.set() {
		return val, nil
	}
	b, err := os.ReadFile(file.value)
	if err != nil {
		diags.AddAttributeError(path.Root(file.attr), "Cannot read "+file.attr,
			fmt.Sprintf("Reading %s (from %s): %v.", file.attr, file.from, in.redact.redact(pathError(err))))
		return setting{}, diags
	}
	fromFile := strings.TrimSpace(string(b))
	if secret {
		in.redact.add(fromFile)
	}
	if fromFile == "" {
		diags.AddAttributeError(path.Root(file.attr), "Empty "+file.attr,
			fmt.Sprintf("The file named by %s (from %s) is empty.", file.attr, file.from))
		return setting{}, diags
	}
	if val.set() && val.value != fromFile {
		diags.AddAttributeError(path.Root(val.attr), "Conflicting "+val.attr,
			fmt.Sprintf("%s (from %s) and the content of %s (from %s) differ; set one of them.", val.attr, val.from, file.attr, file.from))
		return setting{}, diags
	}
	return setting{value: fromFile, from: file.from, attr: val.attr}, nil
}

// pathError keeps an os error to what it says about the path.
func pathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Op + " " + pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

func (in *credentialInput) clientID() (setting, diag.Diagnostics) {
	return in.fileOrValue(
		in.str(in.cfg.ClientID, "client_id", EnvClientID),
		in.str(in.cfg.ClientIDFilePath, "client_id_file_path", EnvClientIDFilePath), false)
}

// appRegistration resolves tenant_id and client_id for a method that signs in as an app.
// A method whose own secret is present but that lacks either is an error, not a skip:
// silently signing in some other way would hide the mistake.
func (in *credentialInput) appRegistration(method, because string) (tenant, client setting, diags diag.Diagnostics) {
	tenant = in.str(in.cfg.TenantID, "tenant_id", EnvTenantID)
	client, diags = in.clientID()
	if diags.HasError() {
		return
	}
	if !tenant.set() {
		diags.AddAttributeError(path.Root("tenant_id"), "Missing tenant_id",
			fmt.Sprintf("The %s method is configured (%s) but tenant_id is not set. Set tenant_id or %s.", method, because, EnvTenantID))
	}
	if !client.set() {
		diags.AddAttributeError(path.Root("client_id"), "Missing client_id",
			fmt.Sprintf("The %s method is configured (%s) but client_id is not set. Set client_id, %s, client_id_file_path or %s.",
				method, because, EnvClientID, EnvClientIDFilePath))
	}
	return
}

func (in *credentialInput) clientOptions() azcore.ClientOptions {
	return azcore.ClientOptions{
		Cloud:     azcloud.Configuration{ActiveDirectoryAuthorityHost: in.authority},
		Transport: &http.Client{Transport: in.transport},
		Telemetry: policy.TelemetryOptions{ApplicationID: "terraform-provider-graph"},
	}
}

func (in *credentialInput) token(method string, cred azcore.TokenCredential) graph.TokenSource {
	return &azureToken{method: method, cred: cred, scope: in.cloud.scope(), redact: in.redact}
}

// buildError is a credential constructor's error as a diagnostic.
func (in *credentialInput) buildError(method string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError("Cannot set up the "+method+" credential", in.redact.redact(err.Error()))
	return diags
}

func clientCertificate(in *credentialInput) (graph.TokenSource, string, diag.Diagnostics) {
	const method = "client certificate"
	value := in.str(in.cfg.ClientCertificate, "client_certificate", EnvClientCertificate)
	file := in.str(in.cfg.ClientCertificatePath, "client_certificate_path", EnvClientCertificatePath)
	// A password is taken as written (spaces are legal in it); only an environment
	// value's line ending is dropped.
	password := setting{value: strings.TrimRight(in.getenv(EnvClientCertificatePassword), "\r\n"), from: EnvClientCertificatePassword}
	if !in.cfg.ClientCertificatePassword.IsNull() {
		password = setting{value: in.cfg.ClientCertificatePassword.ValueString(), from: "client_certificate_password"}
	}
	in.redact.add(value.value, password.value)
	if !value.set() && !file.set() {
		return nil, "neither client_certificate, client_certificate_path, " + EnvClientCertificate + " nor " + EnvClientCertificatePath + " is set", nil
	}
	var diags diag.Diagnostics
	src := value
	var data []byte
	var err error
	if value.set() {
		data, err = decodeCertificateValue(value.value)
	} else {
		src = file
		data, err = os.ReadFile(file.value)
		if err != nil {
			err = fmt.Errorf("%s", pathError(err))
		}
	}
	if err != nil {
		diags.AddAttributeError(path.Root(src.attr), "Cannot read the client certificate",
			fmt.Sprintf("%s (from %s): %s.", src.attr, src.from, in.redact.redact(err.Error())))
		return nil, "", diags
	}
	certs, key, err := parseCertificate(data, password.value)
	if err != nil {
		diags.AddAttributeError(path.Root(src.attr), "Cannot use the client certificate",
			fmt.Sprintf("%s (from %s): %s.", src.attr, src.from, in.redact.redact(err.Error())))
		return nil, "", diags
	}
	tenant, client, d := in.appRegistration(method, src.attr+" from "+src.from)
	if diags.Append(d...); diags.HasError() {
		return nil, "", diags
	}
	cred, err := azidentity.NewClientCertificateCredential(tenant.value, client.value, certs, key,
		&azidentity.ClientCertificateCredentialOptions{ClientOptions: in.clientOptions(), DisableInstanceDiscovery: in.customAuthority})
	if err != nil {
		return nil, "", in.buildError(method, err)
	}
	return in.token(method, cred), "", diags
}

func clientSecret(in *credentialInput) (graph.TokenSource, string, diag.Diagnostics) {
	const method = "client secret"
	value := in.str(in.cfg.ClientSecret, "client_secret", EnvClientSecret)
	in.redact.add(value.value)
	file := in.str(in.cfg.ClientSecretFilePath, "client_secret_file_path", EnvClientSecretFilePath)
	if !value.set() && !file.set() {
		return nil, "neither client_secret, client_secret_file_path, " + EnvClientSecret + " nor " + EnvClientSecretFilePath + " is set", nil
	}
	secret, diags := in.fileOrValue(value, file, true)
	if diags.HasError() {
		return nil, "", diags
	}
	tenant, client, d := in.appRegistration(method, "client secret from "+secret.from)
	if diags.Append(d...); diags.HasError() {
		return nil, "", diags
	}
	cred, err := azidentity.NewClientSecretCredential(tenant.value, client.value, secret.value,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: in.clientOptions(), DisableInstanceDiscovery: in.customAuthority})
	if err != nil {
		return nil, "", in.buildError(method, err)
	}
	return in.token(method, cred), "", diags
}

func oidcMethod(in *credentialInput) (graph.TokenSource, string, diag.Diagnostics) {
	use, explicit, from, diags := in.flag(in.cfg.UseOIDC, "use_oidc", EnvUseOIDC, false)
	if diags.HasError() {
		return nil, "", diags
	}
	token := in.str(in.cfg.OIDCToken, "oidc_token", EnvOIDCToken)
	file := in.str(in.cfg.OIDCTokenFilePath, "oidc_token_file_path", EnvOIDCTokenFilePath)
	reqURL := in.str(in.cfg.OIDCRequestURL, "oidc_request_url", EnvOIDCRequestURL, EnvActionsRequestURL, EnvAzurePipelinesRequestURL)
	reqToken := in.str(in.cfg.OIDCRequestToken, "oidc_request_token", EnvOIDCRequestToken, EnvActionsRequestToken, EnvAzurePipelinesAccessToken)
	conn := in.str(in.cfg.OIDCAzureServiceConnectionID, "oidc_azure_service_connection_id", EnvOIDCServiceConnectionID, EnvADOPipelineServiceConnID)
	aksFile := strings.TrimSpace(in.getenv(EnvFederatedTokenFile))
	in.redact.add(token.value, reqToken.value)

	switch {
	case explicit && !use:
		return nil, "use_oidc is false (from " + from + ")", nil
	case !explicit && !token.set() && !file.set():
		return nil, "use_oidc (" + EnvUseOIDC + ") is not set, and no oidc_token or oidc_token_file_path is present", nil
	}

	var (
		method    string
		because   string
		assertion func(context.Context) (string, error)
	)
	switch {
	case token.set():
		method, because = "OIDC token", "oidc_token from "+token.from
		t := token.value
		assertion = func(context.Context) (string, error) { return t, nil }
	case file.set():
		method, because = "OIDC token file", "oidc_token_file_path from "+file.from
		assertion = tokenFileAssertion(file, in.redact)
	case reqURL.set() && reqToken.set() && conn.set():
		method, because = "Azure DevOps OIDC", "oidc_request_url from "+reqURL.from+" and oidc_azure_service_connection_id from "+conn.from
		if err := validateAbsURL(reqURL.value, "https", "http"); err != nil {
			diags.AddAttributeError(path.Root("oidc_request_url"), "Invalid oidc_request_url", fmt.Sprintf("oidc_request_url (from %s) %s.", reqURL.from, err))
			return nil, "", diags
		}
		assertion = azureDevOpsAssertion(in, reqURL.value, reqToken.value, conn.value)
	case reqURL.set() && reqToken.set():
		method, because = "GitHub Actions OIDC", "oidc_request_url from "+reqURL.from
		if err := validateAbsURL(reqURL.value, "https", "http"); err != nil {
			diags.AddAttributeError(path.Root("oidc_request_url"), "Invalid oidc_request_url", fmt.Sprintf("oidc_request_url (from %s) %s.", reqURL.from, err))
			return nil, "", diags
		}
		assertion = gitHubAssertion(in, reqURL.value, reqToken.value)
	case aksFile != "":
		return aksWorkloadIdentity(in, aksFile)
	case reqURL.set() != reqToken.set():
		return nil, "use_oidc is true but only one of oidc_request_url and oidc_request_token is set", nil
	default:
		return nil, "use_oidc is true (from " + from + ") but no oidc_token, oidc_token_file_path, oidc_request_url with oidc_request_token, or " +
			EnvFederatedTokenFile + " is set", nil
	}
	tenant, client, d := in.appRegistration(method, because)
	if diags.Append(d...); diags.HasError() {
		return nil, "", diags
	}
	cred, err := azidentity.NewClientAssertionCredential(tenant.value, client.value, assertion,
		&azidentity.ClientAssertionCredentialOptions{ClientOptions: in.clientOptions(), DisableInstanceDiscovery: in.customAuthority})
	if err != nil {
		return nil, "", in.buildError(method, err)
	}
	return in.token(method, cred), "", diags
}

// aksWorkloadIdentity is azidentity's WorkloadIdentityCredential with every value given
// explicitly, so it never reads the process environment behind the provider's back.
// The AKS webhook sets AZURE_CLIENT_ID and AZURE_TENANT_ID; client_id and tenant_id win.
func aksWorkloadIdentity(in *credentialInput, file string) (graph.TokenSource, string, diag.Diagnostics) {
	const method = "AKS workload identity"
	var diags diag.Diagnostics
	tenant := in.str(in.cfg.TenantID, "tenant_id", EnvTenantID, EnvAzureTenantID)
	client, d := in.clientID()
	if diags.Append(d...); diags.HasError() {
		return nil, "", diags
	}
	if !client.set() {
		client = in.str(types.StringNull(), "client_id", EnvAzureClientID)
	}
	if !tenant.set() || !client.set() {
		diags.AddError("Incomplete AKS workload identity",
			fmt.Sprintf("%s is set but tenant_id or client_id is missing; set them, or %s and %s (the AKS webhook sets these).",
				EnvFederatedTokenFile, EnvAzureTenantID, EnvAzureClientID))
		return nil, "", diags
	}
	cred, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
		ClientOptions: in.clientOptions(), ClientID: client.value, TenantID: tenant.value, TokenFilePath: file,
		DisableInstanceDiscovery: in.customAuthority,
	})
	if err != nil {
		return nil, "", in.buildError(method, err)
	}
	return in.token(method, cred), "", nil
}

func managedIdentity(in *credentialInput) (graph.TokenSource, string, diag.Diagnostics) {
	const method = "managed identity"
	use, _, from, diags := in.flag(in.cfg.UseMSI, "use_msi", EnvUseMSI, false)
	if diags.HasError() {
		return nil, "", diags
	}
	if !use {
		return nil, "use_msi is false (from " + from + ")", nil
	}
	client, d := in.clientID()
	if diags.Append(d...); diags.HasError() {
		return nil, "", diags
	}
	opts := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: in.clientOptions()}
	if client.set() {
		opts.ID = azidentity.ClientID(client.value) // user-assigned
	}
	if ep := in.str(in.cfg.MSIEndpoint, "msi_endpoint", EnvMSIEndpoint); ep.set() {
		to, err := imdsTarget(ep.value)
		if err != nil {
			diags.AddAttributeError(path.Root("msi_endpoint"), "Invalid msi_endpoint", fmt.Sprintf("msi_endpoint (from %s) %s.", ep.from, err))
			return nil, "", diags
		}
		opts.Transport = &http.Client{Transport: &imdsRedirect{to: to, next: in.transport}}
	}
	cred, err := azidentity.NewManagedIdentityCredential(opts)
	if err != nil {
		return nil, "", in.buildError(method, err)
	}
	return in.token(method, cred), "", diags
}

func azureCLI(in *credentialInput) (graph.TokenSource, string, diag.Diagnostics) {
	const method = "Azure CLI"
	use, _, from, diags := in.flag(in.cfg.UseCLI, "use_cli", EnvUseCLI, true)
	if diags.HasError() {
		return nil, "", diags
	}
	if !use {
		return nil, "use_cli is false (from " + from + ")", nil
	}
	if !azOnPath(in.getenv(envPath)) {
		return nil, "use_cli is true (from " + from + ") but the Azure CLI (`az`) is not on PATH", nil
	}
	tenant := in.str(in.cfg.TenantID, "tenant_id", EnvTenantID)
	cred, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: tenant.value})
	if err != nil {
		return nil, "", in.buildError(method, err)
	}
	return in.token(method, cred), "", diags
}

// azOnPath looks for the `az` executable in a PATH value (the provider's environment,
// which azidentity's `az` call also inherits).
func azOnPath(pathList string) bool {
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			continue
		}
		if fi, err := os.Stat(filepath.Join(dir, "az")); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
}

// identify gets the first token, which proves the credential works before any plan is
// made, and decodes its claims once for the permission checks.
func (s *settings) identify(ctx context.Context) (*graph.Identity, diag.Diagnostics) {
	var diags diag.Diagnostics
	tok, err := s.token.Token(ctx)
	if err != nil {
		diags.AddError("Cannot get a token for Microsoft Graph",
			fmt.Sprintf("The provider signs in with the %s method, chosen from these, in order:\n%s\n\nSigning in failed:\n%s\n\n%s",
				s.credentialName, strings.Join(s.tried, "\n"), s.redact.redact(err.Error()), credentialsDocs))
		return nil, diags
	}
	id, err := graph.DecodeIdentity(tok)
	if err != nil {
		tflog.Debug(ctx, "the access token's claims cannot be read; permission checks are skipped", map[string]any{"reason": err.Error()})
		return nil, diags
	}
	if !id.ExpiresAt.IsZero() && time.Now().After(id.ExpiresAt) {
		diags.AddWarning("The access token has expired",
			fmt.Sprintf("The token from the %s method expired at %s; Graph will refuse it. Get a fresh one.", s.credentialName, id.ExpiresAt.Format(time.RFC3339)))
	}
	if !audienceIsGraph(id.Audience, s.cloud) {
		diags.AddWarning("The access token is not for Microsoft Graph",
			fmt.Sprintf("The token from the %s method is for %q, not for %s (environment %q); Graph will refuse it. "+
				"Request a token for the scope %s.", s.credentialName, id.Audience, s.cloud.graphHost, s.cloud.name, s.cloud.scope()))
	}
	tflog.Debug(ctx, "signed in to Microsoft Graph", map[string]any{
		"credential": s.credentialName, "identity": id.String(), "tenant_id": id.TenantID, "audience": id.Audience,
	})
	return id, diags
}
