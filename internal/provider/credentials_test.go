package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	tenant   = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	clientID = "0b1c2d3e-0000-4000-8000-000000000001"
	secret   = "unit-secret-value-0001"
	oidcTok  = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
)

// fakeAzDir makes a directory holding an executable `az`, for the Azure CLI method's check.
func fakeAzDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func methodOf(t *testing.T, s settings) string {
	t.Helper()
	switch ts := s.token.(type) {
	case *azureToken:
		return ts.method
	case nil:
		t.Fatal("no token source")
	}
	return s.credentialName
}

// TestResolve_order pins the default order and the use_* flags: which method a given
// mix of settings selects.
func TestResolve_order(t *testing.T) {
	certFile := filepath.Join(t.TempDir(), "c.pem")
	cert, key := newTestCert(t)
	pkcs8 := mustPKCS8(t, key)
	if err := os.WriteFile(certFile, append(pemBlock("CERTIFICATE", cert.Raw), pemBlock("PRIVATE KEY", pkcs8)...), 0o600); err != nil {
		t.Fatal(err)
	}
	app := map[string]string{EnvTenantID: tenant, EnvClientID: clientID}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range app {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	az := fakeAzDir(t)
	gh := map[string]string{EnvActionsRequestURL: "https://pipelines.example/idtoken?api-version=2.0", EnvActionsRequestToken: "gh-request-token"}

	tests := []struct {
		name string
		cfg  providerModel
		env  map[string]string
		want string // azureToken.method, or "access_token"
	}{
		{"access_token beats everything", providerModel{}, with(map[string]string{EnvAccessToken: "tok-123456", EnvClientSecret: secret, EnvClientCertificatePath: certFile}), "access_token"},
		{"certificate beats secret", providerModel{}, with(map[string]string{EnvClientSecret: secret, EnvClientCertificatePath: certFile}), "client certificate"},
		{"secret beats OIDC", providerModel{}, with(map[string]string{EnvClientSecret: secret, EnvUseOIDC: "true", EnvOIDCToken: oidcTok}), "client secret"},
		{"OIDC token", providerModel{}, with(map[string]string{EnvUseOIDC: "true", EnvOIDCToken: oidcTok}), "OIDC token"},
		{"an OIDC token turns OIDC on when use_oidc is unset", providerModel{}, with(map[string]string{EnvOIDCToken: oidcTok, envPath: az}), "OIDC token"},
		{"use_oidc = false turns it off", providerModel{credentialModel: credentialModel{UseOIDC: types.BoolValue(false)}},
			with(map[string]string{EnvOIDCToken: oidcTok, EnvUseOIDC: "true", envPath: az}), "Azure CLI"},
		{"OIDC token beats token file", providerModel{}, with(map[string]string{EnvUseOIDC: "true", EnvOIDCToken: oidcTok, EnvOIDCTokenFilePath: "/x"}), "OIDC token"},
		{"token file beats request URL", providerModel{}, with(map[string]string{EnvUseOIDC: "true", EnvOIDCTokenFilePath: "/x", EnvOIDCRequestURL: "https://x", EnvOIDCRequestToken: "t-123456"}), "OIDC token file"},
		{"GitHub Actions needs use_oidc", providerModel{}, with(map[string]string{envPath: az, EnvActionsRequestURL: gh[EnvActionsRequestURL], EnvActionsRequestToken: gh[EnvActionsRequestToken]}), "Azure CLI"},
		{"GitHub Actions", providerModel{}, with(map[string]string{EnvUseOIDC: "true", EnvActionsRequestURL: gh[EnvActionsRequestURL], EnvActionsRequestToken: gh[EnvActionsRequestToken]}), "GitHub Actions OIDC"},
		{"a service connection makes it Azure DevOps", providerModel{}, with(map[string]string{EnvUseOIDC: "true", EnvAzurePipelinesRequestURL: "https://dev.azure.example/oidctoken",
			EnvAzurePipelinesAccessToken: "ado-token-1", EnvADOPipelineServiceConnID: "conn-1"}), "Azure DevOps OIDC"},
		{"AKS workload identity", providerModel{}, map[string]string{EnvUseOIDC: "true", EnvFederatedTokenFile: "/var/run/secrets/token", EnvAzureClientID: clientID, EnvAzureTenantID: tenant}, "AKS workload identity"},
		{"managed identity beats the CLI", providerModel{}, map[string]string{EnvUseMSI: "true", envPath: az}, "managed identity"},
		{"the CLI is the default", providerModel{}, map[string]string{envPath: az}, "Azure CLI"},
		{"use_cli in the block wins over ARM_USE_CLI", providerModel{credentialModel: credentialModel{UseCLI: types.BoolValue(true)}}, map[string]string{EnvUseCLI: "false", envPath: az}, "Azure CLI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, diags := resolve(tt.cfg, env(tt.env))
			if diags.HasError() {
				t.Fatalf("diagnostics: %v", diags)
			}
			if got := methodOf(t, s); got != tt.want {
				t.Errorf("method = %q, want %q\n%s", got, tt.want, strings.Join(s.tried, "\n"))
			}
		})
	}
}

func mustPKCS8(t *testing.T, key any) []byte {
	t.Helper()
	b, err := x509MarshalPKCS8(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestResolve_credentialErrors(t *testing.T) {
	dir := t.TempDir()
	idFile := filepath.Join(dir, "id")
	if err := os.WriteFile(idFile, []byte("another-client-id\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     providerModel
		env     map[string]string
		path    path.Path
		summary string
		detail  string
	}{
		{"secret without tenant", providerModel{}, map[string]string{EnvClientID: clientID, EnvClientSecret: secret},
			path.Root("tenant_id"), "Missing tenant_id", "client secret method is configured"},
		{"secret without client id", providerModel{}, map[string]string{EnvTenantID: tenant, EnvClientSecret: secret},
			path.Root("client_id"), "Missing client_id", "ARM_CLIENT_ID"},
		{"client_id and its file disagree", providerModel{}, map[string]string{EnvTenantID: tenant, EnvClientID: clientID, EnvClientIDFilePath: idFile, EnvClientSecret: secret},
			path.Root("client_id"), "Conflicting client_id", "differ"},
		{"secret file missing", providerModel{}, map[string]string{EnvTenantID: tenant, EnvClientID: clientID, EnvClientSecretFilePath: filepath.Join(dir, "nope")},
			path.Root("client_secret_file_path"), "Cannot read client_secret_file_path", "ARM_CLIENT_SECRET_FILE_PATH"},
		{"bad ARM_USE_MSI", providerModel{}, map[string]string{EnvUseMSI: "sure"}, path.Root("use_msi"), "Invalid ARM_USE_MSI", `got "sure"`},
		{"certificate path missing", providerModel{}, map[string]string{EnvClientCertificatePath: filepath.Join(dir, "nope.pfx")},
			path.Root("client_certificate_path"), "Cannot read the client certificate", "nope.pfx"},
		{"certificate not base64", providerModel{}, map[string]string{EnvClientCertificate: "%%%"},
			path.Root("client_certificate"), "Cannot read the client certificate", "neither base64 nor PEM"},
		{"unknown environment", providerModel{}, map[string]string{EnvEnvironment: "moon"}, path.Root("environment"), "Invalid environment", "ARM_ENVIRONMENT"},
		{"http authority", providerModel{}, map[string]string{EnvAuthorityHost: "http://login.example"}, path.Root("authority_host"), "Invalid authority_host", "https"},
		{"unknown client_secret", providerModel{credentialModel: credentialModel{ClientSecret: types.StringUnknown()}}, nil,
			path.Root("client_secret"), "Unknown client_secret", "known only after apply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := resolve(tt.cfg, env(tt.env))
			if diags.ErrorsCount() != 1 {
				t.Fatalf("want 1 error, got %v", diags)
			}
			d := diags.Errors()[0]
			wp, ok := d.(diag.DiagnosticWithPath)
			if !ok || !wp.Path().Equal(tt.path) {
				t.Errorf("not attached to %s: %v", tt.path, d)
			}
			if d.Summary() != tt.summary || !strings.Contains(d.Detail(), tt.detail) {
				t.Errorf("got %q / %q", d.Summary(), d.Detail())
			}
			if strings.Contains(diagText(diags), secret) {
				t.Errorf("the secret shows: %s", diagText(diags))
			}
		})
	}
}

func TestResolve_nothingUsable(t *testing.T) {
	_, diags := resolve(providerModel{}, env(map[string]string{EnvUseCLI: "false", EnvUseOIDC: "false", EnvOIDCToken: oidcTok}))
	if diags.ErrorsCount() != 1 {
		t.Fatalf("diags = %v", diags)
	}
	text := diagText(diags)
	for _, want := range []string{"- access_token: neither", "- client certificate: neither", "- client secret: neither",
		"- OIDC: use_oidc is false (from ARM_USE_OIDC)", "- managed identity: use_msi is false (from default)",
		"- Azure CLI: use_cli is false (from ARM_USE_CLI)"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, oidcTok) {
		t.Error("the OIDC token shows")
	}
}

// Every attribute falls back to its environment variable(s), in order; the block wins.
func TestSettingFallbacks(t *testing.T) {
	in := &credentialInput{getenv: env(map[string]string{
		EnvActionsRequestURL: "https://actions", EnvAzurePipelinesRequestURL: "https://ado",
		EnvAzurePipelinesAccessToken: "ado-token", EnvADOPipelineServiceConnID: "conn-ado",
		EnvTenantID: " " + tenant + "\n",
	}), redact: &redactor{}}
	cases := []struct {
		got  setting
		want setting
	}{
		{in.str(types.StringNull(), "oidc_request_url", EnvOIDCRequestURL, EnvActionsRequestURL, EnvAzurePipelinesRequestURL),
			setting{"https://actions", EnvActionsRequestURL, "oidc_request_url"}},
		{in.str(types.StringValue("https://config"), "oidc_request_url", EnvOIDCRequestURL, EnvActionsRequestURL),
			setting{"https://config", "oidc_request_url", "oidc_request_url"}},
		{in.str(types.StringNull(), "oidc_request_token", EnvOIDCRequestToken, EnvActionsRequestToken, EnvAzurePipelinesAccessToken),
			setting{"ado-token", EnvAzurePipelinesAccessToken, "oidc_request_token"}},
		{in.str(types.StringNull(), "oidc_azure_service_connection_id", EnvOIDCServiceConnectionID, EnvADOPipelineServiceConnID),
			setting{"conn-ado", EnvADOPipelineServiceConnID, "oidc_azure_service_connection_id"}},
		{in.str(types.StringNull(), "tenant_id", EnvTenantID), setting{tenant, EnvTenantID, "tenant_id"}},
		{in.str(types.StringNull(), "client_id", EnvClientID), setting{"", "", "client_id"}},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("%d: got %+v, want %+v", i, c.got, c.want)
		}
	}
	on, explicit, from, d := in.flag(types.BoolNull(), "use_msi", EnvUseMSI, false)
	if on || explicit || from != "default" || d.HasError() {
		t.Errorf("flag default: %v %v %q", on, explicit, from)
	}
}

func TestResolve_clouds(t *testing.T) {
	tests := []struct {
		env                        map[string]string
		cfg                        providerModel
		endpoint, scope, authority string
		customAuthority            bool
	}{
		{nil, providerModel{}, "https://graph.microsoft.com", "https://graph.microsoft.com/.default", "https://login.microsoftonline.com/", false},
		{map[string]string{EnvEnvironment: "usgovernment"}, providerModel{}, "https://graph.microsoft.us", "https://graph.microsoft.us/.default", "https://login.microsoftonline.us/", false},
		{map[string]string{EnvEnvironment: "USGovernmentL5"}, providerModel{}, "https://dod-graph.microsoft.us", "https://dod-graph.microsoft.us/.default", "https://login.microsoftonline.us/", false},
		{map[string]string{EnvEnvironment: "china"}, providerModel{}, "https://microsoftgraph.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/.default", "https://login.chinacloudapi.cn/", false},
		{map[string]string{EnvEnvironment: "global"}, providerModel{}, "https://graph.microsoft.com", "https://graph.microsoft.com/.default", "https://login.microsoftonline.com/", false},
		// endpoint moves requests, not the token's audience
		{map[string]string{EnvEnvironment: "usgovernment", EnvEndpoint: "https://127.0.0.1:8443"}, providerModel{}, "https://127.0.0.1:8443", "https://graph.microsoft.us/.default", "https://login.microsoftonline.us/", false},
		{map[string]string{EnvAuthorityHost: "https://login.private.example"}, providerModel{}, "https://graph.microsoft.com", "https://graph.microsoft.com/.default", "https://login.private.example/", true},
		{map[string]string{EnvEnvironment: "china"}, providerModel{credentialModel: credentialModel{Environment: types.StringValue("public")}},
			"https://graph.microsoft.com", "https://graph.microsoft.com/.default", "https://login.microsoftonline.com/", false},
	}
	for _, tt := range tests {
		m := map[string]string{envPath: fakeAzDir(t)}
		for k, v := range tt.env {
			m[k] = v
		}
		s, diags := resolve(tt.cfg, env(m))
		if diags.HasError() {
			t.Fatalf("%v: %v", tt.env, diags)
		}
		a, ok := s.token.(*azureToken)
		if !ok {
			t.Fatalf("%v: token source %T", tt.env, s.token)
		}
		if s.endpoint != tt.endpoint || a.scope != tt.scope {
			t.Errorf("%v: endpoint %q scope %q", tt.env, s.endpoint, a.scope)
		}
		c, authority, _ := resolveCloud(tt.cfg, env(m))
		if authority != tt.authority || knownAuthority(authority) == tt.customAuthority || c.scope() != tt.scope {
			t.Errorf("%v: authority %q", tt.env, authority)
		}
	}
}

type fakeCredential struct {
	calls int
	tok   azcore.AccessToken
	err   error
}

func (f *fakeCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	f.calls++
	return f.tok, f.err
}

func TestAzureToken_cachesUntilNearExpiry(t *testing.T) {
	f := &fakeCredential{tok: azcore.AccessToken{Token: "tok-one-123", ExpiresOn: time.Now().Add(time.Hour)}}
	a := &azureToken{method: "Azure CLI", cred: f, scope: "https://graph.microsoft.com/.default", redact: &redactor{}}
	for range 3 {
		if tok, err := a.Token(context.Background()); err != nil || tok != "tok-one-123" {
			t.Fatalf("%q %v", tok, err)
		}
	}
	if f.calls != 1 {
		t.Errorf("%d calls, want 1", f.calls)
	}
	f.tok = azcore.AccessToken{Token: "tok-two-456", ExpiresOn: time.Now().Add(time.Hour)}
	a.cur.ExpiresOn = time.Now().Add(time.Minute) // inside the refresh margin
	if tok, _ := a.Token(context.Background()); tok != "tok-two-456" || f.calls != 2 {
		t.Errorf("not refreshed: %q after %d calls", tok, f.calls)
	}
	if got := a.redact.redact("x tok-two-456 y"); got != "x "+redacted+" y" {
		t.Errorf("issued tokens are not redacted: %q", got)
	}
}

func TestAzureToken_errorsAreRedacted(t *testing.T) {
	r := &redactor{}
	r.add(secret, "short") // too short to redact safely: kept
	f := &fakeCredential{err: errors.New("POST https://login/token: body echoes " + secret)}
	a := &azureToken{method: "client secret", cred: f, scope: "s", redact: r}
	_, err := a.Token(context.Background())
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), redacted) {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "client secret: ") {
		t.Errorf("err does not name the method: %v", err)
	}
	if fmtA := a.String(); strings.Contains(fmtA, secret) {
		t.Error("String shows a token")
	}
}

func TestImdsRedirect(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r }))
	defer srv.Close()
	to, err := imdsTarget(srv.URL + "/custom/msi")
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &imdsRedirect{to: to, next: http.DefaultTransport}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fgraph.microsoft.com", nil)
	req.Header.Set("Metadata", "true")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got == nil || got.URL.Path != "/custom/msi" || got.URL.Query().Get("resource") != "https://graph.microsoft.com" || got.Header.Get("Metadata") != "true" {
		t.Fatalf("redirected request: %+v", got)
	}
	for _, bad := range []string{"ftp://x", "http://h/p?x=1", "relative"} {
		if _, err := imdsTarget(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestAzOnPath(t *testing.T) {
	dir := fakeAzDir(t)
	noexec := t.TempDir()
	_ = os.WriteFile(filepath.Join(noexec, "az"), []byte("x"), 0o644)
	if !azOnPath("/nonexistent"+string(os.PathListSeparator)+dir) || azOnPath(noexec) || azOnPath("") {
		t.Error("azOnPath")
	}
}

// A certificate password is used as written: spaces are legal in it.
func TestClientCertificate_passwordAsWritten(t *testing.T) {
	cert, key := newTestCert(t)
	const pw = " pass phrase "
	pfx, err := pkcs12Modern(key, cert, pw)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "c.pfx")
	if err := os.WriteFile(file, pfx, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := providerModel{credentialModel: credentialModel{ClientCertificatePassword: types.StringValue(pw)}}
	s, diags := resolve(cfg, env(map[string]string{EnvTenantID: tenant, EnvClientID: clientID, EnvClientCertificatePath: file}))
	if diags.HasError() || methodOf(t, s) != "client certificate" {
		t.Fatalf("%v", diags)
	}
	_, diags = resolve(providerModel{}, env(map[string]string{EnvTenantID: tenant, EnvClientID: clientID, EnvClientCertificatePath: file,
		EnvClientCertificatePassword: pw + "\n"}))
	if diags.HasError() {
		t.Fatalf("from the environment: %v", diags)
	}
}
