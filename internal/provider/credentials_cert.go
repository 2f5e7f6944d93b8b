package provider

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des" //nolint:gosec // reading keys OpenSSL encrypted with 3DES; nothing is encrypted with it
	"crypto/pbkdf2"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// The certificate is read here, not with azidentity.ParseCertificates: that goes through
// golang.org/x/crypto/pkcs12, which knows only the legacy RC2/3DES + SHA-1 algorithms and
// refuses what `openssl pkcs12 -export` writes since OpenSSL 3 (PBES2 with AES-256-CBC,
// PBKDF2-HMAC-SHA-256 and a SHA-256 MAC). go-pkcs12 reads both.

// errCertPassword is a wrong or missing password. It never carries the password.
var errCertPassword = errors.New("the password does not open it (check client_certificate_password / ARM_CLIENT_CERTIFICATE_PASSWORD)")

// decodeCertificateValue turns client_certificate into bytes: base64 of a PFX or PEM file,
// or PEM text pasted as is.
func decodeCertificateValue(v string) ([]byte, error) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "-----BEGIN") {
		return []byte(v), nil
	}
	// Base64 wrapped at 64 or 76 columns is common; drop white space first.
	compact := strings.Join(strings.Fields(v), "")
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(compact); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("it is neither base64 nor PEM text")
}

// parseCertificate reads a client certificate and its RSA private key from a PKCS#12 (PFX)
// bundle or from PEM. The certificate whose public key matches the key comes first.
func parseCertificate(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	var (
		certs []*x509.Certificate
		key   crypto.PrivateKey
		err   error
	)
	if bytes.Contains(data, []byte("-----BEGIN")) {
		certs, key, err = parsePEMCertificate(data, password)
	} else {
		certs, key, err = parsePFX(data, password)
	}
	if err != nil {
		return nil, nil, err
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, nil, fmt.Errorf("its private key is %T; Entra ID client certificates need an RSA key", key)
	}
	for i, c := range certs {
		if pub, ok := c.PublicKey.(*rsa.PublicKey); ok && pub.Equal(&rk.PublicKey) {
			certs[0], certs[i] = certs[i], certs[0]
			return certs, rk, nil
		}
	}
	return nil, nil, errors.New("none of its certificates matches its private key")
}

func parsePFX(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	key, cert, ca, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, nil, errCertPassword
		}
		return nil, nil, fmt.Errorf("it is neither PEM nor a PKCS#12 (PFX) bundle this provider can read: %w", err)
	}
	return append([]*x509.Certificate{cert}, ca...), key, nil
}

func parsePEMCertificate(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	var (
		certs []*x509.Certificate
		key   crypto.PrivateKey
	)
	setKey := func(k crypto.PrivateKey, err error) error {
		if err != nil {
			return err
		}
		if key != nil {
			return errors.New("it holds more than one private key")
		}
		key = k
		return nil
	}
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		var err error
		switch block.Type {
		case "CERTIFICATE":
			var c *x509.Certificate
			if c, err = x509.ParseCertificate(block.Bytes); err == nil {
				certs = append(certs, c)
			}
		case "PRIVATE KEY":
			err = setKey(x509.ParsePKCS8PrivateKey(block.Bytes))
		case "RSA PRIVATE KEY":
			if block.Headers["Proc-Type"] != "" {
				err = errors.New("its private key uses legacy PEM encryption (Proc-Type); convert it with `openssl pkcs8 -topk8`")
				break
			}
			err = setKey(x509.ParsePKCS1PrivateKey(block.Bytes))
		case "ENCRYPTED PRIVATE KEY":
			if password == "" {
				err = errors.New("its private key is encrypted and no password is set (client_certificate_password / ARM_CLIENT_CERTIFICATE_PASSWORD)")
				break
			}
			var der []byte
			if der, err = decryptPKCS8(block.Bytes, []byte(password)); err == nil {
				err = setKey(x509.ParsePKCS8PrivateKey(der))
				if err != nil {
					err = errCertPassword // a wrong password decrypts to garbage that does not parse
				}
			}
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading its %s block: %w", block.Type, err)
		}
	}
	switch {
	case len(certs) == 0:
		return nil, nil, errors.New("it holds no CERTIFICATE block")
	case key == nil:
		return nil, nil, errors.New("it holds no private key block (PRIVATE KEY, RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY)")
	}
	return certs, key, nil
}

// PKCS#8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018), as `openssl pkcs8 -topk8` and
// `openssl pkcs12 -in x.pfx` (without -nodes) write it in OpenSSL 3.
var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7} // `openssl req -newkey`'s default
)

type encryptedPrivateKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}

type pbes2Params struct {
	KDF    pkix.AlgorithmIdentifier
	Scheme pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

func decryptPKCS8(der, password []byte) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) > 0 {
		return nil, errors.New("the encrypted private key is not valid PKCS#8")
	}
	if !info.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("the private key is encrypted with %s; only PBES2 (OpenSSL's default) is supported", info.Algorithm.Algorithm)
	}
	var p pbes2Params
	if _, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &p); err != nil || !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, errors.New("the private key's PBES2 parameters are not PBKDF2")
	}
	var kp pbkdf2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kp); err != nil {
		return nil, errors.New("the private key's PBKDF2 parameters are invalid")
	}
	var prf func() hash.Hash
	switch {
	case len(kp.PRF.Algorithm) == 0, kp.PRF.Algorithm.Equal(oidHMACSHA1):
		prf = sha1.New
	case kp.PRF.Algorithm.Equal(oidHMACSHA256):
		prf = sha256.New
	case kp.PRF.Algorithm.Equal(oidHMACSHA512):
		prf = sha512.New
	default:
		return nil, fmt.Errorf("PBKDF2 PRF %s is not supported", kp.PRF.Algorithm)
	}
	var (
		keyLen   int
		newBlock = aes.NewCipher
	)
	switch {
	case p.Scheme.Algorithm.Equal(oidAES128CBC):
		keyLen = 16
	case p.Scheme.Algorithm.Equal(oidAES192CBC):
		keyLen = 24
	case p.Scheme.Algorithm.Equal(oidAES256CBC):
		keyLen = 32
	case p.Scheme.Algorithm.Equal(oidDESEDE3CBC):
		keyLen, newBlock = 24, des.NewTripleDESCipher
	default:
		return nil, fmt.Errorf("cipher %s is not supported (AES-CBC and DES-EDE3-CBC are)", p.Scheme.Algorithm)
	}
	k, err := pbkdf2.Key(prf, string(password), kp.Salt, kp.Iterations, keyLen)
	if err != nil {
		return nil, err
	}
	block, err := newBlock(k)
	if err != nil {
		return nil, err
	}
	bs := block.BlockSize()
	var iv []byte
	if _, err := asn1.Unmarshal(p.Scheme.Parameters.FullBytes, &iv); err != nil || len(iv) != bs {
		return nil, errors.New("the private key's cipher IV is invalid")
	}
	if len(info.Data) == 0 || len(info.Data)%bs != 0 {
		return nil, errors.New("the encrypted private key has an invalid length")
	}
	out := make([]byte, len(info.Data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, info.Data)
	// PKCS#7 padding; a wrong password shows up here or when the result is parsed.
	n := int(out[len(out)-1])
	if n == 0 || n > bs || n > len(out) || !bytes.Equal(out[len(out)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, errCertPassword
	}
	return out[:len(out)-n], nil
}
