package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

const (
	configSecret = "config-secret-token-4f7a"
	envSecret    = "env-secret-token-9c2b"
)

// env is a fake environment; the process environment is never read or changed.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// diagText is every piece of text a diagnostic shows.
func diagText(ds diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.Summary())
		b.WriteString("\n")
		b.WriteString(d.Detail())
		b.WriteString("\n")
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			b.WriteString(wp.Path().String())
			b.WriteString("\n")
		}
	}
	return b.String()
}

// wantText checks that text (what it is, for the message) holds every string of want and
// none of notWant.
func wantText(t *testing.T, what, text string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
	for _, w := range notWant {
		if strings.Contains(text, w) {
			t.Errorf("%s holds %q:\n%s", what, w, text)
		}
	}
}

func tokenOf(t *testing.T, s settings) string {
	t.Helper()
	if s.token == nil {
		t.Fatal("no token source resolved")
	}
	tok, err := s.token.Token(context.Background())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	return tok
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name         string
		cfg          providerModel
		env          map[string]string
		wantEndpoint string
		wantToken    string
	}{
		{
			name:         "config wins over env",
			cfg:          providerModel{Endpoint: types.StringValue("https://config.example"), AccessToken: types.StringValue(configSecret)},
			env:          map[string]string{EnvEndpoint: "https://env.example", EnvAccessToken: envSecret},
			wantEndpoint: "https://config.example",
			wantToken:    configSecret,
		},
		{
			name:         "env used when config is null",
			cfg:          providerModel{Endpoint: types.StringNull(), AccessToken: types.StringNull()},
			env:          map[string]string{EnvEndpoint: "https://env.example", EnvAccessToken: envSecret},
			wantEndpoint: "https://env.example",
			wantToken:    envSecret,
		},
		{
			name:         "env values are trimmed",
			cfg:          providerModel{Endpoint: types.StringNull(), AccessToken: types.StringNull()},
			env:          map[string]string{EnvEndpoint: "  http://127.0.0.1:8080\n", EnvAccessToken: " " + envSecret + "\n"},
			wantEndpoint: "http://127.0.0.1:8080",
			wantToken:    envSecret,
		},
		{
			name:         "mixed: endpoint from config, token from env",
			cfg:          providerModel{Endpoint: types.StringValue("https://config.example"), AccessToken: types.StringNull()},
			env:          map[string]string{EnvEndpoint: "https://env.example", EnvAccessToken: envSecret},
			wantEndpoint: "https://config.example",
			wantToken:    envSecret,
		},
		{
			name:         "default endpoint",
			cfg:          providerModel{Endpoint: types.StringNull(), AccessToken: types.StringValue(configSecret)},
			env:          map[string]string{},
			wantEndpoint: graph.DefaultEndpoint,
			wantToken:    configSecret,
		},
		{
			name:         "blank env endpoint falls back to the default",
			cfg:          providerModel{Endpoint: types.StringNull(), AccessToken: types.StringNull()},
			env:          map[string]string{EnvEndpoint: "   ", EnvAccessToken: envSecret},
			wantEndpoint: graph.DefaultEndpoint,
			wantToken:    envSecret,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, diags := resolve(tt.cfg, env(tt.env))
			if diags.HasError() {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if s.endpoint != tt.wantEndpoint {
				t.Errorf("endpoint = %q, want %q", s.endpoint, tt.wantEndpoint)
			}
			if got := tokenOf(t, s); got != tt.wantToken {
				t.Errorf("token = %q, want %q", got, tt.wantToken)
			}
			if s.credentialName != "access_token" {
				t.Errorf("credentialName = %q", s.credentialName)
			}
		})
	}
}

func TestResolve_errors(t *testing.T) {
	tests := []struct {
		name        string
		cfg         providerModel
		env         map[string]string
		wantPath    path.Path // empty = no attribute path expected
		wantSummary string
		want        []string
	}{
		{
			name:        "invalid endpoint from env names the variable",
			cfg:         providerModel{Endpoint: types.StringNull(), AccessToken: types.StringValue(configSecret)},
			env:         map[string]string{EnvEndpoint: "graph.microsoft.com", EnvAccessToken: envSecret},
			wantPath:    path.Root("endpoint"),
			wantSummary: "Invalid endpoint",
			want:        []string{"GRAPH_ENDPOINT", `"graph.microsoft.com"`},
		},
		{
			name:        "invalid endpoint from config names the provider block",
			cfg:         providerModel{Endpoint: types.StringValue("ftp://x"), AccessToken: types.StringValue(configSecret)},
			env:         map[string]string{EnvAccessToken: envSecret},
			wantPath:    path.Root("endpoint"),
			wantSummary: "Invalid endpoint",
			want:        []string{"the provider block", `"ftp://x"`},
		},
		{
			name:        "endpoint with a query from env",
			cfg:         providerModel{Endpoint: types.StringNull(), AccessToken: types.StringNull()},
			env:         map[string]string{EnvEndpoint: "https://h?x=1", EnvAccessToken: envSecret},
			wantPath:    path.Root("endpoint"),
			wantSummary: "Invalid endpoint",
			want:        []string{"GRAPH_ENDPOINT", "query"},
		},
		{
			name:        "endpoint with an API version from env",
			cfg:         providerModel{Endpoint: types.StringNull(), AccessToken: types.StringNull()},
			env:         map[string]string{EnvEndpoint: "https://graph.microsoft.com/Beta/", EnvAccessToken: envSecret},
			wantPath:    path.Root("endpoint"),
			wantSummary: "Invalid endpoint",
			want:        []string{"GRAPH_ENDPOINT", "API version /Beta", "adds /beta itself", `use "https://graph.microsoft.com"`},
		},
		{
			name:        "no token lists what was tried",
			cfg:         providerModel{Endpoint: types.StringNull(), AccessToken: types.StringNull()},
			env:         map[string]string{},
			wantSummary: "No Graph credential configured",
			want:        []string{"Tried:", "- access_token:", "neither access_token nor GRAPH_ACCESS_TOKEN is set"},
		},
		{
			name:        "blank env token is no token",
			cfg:         providerModel{Endpoint: types.StringNull(), AccessToken: types.StringNull()},
			env:         map[string]string{EnvAccessToken: "  \t"},
			wantSummary: "No Graph credential configured",
			want:        []string{"GRAPH_ACCESS_TOKEN"},
		},
		{
			name:        "unknown access_token",
			cfg:         providerModel{Endpoint: types.StringNull(), AccessToken: types.StringUnknown()},
			env:         map[string]string{EnvAccessToken: envSecret},
			wantPath:    path.Root("access_token"),
			wantSummary: "Unknown access_token",
			want:        []string{"known only after apply"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, diags := resolve(tt.cfg, env(tt.env))
			if n := diags.ErrorsCount(); n != 1 {
				t.Fatalf("got %d errors, want 1: %v", n, diags)
			}
			if s.token != nil {
				t.Error("a token source was resolved despite the error")
			}
			d := diags.Errors()[0]
			if d.Summary() != tt.wantSummary {
				t.Errorf("summary = %q, want %q", d.Summary(), tt.wantSummary)
			}
			wp, hasPath := d.(diag.DiagnosticWithPath)
			switch {
			case len(tt.wantPath.Steps()) == 0 && hasPath:
				t.Errorf("unexpected attribute path %s", wp.Path())
			case len(tt.wantPath.Steps()) > 0 && (!hasPath || !wp.Path().Equal(tt.wantPath)):
				t.Errorf("diagnostic is not attached to %s: %#v", tt.wantPath, d)
			}
			wantText(t, "detail", d.Detail(), tt.want, nil)
			text := diagText(diags)
			for _, secret := range []string{configSecret, envSecret} {
				if strings.Contains(text, secret) {
					t.Errorf("a token value appears in the diagnostics:\n%s", text)
				}
			}
		})
	}
}

func TestEndpointValidator(t *testing.T) {
	tests := []struct {
		name  string
		value types.String
		ok    bool
	}{
		{"default", types.StringValue("https://graph.microsoft.com"), true},
		{"trailing slash", types.StringValue("https://graph.microsoft.com/"), true},
		{"local", types.StringValue("http://127.0.0.1:8080"), true},
		{"no scheme", types.StringValue("graph.microsoft.com"), false},
		{"query", types.StringValue("https://h?x=1"), false},
		{"beta suffix", types.StringValue("https://graph.microsoft.com/beta"), false},
		{"v1.0 suffix with slash", types.StringValue("https://graph.microsoft.com/v1.0/"), false},
		{"upper-case suffix", types.StringValue("https://graph.microsoft.com/BETA"), false},
		{"route that is no version", types.StringValue("https://proxy.example/graph"), true},
		{"null skipped", types.StringNull(), true},
		{"unknown skipped", types.StringUnknown(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := path.Root("endpoint")
			var resp validator.StringResponse
			endpointValidator{}.ValidateString(context.Background(),
				validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: tt.value}, &resp)
			if tt.ok != !resp.Diagnostics.HasError() {
				t.Fatalf("diagnostics = %v, want ok=%v", resp.Diagnostics, tt.ok)
			}
			if !tt.ok {
				wp, ok := resp.Diagnostics.Errors()[0].(diag.DiagnosticWithPath)
				if !ok || !wp.Path().Equal(p) {
					t.Errorf("error is not attached to endpoint")
				}
			}
		})
	}
}
