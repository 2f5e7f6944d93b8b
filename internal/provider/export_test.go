package provider

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
)

// PBES2Encrypt builds a PKCS#8 EncryptedPrivateKeyInfo the way OpenSSL 3 does by
// default: PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC. Written from RFC 8018, apart
// from decryptPKCS8, for the tests of both packages.
func PBES2Encrypt(t *testing.T, plain, password, salt, iv []byte, iterations int) []byte {
	t.Helper()
	key, err := pbkdf2.Key(sha256.New, string(password), salt, iterations, 32)
	if err != nil {
		t.Fatal(err)
	}
	n := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append(append([]byte{}, plain...), make([]byte, n)...)
	for i := len(plain); i < len(padded); i++ {
		padded[i] = byte(n)
	}
	block, _ := aes.NewCipher(key)
	out := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, padded)

	mustMarshal := func(v any) asn1.RawValue {
		b, err := asn1.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return asn1.RawValue{FullBytes: b}
	}
	kdf := pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: mustMarshal(struct {
		Salt       []byte
		Iterations int
		PRF        pkix.AlgorithmIdentifier
	}{salt, iterations, pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue}})}
	scheme := pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: mustMarshal(iv)}
	der, err := asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: mustMarshal(pbes2Params{KDF: kdf, Scheme: scheme})},
		Data:      out,
	})
	if err != nil {
		t.Fatal(err)
	}
	return der
}
