package mockgraph

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
)

const (
	appID     = "11111111-2222-4333-8444-555555555555"
	appSecret = "app-secret-value"
	scope     = "https://graph.microsoft.com/.default"
)

func entra(t *testing.T) *Server {
	t.Helper()
	s := start(t)
	s.AddApp(mockentra.App{ClientID: appID, Secrets: []string{appSecret}, Roles: []string{"User.ReadWrite.All"}})
	return s
}

func form(t *testing.T, s *Server, tenant string, v url.Values) response {
	t.Helper()
	return do(t, s, "POST", "/"+tenant+"/oauth2/v2.0/token", v.Encode(), "Content-Type", "application/x-www-form-urlencoded", "Authorization", "")
}

func oauthError(t *testing.T, r response, status int, code string, aadsts string) {
	t.Helper()
	m := r.obj(t)
	if r.status != status || m["error"] != code || !strings.HasPrefix(str(t, m, "error_description"), "AADSTS"+aadsts+":") {
		t.Errorf("got %d %s", r.status, r.body)
	}
}

func claimsOf(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestToken_clientSecret(t *testing.T) {
	s := entra(t)
	ok := form(t, s, mockentra.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {appID}, "client_secret": {appSecret}, "scope": {scope}})
	if ok.status != 200 {
		t.Fatalf("%d %s", ok.status, ok.body)
	}
	m := ok.obj(t)
	c := claimsOf(t, str(t, m, "access_token"))
	if m["token_type"] != "Bearer" || c["aud"] != "https://graph.microsoft.com" || c["tid"] != mockentra.TenantID || c["appid"] != appID ||
		c["idtyp"] != "app" || c["oid"] == "" || strings.Join(mockentra.Audiences(c["roles"]), " ") != "User.ReadWrite.All" {
		t.Errorf("token response %s, claims %v", ok.body, c)
	}
	if _, err := s.Verify(str(t, m, "access_token")); err != nil {
		t.Errorf("the issued token does not verify: %v", err)
	}
	oauthError(t, form(t, s, mockentra.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {appID}, "client_secret": {"wrong"}, "scope": {scope}}),
		401, "invalid_client", "7000215")
	oauthError(t, form(t, s, mockentra.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {"nobody"}, "client_secret": {appSecret}, "scope": {scope}}),
		400, "unauthorized_client", "700016")
	oauthError(t, form(t, s, "other-tenant", url.Values{"grant_type": {"client_credentials"}, "client_id": {appID}, "client_secret": {appSecret}, "scope": {scope}}),
		400, "invalid_request", "90002")
	oauthError(t, form(t, s, mockentra.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {appID}, "client_secret": {appSecret}, "scope": {"User.Read"}}),
		400, "invalid_scope", "1002012")
	oauthError(t, form(t, s, mockentra.TenantID, url.Values{"grant_type": {"password"}, "client_id": {appID}}), 400, "unsupported_grant_type", "70003")
	if strings.Contains(string(form(t, s, mockentra.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {appID}, "client_secret": {"wrong-xyz"}, "scope": {scope}}).body), "wrong-xyz") {
		t.Error("the error echoes the secret")
	}
}

func selfSigned(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "c"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

// assertion builds a client assertion the way MSAL does: PS256, x5t#S256 in std base64.
func assertion(t *testing.T, cert *x509.Certificate, key *rsa.PrivateKey, aud string, exp time.Time) string {
	sum := sha256.Sum256(cert.Raw)
	h, _ := json.Marshal(map[string]any{"alg": "PS256", "typ": "JWT", "x5t#S256": base64.StdEncoding.EncodeToString(sum[:])})
	c, _ := json.Marshal(map[string]any{"aud": aud, "iss": appID, "sub": appID, "jti": "j", "nbf": time.Now().Unix(), "exp": exp.Unix()})
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	d := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestToken_certificateAssertion(t *testing.T) {
	s := start(t)
	cert, key := selfSigned(t)
	other, otherKey := selfSigned(t)
	s.AddApp(mockentra.App{ClientID: appID, Certificates: []*x509.Certificate{cert}})
	endpoint := s.URL + "/" + mockentra.TenantID + "/oauth2/v2.0/token"
	try := func(a string) response {
		return form(t, s, mockentra.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {appID}, "scope": {scope},
			"client_assertion_type": {jwtBearerAssertion}, "client_assertion": {a}})
	}
	if r := try(assertion(t, cert, key, endpoint, time.Now().Add(5*time.Minute))); r.status != 200 {
		t.Fatalf("valid assertion: %d %s", r.status, r.body)
	}
	oauthError(t, try(assertion(t, other, otherKey, endpoint, time.Now().Add(time.Minute))), 401, "invalid_client", "700027")
	// registered certificate's thumbprint, another key's signature
	forged := assertion(t, cert, otherKey, endpoint, time.Now().Add(time.Minute))
	oauthError(t, try(forged), 401, "invalid_client", "700027")
	oauthError(t, try(assertion(t, cert, key, "https://elsewhere/token", time.Now().Add(time.Minute))), 401, "invalid_client", "700016")
	oauthError(t, try(assertion(t, cert, key, endpoint, time.Now().Add(-time.Minute))), 401, "invalid_client", "700024")
	if issued := s.IssuedTokens(); len(issued) != 1 || issued[0].Method != "certificate" {
		t.Errorf("issued %+v", issued)
	}
}

func TestToken_federated(t *testing.T) {
	s := start(t)
	s.AddApp(mockentra.App{ClientID: appID, Federated: []mockentra.FederatedCredential{{Issuer: "https://issuer", Subject: "repo:x"}}})
	try := func(a string) response {
		return form(t, s, mockentra.TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {appID}, "scope": {scope},
			"client_assertion_type": {jwtBearerAssertion}, "client_assertion": {a}})
	}
	if r := try(s.IssueIDToken("https://issuer", "repo:x", "")); r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	oauthError(t, try(s.IssueIDToken("https://issuer", "repo:y", "")), 400, "invalid_client", "700213")
	oauthError(t, try(s.IssueIDToken("https://other", "repo:x", "")), 400, "invalid_client", "700211")
	oauthError(t, try(s.IssueIDToken("https://issuer", "repo:x", "api://wrong")), 400, "invalid_client", "700213")
	foreign := New() // same claims, another directory's key
	oauthError(t, try(foreign.IssueIDToken("https://issuer", "repo:x", "")), 400, "invalid_client", "50027")
}

func TestDiscoveryDocuments(t *testing.T) {
	s := start(t)
	r := do(t, s, "GET", "/"+mockentra.TenantID+"/v2.0/.well-known/openid-configuration", nil)
	m := r.obj(t)
	if r.status != 200 || m["token_endpoint"] != s.URL+"/"+mockentra.TenantID+"/oauth2/v2.0/token" || m["issuer"] != s.URL+"/"+mockentra.TenantID+"/v2.0" ||
		m["authorization_endpoint"] != s.URL+"/"+mockentra.TenantID+"/oauth2/v2.0/authorize" {
		t.Errorf("%d %s", r.status, r.body)
	}
	oauthError(t, do(t, s, "GET", "/nope/v2.0/.well-known/openid-configuration", nil), 400, "invalid_tenant", "90002")
	r = do(t, s, "GET", "/common/discovery/instance?api-version=1.1&authorization_endpoint="+
		url.QueryEscape("https://login.microsoftonline.com/"+mockentra.TenantID+"/oauth2/v2.0/authorize"), nil)
	m = r.obj(t)
	if r.status != 200 || m["tenant_discovery_endpoint"] != "https://login.microsoftonline.com/"+mockentra.TenantID+"/v2.0/.well-known/openid-configuration" {
		t.Errorf("%d %s", r.status, r.body)
	}
}

func TestManagedIdentityEndpoints(t *testing.T) {
	s := start(t)
	s.AddManagedIdentity(mockentra.ManagedIdentity{Roles: []string{"User.ReadWrite.All"}})
	s.AddManagedIdentity(mockentra.ManagedIdentity{ClientID: "uami-1"})
	q := "?api-version=2018-02-01&resource=" + url.QueryEscape("https://graph.microsoft.com")
	if r := do(t, s, "GET", mockentra.IMDSPath+q, nil, "Authorization", ""); r.status != 400 || !strings.Contains(string(r.body), "metadata header") {
		t.Errorf("no Metadata header: %d %s", r.status, r.body)
	}
	r := do(t, s, "GET", mockentra.IMDSPath+q, nil, "Authorization", "", "Metadata", "true")
	m := r.obj(t)
	if r.status != 200 || m["resource"] != "https://graph.microsoft.com" || m["token_type"] != "Bearer" || claimsOf(t, str(t, m, "access_token"))["aud"] != "https://graph.microsoft.com" {
		t.Errorf("%d %s", r.status, r.body)
	}
	if r := do(t, s, "GET", mockentra.IMDSPath+q+"&client_id=uami-1", nil, "Authorization", "", "Metadata", "true"); r.status != 200 || claimsOf(t, str(t, r.obj(t), "access_token"))["appid"] != "uami-1" {
		t.Errorf("user-assigned: %d %s", r.status, r.body)
	}
	if r := do(t, s, "GET", mockentra.IMDSPath+q+"&client_id=nobody", nil, "Authorization", "", "Metadata", "true"); r.status != 400 {
		t.Errorf("unknown identity: %d", r.status)
	}
	aq := "?api-version=2019-08-01&resource=" + url.QueryEscape("https://graph.microsoft.com")
	if r := do(t, s, "GET", mockentra.AppServicePath+aq, nil, "Authorization", "", "X-IDENTITY-HEADER", "x"); r.status != 401 {
		t.Errorf("App Service off: %d", r.status)
	}
	s.SetAppServiceIdentityHeader("hdr")
	if r := do(t, s, "GET", mockentra.AppServicePath+aq, nil, "Authorization", "", "X-IDENTITY-HEADER", "hdr"); r.status != 200 {
		t.Errorf("App Service: %d %s", r.status, r.body)
	}
}

func TestCIOIDC(t *testing.T) {
	s := start(t)
	s.SetGitHubOIDC("gh-req", "https://token.actions.githubusercontent.com", "repo:x")
	u := mockentra.GitHubOIDCPath + "?api-version=2.0&audience=" + url.QueryEscape(mockentra.TokenExchangeAudience)
	if r := do(t, s, "GET", u, nil, "Authorization", "Bearer wrong"); r.status != 401 {
		t.Errorf("wrong request token: %d", r.status)
	}
	r := do(t, s, "GET", u, nil, "Authorization", "Bearer gh-req")
	if c := claimsOf(t, str(t, r.obj(t), "value")); r.status != 200 || c["aud"] != mockentra.TokenExchangeAudience || c["sub"] != "repo:x" {
		t.Errorf("%d %s", r.status, r.body)
	}
	s.SetAzureDevOpsOIDC("ado-tok", "conn", "https://vstoken", "sc://x")
	if r := do(t, s, "POST", mockentra.AzureDevOpsOIDCPath+"?api-version=7.1&serviceConnectionId=other", "", "Authorization", "Bearer ado-tok"); r.status != 400 {
		t.Errorf("wrong connection: %d", r.status)
	}
	r = do(t, s, "POST", mockentra.AzureDevOpsOIDCPath+"?api-version=7.1&serviceConnectionId=conn", "", "Authorization", "Bearer ado-tok")
	if c := claimsOf(t, str(t, r.obj(t), "oidcToken")); r.status != 200 || c["sub"] != "sc://x" {
		t.Errorf("%d %s", r.status, r.body)
	}
}

func TestRequireIssuedTokens(t *testing.T) {
	s := entra(t)
	s.RequireIssuedTokens("")
	app := s.IssueAppToken(appID, "", []string{"User.ReadWrite.All"})
	readOnlyUser := s.IssueUserToken(mockentra.UserToken{Scopes: []string{"User.Read"}})
	writer := s.IssueUserToken(mockentra.UserToken{})
	otherAud := s.IssueUserToken(mockentra.UserToken{Audience: "https://graph.microsoft.us"})
	expired := s.IssueUserToken(mockentra.UserToken{Expires: time.Now().Add(-time.Minute)})
	foreign := New().IssueUserToken(mockentra.UserToken{})
	agentAll := s.IssueUserToken(mockentra.UserToken{Scopes: []string{"AgentIdUser.ReadWrite.All"}})
	agentParented := s.IssueUserToken(mockentra.UserToken{Scopes: []string{"AgentIdUser.ReadWrite.IdentityParentedBy"}})
	appReader := s.IssueAppToken(appID, "", []string{"User.Read.All"})
	otherUser := "/beta/users/" + OtherID
	body := map[string]any{"displayName": "A"}
	type tokenCase struct {
		name, tok, method, path string
		status                  int
		code                    string
	}
	run := func(t *testing.T, cases []tokenCase) {
		t.Helper()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var b any
				if c.method == "POST" {
					b = body
				}
				r := do(t, s, c.method, c.path, b, "Authorization", "Bearer "+c.tok)
				if r.status != c.status {
					t.Fatalf("%d %s", r.status, r.body)
				}
				if c.code != "" && object(t, r.obj(t), "error")["code"] != c.code {
					t.Errorf("%s", r.body)
				}
			})
		}
	}
	run(t, []tokenCase{
		{"not a JWT", testToken, "GET", meColl, 401, "InvalidAuthenticationToken"},
		{"another directory's token", foreign, "GET", meColl, 401, "InvalidAuthenticationToken"},
		{"expired", expired, "GET", meColl, 401, "InvalidAuthenticationToken"},
		{"wrong audience", otherAud, "GET", meColl, 401, "InvalidAuthenticationToken"},
		{"app-only with /me", app, "GET", meColl, 400, "BadRequest"},
		// Graph's current docs list application permissions as not supported, for every operation.
		{"app-only writing another user", app, "POST", otherColl, 403, "ErrorAccessDeniedForRole"},
		{"app-only reading another user's certifications", app, "GET", otherColl, 403, "ErrorAccessDeniedForRole"},
		{"app-only reading the user object", app, "GET", otherUser, 200, ""},
		{"User.Read cannot write", readOnlyUser, "POST", meColl, 403, "ErrorAccessDeniedForRole"},
		{"User.Read can read", readOnlyUser, "GET", meColl, 200, ""},
		{"User.ReadWrite writes me", writer, "POST", meColl, 201, ""},
		{"User.ReadWrite cannot write others", writer, "POST", otherColl, 403, "ErrorAccessDeniedForRole"},
		{"AgentIdUser.ReadWrite.All writes another user", agentAll, "POST", otherColl, 201, ""},
		{"AgentIdUser.ReadWrite.All reads another user", agentAll, "GET", otherColl, 200, ""},
		{"AgentIdUser.ReadWrite.IdentityParentedBy writes me", agentParented, "POST", meColl, 201, ""},
		{"AgentIdUser.ReadWrite.IdentityParentedBy writes another user", agentParented, "POST", otherColl, 201, ""},
	})
	// The older docs' application permissions, for the tests of that path.
	s.SetAllowAppOnly(true)
	run(t, []tokenCase{
		{"allowed: app-only writing another user", app, "POST", otherColl, 201, ""},
		{"allowed: app-only reading another user", appReader, "GET", otherColl, 200, ""},
		{"allowed: User.Read.All cannot write", appReader, "POST", otherColl, 403, "ErrorAccessDeniedForRole"},
		{"allowed: app-only with /me", app, "GET", meColl, 400, "BadRequest"},
	})
}

// jwtBearerAssertion is the client_assertion_type of a certificate or federated assertion.
const jwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
