package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"software.sslmate.com/src/go-pkcs12"
)

func newTestCert(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "unit"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key
}

func pemBlock(typ string, b []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b})
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The reason for go-pkcs12: azidentity's own parser refuses what OpenSSL 3 exports. If
// this starts passing, azidentity.ParseCertificates could be used again.
func TestParseCertificate_openSSL3PFXRefusedByAzidentity(t *testing.T) {
	if _, _, err := azidentity.ParseCertificates(readFixture(t, "openssl3-export.pfx"), []byte("fixture-pass")); err == nil {
		t.Fatal("azidentity.ParseCertificates now reads an OpenSSL 3 PFX; go-pkcs12 may no longer be needed")
	}
	certs, key, err := parseCertificate(readFixture(t, "openssl3-export.pfx"), "fixture-pass")
	if err != nil {
		t.Fatalf("parseCertificate: %v", err)
	}
	if certs[0].Subject.CommonName != "openssl3-fixture" || key == nil {
		t.Errorf("got %q", certs[0].Subject.CommonName)
	}
}

func TestParseCertificate(t *testing.T) {
	cert, key := newTestCert(t)
	modern, err := pkcs12.Modern2023.Encode(key, cert, nil, "s3cret-pw")
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := pkcs12.LegacyDES.Encode(key, cert, nil, "s3cret-pw")
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(key)
	certPEM := pemBlock("CERTIFICATE", cert.Raw)
	other, _ := newTestCert(t)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	salt, iv := make([]byte, 16), make([]byte, 16)
	encrypted := pemBlock("ENCRYPTED PRIVATE KEY", PBES2Encrypt(t, pkcs8, []byte("pem-pw"), salt, iv, 1000))

	tests := []struct {
		name     string
		data     []byte
		password string
		wantCN   string
		wantErr  string
	}{
		{"OpenSSL 3 style PFX (AES-256, SHA-256 MAC)", modern, "s3cret-pw", "unit", ""},
		{"legacy PFX (3DES, SHA-1 MAC)", legacy, "s3cret-pw", "unit", ""},
		{"PFX, wrong password", modern, "nope", "", "password does not open it"},
		{"PFX, no password", modern, "", "", "password does not open it"},
		{"PEM, PKCS#8 key, key first", append(pemBlock("PRIVATE KEY", pkcs8), certPEM...), "", "unit", ""},
		{"PEM, PKCS#1 key", append(certPEM, pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))...), "", "unit", ""},
		{"PEM, chain with the leaf second", append(append(pemBlock("CERTIFICATE", other.Raw), certPEM...), pemBlock("PRIVATE KEY", pkcs8)...), "", "unit", ""},
		{"PEM, encrypted PKCS#8", append(certPEM, encrypted...), "pem-pw", "unit", ""},
		{"PEM, encrypted PKCS#8, wrong password", append(certPEM, encrypted...), "other", "", "password does not open it"},
		{"PEM, encrypted PKCS#8, no password", append(certPEM, encrypted...), "", "", "no password is set"},
		{"OpenSSL 3 req -newkey key (PBES2, 3DES)", append(readFixture(t, "openssl3-cert.pem"), readFixture(t, "openssl3-key-encrypted.pem")...), "fixture-pass", "openssl3-fixture", ""},
		{"OpenSSL 3 pkcs8 -topk8 key (PBES2, AES-256)", append(readFixture(t, "openssl3-cert.pem"), readFixture(t, "openssl3-key-aes256.pem")...), "fixture-pass", "openssl3-fixture", ""},
		{"OpenSSL 3 key, wrong password", append(readFixture(t, "openssl3-cert.pem"), readFixture(t, "openssl3-key-aes256.pem")...), "wrong-pass", "", "password does not open it"},
		{"PEM without a key", certPEM, "", "", "no private key block"},
		{"PEM without a certificate", pemBlock("PRIVATE KEY", pkcs8), "", "", "no CERTIFICATE block"},
		{"PEM, key of another certificate", append(pemBlock("CERTIFICATE", other.Raw), pemBlock("PRIVATE KEY", pkcs8)...), "", "", "none of its certificates matches"},
		{"PEM, EC key", append(certPEM, pemBlock("PRIVATE KEY", ecDER)...), "", "", "need an RSA key"},
		{"garbage", []byte("not a certificate"), "", "", "neither PEM nor a PKCS#12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certs, k, err := parseCertificate(tt.data, tt.password)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if tt.password != "" && strings.Contains(err.Error(), tt.password) {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if certs[0].Subject.CommonName != tt.wantCN {
				t.Errorf("first certificate %q, want %q", certs[0].Subject.CommonName, tt.wantCN)
			}
			pub, ok1 := certs[0].PublicKey.(*rsa.PublicKey)
			priv, ok2 := k.(*rsa.PrivateKey)
			if !ok1 || !ok2 || !pub.Equal(priv.Public()) {
				t.Error("the first certificate does not match the key")
			}
		})
	}
}

func TestDecodeCertificateValue(t *testing.T) {
	raw := []byte("\x30\x82pfx-bytes\xff")
	std := base64.StdEncoding.EncodeToString(raw)
	wrapped := std[:4] + "\n" + std[4:]
	for name, v := range map[string]string{"std": std, "wrapped": wrapped, "raw std": strings.TrimRight(std, "="),
		"url": base64.URLEncoding.EncodeToString(raw)} {
		got, err := decodeCertificateValue(v)
		if err != nil || string(got) != string(raw) {
			t.Errorf("%s: got %q, %v", name, got, err)
		}
	}
	if got, err := decodeCertificateValue("  -----BEGIN CERTIFICATE-----\nx\n"); err != nil || !strings.HasPrefix(string(got), "-----BEGIN") {
		t.Errorf("PEM text: %q, %v", got, err)
	}
	if _, err := decodeCertificateValue("not base64 !!"); err == nil {
		t.Error("accepted garbage")
	}
}

func TestDecryptPKCS8_errorsNeverShowPassword(t *testing.T) {
	_, err := decryptPKCS8([]byte("junk"), []byte("hunter2-password"))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(errCertPassword, errCertPassword) || strings.Contains(errCertPassword.Error(), "hunter2") {
		t.Fatal("errCertPassword")
	}
}

func x509MarshalPKCS8(key any) ([]byte, error) { return x509.MarshalPKCS8PrivateKey(key) }

func pkcs12Modern(key *rsa.PrivateKey, cert *x509.Certificate, pw string) ([]byte, error) {
	return pkcs12.Modern2023.Encode(key, cert, nil, pw)
}
