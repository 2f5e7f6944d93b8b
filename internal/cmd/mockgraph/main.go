// Command mockgraph serves the in-memory Microsoft Graph fake
// (internal/mockgraph) on a loopback address, for demos and benchmarks.
//
//	mockgraph -listen 127.0.0.1:0 -url-file .mockgraph-url -token demo
//
// With -tls and -app it also plays Entra ID for a client-secret sign-in (see
// docs/development/mock.md):
//
//	mockgraph -tls -cert-file mock.pem -app <tenant>:<client_id>:<secret>
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mockgraph:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done (SIGINT/SIGTERM in main), then shuts down
// gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mockgraph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "loopback `address` to listen on (port 0 picks a free port)")
	urlFile := fs.String("url-file", "", "if set, write the base URL to this `file` once listening")
	token := fs.String("token", "", "accept only this bearer `token` (default: any non-empty token)")
	pageSize := fs.Int("page-size", 100, "list page size when $top is absent")
	nextLinks := fs.Bool("next-links", true, "write @odata.nextLink in list answers (-next-links=false: $top and $skip only, as Graph's docs for the list promise)")
	anonymous := fs.Bool("allow-anonymous", false, "accept requests without an Authorization header")
	appOnly := fs.Bool("allow-app-only", false, "with -app, let app-only tokens use the profile certifications, as Graph's older docs allowed "+
		"(by default they are refused with 403, as the current docs list application permissions as not supported)")
	quiet := fs.Bool("quiet", false, "do not log each request to stdout")
	latency := fs.Duration("latency", 0, "added `delay` before every answer, e.g. 80ms for a realistic Graph")
	chaosRate := fs.Float64("chaos-rate", 0, "share (0..1) of certification requests that get a random fault")
	chaosKinds := fs.String("chaos-kinds", "all", "comma-separated fault `kinds` for -chaos-rate: throttle, unavailable, unavailable-after, slow, reset-before, reset-after, read-lag, patch-204, audience-number, audience-unknown, truncated")
	chaosSeed := fs.Uint64("chaos-seed", 0, "random seed for -chaos-rate (0 = random)")
	slowDelay := fs.Duration("slow-delay", time.Second, "how long a 'slow' fault holds its answer")
	budget := fs.Int("budget", 0, "throttle like Graph: at most `n` certification requests (batch items one by one) per -budget-window, then 429 with Retry-After (0 = no budget)")
	budgetWindow := fs.Duration("budget-window", 10*time.Second, "the sliding `window` of -budget")
	seed := fs.String("seed", "", "JSON `file` of users and certifications to create before serving (see mockgraph.Server.SeedFile)")
	useTLS := fs.Bool("tls", false, "serve https with a self-signed certificate made at start-up (azidentity reaches Entra ID only over https)")
	certFile := fs.String("cert-file", "", "with -tls, write the certificate (PEM) to this `file`, for SSL_CERT_FILE")
	var apps []mockentra.App
	fs.Func("app", "register `tenant:client_id:secret` as an app for client-secret sign-in (repeatable; needs -tls); "+
		"Graph then accepts only tokens the mock issued", func(v string) error {
		a, err := parseApp(v)
		if err == nil {
			apps = append(apps, a)
		}
		return err
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *pageSize < 1 || *pageSize > 999 {
		return fmt.Errorf("-page-size must be between 1 and 999, got %d", *pageSize)
	}
	kinds, err := mockgraph.ParseKinds(*chaosKinds)
	if err != nil {
		return fmt.Errorf("-chaos-kinds: %w", err)
	}
	if *chaosRate < 0 || *chaosRate > 1 {
		return fmt.Errorf("-chaos-rate must be between 0 and 1, got %v", *chaosRate)
	}
	if *budget < 0 || *budgetWindow <= 0 {
		return fmt.Errorf("-budget must be 0 or more and -budget-window more than 0, got %d per %v", *budget, *budgetWindow)
	}
	if err := checkLoopback(*listen); err != nil {
		return err
	}
	switch {
	case *certFile != "" && !*useTLS:
		return errors.New("-cert-file needs -tls")
	case len(apps) > 0 && !*useTLS:
		return errors.New("-app needs -tls: azidentity signs in only over https")
	case len(apps) > 0 && *token != "":
		return errors.New("-app and -token exclude each other: with -app, Graph accepts only tokens the mock issued")
	}

	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", *listen)
	if err != nil {
		return err
	}
	srv := mockgraph.New()
	srv.URL = "http://" + ln.Addr().String()
	if *useTLS {
		var ip net.IP
		if a, ok := ln.Addr().(*net.TCPAddr); ok {
			ip = a.IP
		}
		cert, pemBytes, err := selfSigned(ip)
		if err == nil && *certFile != "" {
			err = writeFileAtomic(*certFile, string(pemBytes))
		}
		if err != nil {
			ln.Close()
			return err
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		srv.URL = "https://" + ln.Addr().String()
	}
	for _, a := range apps {
		srv.AddApp(a)
	}
	if len(apps) > 0 {
		srv.RequireIssuedTokens("")
	}
	srv.SetAcceptedToken(*token)
	srv.SetPageSize(*pageSize)
	srv.SetNextLinks(*nextLinks)
	srv.SetAllowAnonymous(*anonymous)
	srv.SetAllowAppOnly(*appOnly)
	srv.SetLatency(*latency)
	srv.SetBudget(*budget, *budgetWindow)
	srv.SetChaos(mockgraph.Chaos{Rate: *chaosRate, Kinds: kinds, Seed: *chaosSeed, SlowDelay: *slowDelay})
	if *seed != "" {
		if err := srv.SeedFile(*seed); err != nil {
			ln.Close()
			return err
		}
	}

	h := (&stats{}).wrap(srv.Handler()) // GET /_mock/stats: request counters (stats.go)
	if !*quiet {
		h = logRequests(h, stdout)
	}
	// A client that does not trust the certificate shows up as a handshake error here.
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(stderr, "mockgraph: ", log.LstdFlags)}

	if *urlFile != "" {
		if err := writeFileAtomic(*urlFile, srv.URL+"\n"); err != nil {
			ln.Close()
			return err
		}
	}
	fmt.Fprintf(stdout, "mockgraph listening on %s\n", srv.URL)
	for _, a := range apps {
		// Never the secret: this goes to logs.
		fmt.Fprintf(stdout, "mockgraph: app %s registered in tenant %s (application permission User.ReadWrite.All)\n", a.ClientID, a.TenantID)
	}
	if len(apps) > 0 && !*appOnly {
		fmt.Fprintln(stdout, "mockgraph: app-only tokens are refused on profile certifications (403), as Graph's current docs describe; -allow-app-only lets them through")
	}

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(stdout, "mockgraph stopped")
	return nil
}

// checkLoopback refuses anything but a loopback host: the fake accepts any
// token by default and must not be reachable from the network.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-listen %q: host must be a loopback address such as 127.0.0.1, [::1] or localhost", addr)
}

// parseApp reads -app's tenant:client_id:secret. The secret is last, so it may hold colons.
func parseApp(v string) (mockentra.App, error) {
	parts := strings.SplitN(v, ":", 3)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return mockentra.App{}, errors.New("want tenant:client_id:secret, each part non-empty")
	}
	for _, p := range parts[:2] {
		if strings.ContainsAny(p, "/?#% ") {
			return mockentra.App{}, fmt.Errorf("%q cannot be a tenant or client id: it would not fit in a URL path", p)
		}
	}
	// User.ReadWrite.All, the application permission the older docs listed: with
	// -allow-app-only the app writes any user's profile; /me still needs a user, as on Graph.
	return mockentra.App{TenantID: parts[0], ClientID: parts[1], Secrets: []string{parts[2]},
		DisplayName: "mockgraph app", Roles: []string{"User.ReadWrite.All"}}, nil
}

// selfSigned makes a TLS certificate for the loopback names, valid for a day, and its PEM.
// It signs itself and is a CA, so trusting the PEM (SSL_CERT_FILE) trusts the server.
func selfSigned(ip net.IP) (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if ip != nil && !ip.IsUnspecified() && !slices.ContainsFunc(ips, ip.Equal) {
		ips = append(ips, ip)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "mockgraph", Organization: []string{"terraform-provider-graph mock"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// writeFileAtomic writes via a temp file and rename, so a reader polling
// for the file never sees it half written.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// logRequests prints one line per request: method, decoded path, status.
func logRequests(next http.Handler, out io.Writer) http.Handler {
	l := log.New(out, "", log.LstdFlags)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		l.Printf("%s %s %d", r.Method, r.URL.RequestURI(), rec.status)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
