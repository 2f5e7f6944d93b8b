package provider_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

const childMarker = "GRAPH_PROVIDER_PUBLIC_HOSTS_CHILD"

// TestAccCredentials_publicHostsThroughProxy runs the provider the way a corporate build
// agent does: nothing but ARM_* variables, the real public host names
// (login.microsoftonline.com, graph.microsoft.com), every connection through HTTPS_PROXY,
// and a TLS-inspecting proxy's CA trusted through SSL_CERT_FILE. The loopback network
// reaches neither host, so the proxy here sends every CONNECT to the fake, which serves a
// certificate for both names signed by that CA.
//
// The standard library reads HTTPS_PROXY and SSL_CERT_FILE once per process, so the
// provider runs in a child process (this test binary, running
// TestAccCredentials_publicHostsChild) with that environment; nothing is injected.
func TestAccCredentials_publicHostsThroughProxy(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	dir := t.TempDir()
	caFile := filepath.Join(dir, "corporate-ca.pem")
	leaf := interceptionCertificate(t, caFile, "login.microsoftonline.com", "graph.microsoft.com")

	s := mockgraph.StartTLS(&leaf)
	t.Cleanup(s.Close)
	s.RequireIssuedTokens("")
	s.SetAllowAppOnly(true) // a build agent signs in as an application (acctest.Entra says why)
	clientID, secret := acctest.RandomGUID(t), "sec~"+acctest.RandomHex(t, 20)
	s.AddApp(mockentra.App{ClientID: clientID, Secrets: []string{secret}, Roles: []string{"User.ReadWrite.All"}})

	proxy, connects := connectProxy(t, strings.TrimPrefix(s.URL, "https://"))

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run", "^TestAccCredentials_publicHostsChild$", "-test.v", "-test.count=1")
	cmd.Env = []string{
		childMarker + "=1",
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir(),
		"TF_ACC=1", "TF_ACC_TERRAFORM_PATH=" + os.Getenv("TF_ACC_TERRAFORM_PATH"),
		// make test-tofu serves the provider under OpenTofu's registry host.
		"TF_ACC_PROVIDER_HOST=" + os.Getenv("TF_ACC_PROVIDER_HOST"), "TF_ACC_PROVIDER_NAMESPACE=" + os.Getenv("TF_ACC_PROVIDER_NAMESPACE"),
		"TF_CLI_CONFIG_FILE=" + os.Getenv("TF_CLI_CONFIG_FILE"), "CHECKPOINT_DISABLE=1",
		"HTTPS_PROXY=" + proxy, "NO_PROXY=", "SSL_CERT_FILE=" + caFile,
		"ARM_TENANT_ID=" + mockentra.TenantID, "ARM_CLIENT_ID=" + clientID, "ARM_CLIENT_SECRET=" + secret,
	}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestAccCredentials_publicHostsChild") {
		t.Fatalf("the provider run failed (%v):\n%s", err, out)
	}
	if strings.Contains(string(out), secret) {
		t.Error("the run's output shows the client secret")
	}

	hosts := connects()
	for _, want := range []string{"login.microsoftonline.com:443", "graph.microsoft.com:443"} {
		if !slices.Contains(hosts, want) {
			t.Errorf("no CONNECT to %s through the proxy (got %v)", want, hosts)
		}
	}
	for _, r := range s.Requests() {
		t.Logf("%s %s -> %d", r.Method, r.Path, r.Status)
	}
	var instance, discovery, token, graphCalls int
	issued := map[string]bool{}
	for _, i := range s.IssuedTokens() {
		if i.Method == "client_secret" {
			issued[i.Token] = true
		}
	}
	for _, r := range s.Requests() {
		switch {
		case r.Path == "/common/discovery/instance":
			instance++
		case strings.HasSuffix(r.Path, "/v2.0/.well-known/openid-configuration"):
			discovery++
		case r.Path == "/"+mockentra.TenantID+"/oauth2/v2.0/token" && r.Method == http.MethodPost:
			token++
		case strings.HasPrefix(r.Path, "/beta/"):
			graphCalls++
			if !issued[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")] {
				t.Errorf("%s %s did not carry a token issued for the client secret", r.Method, r.Path)
			}
		}
	}
	if instance == 0 || discovery == 0 || token == 0 || graphCalls == 0 {
		t.Errorf("instance discovery %d, tenant discovery %d, token %d, Graph calls %d; want each > 0", instance, discovery, token, graphCalls)
	}
}

// TestAccCredentials_publicHostsChild is the child of the test above; alone it skips.
func TestAccCredentials_publicHostsChild(t *testing.T) {
	if os.Getenv(childMarker) == "" {
		t.Skip("run by TestAccCredentials_publicHostsThroughProxy")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories, // provider.New: the process environment, default transport
		Steps: []resource.TestStep{{
			Config: `provider "graph" {}` + certification(mockgraph.OtherID, "Through the corporate proxy"),
			Check:  resource.TestCheckResourceAttrSet(certAddr, "id"),
		}},
	})
}

// interceptionCertificate makes a CA (written to caFile as PEM) and a server certificate
// it signs for names, as a TLS-inspecting proxy presents.
func interceptionCertificate(t *testing.T, caFile string, names ...string) tls.Certificate {
	t.Helper()
	caKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Contoso Inspection CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// connectProxy is an HTTP proxy that tunnels every CONNECT to target, remembering the
// host:port each one asked for.
func connectProxy(t *testing.T, target string) (string, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		mu.Lock()
		asked = append(asked, r.Host)
		mu.Unlock()
		up, err := (&net.Dialer{}).DialContext(r.Context(), "tcp", target)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			up.Close()
			http.Error(w, "no hijacking", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
		down, buf, err := hj.Hijack()
		if err != nil {
			up.Close()
			return
		}
		go func() {
			defer up.Close()
			defer down.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(up, buf); done <- struct{}{} }()
			go func() { _, _ = io.Copy(down, up); done <- struct{}{} }()
			<-done
		}()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(asked)
	}
}
