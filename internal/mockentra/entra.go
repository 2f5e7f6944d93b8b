package mockentra

// Package mockentra is the Microsoft Entra ID fake that the Graph fake (internal/mockgraph)
// serves beside Graph: the token endpoint, the discovery documents
// MSAL (inside azidentity) reads, managed-identity endpoints, and the OIDC token
// services of GitHub Actions and Azure DevOps. Tokens it issues are JWTs signed with
// HS256 under a key only this server knows, so with RequireIssuedTokens on, a Graph call
// succeeds only with a token this very server issued, for the Graph audience it serves,
// and with a permission that allows the call.
//
// Formats follow the Microsoft identity platform documentation: the client-credentials
// grant (client_secret, or client_assertion of type jwt-bearer signed with a registered
// certificate, or a federated token), the OpenID Connect discovery document, the v1.1
// instance-discovery document, IMDS (api-version 2018-02-01, "Metadata: true") and the App
// Service identity endpoint (api-version 2019-08-01, X-IDENTITY-HEADER).

import (
	"cmp"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Identifiers of the fake directory.
const (
	// SignedInUserID and SignedInUserUPN are the user delegated tokens act for; the Graph
	// fake's "me" is this user.
	SignedInUserID  = "5c0b3f5e-8c1a-4d7e-9f43-1a2b3c4d5e6f"
	SignedInUserUPN = "adele.vance@contoso.example"
	// TenantID is the directory every app and identity lives in unless App.TenantID says otherwise.
	TenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	// TokenExchangeAudience is the audience Entra ID expects on federated tokens.
	TokenExchangeAudience = "api://AzureADTokenExchange"
	// DefaultGraphAudience is the audience of public-cloud Graph tokens.
	DefaultGraphAudience = "https://graph.microsoft.com"
	// CLIClientID is the Azure CLI's well-known application id, the appid of user tokens.
	CLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

	clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	tokenLifetime       = time.Hour
)

// App is an app registration with its service principal in the fake directory.
type App struct {
	ClientID     string
	TenantID     string // "" = TenantID
	DisplayName  string
	ObjectID     string // service principal object id; "" = generated
	Secrets      []string
	Certificates []*x509.Certificate
	Federated    []FederatedCredential
	// Roles are the application permissions granted (the roles claim), e.g. User.ReadWrite.All.
	Roles []string
}

// FederatedCredential trusts tokens from an external issuer for a subject.
type FederatedCredential struct {
	Issuer   string
	Subject  string
	Audience string // "" = TokenExchangeAudience
}

// ManagedIdentity is a managed identity reachable through the IMDS and App Service endpoints.
type ManagedIdentity struct {
	// ClientID selects a user-assigned identity; "" is the system-assigned identity.
	ClientID string
	ObjectID string // "" = generated
	Roles    []string
}

// UserToken describes a delegated token, as the Azure CLI or an interactive sign-in gets.
type UserToken struct {
	Audience string   // "" = DefaultGraphAudience
	Scopes   []string // the scp claim; nil = User.ReadWrite
	ClientID string   // the appid claim; "" = CLIClientID
	Expires  time.Time
}

// Issued is one token the fake handed out.
type Issued struct {
	Method   string // client_secret, certificate, federated, managed_identity_imds, managed_identity_app_service, user, app, oidc_github, oidc_azure_devops
	ClientID string
	Audience string
	Token    string
}

// ciIssuer is a CI system's OIDC token service: a bearer token buys an id token.
type ciIssuer struct {
	requestToken, issuer, subject, connectionID string
}

type entraState struct {
	key         []byte
	apps        map[string]*App             // by lower-case client id
	identities  map[string]*ManagedIdentity // by lower-case client id; "" = system-assigned
	github, ado *ciIssuer
	appService  string // X-IDENTITY-HEADER value; "" = the App Service endpoint is off
	requireJWT  bool
	audience    string
	issued      []Issued
}

// AddApp registers an app (and its service principal).
func (s *Server) AddApp(a App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entraLocked()
	if a.TenantID == "" {
		a.TenantID = TenantID
	}
	if a.ObjectID == "" {
		a.ObjectID = NewGUID()
	}
	if a.DisplayName == "" {
		a.DisplayName = "app " + a.ClientID
	}
	e.apps[strings.ToLower(a.ClientID)] = &a
}

// AddManagedIdentity makes an identity available on the managed-identity endpoints.
func (s *Server) AddManagedIdentity(m ManagedIdentity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entraLocked()
	if m.ObjectID == "" {
		m.ObjectID = NewGUID()
	}
	e.identities[strings.ToLower(m.ClientID)] = &m
}

// SetAppServiceIdentityHeader turns on the App Service style endpoint (/msi/token), which
// wants this value in X-IDENTITY-HEADER, as IDENTITY_HEADER gives it to a web app.
func (s *Server) SetAppServiceIdentityHeader(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entraLocked().appService = secret
}

// SetGitHubOIDC turns on a GitHub-Actions-style id token service at GitHubOIDCPath. A GET
// with "Authorization: Bearer requestToken" and an audience parameter answers
// {"value": <id token>} for issuer and subject.
func (s *Server) SetGitHubOIDC(requestToken, issuer, subject string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entraLocked().github = &ciIssuer{requestToken: requestToken, issuer: issuer, subject: subject}
}

// SetAzureDevOpsOIDC turns on an Azure-DevOps-style id token service at AzureDevOpsOIDCPath.
// A POST with "?api-version=7.1&serviceConnectionId=connectionID" and "Authorization: Bearer
// systemAccessToken" answers {"oidcToken": <id token>} for issuer and subject.
func (s *Server) SetAzureDevOpsOIDC(systemAccessToken, connectionID, issuer, subject string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entraLocked().ado = &ciIssuer{requestToken: systemAccessToken, issuer: issuer, subject: subject, connectionID: connectionID}
}

// Paths of the CI token services and the managed-identity endpoints.
const (
	GitHubOIDCPath      = "/_services/github/idtoken" // query api-version=2.0, as the Actions runtime's URL carries
	AzureDevOpsOIDCPath = "/_apis/distributedtask/hubs/build/plans/plan/jobs/job/oidctoken"
	IMDSPath            = "/metadata/identity/oauth2/token"
	AppServicePath      = "/msi/token"
)

// RequireIssuedTokens turns token checking on: every Graph call must carry a token this
// server issued, unexpired, whose aud is audience ("" = DefaultGraphAudience), and whose
// roles or scp allow the call; /me needs a delegated token. Leave SetAcceptedToken unset
// (any bearer token passes that first check; this one decides).
func (s *Server) RequireIssuedTokens(audience string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entraLocked()
	e.requireJWT = true
	e.audience = cmp.Or(audience, DefaultGraphAudience)
}

// IssuedTokens returns the tokens handed out so far, oldest first.
func (s *Server) IssuedTokens() []Issued {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.entraLocked().issued)
}

// IssueUserToken returns a delegated token for the signed-in user (SignedInUserID), as `az account
// get-access-token` would print it.
func (s *Server) IssueUserToken(u UserToken) string {
	scopes := u.Scopes
	if scopes == nil {
		scopes = []string{"User.ReadWrite"}
	}
	exp := u.Expires
	if exp.IsZero() {
		exp = time.Now().Add(tokenLifetime)
	}
	aud := cmp.Or(u.Audience, DefaultGraphAudience)
	appID := cmp.Or(u.ClientID, CLIClientID)
	now := time.Now()
	claims := map[string]any{
		"aud": aud, "iss": "https://sts.windows.net/" + TenantID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(),
		"acr": "1", "amr": []string{"pwd", "mfa"}, "app_displayname": "Microsoft Azure CLI",
		"appid": appID, "appidacr": "0", "idtyp": "user", "name": "Adele Vance",
		"oid": SignedInUserID, "sub": SignedInUserID, "tid": TenantID, "scp": strings.Join(scopes, " "),
		"unique_name": SignedInUserUPN, "upn": SignedInUserUPN, "uti": NewGUID(), "ver": "1.0",
	}
	tok := s.sign(claims)
	s.record(Issued{Method: "user", ClientID: appID, Audience: aud, Token: tok})
	return tok
}

// IssueAppToken returns an app-only token for clientID with the given application
// permissions, as a client-credentials grant would.
func (s *Server) IssueAppToken(clientID, audience string, roles []string) string {
	aud := cmp.Or(audience, DefaultGraphAudience)
	tok := s.appToken(clientID, NewGUID(), "app "+clientID, aud, "1", roles)
	s.record(Issued{Method: "app", ClientID: clientID, Audience: aud, Token: tok})
	return tok
}

// IssueIDToken returns an id token as a CI system's OIDC service would: signed by this
// server, for issuer, subject and audience ("" = TokenExchangeAudience).
func (s *Server) IssueIDToken(issuer, subject, audience string) string {
	now := time.Now()
	return s.sign(map[string]any{
		"iss": issuer, "sub": subject, "aud": cmp.Or(audience, TokenExchangeAudience),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "jti": NewGUID(),
	})
}

func (s *Server) entraLocked() *entraState {
	e := &s.state
	if e.key == nil {
		e.key = make([]byte, 32)
		_, _ = rand.Read(e.key)
		e.apps = map[string]*App{}
		e.identities = map[string]*ManagedIdentity{}
		e.audience = DefaultGraphAudience
	}
	return e
}

func (s *Server) record(i Issued) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entraLocked()
	e.issued = append(e.issued, i)
}

func (s *Server) appToken(clientID, objectID, name, aud, appidacr string, roles []string) string {
	now := time.Now()
	claims := map[string]any{
		"aud": aud, "iss": "https://sts.windows.net/" + TenantID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(tokenLifetime).Unix(),
		"app_displayname": name, "appid": clientID, "appidacr": appidacr, "idtyp": "app",
		"oid": objectID, "sub": objectID, "tid": TenantID, "uti": NewGUID(), "ver": "1.0",
	}
	if len(roles) > 0 {
		claims["roles"] = roles
	}
	return s.sign(claims)
}

// serveEntra answers the Entra ID, managed-identity and CI token routes. It reports
// whether the request was one of them.
func (s *Server) serveEntra(w http.ResponseWriter, r *http.Request, body []byte) bool {
	p := r.URL.Path
	segs := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case p == IMDSPath && r.Method == http.MethodGet:
		s.serveIMDS(w, r)
	case p == AppServicePath && r.Method == http.MethodGet:
		s.serveAppService(w, r)
	case p == GitHubOIDCPath:
		s.serveGitHubOIDC(w, r)
	case p == AzureDevOpsOIDCPath:
		s.serveAzureDevOpsOIDC(w, r)
	case len(segs) == 3 && segs[0] == "common" && segs[1] == "discovery" && segs[2] == "instance":
		s.serveInstanceDiscovery(w, r)
	case len(segs) == 4 && segs[1] == "v2.0" && segs[2] == ".well-known" && segs[3] == "openid-configuration":
		s.serveOpenIDConfiguration(w, r, segs[0])
	case len(segs) == 4 && segs[1] == "oauth2" && segs[2] == "v2.0" && segs[3] == "token":
		s.serveToken(w, r, segs[0], body)
	default:
		return false
	}
	return true
}

// authority is the scheme and host the client reached us on: the discovery documents
// name endpoints on the same host, as Entra ID does.
func authority(r *http.Request) string {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	return scheme + "://" + r.Host
}

func (s *Server) knownTenant(t string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entraLocked()
	if strings.EqualFold(t, TenantID) || strings.EqualFold(t, "contoso.example") {
		return TenantID, true
	}
	for _, a := range e.apps {
		if strings.EqualFold(a.TenantID, t) {
			return a.TenantID, true
		}
	}
	return "", false
}

func (s *Server) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request, tenant string) {
	tid, ok := s.knownTenant(tenant)
	if !ok {
		writeOAuthError(w, http.StatusBadRequest, "invalid_tenant", 90002,
			fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant))
		return
	}
	base := authority(r)
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/" + tenant + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/" + tenant + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                base + "/" + tid + "/v2.0",
		"request_uri_parameter_supported":       false,
		"authorization_endpoint":                base + "/" + tenant + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/" + tenant + "/oauth2/v2.0/devicecode",
		"end_session_endpoint":                  base + "/" + tenant + "/oauth2/v2.0/logout",
		"tenant_region_scope":                   "WW",
		"cloud_instance_name":                   "microsoftonline.com",
	})
}

func (s *Server) serveInstanceDiscovery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ae, err := url.Parse(q.Get("authorization_endpoint"))
	segs := []string{}
	if err == nil {
		segs = strings.Split(strings.Trim(ae.Path, "/"), "/")
	}
	if err != nil || ae.Host == "" || len(segs) < 1 || segs[0] == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_instance", 50049, "Unknown or invalid instance.")
		return
	}
	host := ae.Host
	writeJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": "https://" + host + "/" + segs[0] + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": host,
			"preferred_cache":   host,
			"aliases":           []string{host},
		}},
	})
}

// serveToken is the client-credentials grant.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, tenant string, body []byte) {
	if r.Method != http.MethodPost {
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", 900561, "The endpoint only accepts POST requests.")
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must be application/x-www-form-urlencoded.")
		return
	}
	tid, ok := s.knownTenant(tenant)
	if !ok {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", 90002,
			fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant))
		return
	}
	if gt := form.Get("grant_type"); gt != "client_credentials" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", 70003,
			fmt.Sprintf("The app requested an unsupported grant type '%s'.", gt))
		return
	}
	clientID := form.Get("client_id")
	a, found := lookup(s, func(e *entraState) map[string]*App { return e.apps }, clientID)
	if !found || !strings.EqualFold(a.TenantID, tid) {
		writeOAuthError(w, http.StatusBadRequest, "unauthorized_client", 700016,
			fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.", clientID, tenant))
		return
	}
	aud, ok := resourceOfScope(form.Get("scope"))
	if !ok {
		writeOAuthError(w, http.StatusBadRequest, "invalid_scope", 1002012,
			fmt.Sprintf("The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", form.Get("scope")))
		return
	}

	var method, appidacr string
	switch {
	case form.Has("client_secret"):
		method, appidacr = "client_secret", "1"
		if !slices.Contains(a.Secrets, form.Get("client_secret")) {
			writeOAuthError(w, http.StatusUnauthorized, "invalid_client", 7000215,
				fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", a.ClientID))
			return
		}
	case form.Get("client_assertion_type") == clientAssertionType:
		assertion := form.Get("client_assertion")
		if isFederated(assertion) {
			method, appidacr = "federated", "2"
			if msg, code := s.checkFederated(assertion, a); msg != "" {
				writeOAuthError(w, http.StatusBadRequest, "invalid_client", code, msg)
				return
			}
		} else {
			method, appidacr = "certificate", "2"
			endpoint := authority(r) + r.URL.Path
			if msg, code := checkCertificateAssertion(assertion, a, endpoint); msg != "" {
				writeOAuthError(w, http.StatusUnauthorized, "invalid_client", code, msg)
				return
			}
		}
	default:
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
		return
	}
	tok := s.appToken(a.ClientID, a.ObjectID, a.DisplayName, aud, appidacr, a.Roles)
	s.record(Issued{Method: method, ClientID: a.ClientID, Audience: aud, Token: tok})
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type":     "Bearer",
		"expires_in":     int(tokenLifetime.Seconds()) - 1,
		"ext_expires_in": int(tokenLifetime.Seconds()) - 1,
		"access_token":   tok,
	})
}

// resourceOfScope takes a client-credentials scope, "{resource}/.default", to its resource.
func resourceOfScope(scope string) (string, bool) {
	var resource string
	for _, f := range strings.Fields(scope) {
		switch f {
		case "openid", "profile", "offline_access", "email":
			continue
		}
		if resource != "" || !strings.HasSuffix(f, "/.default") {
			return "", false
		}
		resource = strings.TrimSuffix(f, "/.default")
	}
	return resource, resource != ""
}

// isFederated tells a federated token (signed by this server's key, HS256) from a
// certificate assertion (RS256/PS256 with a thumbprint).
func isFederated(assertion string) bool {
	h, _, _, err := splitJWT(assertion)
	return err == nil && h["alg"] == "HS256"
}

func (s *Server) checkFederated(assertion string, a App) (string, int) {
	claims, err := s.verify(assertion)
	if err != nil {
		return "AADSTS50027: JWT token is invalid or malformed: " + err.Error(), 50027
	}
	iss, _ := claims["iss"].(string)
	sub, _ := claims["sub"].(string)
	aud := audiences(claims["aud"])
	var issuerKnown bool
	for _, f := range a.Federated {
		if f.Issuer != iss {
			continue
		}
		issuerKnown = true
		if f.Subject == sub && slices.Contains(aud, cmp.Or(f.Audience, TokenExchangeAudience)) {
			return "", 0
		}
	}
	if !issuerKnown {
		return fmt.Sprintf("AADSTS700211: No matching federated identity record found for presented assertion issuer '%s'.", iss), 700211
	}
	return fmt.Sprintf("AADSTS700213: No matching federated identity record found for presented assertion subject '%s'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.", sub), 700213
}

// checkCertificateAssertion validates a private_key_jwt assertion: its thumbprint names a
// certificate registered on the app, the signature verifies under that certificate's key,
// and aud, iss, sub, nbf and exp are what Entra ID requires.
func checkCertificateAssertion(assertion string, a App, endpoint string) (string, int) {
	header, claims, signed, err := splitJWT(assertion)
	if err != nil {
		return "AADSTS50027: JWT token is invalid or malformed.", 50027
	}
	var cert *x509.Certificate
	for _, c := range a.Certificates {
		s256 := sha256.Sum256(c.Raw)
		s1 := sha1.Sum(c.Raw) //nolint:gosec // x5t
		if thumbprintMatches(header["x5t#S256"], s256[:]) || thumbprintMatches(header["x5t"], s1[:]) {
			cert = c
			break
		}
	}
	if cert == nil {
		return fmt.Sprintf("AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%v', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'.]", header["x5t#S256"], a.ClientID), 700027
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key is not an RSA key.]", 700027
	}
	digest := sha256.Sum256(signed.input)
	switch header["alg"] {
	case "PS256":
		err = rsa.VerifyPSS(pub, crypto.SHA256, digest[:], signed.sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	case "RS256":
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], signed.sig)
	default:
		err = fmt.Errorf("algorithm %v", header["alg"])
	}
	if err != nil {
		return "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was found but the signature does not verify.]", 700027
	}
	now := time.Now().Unix()
	exp, nbf := numberClaim(claims["exp"]), numberClaim(claims["nbf"])
	switch {
	case !slices.Contains(audiences(claims["aud"]), endpoint):
		return fmt.Sprintf("AADSTS700016: The audience of the client assertion %v is not the token endpoint %s.", claims["aud"], endpoint), 700016
	case claims["iss"] != a.ClientID || claims["sub"] != a.ClientID:
		return "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter.", 700021
	case exp < now || nbf > now+300:
		return "AADSTS700024: Client assertion is not within its valid time range.", 700024
	}
	return "", 0
}

func thumbprintMatches(v any, sum []byte) bool {
	s, ok := v.(string)
	if !ok || s == "" {
		return false
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && hmac.Equal(b, sum) {
			return true
		}
	}
	return false
}

func (s *Server) serveIMDS(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Metadata") != "true" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Required metadata header not specified"})
		return
	}
	s.serveManagedIdentity(w, r, "2018-02-01", "managed_identity_imds")
}

func (s *Server) serveAppService(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	want := s.entraLocked().appService
	s.mu.Unlock()
	if want == "" || !hmac.Equal([]byte(r.Header.Get("X-IDENTITY-HEADER")), []byte(want)) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"statusCode": 401, "message": "Unauthorized request: X-IDENTITY-HEADER is missing or wrong."})
		return
	}
	s.serveManagedIdentity(w, r, "2019-08-01", "managed_identity_app_service")
}

func (s *Server) serveManagedIdentity(w http.ResponseWriter, r *http.Request, apiVersion, method string) {
	q := r.URL.Query()
	if q.Get("api-version") != apiVersion {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Invalid or missing api-version; want " + apiVersion})
		return
	}
	resource := q.Get("resource")
	if resource == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Required query variable 'resource' is missing"})
		return
	}
	clientID := q.Get("client_id")
	m, ok := lookup(s, func(e *entraState) map[string]*ManagedIdentity { return e.identities }, clientID)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Identity not found"})
		return
	}
	id := m.ClientID
	if id == "" {
		id = "00000000-0000-0000-0000-00000000a11e" // the system-assigned identity's app id
	}
	tok := s.appToken(id, m.ObjectID, "managed identity", resource, "2", m.Roles)
	s.record(Issued{Method: method, ClientID: id, Audience: resource, Token: tok})
	now := time.Now()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "client_id": id, "expires_in": strconv.Itoa(int(tokenLifetime.Seconds())),
		"expires_on": strconv.FormatInt(now.Add(tokenLifetime).Unix(), 10), "ext_expires_in": strconv.Itoa(int(tokenLifetime.Seconds())),
		"not_before": strconv.FormatInt(now.Unix(), 10), "resource": resource, "token_type": "Bearer",
	})
}

// ciRequest admits a request to a CI token service: the service is on, the method is
// its own, and the runner's request token is presented; otherwise it answers w itself.
func (s *Server) ciRequest(w http.ResponseWriter, r *http.Request, which func(*entraState) *ciIssuer, method, unauthorized string) (*ciIssuer, bool) {
	s.mu.Lock()
	ci := which(s.entraLocked())
	s.mu.Unlock()
	switch {
	case ci == nil || r.Method != method:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
	case !bearerIs(r, ci.requestToken):
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": unauthorized})
	default:
		return ci, true
	}
	return nil, false
}

func (s *Server) serveGitHubOIDC(w http.ResponseWriter, r *http.Request) {
	gh, ok := s.ciRequest(w, r, func(e *entraState) *ciIssuer { return e.github }, http.MethodGet, "Unauthorized")
	if !ok {
		return
	}
	aud := r.URL.Query().Get("audience")
	tok := s.IssueIDToken(gh.issuer, gh.subject, cmp.Or(aud, "https://github.com/contoso"))
	s.record(Issued{Method: "oidc_github", Audience: aud, Token: tok})
	writeJSON(w, http.StatusOK, map[string]any{"count": 1, "value": tok})
}

func (s *Server) serveAzureDevOpsOIDC(w http.ResponseWriter, r *http.Request) {
	ado, ok := s.ciRequest(w, r, func(e *entraState) *ciIssuer { return e.ado }, http.MethodPost,
		"TF400813: The user is not authorized to access this resource.")
	if !ok {
		return
	}
	q := r.URL.Query()
	if q.Get("api-version") == "" || q.Get("serviceConnectionId") != ado.connectionID {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": fmt.Sprintf("No service connection found with identifier '%s'.", q.Get("serviceConnectionId"))})
		return
	}
	tok := s.IssueIDToken(ado.issuer, ado.subject, TokenExchangeAudience)
	s.record(Issued{Method: "oidc_azure_devops", Audience: TokenExchangeAudience, Token: tok})
	writeJSON(w, http.StatusOK, map[string]any{"oidcToken": tok})
}

func bearerIs(r *http.Request, want string) bool {
	scheme, tok, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	return strings.EqualFold(scheme, "Bearer") && want != "" && hmac.Equal([]byte(strings.TrimSpace(tok)), []byte(want))
}

// writeOAuthError is Entra ID's error body.
func writeOAuthError(w http.ResponseWriter, status int, code string, aadsts int, msg string) {
	trace, corr := NewGUID(), NewGUID()
	ts := time.Now().UTC().Format("2006-01-02 15:04:05Z")
	desc := msg
	if !strings.HasPrefix(desc, "AADSTS") {
		desc = fmt.Sprintf("AADSTS%d: %s", aadsts, msg)
	}
	desc += fmt.Sprintf(" Trace ID: %s Correlation ID: %s Timestamp: %s", trace, corr, ts)
	writeJSON(w, status, map[string]any{
		"error": code, "error_description": desc, "error_codes": []int{aadsts},
		"timestamp": ts, "trace_id": trace, "correlation_id": corr,
		"error_uri": "https://login.microsoftonline.com/error?code=" + strconv.Itoa(aadsts),
	})
}

// JWT helpers.

type signedPart struct {
	input []byte
	sig   []byte
}

func splitJWT(tok string) (header, claims map[string]any, signed signedPart, err error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, nil, signed, errors.New("not a JWT")
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, nil, signed, errors.New("not a JWT")
	}
	dec := json.NewDecoder(strings.NewReader(string(cb)))
	dec.UseNumber()
	if json.Unmarshal(hb, &header) != nil || dec.Decode(&claims) != nil {
		return nil, nil, signed, errors.New("not a JWT")
	}
	return header, claims, signedPart{input: []byte(parts[0] + "." + parts[1]), sig: sig}, nil
}

func (s *Server) sign(claims map[string]any) string {
	s.mu.Lock()
	key := s.entraLocked().key
	s.mu.Unlock()
	h, _ := json.Marshal(map[string]any{"alg": "HS256", "typ": "JWT", "kid": "mockgraph"})
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verify checks a token this server signed: signature, nbf and exp.
func (s *Server) verify(tok string) (map[string]any, error) {
	header, claims, signed, err := splitJWT(tok)
	if err != nil {
		return nil, err
	}
	if header["alg"] != "HS256" {
		return nil, errors.New("the token was not issued by this directory")
	}
	s.mu.Lock()
	key := s.entraLocked().key
	s.mu.Unlock()
	m := hmac.New(sha256.New, key)
	m.Write(signed.input)
	if !hmac.Equal(m.Sum(nil), signed.sig) {
		return nil, errors.New("the token was not issued by this directory")
	}
	now := time.Now().Unix()
	if numberClaim(claims["exp"]) < now {
		return nil, errors.New("lifetime validation failed, the token is expired")
	}
	if numberClaim(claims["nbf"]) > now+300 {
		return nil, errors.New("lifetime validation failed, the token is not yet valid")
	}
	return claims, nil
}

// numberClaim reads a NumericDate claim; 0 when absent or malformed.
func numberClaim(v any) int64 {
	switch n := v.(type) {
	case json.Number:
		i, _ := n.Int64()
		return i
	case float64:
		return int64(n)
	}
	return 0
}

// audiences reads a string-or-array claim.
func audiences(v any) []string {
	switch a := v.(type) {
	case string:
		return []string{a}
	case []any:
		out := make([]string, 0, len(a))
		for _, x := range a {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Server is the Entra ID fake: apps, managed identities, CI token services and the
// tokens it issued, behind a mutex of its own. The Graph fake embeds one and hands it
// every request that is not for Graph (Serve).
type Server struct {
	mu    sync.Mutex
	state entraState
}

// New returns an empty directory with its own signing key.
func New() *Server { return &Server{} }

// Serve answers the Entra ID, managed-identity and CI token routes. It reports whether
// the request was one of them.
func (s *Server) Serve(w http.ResponseWriter, r *http.Request, body []byte) bool {
	return s.serveEntra(w, r, body)
}

// Verify checks a token this server issued (signature, expiry) and returns its claims.
func (s *Server) Verify(tok string) (map[string]any, error) { return s.verify(tok) }

// Requirement says whether Graph accepts only tokens this server issued
// (RequireIssuedTokens), and for which audience.
func (s *Server) Requirement() (on bool, audience string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entraLocked()
	return e.requireJWT, e.audience
}

// Audiences reads an aud claim, a string or a list of them.
func Audiences(v any) []string { return audiences(v) }

// lookup copies the registered app or identity with this client id (any letter case).
func lookup[T any](s *Server, registry func(*entraState) map[string]*T, clientID string) (T, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out T
	p, ok := registry(s.entraLocked())[strings.ToLower(clientID)]
	if ok {
		out = *p
	}
	return out, ok
}

// NewGUID returns a random version-4 GUID in lower case.
func NewGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// writeJSON answers v as application/json, as Entra ID's endpoints do.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("mockentra: encoding response: %v", err)) // only our own maps are encoded
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// ForeignToken is a JWT with these claims that this server did not sign, as a token from
// another issuer looks to a client that reads claims without checking signatures.
func ForeignToken(claims map[string]any) string {
	b, err := json.Marshal(claims)
	if err != nil {
		panic(fmt.Sprintf("mockentra: encoding claims: %v", err)) // only the caller's own maps are encoded
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(b) + ".c2lnbmF0dXJl"
}
