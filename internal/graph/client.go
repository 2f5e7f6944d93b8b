// Package graph is the provider's thin adapter over msgraph-beta-sdk-go: it builds the
// HTTP pipeline in a fixed order, authenticates requests, and turns Graph's answers into
// typed values and typed errors. Only the SDK's models and users packages are used; the
// root package pulls in every request builder and doubles a cold build.
package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	abs "github.com/microsoft/kiota-abstractions-go"
	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
	absser "github.com/microsoft/kiota-abstractions-go/serialization"
	khttp "github.com/microsoft/kiota-http-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	core "github.com/microsoftgraph/msgraph-sdk-go-core"
)

// DefaultEndpoint is the public cloud's Graph host.
const DefaultEndpoint = "https://graph.microsoft.com"

// sdkVersion is sent in the SdkVersion header, as the SDK's own client does.
const sdkVersion = "0.165.0"

// Config is what a Client needs. Credential methods (issue: credential chain) add
// TokenSource implementations; the client does not care where a token comes from.
type Config struct {
	// Endpoint is the Graph root, for example https://graph.microsoft.com. Requests go to
	// {Endpoint}/beta/....
	Endpoint string
	// Token supplies bearer tokens. It is only asked for requests to Endpoint's host.
	Token TokenSource
	// Retry bounds the client's own retry policy. Zero values take the defaults.
	Retry RetryPolicy
	// Transport is the innermost round tripper; nil means a clone of http.DefaultTransport
	// (which honours HTTPS_PROXY, NO_PROXY and the system trust store).
	Transport http.RoundTripper
	// Identity is what the token says about its caller (identity.go); nil = not known.
	Identity *Identity
	// Cloud is the environment Graph belongs to, one of the Cloud* names (cloud.go); "" is
	// public. Endpoint may point elsewhere (a proxy, the mock); Cloud says whose schema applies.
	Cloud string
	// Batching lets concurrent deletes and list pages travel in Graph JSON batches
	// (batch.go). DeleteLinger is the longest a batch of deletes waits for company
	// (0: 200 ms), ReadLinger the wait of a batch of list pages (0: 20 ms).
	Batching     bool
	DeleteLinger time.Duration
	ReadLinger   time.Duration
}

// Client talks to Graph. It is safe for concurrent use; one instance serves a whole
// provider process.
type Client struct {
	adapter *core.GraphRequestAdapterBase
	baseURL string
	host    string
	// identity is decoded once per provider configuration; see Identity().
	identity *Identity
	cloud    string // Config.Cloud; see Cloud()

	claimsMu sync.Mutex
	claims   map[string]bool   // certification ids owned by a resource of this process
	holders  map[string]string // certification id -> the graph_person_certifications instance that holds it (Hold)

	usersMu sync.Mutex
	userIDs map[string]string // lower-cased user_id -> object id (users.go)
	upns    map[string]string // lower-cased user_id -> userPrincipalName, lower case (users.go)

	reads readCache   // coalesced reads (coalesce.go)
	pace  *pacer      // holds every request while Graph throttles this client (pace.go)
	retry RetryPolicy // the pipeline's policy, with defaults; batched creates retry their items by it
	// Batches (batch.go): nil when batching is off; batchOff once the server refused one.
	deletes, lists *batcher
	batchOff       atomic.Bool
}

// ValidateEndpoint reports whether s is an absolute http(s) URL with a host, no query, and
// no API version at the end of its path (the client appends /beta itself).
// The same rule is applied at validate time (schema) and at configure time (env var).
func ValidateEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("the endpoint is not a URL; use an absolute URL such as %s", DefaultEndpoint)
	}
	if u.User != nil {
		// Never echo credentials embedded in a URL.
		return fmt.Errorf("%q must not carry user info; give credentials through the provider's credential settings", u.Redacted())
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("%q must be an absolute http(s) URL, for example %s", s, DefaultEndpoint)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("%q has no host; use an absolute URL such as %s", s, DefaultEndpoint)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q must not carry a query, fragment or user info", s)
	}
	if version, fixed, ok := apiVersionSuffix(u); ok {
		return fmt.Errorf("%q ends in the API version /%s; drop that suffix, the provider adds /beta itself: use %q", s, version, fixed)
	}
	return nil
}

// apiVersionSuffix reports whether the URL's path ends in a Graph API version (beta or
// v1.0, any case, trailing slashes ignored), with the URL as it should be written. The
// client would otherwise call {endpoint}/beta/beta/..., and Graph's answer to that would not
// point at the setting.
func apiVersionSuffix(u *url.URL) (version, fixed string, ok bool) {
	p := strings.TrimRight(u.Path, "/")
	i := strings.LastIndex(p, "/")
	if i < 0 {
		return "", "", false
	}
	last := p[i+1:]
	if !strings.EqualFold(last, "beta") && !strings.EqualFold(last, "v1.0") {
		return "", "", false
	}
	c := url.URL{Scheme: u.Scheme, Host: u.Host, Path: p[:i]}
	return last, c.String(), true
}

// NewClient builds a Client. The endpoint's host is the only host the token is sent to.
func NewClient(cfg Config) (*Client, error) {
	endpoint := strings.TrimRight(strings.TrimSpace(cfg.Endpoint), "/")
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if err := ValidateEndpoint(endpoint); err != nil {
		return nil, err
	}
	if cfg.Token == nil {
		return nil, errors.New("no credential: a TokenSource is required")
	}
	u, _ := url.Parse(endpoint)
	host := strings.ToLower(u.Hostname())

	// Kiota attaches the token only to hosts on this list; the configured endpoint's host
	// must be on it, or every request would go out anonymous.
	hosts, err := absauth.NewAllowedHostsValidatorErrorCheck([]string{host})
	if err != nil {
		return nil, fmt.Errorf("endpoint host %q: %w", host, err)
	}
	auth := absauth.NewBaseBearerTokenAuthenticationProvider(&tokenProvider{source: cfg.Token, hosts: hosts})

	pace := newPacer(cfg.Retry.withDefaults().MaxDelay) // one for every request of this client (pace.go)
	adapter, err := core.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth,
		core.GraphClientOptions{GraphServiceVersion: "beta", GraphServiceLibraryVersion: sdkVersion},
		parseNodeFactories(),
		serializationWriterFactories(),
		&http.Client{Transport: newPipeline(cfg, pace)},
	)
	if err != nil {
		return nil, fmt.Errorf("building the Graph request adapter: %w", err)
	}
	base := endpoint + "/beta"
	adapter.SetBaseUrl(base)
	// The backing store's serialization proxy is what writes an explicit "x": null for a
	// setter called with nil; PATCH relies on it to clear a property. The SDK's root client
	// enables it the same way.
	adapter.EnableBackingStore(nil)
	c := &Client{adapter: adapter, baseURL: base, host: host, identity: cfg.Identity, cloud: cfg.Cloud, pace: pace, retry: cfg.Retry.withDefaults()}
	if cfg.Batching {
		c.deletes = newBatcher(c, cmp.Or(cfg.DeleteLinger, maxDeleteLinger), true)
		c.lists = newBatcher(c, cmp.Or(cfg.ReadLinger, readLinger), false)
	}
	return c, nil
}

// BaseURL is {endpoint}/beta.
func (c *Client) BaseURL() string { return c.baseURL }

// newPipeline builds kiota's middleware chain in a fixed order, outermost first. Kiota's
// default order comes from a Go map and changes per process; with retry outside
// compression a retried POST goes out labelled gzip but not compressed. Here there is no
// compression handler (a certification body is a few hundred bytes, and its gzip writer
// was the largest allocation of an apply; DECISIONS.md, Talking to Graph), and
// retry replays the exact bytes of the first attempt.
func newPipeline(cfg Config, pace *pacer) http.RoundTripper {
	base := cfg.Transport
	if base == nil {
		// The default's proxy, dialer and TLS settings, unless something replaced it.
		t := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
		if def, ok := http.DefaultTransport.(*http.Transport); ok {
			t = def.Clone()
		}
		t.MaxIdleConnsPerHost = 32
		t.ResponseHeaderTimeout = 90 * time.Second
		base = t
	}
	if pace != nil {
		base = &gateTransport{base: base, p: pace}
	}
	opts := &core.GraphClientOptions{GraphServiceVersion: "beta", GraphServiceLibraryVersion: sdkVersion}
	retry := newRetryHandler(cfg.Retry)
	retry.pace = pace
	middlewares := []khttp.Middleware{
		khttp.NewUrlReplaceHandler(true, core.ReplacementPairs), // /users/me-token-to-replace -> /me
		core.NewGraphTelemetryHandler(opts),                     // SdkVersion, client-request-id
		khttp.NewParametersNameDecodingHandler(),                // %24top -> $top
		khttp.NewUserAgentHandler(),
		retry,                 // the one place that decides retries, and paces every attempt
		newExchangeRecorder(), // per attempt: logging and the raw error body
	}
	return khttp.NewCustomTransportWithParentTransport(base, middlewares...)
}

func parseNodeFactories() absser.ParseNodeFactory {
	r := absser.NewParseNodeFactoryRegistry()
	r.ContentTypeAssociatedFactories["application/json"] = jsonser.NewJsonParseNodeFactory()
	return r
}

func serializationWriterFactories() absser.SerializationWriterFactory {
	r := absser.NewSerializationWriterFactoryRegistry()
	r.ContentTypeAssociatedFactories["application/json"] = jsonser.NewJsonSerializationWriterFactory()
	return r
}

// send runs a request through the pipeline and returns the raw body (nil for 204), so the
// provider decides how to read it.
func (c *Client) send(ctx context.Context, info *abs.RequestInformation) ([]byte, error) {
	v, err := c.adapter.SendPrimitive(ctx, info, "[]byte", nil)
	if err != nil || v == nil {
		return nil, err
	}
	b, _ := v.([]byte)
	return b, nil
}

// batching reports whether requests may travel in $batch: the client was built with its
// batchers, and no server has refused a batch since. Deletes and list pages go through
// their batchers; creates (create_batch.go) build their own batches under the same switch.
func (c *Client) batching() bool { return c.deletes != nil && !c.batchOff.Load() }

// stopBatching turns $batch off for every kind of request, once, saying why.
func (c *Client) stopBatching(ctx context.Context, why string) {
	if !c.batchOff.Swap(true) {
		tflog.Debug(ctx, "graph: batching turned off", map[string]interface{}{"reason": why})
	}
}
