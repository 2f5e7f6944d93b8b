package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const severalSummary = "Several credential methods are configured"

func warningsOf(ds diag.Diagnostics) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, d := range ds {
		if d.Severity() == diag.SeverityWarning && d.Summary() == severalSummary {
			out = append(out, d)
		}
	}
	return out
}

// Settings of several methods: the first in the order signs in, and a warning names it
// and every other configured method. Ambient settings (use_cli's default, CI runners'
// OIDC variables, AKS's token file) and switched-off flags are no configuration choice.
func TestResolve_severalMethodsWarning(t *testing.T) {
	az := fakeAzDir(t)
	app := func(extra map[string]string) map[string]string {
		m := map[string]string{EnvTenantID: tenant, EnvClientID: clientID, envPath: az}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		cfg     providerModel
		env     map[string]string
		want    []string // in the warning; nil = no warning
		notWant []string
	}{
		{
			name: "access_token and client_secret",
			cfg:  providerModel{AccessToken: types.StringValue("static-token-abcdef"), credentialModel: credentialModel{ClientSecret: types.StringValue(secret)}},
			env:  app(nil),
			want: []string{"signs in with the access_token method (set by access_token)", "- client secret (set by client_secret)"},
		},
		{
			name: "certificate and secret from the environment",
			cfg:  providerModel{credentialModel: credentialModel{ClientCertificatePath: types.StringValue(testCertFile(t))}},
			env:  app(map[string]string{EnvClientSecret: secret}),
			want: []string{"client certificate method (set by client_certificate_path)", "- client secret (set by ARM_CLIENT_SECRET)"},
		},
		{
			name: "every explicit method",
			env: app(map[string]string{EnvAccessToken: "static-token-abcdef", EnvClientSecretFilePath: "/secret", EnvUseOIDC: "true",
				EnvUseMSI: "true", EnvUseCLI: "true"}),
			want: []string{"access_token method (set by GRAPH_ACCESS_TOKEN)", "- client secret (set by ARM_CLIENT_SECRET_FILE_PATH)",
				"- OIDC (set by ARM_USE_OIDC)", "- managed identity (set by ARM_USE_MSI)", "- Azure CLI (set by ARM_USE_CLI)"},
			notWant: []string{"client certificate ("},
		},
		{
			name: "an OIDC token without use_oidc counts",
			cfg:  providerModel{AccessToken: types.StringValue("static-token-abcdef")},
			env:  app(map[string]string{EnvOIDCToken: oidcTok}),
			want: []string{"- OIDC (set by ARM_OIDC_TOKEN)"},
		},
		{
			name: "an incomplete earlier method is listed with why it gave no token",
			cfg:  providerModel{credentialModel: credentialModel{UseOIDC: types.BoolValue(true), UseMSI: types.BoolValue(true)}},
			env:  app(nil),
			want: []string{"managed identity method (set by use_msi)", "- OIDC (set by use_oidc): use_oidc is true"},
		},
		{name: "one method alone", cfg: providerModel{AccessToken: types.StringValue("static-token-abcdef")}, env: app(nil)},
		{name: "use_cli's default is ambient", env: app(map[string]string{EnvAccessToken: "static-token-abcdef"})},
		{
			name: "CI runners' OIDC variables without use_oidc are ambient",
			env: app(map[string]string{EnvClientSecret: secret, EnvActionsRequestURL: "https://pipelines.example/idtoken",
				EnvActionsRequestToken: "gh-request-token", EnvFederatedTokenFile: "/var/run/secrets/token"}),
		},
		{
			name: "switched-off flags are no choice",
			cfg:  providerModel{AccessToken: types.StringValue("static-token-abcdef"), credentialModel: credentialModel{UseCLI: types.BoolValue(false)}},
			env:  app(map[string]string{EnvUseMSI: "false", EnvUseOIDC: "false", EnvOIDCToken: oidcTok}),
		},
		{
			name: "the same method twice is one method",
			cfg:  providerModel{credentialModel: credentialModel{ClientSecret: types.StringValue(secret)}},
			env:  app(map[string]string{EnvClientSecret: "another-secret-value"}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := resolve(tt.cfg, env(tt.env))
			if diags.HasError() {
				t.Fatalf("diagnostics: %v", diags)
			}
			ws := warningsOf(diags)
			if tt.want == nil {
				if len(ws) != 0 {
					t.Fatalf("unexpected warning: %s", ws[0].Detail())
				}
				return
			}
			if len(ws) != 1 {
				t.Fatalf("got %d several-methods warnings, want 1: %v", len(ws), diags)
			}
			text := ws[0].Detail()
			t.Log(text)
			wantText(t, "warning", text, tt.want, tt.notWant)
			for _, v := range []string{secret, "static-token-abcdef", oidcTok, "another-secret-value"} {
				if strings.Contains(diagText(diags), v) {
					t.Errorf("a secret value appears in the diagnostics:\n%s", diagText(diags))
				}
			}
		})
	}
}

// testCertFile writes a PEM certificate with its key, for a client certificate method
// that builds.
func testCertFile(t *testing.T) string {
	t.Helper()
	cert, key := newTestCert(t)
	f := filepath.Join(t.TempDir(), "c.pem")
	if err := os.WriteFile(f, append(pemBlock("CERTIFICATE", cert.Raw), pemBlock("PRIVATE KEY", mustPKCS8(t, key))...), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}
