package provider_test

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// TestAccCredentials_noSecretInTraceLog applies with each credential method in turn at
// TF_LOG=TRACE and greps everything logged, by the Terraform CLI and by the provider,
// for every secret: those configured and every token the fake issued.
//
// terraform-plugin-testing reads TF_LOG and TF_ACC_LOG_PATH from the process
// environment: TF_ACC_LOG_PATH sends the CLI's log (terraform-exec's SetLogPath) and the
// in-process provider's tflog output (the tfsdklog test sink) to that file. Hence
// t.Setenv, and no t.Parallel.
func TestAccCredentials_noSecretInTraceLog(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG_PATH_MASK", "")

	e := acctest.MockEntra(t)
	cert, key := acctest.NewCertificate(t, "terraform-ci")
	certID := certApp(t, e, cert)
	pfxPassword := "pfxpw-" + acctest.RandomHex(t, 10)
	pfx := base64.StdEncoding.EncodeToString(openSSL3PFX(t, cert, key, pfxPassword))
	fedID := federatedApp(t, e, githubIssuer, githubSub)
	oidcToken := e.Server.IssueIDToken(githubIssuer, githubSub, "")
	ghRequestToken := "ghs_" + acctest.RandomHex(t, 16)
	e.Server.SetGitHubOIDC(ghRequestToken, githubIssuer, githubSub)
	adoToken := "ado-" + acctest.RandomHex(t, 16)
	staticToken := e.Server.IssueUserToken(mockentra.UserToken{Scopes: []string{"User.ReadWrite.All"}})

	// Present in every step; each is used by the step whose method needs it.
	e.Setenv("ARM_TENANT_ID", mockentra.TenantID)
	e.Setenv("ARM_CLIENT_CERTIFICATE_PASSWORD", pfxPassword)
	e.Setenv("ARM_OIDC_REQUEST_TOKEN", ghRequestToken)
	e.Setenv("SYSTEM_ACCESSTOKEN", adoToken)

	// The secrets reach the configuration through sensitive variables, as they do in real
	// use: terraform-plugin-testing itself logs each step's HCL text (not the variables).
	vars := config.Variables{
		"access_token": config.StringVariable(staticToken), "client_certificate": config.StringVariable(pfx),
		"client_secret": config.StringVariable(e.Secret), "oidc_token": config.StringVariable(oidcToken),
	}
	var decls strings.Builder
	for name := range vars {
		fmt.Fprintf(&decls, "variable %q {\n  type      = string\n  sensitive = true\n}\n", name)
	}
	step := func(method string, attrs ...string) resource.TestStep {
		s := signInStep(e, e.ProviderBlock(attrs...), mockgraph.OtherID, method)
		s.Config = decls.String() + s.Config
		s.ConfigVariables = vars
		return s
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             acctest.CheckNoCertificationsLeft(e.Server, mockgraph.OtherID),
		Steps: []resource.TestStep{
			step("user", "access_token = var.access_token"),
			step("certificate", hcl("client_id", certID), "client_certificate = var.client_certificate"),
			step("client_secret", hcl("client_id", e.ClientID), "client_secret = var.client_secret"),
			step("federated", "use_oidc = true", hcl("client_id", fedID), "oidc_token = var.oidc_token"),
			step("federated", "use_oidc = true", hcl("client_id", fedID),
				hcl("oidc_request_url", e.Server.URL+mockentra.GitHubOIDCPath+"?api-version=2.0")),
		},
	})

	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("no log was captured: %v", err)
	}
	log := string(b)
	t.Logf("captured %d bytes of TRACE log", len(log))
	// The capture must hold both sides: the CLI's trace and the provider's Graph calls.
	for _, want := range []string{
		"[TRACE]",                          // the CLI at TRACE
		"ConfigureProvider",                // the CLI configuring the provider
		"graph request",                    // the provider's own log line per Graph call
		"/beta/users/" + mockgraph.OtherID, // with the request path
		"signed in to Microsoft Graph",     // the provider's sign-in line
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the captured log (%d bytes) lacks %q", len(log), want)
		}
	}
	if len(log) < 100_000 {
		t.Errorf("the captured log is only %d bytes; a TRACE run of five applies writes far more", len(log))
	}

	secrets := map[string]string{
		"client secret": e.Secret, "certificate password": pfxPassword, "certificate (base64 PFX)": pfx,
		"OIDC token": oidcToken, "GitHub request token": ghRequestToken, "Azure DevOps access token": adoToken,
		"access_token": staticToken,
	}
	for i, tok := range e.Server.IssuedTokens() {
		secrets["issued token #"+string(rune('0'+i%10))+" ("+tok.Method+")"] = tok.Token
	}
	if len(e.Server.IssuedTokens()) < 5 {
		t.Errorf("only %d tokens were issued; every method should have signed in", len(e.Server.IssuedTokens()))
	}
	for name, s := range secrets {
		// A JWT's signature part alone is enough to count as a leak.
		probe := s
		if parts := strings.Split(s, "."); len(parts) == 3 {
			probe = parts[2]
		}
		if strings.Contains(log, probe) {
			i := strings.Index(log, probe)
			t.Errorf("the log shows the %s near: %q", name, log[max(0, i-200):i])
		}
	}
}
