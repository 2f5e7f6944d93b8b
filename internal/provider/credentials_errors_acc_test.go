package provider_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// errorWithout is an ErrorCheck: the step must fail with an error matching want, and the
// whole error text (Terraform's output) must not contain any of secrets. *called tells
// the test it ran.
func errorWithout(t *testing.T, want *regexp.Regexp, called *bool, secrets ...string) resource.ErrorCheckFunc {
	return func(err error) error {
		*called = true
		text := err.Error()
		t.Logf("the error, as Terraform shows it:\n%s", text)
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("the error shows a secret (%.6s…):\n%s", s, text)
			}
		}
		if !want.MatchString(text) {
			return fmt.Errorf("error does not match %s: %w", want, err)
		}
		return nil
	}
}

// expectFailure runs one step that writes a certification of user under the provider
// block, which must fail with an error matching want.
func expectFailure(t *testing.T, e *acctest.Entra, block, user, want string) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps:                    []resource.TestStep{{Config: block + certification(user, "never"), ExpectError: regexp.MustCompile(want)}},
	})
}

func noWrites(s *mockgraph.Server) error {
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.Path, "/beta/") && r.Method != "GET" {
			return fmt.Errorf("a write reached Graph: %s %s", r.Method, r.Path)
		}
	}
	return nil
}

func TestAccCredentials_wrongSecret(t *testing.T) {
	e := acctest.MockEntra(t)
	wrong := "wrong~" + acctest.RandomHex(t, 16)
	block := e.ProviderBlock(hcl("tenant_id", mockentra.TenantID), hcl("client_id", e.ClientID), hcl("client_secret", wrong))
	var called bool
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		ErrorCheck: errorWithout(t, regexp.MustCompile(`(?s)Cannot get a token for Microsoft Graph.*client secret method.*`+
			`AADSTS7000215: Invalid client secret provided`), &called, wrong, e.Secret),
		Steps: []resource.TestStep{{Config: block + certification(mockgraph.OtherID, "never")}},
	})
	if !called {
		t.Fatal("the wrong secret did not fail")
	}
	if err := noWrites(e.Server); err != nil {
		t.Error(err)
	}
	if n := len(e.Server.IssuedTokens()); n != 0 {
		t.Errorf("the fake issued %d tokens for a wrong secret", n)
	}
}

func TestAccCredentials_wrongCertificatePassword(t *testing.T) {
	e := acctest.MockEntra(t)
	cert, key := acctest.NewCertificate(t, "terraform-ci")
	right, wrong := "right-"+acctest.RandomHex(t, 8), "wrong-"+acctest.RandomHex(t, 8)
	pfx := base64.StdEncoding.EncodeToString(openSSL3PFX(t, cert, key, right))
	e.Setenv("ARM_TENANT_ID", mockentra.TenantID)
	e.Setenv("ARM_CLIENT_ID", certApp(t, e, cert))
	e.Setenv("ARM_CLIENT_CERTIFICATE", pfx)
	e.Setenv("ARM_CLIENT_CERTIFICATE_PASSWORD", wrong)
	var called bool
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		ErrorCheck: errorWithout(t, regexp.MustCompile(`(?s)Cannot use the client certificate.*ARM_CLIENT_CERTIFICATE.*password does not open\s+it`),
			&called, right, wrong, pfx[:40]),
		Steps: []resource.TestStep{{Config: e.ProviderBlock() + certification(mockgraph.OtherID, "never")}},
	})
	if !called {
		t.Fatal("the wrong password did not fail")
	}
}

// An unregistered certificate is refused by Entra ID (the fake validates the assertion's
// thumbprint and signature against the app's certificates).
func TestAccCredentials_unregisteredCertificate(t *testing.T) {
	e := acctest.MockEntra(t)
	registered, _ := acctest.NewCertificate(t, "registered")
	other, otherKey := acctest.NewCertificate(t, "someone-else")
	id := certApp(t, e, registered)
	pfxFile := filepath.Join(t.TempDir(), "other.pfx")
	if err := os.WriteFile(pfxFile, openSSL3PFX(t, other, otherKey, "pw-123456"), 0o600); err != nil {
		t.Fatal(err)
	}
	block := e.ProviderBlock(hcl("tenant_id", mockentra.TenantID), hcl("client_id", id),
		hcl("client_certificate_path", pfxFile), hcl("client_certificate_password", "pw-123456"))
	expectFailure(t, e, block, mockgraph.OtherID, `AADSTS700027`)
}

// An app-only token with user_id = "me" stops at plan, before any write.
func TestAccCredentials_appOnlyTokenWithMe(t *testing.T) {
	e := acctest.MockEntra(t)
	tok := e.Server.IssueAppToken(e.ClientID, "", []string{"User.ReadWrite.All"})
	expectFailure(t, e, e.ProviderBlock(hcl("access_token", tok)), "me",
		`(?s)This token cannot write the profile of "me".*needs a token for a\s+signed-in user.*app-only`)
	if err := noWrites(e.Server); err != nil {
		t.Error(err)
	}
}

// The same through a real client-credentials sign-in.
func TestAccCredentials_clientSecretWithMe(t *testing.T) {
	e := acctest.MockEntra(t)
	e.SetClientSecretEnv()
	expectFailure(t, e, e.ProviderBlock(), "me", `(?s)needs a token for a\s+signed-in user.*terraform-ci`)
	if err := noWrites(e.Server); err != nil {
		t.Error(err)
	}
}

// An app-only sign-in that holds User.ReadWrite.All, against a Graph that refuses app-only
// tokens on profile certifications as its current docs pages describe. The provider does
// not stop it at plan (older docs allowed it, and some tenants take it); Graph's 403 then
// says that the docs disagree and that a delegated sign-in is the dependable path.
func TestAccCredentials_appOnlyRefusedByGraph(t *testing.T) {
	e := acctest.MockEntra(t)
	e.Server.SetAllowAppOnly(false)
	e.SetClientSecretEnv()
	expectFailure(t, e, e.ProviderBlock(), mockgraph.OtherID,
		`(?s)Graph answered 403 Forbidden \(ErrorAccessDeniedForRole\).*app-only.*`+
			`current\s+docs\s+pages.*list\s+application\s+permissions\s+as\s+not\s+supported.*`+
			`older\s+docs.*User\.ReadWrite\.All.*delegated\s+sign-in.*dependable`)
	if n := len(e.Server.Certifications(mockgraph.OtherID)); n != 0 {
		t.Errorf("the refused app-only token left %d certifications", n)
	}
	var posts int
	for _, r := range e.Server.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/profile/certifications") {
			posts++
		}
	}
	if posts == 0 {
		t.Error("the provider refused the app-only token itself; Graph should decide")
	}
}

// A delegated token with only User.Read: Graph's 403 names the permission to grant (the
// plan-time warning naming the same is unit-tested: plugin-testing does not show warnings).
func TestAccCredentials_missingPermission(t *testing.T) {
	e := acctest.MockEntra(t)
	tok := e.Server.IssueUserToken(mockentra.UserToken{Scopes: []string{"User.Read"}})
	expectFailure(t, e, e.ProviderBlock(hcl("access_token", tok)), "me",
		`(?s)403 Forbidden \(ErrorAccessDeniedForRole\).*Grant the delegated permission\s+User\.ReadWrite\s`)
}

func TestAccCredentials_nothingConfigured(t *testing.T) {
	e := acctest.MockEntra(t)
	e.Setenv("ARM_USE_CLI", "true")
	e.Setenv("PATH", t.TempDir()) // no az there
	expectFailure(t, e, e.ProviderBlock(), "me",
		`(?s)No Graph credential configured.*- access_token: neither.*- client certificate: neither.*`+
			`- client secret: neither.*- OIDC: use_oidc.*- managed identity: use_msi is false.*- Azure CLI: use_cli is true \(from\s+ARM_USE_CLI\) but the Azure CLI`)
}

// environment = usgovernment: the token is requested for graph.microsoft.us (the fake
// serves that audience here), although endpoint points elsewhere.
func TestAccCredentials_usGovernment(t *testing.T) {
	e := acctest.MockEntra(t)
	e.Server.RequireIssuedTokens("https://graph.microsoft.us")
	e.Setenv("ARM_ENVIRONMENT", "usgovernment")
	e.SetClientSecretEnv()
	step := signInStep(e, e.ProviderBlock(), mockgraph.OtherID, "client_secret")
	step.Check = resource.ComposeTestCheckFunc(step.Check, func(*terraform.State) error {
		for _, i := range e.Server.IssuedTokens() {
			if i.Audience != "https://graph.microsoft.us" {
				return fmt.Errorf("a token was issued for %q", i.Audience)
			}
		}
		return nil
	})
	signInTest(t, e, step)
}

// App Service style managed identity: azidentity reads IDENTITY_ENDPOINT and
// IDENTITY_HEADER from the process environment only, so this test sets them there
// (t.Setenv; it cannot run in parallel).
func TestAccCredentials_managedIdentityAppService(t *testing.T) {
	e := acctest.MockEntra(t)
	header := "hdr-" + acctest.RandomHex(t, 12)
	id := acctest.RandomGUID(t) // user-assigned: MSAL's process-wide cache must not hand this token to another test
	e.Server.AddManagedIdentity(mockentra.ManagedIdentity{ClientID: id, Roles: []string{"User.ReadWrite.All"}})
	e.Server.SetAppServiceIdentityHeader(header)
	t.Setenv("IDENTITY_ENDPOINT", e.Server.URL+mockentra.AppServicePath)
	t.Setenv("IDENTITY_HEADER", header)
	e.Setenv("ARM_USE_MSI", "true")
	e.Setenv("ARM_CLIENT_ID", id)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             acctest.CheckNoCertificationsLeft(e.Server, mockgraph.OtherID),
		Steps:                    []resource.TestStep{signInStep(e, e.ProviderBlock(), mockgraph.OtherID, "managed_identity_app_service")},
	})
}

// The Azure CLI: a fake `az` on PATH answers `az account get-access-token` as the CLI
// does. azidentity runs `az` through /bin/sh with the process environment, so PATH is
// set there (t.Setenv; not parallel) and in the provider's environment alike.
func TestAccCredentials_azureCLI(t *testing.T) {
	e := acctest.MockEntra(t)
	dir := t.TempDir()
	argsLog := filepath.Join(dir, "az-args.log")
	tokenJSON := filepath.Join(dir, "token.json")
	exp := time.Now().Add(time.Hour)
	out, _ := json.Marshal(map[string]any{
		"accessToken":  e.Server.IssueUserToken(mockentra.UserToken{}),
		"expiresOn":    exp.Local().Format("2006-01-02 15:04:05.000000"),
		"expires_on":   exp.Unix(),
		"subscription": "0b1c2d3e-0000-4000-8000-000000000000",
		"tenant":       mockentra.TenantID,
		"tokenType":    "Bearer",
	})
	writeFile(t, tokenJSON, string(out))
	script := fmt.Sprintf(`#!/bin/sh
printf '%%s\n' "$*" >> %q
case "$*" in
  "account get-access-token -o json --resource https://graph.microsoft.com"*) cat %q ;;
  *) echo "ERROR: 'bogus' is misspelled or not recognized by the system." >&2; exit 2 ;;
esac
`, argsLog, tokenJSON)
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	path := dir + string(os.PathListSeparator) + os.Getenv("PATH")
	t.Setenv("PATH", path)
	e.Setenv("PATH", path)
	e.Setenv("ARM_TENANT_ID", mockentra.TenantID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             acctest.CheckNoCertificationsLeft(e.Server, "me"),
		Steps: []resource.TestStep{
			signInStep(e, e.ProviderBlock(), "me", "user"),
			signInStep(e, e.ProviderBlock("use_cli = true"), "me", "user"),
		},
	})
	b, err := os.ReadFile(argsLog)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if want := "account get-access-token -o json --resource https://graph.microsoft.com --tenant " + mockentra.TenantID; line != want {
			t.Errorf("az was run with %q, want %q", line, want)
		}
	}
}
