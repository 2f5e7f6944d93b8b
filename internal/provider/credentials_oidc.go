package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// The OIDC methods hand azidentity's ClientAssertionCredential a function that returns
// the id token to exchange. azidentity's AzurePipelinesCredential would do the Azure
// DevOps request itself, but it reads the request URL only from the process's
// SYSTEM_OIDCREQUESTURI, so oidc_request_url could not win over the environment; the
// request here is the same one it sends.

// federatedAudience is the audience Entra ID requires of federated tokens.
const federatedAudience = "api://AzureADTokenExchange"

// maxIDTokenResponse bounds what is read from a CI token service.
const maxIDTokenResponse = 1 << 20

// tokenFileAssertion reads the file for every exchange: projected tokens are rotated.
func tokenFileAssertion(file setting, r *redactor) func(context.Context) (string, error) {
	return func(context.Context) (string, error) {
		b, err := os.ReadFile(file.value)
		if err != nil {
			return "", fmt.Errorf("reading oidc_token_file_path (from %s): %s", file.from, pathError(err))
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", fmt.Errorf("the OIDC token file named by oidc_token_file_path (from %s) is empty", file.from)
		}
		r.add(tok)
		return tok, nil
	}
}

// gitHubAssertion asks the GitHub Actions runtime for an id token:
// GET {ACTIONS_ID_TOKEN_REQUEST_URL}&audience=api://AzureADTokenExchange with the request
// token as bearer; the answer is {"value": "<jwt>"}.
func gitHubAssertion(in *credentialInput, requestURL, requestToken string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		u, err := url.Parse(requestURL)
		if err != nil {
			return "", errors.New("oidc_request_url is not a URL")
		}
		q := u.Query()
		q.Set("audience", federatedAudience)
		u.RawQuery = q.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("Authorization", "Bearer "+requestToken)
		req.Header.Set("Accept", "application/json; api-version=2.0")
		var out struct {
			Value string `json:"value"`
		}
		if err := in.fetchIDToken(req, "GitHub Actions", &out); err != nil {
			return "", err
		}
		return in.idToken("GitHub Actions", out.Value)
	}
}

// azureDevOpsAssertion asks Azure Pipelines for an id token of a service connection:
// POST {SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=... with
// SYSTEM_ACCESSTOKEN as bearer; the answer is {"oidcToken": "<jwt>"}.
func azureDevOpsAssertion(in *credentialInput, requestURL, accessToken, connectionID string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		u, err := url.Parse(requestURL)
		if err != nil {
			return "", errors.New("oidc_request_url is not a URL")
		}
		q := u.Query()
		q.Set("api-version", "7.1")
		q.Set("serviceConnectionId", connectionID)
		u.RawQuery = q.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("Authorization", "Bearer "+accessToken)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-TFS-FedAuthRedirect", "Suppress") // 401 instead of a sign-in redirect
		var out struct {
			OIDCToken string `json:"oidcToken"`
		}
		if err := in.fetchIDToken(req, "Azure DevOps", &out); err != nil {
			return "", err
		}
		return in.idToken("Azure DevOps", out.OIDCToken)
	}
}

func (in *credentialInput) fetchIDToken(req *http.Request, service string, out any) error {
	ctx, cancel := context.WithTimeout(req.Context(), 30*time.Second)
	defer cancel()
	resp, err := (&http.Client{Transport: in.transport}).Do(req.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("requesting an OIDC token from %s (%s %s): %w", service, req.Method, redactedURL(req.URL), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxIDTokenResponse))
	if resp.StatusCode != http.StatusOK {
		// Error bodies carry messages, never tokens; they are still redacted on the way out.
		return fmt.Errorf("%s's OIDC token service answered %s for %s %s: %s", service, resp.Status, req.Method,
			redactedURL(req.URL), graph.Truncate(strings.TrimSpace(string(body)), 300))
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s's OIDC token service answered something that is not JSON", service)
	}
	return nil
}

func (in *credentialInput) idToken(service, tok string) (string, error) {
	if tok == "" {
		return "", fmt.Errorf("%s's OIDC token service answered without a token", service)
	}
	in.redact.add(tok)
	return tok, nil
}

// redactedURL drops the query, which can carry run identifiers but never needs to be shown.
func redactedURL(u *url.URL) string {
	c := *u
	c.RawQuery, c.User = "", nil
	return c.String()
}

// imdsHost and imdsPath are where azidentity sends managed-identity token requests
// when no platform variables name another endpoint.
const (
	imdsHost = "169.254.169.254"
	imdsPath = "/metadata/identity/oauth2/token"
)

func imdsTarget(endpoint string) (*url.URL, error) {
	if err := validateAbsURL(endpoint, "http", "https"); err != nil {
		return nil, err
	}
	u, _ := url.Parse(endpoint)
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("must not carry a query or fragment")
	}
	return u, nil
}

// imdsRedirect sends azidentity's IMDS requests to msi_endpoint instead, unchanged
// otherwise (same query, same Metadata header): azidentity has no option for a custom
// IMDS endpoint, and reading one from the process environment would defeat
// configuration-wins.
type imdsRedirect struct {
	to   *url.URL
	next http.RoundTripper
}

func (t *imdsRedirect) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == imdsHost && req.URL.Path == imdsPath {
		r := req.Clone(req.Context())
		u := *req.URL
		u.Scheme, u.Host, u.Path, u.RawPath = t.to.Scheme, t.to.Host, t.to.Path, t.to.RawPath
		r.URL, r.Host = &u, ""
		return t.next.RoundTrip(r)
	}
	return t.next.RoundTrip(req)
}
