package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/microsoft/kiota-abstractions-go/serialization"
	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

const token = "t"

// fixture is a Graph fake that accepts only the test token, and a client pointed at it.
func fixture(t *testing.T) (*mockgraph.Server, *graph.Client) {
	t.Helper()
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken(token)
	return s, newClient(t, s)
}

func newClient(t *testing.T, s *mockgraph.Server) *graph.Client {
	t.Helper()
	c, err := graph.NewClient(graph.Config{Endpoint: s.URL, Token: graph.StaticToken(token)})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func body(displayName string) models.PersonCertificationable {
	b := models.NewPersonCertification()
	b.SetDisplayName(&displayName)
	return b
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func TestNewClient(t *testing.T) {
	tests := []struct {
		name     string
		cfg      graph.Config
		wantBase string
		wantErr  string
	}{
		{"default endpoint", graph.Config{Token: graph.StaticToken("x")}, "https://graph.microsoft.com/beta", ""},
		{"trailing slash trimmed", graph.Config{Endpoint: "https://graph.microsoft.us/", Token: graph.StaticToken("x")}, "https://graph.microsoft.us/beta", ""},
		{"spaces trimmed", graph.Config{Endpoint: " http://127.0.0.1:8080 ", Token: graph.StaticToken("x")}, "http://127.0.0.1:8080/beta", ""},
		{"no token source", graph.Config{Endpoint: "https://graph.microsoft.com"}, "", "TokenSource"},
		{"bad endpoint", graph.Config{Endpoint: "graph.microsoft.com", Token: graph.StaticToken("x")}, "", "absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := graph.NewClient(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			if c.BaseURL() != tt.wantBase {
				t.Errorf("BaseURL = %q, want %q", c.BaseURL(), tt.wantBase)
			}
		})
	}
}

func TestStaticTokenIsRedacted(t *testing.T) {
	tok := graph.StaticToken("super-secret-value")
	if s := fmt.Sprintf("%v %s %q %+v", tok, tok, tok, tok); strings.Contains(s, "super-secret-value") {
		t.Errorf("token revealed by formatting: %s", s)
	}
	got, err := tok.Token(context.Background())
	if err != nil || got != "super-secret-value" {
		t.Errorf("Token() = %q, %v", got, err)
	}
}

// TestCRUDRoundTrip drives every call against the fake for /me and for another user
// addressed by UPN, and checks the paths the server saw.
func TestCRUDRoundTrip(t *testing.T) {
	tests := []struct {
		user   string
		prefix string // decoded request path of the collection
		owner  string // the fake's user key
	}{
		{graph.Me, "/beta/me/profile/certifications", "me"},
		{mockgraph.OtherUPN, "/beta/users/megan.bowen@contoso.example/profile/certifications", mockgraph.OtherID},
		{mockgraph.OtherID, "/beta/users/" + mockgraph.OtherID + "/profile/certifications", mockgraph.OtherID},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			s, c := fixture(t)
			ctx := ctxT(t)

			in := body("Azure Fundamentals")
			in.SetCertificationId(ptr("AZ-900"))
			start := mustDate(t, "2024-01-15")
			in.SetStartDate(start)
			aud := models.AllowedAudiences(models.ORGANIZATION_ALLOWEDAUDIENCES | models.EVERYONE_ALLOWEDAUDIENCES)
			in.SetAllowedAudiences(&aud)
			created, err := c.CreateCertification(ctx, tt.user, in)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			id := deref(created.GetId())
			if id == "<nil>" || id == "" {
				t.Fatal("create returned no id")
			}
			if deref(created.GetDisplayName()) != "Azure Fundamentals" || created.GetStartDate().String() != "2024-01-15" ||
				created.GetAllowedAudiences() == nil || *created.GetAllowedAudiences() != aud {
				t.Errorf("created = %s / %s / %v", deref(created.GetDisplayName()), created.GetStartDate(), created.GetAllowedAudiences())
			}
			if created.GetCreatedBy() == nil || deref(created.GetCreatedBy().GetUser().GetId()) != mockgraph.MeID {
				t.Error("createdBy is not the caller")
			}

			got, err := c.GetCertification(ctx, tt.user, id)
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if deref(got.GetCertificationId()) != "AZ-900" {
				t.Errorf("get certificationId = %s", deref(got.GetCertificationId()))
			}

			patch := models.NewPersonCertification()
			patch.SetDescription(ptr("now with a description"))
			patch.SetCertificationId(nil) // an explicit null clears it
			updated, err := c.UpdateCertification(ctx, tt.user, id, patch)
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			if deref(updated.GetDescription()) != "now with a description" || updated.GetCertificationId() != nil ||
				deref(updated.GetDisplayName()) != "Azure Fundamentals" {
				t.Errorf("updated = desc %s, certId %s, name %s", deref(updated.GetDescription()),
					deref(updated.GetCertificationId()), deref(updated.GetDisplayName()))
			}
			if obj, ok := s.Certification(tt.owner, id); !ok || obj["certificationId"] != nil {
				t.Errorf("server object after the clear: %v (found %v)", obj, ok)
			}

			if err := c.DeleteCertification(ctx, tt.user, id); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if n := len(s.Certifications(tt.owner)); n != 0 {
				t.Errorf("%d certifications left after delete", n)
			}
			_, err = c.GetCertification(ctx, tt.user, id)
			if !graph.IsNotFound(err) {
				t.Errorf("get after delete: err = %v, want a 404", err)
			}
			err = c.DeleteCertification(ctx, tt.user, id)
			if !graph.IsNotFound(err) {
				t.Errorf("second delete: err = %v, want a 404", err)
			}

			want := []struct{ method, path string }{
				{http.MethodPost, tt.prefix},
				{http.MethodGet, tt.prefix + "/" + id},
				{http.MethodPatch, tt.prefix + "/" + id},
				{http.MethodDelete, tt.prefix + "/" + id},
				{http.MethodGet, tt.prefix + "/" + id},
				{http.MethodDelete, tt.prefix + "/" + id},
			}
			reqs := s.Requests()
			if len(reqs) != len(want) {
				t.Fatalf("%d requests, want %d: %v", len(reqs), len(want), reqs)
			}
			for i, w := range want {
				r := reqs[i]
				if r.Method != w.method || r.Path != w.path {
					t.Errorf("request %d = %s %s, want %s %s", i, r.Method, r.Path, w.method, w.path)
				}
				if got := r.Header.Get("Authorization"); got != "Bearer "+token {
					t.Errorf("request %d Authorization = %q", i, got)
				}
				if r.Header.Get("client-request-id") == "" || r.Header.Get("SdkVersion") == "" {
					t.Errorf("request %d lacks the SDK's telemetry headers: %v", i, r.Header)
				}
				if r.Header.Get("Retry-Attempt") != "" {
					t.Errorf("request %d carries Retry-Attempt without a retry", i)
				}
			}
		})
	}
}

// TestUPNIsEscapedOnTheWire: the UPN's @ travels percent-encoded, as the SDK's URI
// template expands it; the fake matches on the decoded path.
func TestUPNIsEscapedOnTheWire(t *testing.T) {
	s := mockgraph.New()
	s.SetAcceptedToken(token)
	var mu sync.Mutex
	var escaped []string
	inner := s.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		escaped = append(escaped, r.URL.EscapedPath())
		mu.Unlock()
		inner.ServeHTTP(w, r)
	}))
	defer ts.Close()
	c, err := graph.NewClient(graph.Config{Endpoint: ts.URL, Token: graph.StaticToken(token)})
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateCertification(ctxT(t), mockgraph.OtherUPN, body("x"))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if _, err := c.GetCertification(ctxT(t), mockgraph.OtherUPN, deref(created.GetId())); err != nil {
		t.Fatalf("get: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(escaped) != 2 || escaped[0] != "/beta/users/megan.bowen%40contoso.example/profile/certifications" ||
		!strings.HasPrefix(escaped[1], "/beta/users/megan.bowen%40contoso.example/profile/certifications/") {
		t.Errorf("escaped paths = %q", escaped)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/beta/users/"+mockgraph.OtherUPN+"/profile/certifications" {
		t.Errorf("decoded paths = %v", reqs)
	}
}

// TestThrottledPostIsRetriedIntact: a POST throttled three times arrives intact, the same
// bytes with no Content-Encoding label, on every attempt and creates exactly one object.
// Kiota's own pipeline order changed per process, which made retried bodies corrupt in
// some runs (labelled gzip, sent plain); ours is fixed, so every run must pass.
func TestThrottledPostIsRetriedIntact(t *testing.T) {
	for run := range 20 {
		s := mockgraph.Start()
		s.SetAcceptedToken(token)
		s.Inject(mockgraph.Fault{Op: "create", Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 3})
		c := newClient(t, s)

		created, err := c.CreateCertification(ctxT(t), graph.Me, body("Throttled"))
		if err != nil {
			s.Close()
			t.Fatalf("run %d: create: %v", run, err)
		}
		reqs := s.Requests()
		if len(reqs) != 4 {
			t.Fatalf("run %d: %d requests, want 4", run, len(reqs))
		}
		clientID := reqs[0].Header.Get("client-request-id")
		for i, r := range reqs {
			if r.Method != http.MethodPost {
				t.Errorf("run %d attempt %d: method %s", run, i, r.Method)
			}
			if ce := r.Header.Get("Content-Encoding"); ce != "" {
				t.Errorf("run %d attempt %d: Content-Encoding = %q, want none (bodies go as plain JSON)", run, i, ce)
			}
			if !bytes.Equal(r.RawBody, reqs[0].RawBody) {
				t.Errorf("run %d attempt %d: body %q differs from the first attempt's %q", run, i, r.RawBody, reqs[0].RawBody)
			}
			var obj map[string]any
			if err := json.Unmarshal(r.Body, &obj); err != nil || obj["displayName"] != "Throttled" {
				t.Errorf("run %d attempt %d: body %q is not the JSON sent (%v)", run, i, r.Body, err)
			}
			want := ""
			if i > 0 {
				want = strconv.Itoa(i)
			}
			if got := r.Header.Get("Retry-Attempt"); got != want {
				t.Errorf("run %d attempt %d: Retry-Attempt = %q, want %q", run, i, got, want)
			}
			if got := r.Header.Get("client-request-id"); got != clientID {
				t.Errorf("run %d attempt %d: client-request-id %q differs from the first attempt's %q", run, i, got, clientID)
			}
			wantStatus := http.StatusTooManyRequests
			if i == 3 {
				wantStatus = http.StatusCreated
			}
			if r.Status != wantStatus {
				t.Errorf("run %d attempt %d: status %d, want %d", run, i, r.Status, wantStatus)
			}
		}
		certs := s.Certifications("me")
		if len(certs) != 1 || certs[0]["id"] != deref(created.GetId()) {
			t.Errorf("run %d: server holds %v, want exactly the created object", run, certs)
		}
		s.Close()
	}
}

func TestThrottledPatchIsRetriedIntact(t *testing.T) {
	s, c := fixture(t)
	ctx := ctxT(t)
	created, err := c.CreateCertification(ctx, graph.Me, body("before"))
	if err != nil {
		t.Fatal(err)
	}
	s.ResetRequests()
	s.Inject(mockgraph.Fault{Op: "update", Status: http.StatusServiceUnavailable, RetryAfter: "0", Times: 2})
	patch := models.NewPersonCertification()
	patch.SetDisplayName(ptr("after"))
	updated, err := c.UpdateCertification(ctx, graph.Me, deref(created.GetId()), patch)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if deref(updated.GetDisplayName()) != "after" {
		t.Errorf("displayName = %s", deref(updated.GetDisplayName()))
	}
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		var obj map[string]any
		if r.Method != http.MethodPatch || json.Unmarshal(r.Body, &obj) != nil || obj["displayName"] != "after" {
			t.Errorf("attempt %d: %s body %q", i, r.Method, r.Body)
		}
	}
}

func TestPatchNoContentFetchesTheEntity(t *testing.T) {
	s, c := fixture(t)
	ctx := ctxT(t)
	created, err := c.CreateCertification(ctx, graph.Me, body("before"))
	if err != nil {
		t.Fatal(err)
	}
	id := deref(created.GetId())
	s.InjectKind(mockgraph.KindPatch204, "update", 1)
	s.ResetRequests()

	patch := models.NewPersonCertification()
	patch.SetDisplayName(ptr("after"))
	updated, err := c.UpdateCertification(ctx, graph.Me, id, patch)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated == nil || deref(updated.GetDisplayName()) != "after" || deref(updated.GetId()) != id {
		t.Fatalf("updated = %+v, want the entity with the change", updated)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Method != http.MethodPatch || reqs[0].Status != http.StatusNoContent ||
		reqs[1].Method != http.MethodGet || reqs[1].Path != "/beta/me/profile/certifications/"+id {
		for _, r := range reqs {
			t.Logf("%s %s -> %d", r.Method, r.Path, r.Status)
		}
		t.Fatal("want PATCH (204) then GET of the same item")
	}
}

func TestErrors(t *testing.T) {
	s, c := fixture(t)
	ctx := ctxT(t)

	t.Run("unknown id is not found", func(t *testing.T) {
		_, err := c.GetCertification(ctx, graph.Me, "00000000-0000-0000-0000-000000000000")
		if !graph.IsNotFound(err) || graph.StatusOf(err) != http.StatusNotFound {
			t.Fatalf("err = %v, want 404", err)
		}
		var ge *graph.Error
		if !errors.As(err, &ge) || ge.Op != "read" || ge.Code == "" || ge.RequestID == "" {
			t.Errorf("err = %#v", ge)
		}
	})

	t.Run("unknown user on create is not found", func(t *testing.T) {
		_, err := c.CreateCertification(ctx, "nobody@contoso.example", body("x"))
		if !graph.IsNotFound(err) {
			t.Fatalf("err = %v, want 404", err)
		}
	})

	t.Run("403 carries code and ids", func(t *testing.T) {
		s.Inject(mockgraph.Fault{Op: "create", Status: http.StatusForbidden})
		_, err := c.CreateCertification(ctx, mockgraph.OtherID, body("x"))
		var ge *graph.Error
		if !errors.As(err, &ge) {
			t.Fatalf("err = %T %v, want *graph.Error", err, err)
		}
		if ge.Status != http.StatusForbidden || ge.Code != "ErrorAccessDeniedForRole" || ge.RequestID == "" ||
			ge.ClientRequestID == "" || ge.Op != "create" || ge.Attempts != 1 {
			t.Errorf("err = %#v", ge)
		}
		if !strings.Contains(ge.Message, "ProfileAccessDeniedException") {
			t.Errorf("message = %q", ge.Message)
		}
		if !strings.Contains(err.Error(), ge.RequestID) {
			t.Errorf("Error() %q does not show the request-id", err)
		}
		if n := len(s.Certifications(mockgraph.OtherID)); n != 0 {
			t.Errorf("a refused create left %d objects", n)
		}
	})

	t.Run("404 with an empty message", func(t *testing.T) {
		s.Inject(mockgraph.Fault{Op: "get", Status: http.StatusNotFound, Code: "UnknownError", Message: ""})
		_, err := c.GetCertification(ctx, graph.Me, "whatever")
		var ge *graph.Error
		if !errors.As(err, &ge) || ge.Status != 404 || ge.Code != "UnknownError" || ge.Message != "" {
			t.Fatalf("err = %#v", err)
		}
	})

	t.Run("bad request", func(t *testing.T) {
		b := body("x")
		b.SetAdditionalData(map[string]any{"notAProperty": "v"})
		_, err := c.CreateCertification(ctx, graph.Me, b)
		var ge *graph.Error
		if !errors.As(err, &ge) || ge.Status != http.StatusBadRequest || !strings.Contains(ge.Message, "notAProperty") {
			t.Fatalf("err = %v, want a 400 naming the property", err)
		}
	})

	t.Run("wrong token is 401", func(t *testing.T) {
		bad, err := graph.NewClient(graph.Config{Endpoint: s.URL, Token: graph.StaticToken("wrong")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = bad.GetCertification(ctx, graph.Me, "x")
		var ge *graph.Error
		if !errors.As(err, &ge) || ge.Status != http.StatusUnauthorized || ge.Code != "InvalidAuthenticationToken" {
			t.Fatalf("err = %v, want 401 InvalidAuthenticationToken", err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("the token leaked into the error: %v", err)
		}
	})

	t.Run("throttled past the retry budget", func(t *testing.T) {
		s.Inject(mockgraph.Fault{Op: "get", Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 20})
		limited, err := graph.NewClient(graph.Config{Endpoint: s.URL, Token: graph.StaticToken(token), Retry: graph.RetryPolicy{MaxRetries: 2}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = limited.GetCertification(ctx, graph.Me, "x")
		var ge *graph.Error
		if !errors.As(err, &ge) || ge.Status != http.StatusTooManyRequests || ge.Attempts != 3 {
			t.Fatalf("err = %#v, want 429 after 3 attempts", err)
		}
		if !strings.Contains(err.Error(), "after 3 attempts") {
			t.Errorf("Error() = %q", err)
		}
	})

	t.Run("nothing listening is a transport error", func(t *testing.T) {
		dead := mockgraph.Start()
		url := dead.URL
		dead.Close()
		dc, err := graph.NewClient(graph.Config{Endpoint: url, Token: graph.StaticToken(token), Retry: fastRetries})
		if err != nil {
			t.Fatal(err)
		}
		_, err = dc.GetCertification(ctx, graph.Me, "x")
		var ge *graph.Error
		if !errors.As(err, &ge) || ge.Status != 0 || ge.Err == nil {
			t.Fatalf("err = %#v, want a transport error with status 0", err)
		}
	})
}

// The mock's numeric audiences use Graph's schema numbering ("40" for organization and
// everyone); the client reads them back as the names that were sent.
func TestNumericAudiencesAreRepaired(t *testing.T) {
	s, c := fixture(t)
	s.InjectKind(mockgraph.KindAudienceNumber, "", 100)
	for _, aud := range []models.AllowedAudiences{
		models.ORGANIZATION_ALLOWEDAUDIENCES | models.EVERYONE_ALLOWEDAUDIENCES,
		models.ORGANIZATION_ALLOWEDAUDIENCES,
		models.FAMILY_ALLOWEDAUDIENCES,
		models.FEDERATEDORGANIZATIONS_ALLOWEDAUDIENCES,
		models.ME_ALLOWEDAUDIENCES,
	} {
		b := body("x")
		b.SetAllowedAudiences(&aud)
		created, err := c.CreateCertification(ctxT(t), graph.Me, b)
		if err != nil {
			t.Fatal(err)
		}
		if a := created.GetAllowedAudiences(); a == nil || *a != aud || created.AudiencesUnreadable {
			t.Errorf("%s: audiences = %v, unreadable = %v", aud, a, created.AudiencesUnreadable)
		}
		got, err := c.GetCertification(ctxT(t), graph.Me, deref(created.GetId()))
		if err != nil {
			t.Fatal(err)
		}
		if a := got.GetAllowedAudiences(); a == nil || *a != aud || got.AudiencesUnreadable {
			t.Errorf("%s read back: audiences = %v, unreadable = %v", aud, a, got.AudiencesUnreadable)
		}
	}
}

// TestDeadlineBeatsRetryAfter: with a Retry-After longer than the operation's time left,
// the call fails at once with Graph's answer instead of sleeping past the deadline.
func TestDeadlineBeatsRetryAfter(t *testing.T) {
	s, c := fixture(t)
	s.Inject(mockgraph.Fault{Op: "create", Status: http.StatusTooManyRequests, RetryAfter: "5", Times: 10})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.CreateCertification(ctx, graph.Me, body("x"))
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("create succeeded through a 429")
	}
	if elapsed >= 2*time.Second {
		t.Errorf("returned after %v; it slept past the deadline", elapsed)
	}
	// Graph's answer came back before the deadline, not because the deadline ended a wait.
	if ctx.Err() != nil {
		t.Errorf("returned only once the deadline had passed (%v)", elapsed)
	}
	if graph.StatusOf(err) != http.StatusTooManyRequests {
		t.Errorf("err = %v, want status 429", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestValidateEndpoint(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"https://graph.microsoft.com", true},
		{"https://graph.microsoft.com/", true},
		{"https://graph.microsoft.us", true},
		{"http://127.0.0.1:8080", true},
		{"http://localhost", true},
		{"https://[::1]:8443", true},
		{"graph.microsoft.com", false},
		{"ftp://x", false},
		{"https://", false},
		{"https://:443", false},
		{"https://h?x=1", false},
		{"https://h#frag", false},
		{"https://user:pass@h", false},
		{"", false},
		{"://h", false},
		{"https://graph.microsoft.com/beta", false},
		{"https://graph.microsoft.com/beta/", false},
		{"https://graph.microsoft.com/BETA//", false},
		{"https://graph.microsoft.com/v1.0", false},
		{"https://graph.microsoft.com/V1.0/", false},
		{"http://127.0.0.1:8080/route/beta", false},
		{"https://proxy.example/graph", true},      // a path prefix that is no version is a route
		{"https://proxy.example/beta-route", true}, // only a whole last segment counts
		{"https://proxy.example/beta/graph", true}, // a version mid-path is the route's business
		{"https://proxy.example/v1.0.1", true},     // no Graph version
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := graph.ValidateEndpoint(tt.in)
			if tt.ok != (err == nil) {
				t.Errorf("ValidateEndpoint(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// fastRetries keeps transport-error retries (backoff without Retry-After) quick in tests.
var fastRetries = graph.RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}

func mustDate(t *testing.T, s string) *serialization.DateOnly {
	t.Helper()
	d, err := serialization.ParseDateOnly(s)
	if err != nil || d == nil {
		t.Fatalf("date %q: %v", s, err)
	}
	return d
}

// An endpoint ending in an API version says why and gives the value to write instead.
func TestValidateEndpointVersionSuffix(t *testing.T) {
	for in, fixed := range map[string]string{
		"https://graph.microsoft.com/beta":    `"https://graph.microsoft.com"`,
		"https://graph.microsoft.com/V1.0/":   `"https://graph.microsoft.com"`,
		"http://127.0.0.1:8080/route/Beta///": `"http://127.0.0.1:8080/route"`,
	} {
		err := graph.ValidateEndpoint(in)
		if err == nil {
			t.Fatalf("ValidateEndpoint(%q) accepted it", in)
		}
		for _, want := range []string{"ends in the API version", "drop that suffix", "adds /beta itself", "use " + fixed} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("ValidateEndpoint(%q) = %q, want it to contain %q", in, err, want)
			}
		}
	}
}

func TestValidateEndpointNeverEchoesCredentials(t *testing.T) {
	err := graph.ValidateEndpoint("https://alice:s3cret-pass@graph.example")
	if err == nil {
		t.Fatal("an endpoint with user info was accepted")
	}
	if strings.Contains(err.Error(), "s3cret-pass") {
		t.Fatalf("the error echoes the password: %v", err)
	}
}

// A failure with no HTTP answer (the server went away after a 503) reports no status:
// the earlier 503 must not be blamed for it.
func TestTransportFailureAfterThrottleHasNoStaleStatus(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":{"code":"ServiceUnavailable","message":"busy"}}`))
			return
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("no hijacker")
			return
		}
		conn, _, _ := hj.Hijack()
		_ = conn.Close()
	}))
	defer srv.Close()
	c, err := graph.NewClient(graph.Config{Endpoint: srv.URL, Token: graph.StaticToken("t"), Retry: fastRetries})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCertification(context.Background(), graph.Me, "x")
	if err == nil {
		t.Fatal("a dropped connection was reported as success")
	}
	if st := graph.StatusOf(err); st != 0 {
		t.Fatalf("status %d reported for a failure with no answer: %v", st, err)
	}
	if n := calls.Load(); n < 2 {
		t.Fatalf("%d calls; the 503 was not retried", n)
	}
}
