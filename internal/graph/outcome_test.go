package graph_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// Only a 429 is documented as refused before any effect; a write answered 5xx may have
// been applied. These tests hold the client to that, on the mock's unavailable-after
// fault (applied, then 503) and on canned 5xx answers (not applied, which a client cannot
// tell).

// posts counts the certification POSTs that reached the mock, batch items included.
func posts(s *mockgraph.Server) int {
	n := 0
	for _, r := range allLogged(s) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/profile/certifications") {
			n++
		}
	}
	return n
}

// A create answered 503 after Graph applied it is not sent again: one POST, one
// certification, and an error the caller settles as a lost answer.
func TestCreateAnswered5xxIsNotSentAgain(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inject func(*mockgraph.Server)
		status int
		held   int
	}{
		{"503 after applying", func(s *mockgraph.Server) { s.InjectKind(mockgraph.KindUnavailableAfter, "create", 1) }, 503, 1},
		{"503", func(s *mockgraph.Server) {
			s.Inject(mockgraph.Fault{Op: "create", Status: http.StatusServiceUnavailable, RetryAfter: "0"})
		}, 503, 0},
		{"500", func(s *mockgraph.Server) {
			s.Inject(mockgraph.Fault{Op: "create", Status: http.StatusInternalServerError})
		}, 500, 0},
		{"502", func(s *mockgraph.Server) { s.Inject(mockgraph.Fault{Op: "create", Status: http.StatusBadGateway}) }, 502, 0},
		{"504", func(s *mockgraph.Server) { s.Inject(mockgraph.Fault{Op: "create", Status: http.StatusGatewayTimeout}) }, 504, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := fixture(t)
			tc.inject(s)
			created, err := c.CreateCertification(ctxT(t), graph.Me, body("AZ-305"))
			if created != nil || graph.StatusOf(err) != tc.status {
				t.Fatalf("create: %v, %v; want the %d", created, err, tc.status)
			}
			if !graph.CreateMayHaveApplied(err) {
				t.Errorf("CreateMayHaveApplied(%v) = false: a %d may follow an applied create", err, tc.status)
			}
			if n := posts(s); n != 1 {
				t.Errorf("%d POSTs, want 1: a create answered %d is never sent again blindly", n, tc.status)
			}
			if n := len(s.Certifications(graph.Me)); n != tc.held {
				t.Errorf("the mock holds %d certifications, want %d", n, tc.held)
			}
		})
	}

	// A 429 was refused before any effect: retried, created once.
	s, c := fixture(t)
	s.Inject(mockgraph.Fault{Op: "create", Status: http.StatusTooManyRequests, RetryAfter: "0"})
	if _, err := c.CreateCertification(ctxT(t), graph.Me, body("AZ-305")); err != nil {
		t.Fatal(err)
	}
	if posts(s) != 2 || len(s.Certifications(graph.Me)) != 1 {
		t.Errorf("after a 429: %d POSTs, %d held; want 2 and 1", posts(s), len(s.Certifications(graph.Me)))
	}
}

// The same through CreateCertifications, direct and batched: the create answered 503
// after applying is Lost, never posted again, and the mock holds each certification once.
func TestCreateCertificationsUnavailableAfterApplying(t *testing.T) {
	for _, batching := range []bool{false, true} {
		s, c := createFixture(t, batching, graph.RetryPolicy{})
		s.InjectKind(mockgraph.KindUnavailableAfter, "create", 1)
		_, lost := createCountingLost(t, s, c, createRequests(5))
		if lost != 1 || held(s) != 5 || posts(s) != 5 {
			t.Errorf("batching %v: %d Lost, %d held, %d POSTs; want 1 Lost, 5 held, 5 POSTs", batching, lost, held(s), posts(s))
		}
	}
}

// A delete answered 503 after Graph applied it is a success: with no retries left, a GET
// of the item answers 404, which proves it; with retries, the retried DELETE's 404 does.
// A delete answered 5xx that Graph did not apply stays an error.
func TestDeleteAnswered5xx(t *testing.T) {
	t.Run("applied, no retries", func(t *testing.T) {
		s, _ := fixture(t)
		c, err := graph.NewClient(graph.Config{Endpoint: s.URL, Token: graph.StaticToken(token), Retry: graph.RetryPolicy{MaxRetries: graph.NoRetries}})
		if err != nil {
			t.Fatal(err)
		}
		id := graph.SeedCertifications(t, s, graph.Me, 1)[0]
		s.InjectKind(mockgraph.KindUnavailableAfter, "delete", 1)
		if err := c.DeleteCertification(ctxT(t), graph.Me, id); err != nil {
			t.Errorf("delete answered 503 after applying: %v, want success", err)
		}
		if _, ok := s.Certification(graph.Me, id); ok {
			t.Error("the certification is still there")
		}
		var checked bool
		for _, r := range s.Requests() {
			checked = checked || (r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/"+id) && r.Status == http.StatusNotFound)
		}
		if !checked {
			t.Error("no GET of the item confirmed the delete")
		}
	})
	t.Run("applied, retried", func(t *testing.T) {
		s, c := fixture(t)
		id := graph.SeedCertifications(t, s, graph.Me, 1)[0]
		s.InjectKind(mockgraph.KindUnavailableAfter, "delete", 1)
		if err := c.DeleteCertification(ctxT(t), graph.Me, id); err != nil && !graph.IsNotFound(err) {
			t.Errorf("delete answered 503 after applying: %v, want success or the 404 every caller takes as done", err)
		}
		if _, ok := s.Certification(graph.Me, id); ok {
			t.Error("the certification is still there")
		}
	})
	t.Run("applied, batched", func(t *testing.T) {
		s, c := batchFixture(t)
		ids := graph.SeedCertifications(t, s, graph.Me, 6)
		s.InjectKind(mockgraph.KindUnavailableAfter, "delete", 2)
		for id, err := range deleteAll(t, c, ids) {
			if err != nil && !graph.IsNotFound(err) {
				t.Errorf("delete %s: %v, want success", id, err)
			}
		}
		if n := len(s.Certifications(graph.Me)); n != 0 || count(s).batches == 0 {
			t.Errorf("%d left, %d batches; want none left, deleted in batches", n, count(s).batches)
		}
		if n := s.FaultCounts()[mockgraph.KindUnavailableAfter]; n != 2 {
			t.Errorf("%d deletes answered 503 after applying, want 2", n)
		}
	})
	t.Run("not applied", func(t *testing.T) {
		for _, batching := range []bool{false, true} {
			s, c := batchFixture(t)
			if !batching {
				c = newClient(t, s)
			}
			ids := graph.SeedCertifications(t, s, graph.Me, 2)
			s.Inject(mockgraph.Fault{Op: "delete", Status: http.StatusInternalServerError, Times: 2})
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, id := range ids {
				wg.Go(func() { errs[i] = c.DeleteCertification(ctxT(t), graph.Me, id) })
			}
			wg.Wait()
			for i, err := range errs {
				if graph.StatusOf(err) != http.StatusInternalServerError {
					t.Errorf("batching %v, delete %d: %v, want the 500 (the certification is still there)", batching, i, err)
				}
			}
			if n := len(s.Certifications(graph.Me)); n != 2 {
				t.Errorf("batching %v: %d held, want 2", batching, n)
			}
		}
	})
}

// A PATCH answered 5xx is checked by reading the certification back: when Graph holds
// every value sent, it was applied and the update succeeds; otherwise its error stands.
// A 503 or 504 is retried first (a PATCH of the same values is idempotent).
func TestUpdateAnswered5xx(t *testing.T) {
	noRetries := func(t *testing.T, s *mockgraph.Server) *graph.Client {
		c, err := graph.NewClient(graph.Config{Endpoint: s.URL, Token: graph.StaticToken(token), Retry: graph.RetryPolicy{MaxRetries: graph.NoRetries}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	patch := func() models.PersonCertificationable {
		b := body("AZ-305 renewed")
		desc := "Designs solutions"
		b.SetDescription(&desc)
		b.SetIssuingCompany(nil) // an explicit null
		aud := models.AllowedAudiences(models.ORGANIZATION_ALLOWEDAUDIENCES | models.EVERYONE_ALLOWEDAUDIENCES)
		b.SetAllowedAudiences(&aud)
		return b
	}
	for _, tc := range []struct {
		name    string
		retries bool
		inject  func(*mockgraph.Server)
		status  int // 0: success
		patches int
	}{
		{"applied, no retries", false, func(s *mockgraph.Server) { s.InjectKind(mockgraph.KindUnavailableAfter, "update", 1) }, 0, 1},
		{"applied, retried", true, func(s *mockgraph.Server) { s.InjectKind(mockgraph.KindUnavailableAfter, "update", 1) }, 0, 2},
		{"numeric audiences in the read-back", false, func(s *mockgraph.Server) {
			s.InjectKind(mockgraph.KindUnavailableAfter, "update", 1)
			s.InjectKind(mockgraph.KindAudienceNumber, "get", 1)
		}, 0, 1},
		{"500 not applied", true, func(s *mockgraph.Server) {
			s.Inject(mockgraph.Fault{Op: "update", Status: http.StatusInternalServerError})
		}, 500, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := fixture(t)
			if !tc.retries {
				c = noRetries(t, s)
			}
			created, err := c.CreateCertification(ctxT(t), graph.Me, withCompany(body("AZ-305"), "Contoso"))
			if err != nil {
				t.Fatal(err)
			}
			id := deref(created.GetId())
			tc.inject(s)
			s.ResetRequests()
			got, err := c.UpdateCertification(ctxT(t), graph.Me, id, patch())
			if tc.status != 0 {
				if graph.StatusOf(err) != tc.status {
					t.Errorf("update: %v, want the %d", err, tc.status)
				}
			} else if err != nil || deref(got.GetDescription()) != "Designs solutions" || deref(got.GetDisplayName()) != "AZ-305 renewed" {
				t.Errorf("update: %v, %v; want success with the values sent", got, err)
			}
			n := 0
			for _, r := range s.Requests() {
				if r.Method == http.MethodPatch {
					n++
				}
			}
			if n != tc.patches {
				t.Errorf("%d PATCHes, want %d", n, tc.patches)
			}
		})
	}
}

func withCompany(b models.PersonCertificationable, company string) models.PersonCertificationable {
	b.SetIssuingCompany(&company)
	return b
}
