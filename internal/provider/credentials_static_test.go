package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
)

func TestResolve_staticTokenClaims(t *testing.T) {
	now := time.Now()
	hour := now.Add(time.Hour).Unix()
	tests := []struct {
		name    string
		cfg     providerModel
		env     map[string]string
		claims  map[string]any // nil: an opaque token
		inEnv   bool           // the token goes to GRAPH_ACCESS_TOKEN instead of access_token
		summary string         // "" = accepted
		want    []string
	}{
		{name: "opaque token is accepted", claims: nil},
		{name: "valid Graph token", claims: map[string]any{"aud": "https://graph.microsoft.com", "exp": hour}},
		{name: "audience with slash, other case", claims: map[string]any{"aud": "HTTPS://Graph.Microsoft.com/", "exp": hour}},
		{name: "Graph's app id", claims: map[string]any{"aud": "00000003-0000-0000-C000-000000000000", "exp": hour}},
		{name: "no aud, no exp", claims: map[string]any{"scp": "User.ReadWrite"}},
		{name: "expired within the skew", claims: map[string]any{"aud": "https://graph.microsoft.com", "exp": now.Add(-30 * time.Second).Unix()}},
		{
			name: "expired", claims: map[string]any{"aud": "https://graph.microsoft.com", "exp": now.Add(-2 * time.Hour).Unix()},
			summary: "The access token has expired",
			want:    []string{"from the provider block", "expired at " + now.Add(-2 * time.Hour).UTC().Format(time.RFC3339)[:13], "ago", "az account get-access-token --resource-type ms-graph"},
		},
		{
			name: "expired, from the environment", inEnv: true, claims: map[string]any{"exp": now.Add(-10 * time.Minute).Unix()},
			summary: "The access token has expired",
			want:    []string{"from GRAPH_ACCESS_TOKEN", "expired at"},
		},
		{
			name: "another resource", claims: map[string]any{"aud": "https://management.azure.com/", "exp": hour},
			summary: "The access token is not for Microsoft Graph",
			want:    []string{`audience "https://management.azure.com/"`, `environment "public"`, "https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000", "az account get-access-token"},
		},
		{
			name: "audience as a list", claims: map[string]any{"aud": []string{"https://vault.azure.net"}, "exp": hour},
			summary: "The access token is not for Microsoft Graph",
			want:    []string{`"https://vault.azure.net"`},
		},
		{
			name: "public Graph token in US Government", claims: map[string]any{"aud": "https://graph.microsoft.com", "exp": hour},
			cfg:     providerModel{credentialModel: credentialModel{Environment: types.StringValue("usgovernment")}},
			summary: "The access token is not for Microsoft Graph",
			want:    []string{`environment "usgovernment"`, "https://graph.microsoft.us"},
		},
		{
			name: "US Government Graph token", claims: map[string]any{"aud": "https://graph.microsoft.us/", "exp": hour},
			cfg: providerModel{credentialModel: credentialModel{Environment: types.StringValue("usgovernment")}},
		},
		{
			name: "China Graph token", claims: map[string]any{"aud": "https://microsoftgraph.chinacloudapi.cn", "exp": hour},
			env: map[string]string{EnvEnvironment: "china"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := "opaque-token-0123456789"
			if tt.claims != nil {
				tok = mockentra.ForeignToken(tt.claims)
			}
			cfg := tt.cfg
			vars := map[string]string{}
			for k, v := range tt.env {
				vars[k] = v
			}
			if tt.inEnv {
				vars[EnvAccessToken] = tok
			} else {
				cfg.AccessToken = types.StringValue(tok)
			}
			s, diags := resolve(cfg, env(vars))
			if strings.Contains(diagText(diags), tok) {
				t.Fatalf("the token appears in the diagnostics:\n%s", diagText(diags))
			}
			if tt.summary == "" {
				if diags.HasError() {
					t.Fatalf("refused: %v", diags)
				}
				if got := tokenOf(t, s); got != tok {
					t.Errorf("token = %q, want the configured one", got)
				}
				return
			}
			if n := diags.ErrorsCount(); n != 1 {
				t.Fatalf("got %d errors, want 1: %v", n, diags)
			}
			if s.token != nil {
				t.Error("a token source was resolved despite the error")
			}
			d := diags.Errors()[0]
			if d.Summary() != tt.summary {
				t.Errorf("summary = %q, want %q", d.Summary(), tt.summary)
			}
			// No attribute path: the CLI would quote the configuration line holding the token.
			if wp, ok := d.(diag.DiagnosticWithPath); ok {
				t.Errorf("the error is attached to %s", wp.Path())
			}
			if !strings.Contains(d.Detail(), "access_token") {
				t.Errorf("detail does not name access_token:\n%s", d.Detail())
			}
			wantText(t, "detail", d.Detail(), tt.want, nil)
		})
	}
}

// Both problems at once are both reported.
func TestCheckStaticToken_expiredAndWrongAudience(t *testing.T) {
	c, _ := lookupCloud("public")
	now := time.Now()
	tok := mockentra.ForeignToken(map[string]any{"aud": "api://something-else", "exp": now.Add(-time.Hour).Unix()})
	diags := checkStaticToken(tok, "access_token", c, now)
	if n := diags.ErrorsCount(); n != 2 {
		t.Fatalf("got %d errors, want 2: %v", n, diags)
	}
}
