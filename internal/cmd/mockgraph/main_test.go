package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func TestCheckLoopback(t *testing.T) {
	cases := map[string]bool{
		"127.0.0.1:0":    true,
		"127.0.0.2:8080": true,
		"[::1]:0":        true,
		"localhost:0":    true,
		":8080":          false, // all interfaces
		"0.0.0.0:0":      false,
		"192.168.1.5:80": false,
		"example.com:80": false,
		"127.0.0.1":      false, // no port
	}
	for addr, ok := range cases {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
}

// syncBuffer is written by the server's goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunServesUntilCancelled(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-url-file", urlFile, "-token", "demo", "-page-size", "5", "-budget", "2", "-budget-window", "1h"}, &out, io.Discard)
	}()

	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if b, err := os.ReadFile(urlFile); err == nil {
			base = strings.TrimSpace(string(b))
		} else if time.Now().After(deadline) {
			t.Fatalf("url file never appeared; output: %s", out.String())
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("url file holds %q", base)
	}
	if !strings.Contains(out.String(), "mockgraph listening on "+base+"\n") {
		t.Errorf("stdout %q lacks the listening line", out.String())
	}

	get := func(token string) int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/beta/me/profile/certifications", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get("demo"); got != http.StatusOK {
		t.Errorf("GET with -token: %d, want 200", got)
	}
	if got := get("other"); got != http.StatusUnauthorized {
		t.Errorf("GET with another token: %d, want 401", got)
	}
	if got, then := get("demo"), get("demo"); got != http.StatusOK || then != http.StatusTooManyRequests {
		t.Errorf("-budget 2: the 2nd and 3rd counted GETs answered %d and %d, want 200 and 429", got, then)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Error("server still answering after shutdown")
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-listen", "0.0.0.0:0"},
		{"-listen", ":0"},
		{"-page-size", "0"},
		{"-chaos-rate", "1.5"},
		{"-chaos-kinds", "throttle,bogus"},
		{"-budget", "-1"},
		{"-budget", "5", "-budget-window", "0s"},
		{"extra"},
		{"-cert-file", "x.pem"},
		{"-app", "t:c:s"},
		{"-tls", "-app", "t:c:s", "-token", "demo"},
		{"-tls", "-app", "t:c"},
		{"-tls", "-app", "t::s"},
		{"-tls", "-app", "t/x:c:s"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		if err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
	err := run(context.Background(), []string{"-listen", "0.0.0.0:0"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("non-loopback error %v should say loopback", err)
	}
}

// startRun runs the command with args until the test ends, and returns its base URL (from
// -url-file) and its stdout.
func startRun(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	errs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-url-file", urlFile, "-quiet"}, args...), out, errs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not stop after cancel")
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(urlFile); err == nil {
			return strings.TrimSpace(string(b)), out
		}
		select {
		case err := <-done:
			t.Fatalf("run ended before listening: %v; stderr: %s", err, errs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("url file never appeared; output: %s %s", out.String(), errs.String())
		}
	}
}

// With -tls and -app, a client-secret sign-in through azidentity works against the mock
// (its token endpoint, over https, trusting the written certificate), and Graph accepts
// the token it issued and nothing else. The app's token is app-only: Graph's current docs
// refuse it for profile certifications, and so does the mock unless -allow-app-only.
func TestRunTLSWithApp(t *testing.T) {
	t.Run("allow-app-only", func(t *testing.T) { runTLSWithApp(t, true) })
	t.Run("app-only refused", func(t *testing.T) { runTLSWithApp(t, false) })
}

func runTLSWithApp(t *testing.T, allowAppOnly bool) {
	const (
		tenant   = "0d5a5f6e-1c2b-4a3d-9e8f-7a6b5c4d3e2f"
		clientID = "11111111-2222-3333-4444-555555555555"
		secret   = "s3cret:with~colons"
	)
	certFile := filepath.Join(t.TempDir(), "mock.pem")
	args := []string{"-tls", "-cert-file", certFile, "-app", tenant + ":" + clientID + ":" + secret}
	if allowAppOnly {
		args = append(args, "-allow-app-only")
	}
	base, out := startRun(t, args...)
	if !strings.HasPrefix(base, "https://127.0.0.1:") {
		t.Fatalf("url file holds %q, want https", base)
	}
	if strings.Contains(out.String(), secret) {
		t.Errorf("stdout shows the secret: %s", out.String())
	}
	if !strings.Contains(out.String(), "app "+clientID+" registered in tenant "+tenant) {
		t.Errorf("stdout %q does not name the registered app", out.String())
	}

	pemBytes, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := pem.Decode(pemBytes); b == nil || b.Type != "CERTIFICATE" {
		t.Fatalf("%s holds no PEM certificate: %q", certFile, pemBytes)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("the written certificate does not parse")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	if req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base, nil); err != nil {
		t.Fatal(err)
	} else if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Error("a client with only the system roots trusted the mock's certificate")
	}

	opts := func() *azidentity.ClientSecretCredentialOptions {
		return &azidentity.ClientSecretCredentialOptions{
			ClientOptions: azcore.ClientOptions{
				Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: base + "/"},
				Transport: client,
			},
			DisableInstanceDiscovery: true, // as the provider does for an authority host of its own
		}
	}
	scope := policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}}
	cred, err := azidentity.NewClientSecretCredential(tenant, clientID, secret, opts())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cred.GetToken(t.Context(), scope)
	if err != nil {
		t.Fatalf("client-secret sign-in against the mock: %v", err)
	}

	wrong, err := azidentity.NewClientSecretCredential(tenant, clientID, "not-the-secret", opts())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.GetToken(t.Context(), scope); err == nil || !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Errorf("a wrong secret got %v, want Entra ID's invalid secret error", err)
	}

	post := func(token string) (int, string) {
		body := strings.NewReader(`{"displayName": "Azure Solutions Architect Expert", "certificationId": "AZ-305"}`)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/beta/users/adele.vance@contoso.example/profile/certifications", body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	switch code, body := post(tok.Token); {
	case allowAppOnly && (code != http.StatusCreated || !strings.Contains(body, `"certificationId":"AZ-305"`)):
		t.Errorf("POST with the issued token: %d %s, want 201", code, body)
	case !allowAppOnly && (code != http.StatusForbidden || !strings.Contains(body, `"ErrorAccessDeniedForRole"`)):
		t.Errorf("POST with the issued app-only token: %d %s, want 403 ErrorAccessDeniedForRole", code, body)
	}
	if code, _ := post("any-token"); code != http.StatusUnauthorized {
		t.Errorf("POST with a token the mock did not issue: %d, want 401", code)
	}
}
