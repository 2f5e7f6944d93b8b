package acctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
	"github.com/graphprofile/terraform-provider-graph/internal/provider"
)

// Entra is a Graph fake that also plays Microsoft Entra ID, over TLS (azidentity talks to
// an authority only over https), with token checking on: Graph calls succeed only with
// a token this fake issued for the Graph audience. The provider under test sees Env as
// its environment and trusts the fake's certificate through its Transport; the process
// environment is not touched.
//
// Most credential tests sign in as an application, the way unattended pipelines do, and
// write certifications with it. Graph's current docs list application permissions as not
// supported for this API, and the fake refuses app-only tokens by default; MockEntra lets
// them through (Server.SetAllowAppOnly(true)), and a test of the refusal switches it off.
type Entra struct {
	Server *mockgraph.Server
	// ClientID and Secret are an app registration with the application permission
	// User.ReadWrite.All; tenant is mockentra.TenantID.
	ClientID, Secret string
	// Transport trusts the fake's TLS certificate.
	Transport http.RoundTripper

	mu      sync.Mutex
	env     map[string]string
	checked int // Server.Requests() already looked at by CheckGraphCallsUsed
}

// MockEntra starts the fake for one test; it stops when the test ends.
func MockEntra(t *testing.T) *Entra {
	t.Helper()
	skipOnRealTenant(t)
	s := mockgraph.StartTLS(nil)
	t.Cleanup(s.Close)
	s.RequireIssuedTokens("")
	s.SetAllowAppOnly(true)
	e := &Entra{Server: s, ClientID: RandomGUID(t), Secret: "sec~" + RandomHex(t, 20), env: map[string]string{}}
	s.AddApp(mockentra.App{ClientID: e.ClientID, DisplayName: "terraform-ci", Secrets: []string{e.Secret}, Roles: []string{"User.ReadWrite.All"}})
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatal("http.DefaultTransport is not an *http.Transport")
	}
	tr := base.Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	e.Transport = tr
	return e
}

// Setenv sets a variable of the provider's environment (never the process's).
func (e *Entra) Setenv(k, v string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.env[k] = v
}

// SetClientSecretEnv sets ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET to the app
// MockEntra registered: a client-secret sign-in with nothing in the provider block.
func (e *Entra) SetClientSecretEnv() {
	e.Setenv("ARM_TENANT_ID", mockentra.TenantID)
	e.Setenv("ARM_CLIENT_ID", e.ClientID)
	e.Setenv("ARM_CLIENT_SECRET", e.Secret)
}

// Getenv is the provider's environment.
func (e *Entra) Getenv(k string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.env[k]
}

// Factories serve a provider that reads e's environment and trusts the fake.
func (e *Entra) Factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"graph": provider.ServerOf(provider.NewWithOptions("test", provider.Options{Getenv: e.Getenv, Transport: e.Transport})),
	}
}

// ProviderBlock points Graph and Entra ID at the fake; attrs are more settings, one per
// line, in HCL.
func (e *Entra) ProviderBlock(attrs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider \"graph\" {\n  endpoint       = %q\n  authority_host = %q\n", e.Server.URL, e.Server.URL)
	for _, a := range attrs {
		fmt.Fprintf(&b, "  %s\n", a)
	}
	b.WriteString("}\n")
	return b.String()
}

// CheckGraphCallsUsed checks the Graph calls made since the previous check: in the first
// check every call, later (once the configuration changed between steps) every write and
// the last call, must carry a token the fake issued through method (mockentra.Issued.Method).
func (e *Entra) CheckGraphCallsUsed(method string) func(*terraform.State) error {
	return func(*terraform.State) error {
		byToken := map[string]string{}
		for _, i := range e.Server.IssuedTokens() {
			byToken[i.Token] = i.Method
		}
		all := e.Server.Requests()
		e.mu.Lock()
		first, from := e.checked == 0, e.checked
		e.checked = len(all)
		e.mu.Unlock()
		var calls []mockgraph.Request
		for _, r := range all[from:] {
			if strings.HasPrefix(r.Path, "/beta/") {
				calls = append(calls, r)
			}
		}
		if len(calls) == 0 {
			return fmt.Errorf("no Graph call reached the fake")
		}
		for i, r := range calls {
			if !first && r.Method == http.MethodGet && i != len(calls)-1 {
				continue // a read may still belong to the previous step's configuration
			}
			tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if got, ok := byToken[tok]; !ok || got != method {
				return fmt.Errorf("%s %s carried a token from %q, want one issued through %q", r.Method, r.Path, got, method)
			}
		}
		return nil
	}
}

// IssuedMethods lists the distinct ways the fake issued tokens, sorted.
func (e *Entra) IssuedMethods() []string {
	seen := map[string]bool{}
	for _, i := range e.Server.IssuedTokens() {
		seen[i.Method] = true
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// NewCertificate makes a self-signed RSA client certificate, as `openssl req -x509` does.
func NewCertificate(t *testing.T, cn string) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// RandomHex is n random bytes in hex.
func RandomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// RandomGUID is a random GUID.
func RandomGUID(t *testing.T) string {
	h := RandomHex(t, 16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
