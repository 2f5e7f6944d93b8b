package provider_test

// Acceptance tests of every credential method: the real Terraform CLI, the real
// azidentity flow, against the Graph fake playing Entra ID over TLS with token checking
// on (acctest.MockEntra). Each test proves that (1) the fake issued a token the way the
// method is meant to get one and (2) every Graph call carried a token issued that way.

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
	"github.com/graphprofile/terraform-provider-graph/internal/provider"
)

const certAddr = "graph_person_certification.test"

// certification is the resource every test applies. App-only methods write another
// user's profile (an app-only token cannot use "me"); delegated ones write "me".
func certification(user, name string) string {
	return fmt.Sprintf(`
resource "graph_person_certification" "test" {
  user_id      = %q
  display_name = %q
}
`, user, name)
}

// signInStep applies the certification with the given provider block and checks the
// token's way to Graph.
func signInStep(e *acctest.Entra, block, user, method string) resource.TestStep {
	return resource.TestStep{
		Config: block + certification(user, "Signed in with "+method),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(certAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("Signed in with "+method)),
			statecheck.ExpectKnownValue(certAddr, tfjsonpath.New("user_id"), knownvalue.StringExact(user)),
		},
		Check: resource.ComposeTestCheckFunc(
			e.CheckGraphCallsUsed(method),
			func(*terraform.State) error {
				if n := len(e.Server.Certifications(user)); n != 1 {
					return fmt.Errorf("the fake holds %d certifications of %s, want 1", n, user)
				}
				return nil
			},
		),
	}
}

func signInTest(t *testing.T, e *acctest.Entra, steps ...resource.TestStep) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             acctest.CheckNoCertificationsLeft(e.Server, mockgraph.OtherID, "me"),
		Steps:                    steps,
	})
}

func hcl(k, v string) string { return fmt.Sprintf("%s = %q", k, v) }

func TestAccCredentials_clientSecret(t *testing.T) {
	e := acctest.MockEntra(t)
	// Wrong values in the environment: the provider block must win.
	e.Setenv("ARM_CLIENT_SECRET", "wrong-secret-from-env")
	e.Setenv("ARM_CLIENT_ID", acctest.RandomGUID(t))
	e.Setenv("ARM_TENANT_ID", "00000000-0000-0000-0000-000000000000")
	block := e.ProviderBlock(hcl("tenant_id", mockentra.TenantID), hcl("client_id", e.ClientID), hcl("client_secret", e.Secret))
	signInTest(t, e, signInStep(e, block, mockgraph.OtherID, "client_secret"))
}

func TestAccCredentials_clientSecretEnv(t *testing.T) {
	e := acctest.MockEntra(t)
	e.SetClientSecretEnv()
	signInTest(t, e, signInStep(e, e.ProviderBlock(), mockgraph.OtherID, "client_secret"))
}

func TestAccCredentials_clientSecretFile(t *testing.T) {
	e := acctest.MockEntra(t)
	dir := t.TempDir()
	secretFile, idFile := filepath.Join(dir, "secret"), filepath.Join(dir, "client-id")
	writeFile(t, secretFile, e.Secret+"\n")
	writeFile(t, idFile, e.ClientID+"\n")
	block := e.ProviderBlock(hcl("tenant_id", mockentra.TenantID), hcl("client_id_file_path", idFile), hcl("client_secret_file_path", secretFile))
	signInTest(t, e, signInStep(e, block, mockgraph.OtherID, "client_secret"))
}

func TestAccCredentials_clientSecretFileEnv(t *testing.T) {
	e := acctest.MockEntra(t)
	dir := t.TempDir()
	secretFile, idFile := filepath.Join(dir, "secret"), filepath.Join(dir, "client-id")
	writeFile(t, secretFile, e.Secret)
	writeFile(t, idFile, e.ClientID)
	e.Setenv("ARM_TENANT_ID", mockentra.TenantID)
	e.Setenv("ARM_CLIENT_ID_FILE_PATH", idFile)
	e.Setenv("ARM_CLIENT_SECRET_FILE_PATH", secretFile)
	signInTest(t, e, signInStep(e, e.ProviderBlock(), mockgraph.OtherID, "client_secret"))
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// certApp registers a certificate on a new app and returns the app's client id.
func certApp(t *testing.T, e *acctest.Entra, cert *x509.Certificate) string {
	id := acctest.RandomGUID(t)
	e.Server.AddApp(mockentra.App{ClientID: id, Certificates: []*x509.Certificate{cert}, Roles: []string{"User.ReadWrite.All"}})
	return id
}

// openSSL3PFX is what `openssl pkcs12 -export` writes with OpenSSL 3's defaults:
// PBES2/PBKDF2-HMAC-SHA-256/AES-256-CBC for key and certificate, and a SHA-256 MAC.
func openSSL3PFX(t *testing.T, cert *x509.Certificate, key *rsa.PrivateKey, password string) []byte {
	t.Helper()
	pfx, err := pkcs12.Modern2023.Encode(key, cert, nil, password)
	if err != nil {
		t.Fatal(err)
	}
	return pfx
}

func TestAccCredentials_certificatePFXPath(t *testing.T) {
	e := acctest.MockEntra(t)
	cert, key := acctest.NewCertificate(t, "terraform-ci")
	password := "pfx-" + acctest.RandomHex(t, 8)
	pfxFile := filepath.Join(t.TempDir(), "client.pfx")
	if err := os.WriteFile(pfxFile, openSSL3PFX(t, cert, key, password), 0o600); err != nil {
		t.Fatal(err)
	}
	id := certApp(t, e, cert)
	block := e.ProviderBlock(hcl("tenant_id", mockentra.TenantID), hcl("client_id", id),
		hcl("client_certificate_path", pfxFile), hcl("client_certificate_password", password))
	signInTest(t, e, signInStep(e, block, mockgraph.OtherID, "certificate"))
}

func TestAccCredentials_certificatePFXBase64Env(t *testing.T) {
	e := acctest.MockEntra(t)
	cert, key := acctest.NewCertificate(t, "terraform-ci")
	password := "pfx-" + acctest.RandomHex(t, 8)
	id := certApp(t, e, cert)
	e.Setenv("ARM_TENANT_ID", mockentra.TenantID)
	e.Setenv("ARM_CLIENT_ID", id)
	e.Setenv("ARM_CLIENT_CERTIFICATE", base64.StdEncoding.EncodeToString(openSSL3PFX(t, cert, key, password)))
	e.Setenv("ARM_CLIENT_CERTIFICATE_PASSWORD", password)
	signInTest(t, e, signInStep(e, e.ProviderBlock(), mockgraph.OtherID, "certificate"))
}

func pemOf(t *testing.T, cert *x509.Certificate, keyBlock *pem.Block) []byte {
	t.Helper()
	return append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), pem.EncodeToMemory(keyBlock)...)
}

func TestAccCredentials_certificatePEMPathEnv(t *testing.T) {
	e := acctest.MockEntra(t)
	cert, key := acctest.NewCertificate(t, "terraform-ci")
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pemFile := filepath.Join(t.TempDir(), "client.pem")
	writeFile(t, pemFile, string(pemOf(t, cert, &pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	id := certApp(t, e, cert)
	e.Setenv("ARM_TENANT_ID", mockentra.TenantID)
	e.Setenv("ARM_CLIENT_ID", id)
	e.Setenv("ARM_CLIENT_CERTIFICATE_PATH", pemFile)
	signInTest(t, e, signInStep(e, e.ProviderBlock(), mockgraph.OtherID, "certificate"))
}

func TestAccCredentials_certificateEncryptedPEMBase64(t *testing.T) {
	e := acctest.MockEntra(t)
	cert, key := acctest.NewCertificate(t, "terraform-ci")
	password := "pem-" + acctest.RandomHex(t, 8)
	id := certApp(t, e, cert)
	data := pemOf(t, cert, encryptPKCS8(t, key, password))
	block := e.ProviderBlock(hcl("tenant_id", mockentra.TenantID), hcl("client_id", id),
		hcl("client_certificate", base64.StdEncoding.EncodeToString(data)), hcl("client_certificate_password", password))
	signInTest(t, e, signInStep(e, block, mockgraph.OtherID, "certificate"))
}

// federatedApp registers an app trusting id tokens from issuer for subject.
func federatedApp(t *testing.T, e *acctest.Entra, issuer, subject string) string {
	id := acctest.RandomGUID(t)
	e.Server.AddApp(mockentra.App{ClientID: id, Roles: []string{"User.ReadWrite.All"},
		Federated: []mockentra.FederatedCredential{{Issuer: issuer, Subject: subject}}})
	return id
}

const (
	githubIssuer = "https://token.actions.githubusercontent.com"
	githubSub    = "repo:contoso/profiles:ref:refs/heads/main"
	adoIssuer    = "https://vstoken.dev.azure.com/0a1b2c3d-0000-4000-8000-000000000001"
	adoSub       = "sc://contoso/profiles/graph-profiles"
	aksIssuer    = "https://eastus.oic.prod-aks.azure.com/72f988bf/0b1c2d3e/"
	aksSub       = "system:serviceaccount:profiles:terraform"
)

func TestAccCredentials_oidcToken(t *testing.T) { oidcTokenSignIn(t, false, false) }

func TestAccCredentials_oidcTokenEnv(t *testing.T) { oidcTokenSignIn(t, true, false) }

// Without ARM_USE_OIDC: a token file that is present turns OIDC on by itself.
func TestAccCredentials_oidcTokenFileEnv(t *testing.T) { oidcTokenSignIn(t, true, true) }

func TestAccCredentials_oidcTokenFile(t *testing.T) { oidcTokenSignIn(t, false, true) }

// oidcTokenSignIn signs in with an id token given as it is or in a file (fromFile), by the
// provider block or by the ARM_ variables (fromEnv).
func oidcTokenSignIn(t *testing.T, fromEnv, fromFile bool) {
	e := acctest.MockEntra(t)
	id := federatedApp(t, e, githubIssuer, githubSub)
	token := e.Server.IssueIDToken(githubIssuer, githubSub, "")
	attr, env := "oidc_token", "ARM_OIDC_TOKEN"
	if fromFile {
		file := filepath.Join(t.TempDir(), "id-token")
		writeFile(t, file, token)
		token, attr, env = file, "oidc_token_file_path", "ARM_OIDC_TOKEN_FILE_PATH"
	}
	block := e.ProviderBlock("use_oidc = true", hcl("tenant_id", mockentra.TenantID), hcl("client_id", id), hcl(attr, token))
	if fromEnv {
		if !fromFile {
			e.Setenv("ARM_USE_OIDC", "true")
		}
		e.Setenv("ARM_TENANT_ID", mockentra.TenantID)
		e.Setenv("ARM_CLIENT_ID", id)
		e.Setenv(env, token)
		block = e.ProviderBlock()
	}
	signInTest(t, e, signInStep(e, block, mockgraph.OtherID, "federated"))
}

// GitHub Actions sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN.
func TestAccCredentials_gitHubActionsEnv(t *testing.T) { gitHubActionsSignIn(t, true) }

func TestAccCredentials_gitHubActions(t *testing.T) { gitHubActionsSignIn(t, false) }

// Azure Pipelines: SYSTEM_OIDCREQUESTURI and SYSTEM_ACCESSTOKEN, with the service connection.
func TestAccCredentials_azureDevOpsEnv(t *testing.T) { azureDevOpsSignIn(t, true) }

func TestAccCredentials_azureDevOps(t *testing.T) { azureDevOpsSignIn(t, false) }

// gitHubActionsSignIn signs in through the GitHub Actions id-token service, configured by
// the runner's variables (fromEnv) or by the provider block.
func gitHubActionsSignIn(t *testing.T, fromEnv bool) {
	e := acctest.MockEntra(t)
	id := federatedApp(t, e, githubIssuer, githubSub)
	requestToken := "ghs_" + acctest.RandomHex(t, 16)
	e.Server.SetGitHubOIDC(requestToken, githubIssuer, githubSub)
	requestURL := e.Server.URL + mockentra.GitHubOIDCPath + "?api-version=2.0"
	block := e.ProviderBlock("use_oidc = true", hcl("tenant_id", mockentra.TenantID), hcl("client_id", id),
		hcl("oidc_request_url", requestURL), hcl("oidc_request_token", requestToken))
	if fromEnv {
		e.Setenv("ARM_USE_OIDC", "true")
		e.Setenv("ARM_TENANT_ID", mockentra.TenantID)
		e.Setenv("ARM_CLIENT_ID", id)
		e.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", requestURL)
		e.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken)
		block = e.ProviderBlock()
	}
	signInTest(t, e, issuedVia(e, "oidc_github", signInStep(e, block, mockgraph.OtherID, "federated")))
}

// azureDevOpsSignIn signs in through the Azure DevOps OIDC service with a service
// connection, configured by the pipeline's variables (fromEnv) or by the provider block.
func azureDevOpsSignIn(t *testing.T, fromEnv bool) {
	e := acctest.MockEntra(t)
	id := federatedApp(t, e, adoIssuer, adoSub)
	systemToken := "ado-" + acctest.RandomHex(t, 16)
	conn := acctest.RandomGUID(t)
	e.Server.SetAzureDevOpsOIDC(systemToken, conn, adoIssuer, adoSub)
	block := e.ProviderBlock("use_oidc = true", hcl("tenant_id", mockentra.TenantID), hcl("client_id", id),
		hcl("oidc_request_url", e.Server.URL+mockentra.AzureDevOpsOIDCPath), hcl("oidc_request_token", systemToken),
		hcl("oidc_azure_service_connection_id", conn))
	if fromEnv {
		e.Setenv("ARM_USE_OIDC", "true")
		e.Setenv("ARM_TENANT_ID", mockentra.TenantID)
		e.Setenv("ARM_CLIENT_ID", id)
		e.Setenv("SYSTEM_OIDCREQUESTURI", e.Server.URL+mockentra.AzureDevOpsOIDCPath)
		e.Setenv("SYSTEM_ACCESSTOKEN", systemToken)
		e.Setenv("ARM_OIDC_AZURE_SERVICE_CONNECTION_ID", conn)
		block = e.ProviderBlock()
	}
	signInTest(t, e, issuedVia(e, "oidc_azure_devops", signInStep(e, block, mockgraph.OtherID, "federated")))
}

// The AKS workload identity webhook sets AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and
// AZURE_TENANT_ID.
func TestAccCredentials_aksWorkloadIdentityEnv(t *testing.T) {
	e := acctest.MockEntra(t)
	id := federatedApp(t, e, aksIssuer, aksSub)
	file := filepath.Join(t.TempDir(), "azure-identity-token")
	writeFile(t, file, e.Server.IssueIDToken(aksIssuer, aksSub, ""))
	e.Setenv("ARM_USE_OIDC", "true")
	e.Setenv("AZURE_FEDERATED_TOKEN_FILE", file)
	e.Setenv("AZURE_CLIENT_ID", id)
	e.Setenv("AZURE_TENANT_ID", mockentra.TenantID)
	signInTest(t, e, signInStep(e, e.ProviderBlock(), mockgraph.OtherID, "federated"))
}

// issuedVia adds to step's check that the fake issued a token through method.
func issuedVia(e *acctest.Entra, method string, step resource.TestStep) resource.TestStep {
	step.Check = resource.ComposeTestCheckFunc(step.Check, func(*terraform.State) error {
		if !slices.Contains(e.IssuedMethods(), method) {
			return fmt.Errorf("the fake issued tokens through %v, not through %s", e.IssuedMethods(), method)
		}
		return nil
	})
	return step
}

// MSAL caches managed-identity tokens process-wide, keyed by identity and resource, so
// each managed-identity test uses its own identity (the system-assigned one only here).
func TestAccCredentials_managedIdentitySystemAssigned(t *testing.T) {
	e := acctest.MockEntra(t)
	e.Server.AddManagedIdentity(mockentra.ManagedIdentity{Roles: []string{"User.ReadWrite.All"}})
	block := e.ProviderBlock("use_msi = true", hcl("msi_endpoint", e.Server.URL+mockentra.IMDSPath))
	signInTest(t, e, signInStep(e, block, mockgraph.OtherID, "managed_identity_imds"))
}

func TestAccCredentials_managedIdentityUserAssignedEnv(t *testing.T) {
	e := acctest.MockEntra(t)
	id := acctest.RandomGUID(t)
	e.Server.AddManagedIdentity(mockentra.ManagedIdentity{ClientID: id, Roles: []string{"User.ReadWrite.All"}})
	e.Setenv("ARM_USE_MSI", "true")
	e.Setenv("ARM_CLIENT_ID", id)
	e.Setenv("ARM_MSI_ENDPOINT", e.Server.URL+mockentra.IMDSPath)
	signInTest(t, e, signInStep(e, e.ProviderBlock(), mockgraph.OtherID, "managed_identity_imds"))
}

// A static token: here a delegated one, as `az account get-access-token` prints it.
func TestAccCredentials_accessToken(t *testing.T) {
	e := acctest.MockEntra(t)
	tok := e.Server.IssueUserToken(mockentra.UserToken{})
	signInTest(t, e, signInStep(e, e.ProviderBlock(hcl("access_token", tok)), "me", "user"))
}

func TestAccCredentials_accessTokenEnv(t *testing.T) {
	e := acctest.MockEntra(t)
	e.Setenv("GRAPH_ACCESS_TOKEN", e.Server.IssueUserToken(mockentra.UserToken{}))
	e.Setenv("GRAPH_ENDPOINT", e.Server.URL)
	e.Setenv("AZURE_AUTHORITY_HOST", e.Server.URL)
	signInTest(t, e, signInStep(e, `provider "graph" {}`, "me", "user"))
}

// encryptPKCS8 writes an ENCRYPTED PRIVATE KEY block the way `openssl pkcs8 -topk8`
// does in OpenSSL 3 (PBES2, PBKDF2-HMAC-SHA-256, AES-256-CBC).
func encryptPKCS8(t *testing.T, key *rsa.PrivateKey, password string) *pem.Block {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	salt, iv := make([]byte, 16), make([]byte, 16)
	_, _ = rand.Read(salt)
	_, _ = rand.Read(iv)
	return &pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: provider.PBES2Encrypt(t, der, []byte(password), salt, iv, 2048)}
}

var _ = regexp.MustCompile
var _ = strings.Contains
