package mockgraph

import (
	"net/http"
	"strings"
	"testing"
)

func TestFaultTimesRetryAfterAndNoSideEffect(t *testing.T) {
	s := start(t)
	s.Inject(Fault{Op: "create", Status: 429, Times: 2})
	body := map[string]any{"displayName": "once"}
	for i := range 2 {
		r := do(t, s, http.MethodPost, meColl, body)
		wantError(t, r, http.StatusTooManyRequests, "TooManyRequests", "")
		if ra := r.header.Get("Retry-After"); ra != "0" {
			t.Errorf("attempt %d: Retry-After %q, want \"0\"", i+1, ra)
		}
		if n := len(s.Certifications("me")); n != 0 {
			t.Fatalf("attempt %d: a throttled POST stored %d certifications", i+1, n)
		}
	}
	mustCreate(t, s, meColl, body) // third attempt: the fault is used up
	if n := len(s.Certifications("me")); n != 1 {
		t.Errorf("%d certifications, want exactly 1", n)
	}
}

func TestFaultOnUpdateAndDeleteLeavesStateAlone(t *testing.T) {
	s := start(t)
	ent := mustCreate(t, s, meColl, map[string]any{"displayName": "A"})
	item := meColl + "/" + str(t, ent, "id")

	s.Inject(Fault{Op: "update", Status: 503, RetryAfter: "2"})
	r := do(t, s, http.MethodPatch, item, map[string]any{"displayName": "B"})
	wantError(t, r, http.StatusServiceUnavailable, "ServiceUnavailable", "")
	if r.header.Get("Retry-After") != "2" {
		t.Errorf("Retry-After %q, want 2", r.header.Get("Retry-After"))
	}
	s.Inject(Fault{Op: "delete", Status: 500})
	wantError(t, do(t, s, http.MethodDelete, item, nil), http.StatusInternalServerError, "UnknownError", "")

	got, ok := s.Certification("me", str(t, ent, "id"))
	if !ok || got["displayName"] != "A" || got["lastModifiedDateTime"] != ent["lastModifiedDateTime"] {
		t.Errorf("faulted PATCH/DELETE changed the item: %v (exists %v)", got, ok)
	}
}

func TestFaultDefaultsByStatus(t *testing.T) {
	cases := []struct {
		fault       Fault
		code, msg   string
		retryAfter  string
		exactlyZero bool // message must be exactly ""
	}{
		{Fault{Status: 429}, "TooManyRequests", "Too many requests", "0", false},
		{Fault{Status: 429, RetryAfter: "7"}, "TooManyRequests", "", "7", false},
		{Fault{Status: 503}, "ServiceUnavailable", "unavailable", "", false},
		{Fault{Status: 403}, "ErrorAccessDeniedForRole",
			"Exception of type 'Microsoft.Fast.Profile.Core.Exception.ProfileAccessDeniedException' was thrown.", "", false},
		{Fault{Status: 400}, "BadRequest", "invalid", "", false},
		{Fault{Status: 404}, "itemNotFound", "does not exist", "", false},
		{Fault{Status: 500}, "UnknownError", "unexpected", "", false},
		{Fault{}, "UnknownError", "unexpected", "", false}, // status 0 means 500
		// The profile service's unhelpful 404: code given, empty message sent as "".
		{Fault{Status: 404, Code: "UnknownError"}, "UnknownError", "", "", true},
		{Fault{Status: 403, Code: "Authorization_RequestDenied", Message: "Insufficient privileges."}, "Authorization_RequestDenied", "Insufficient privileges.", "", false},
	}
	for _, c := range cases {
		t.Run(c.code+"/"+c.msg, func(t *testing.T) {
			s := start(t)
			s.Inject(c.fault)
			want := c.fault.Status
			if want == 0 {
				want = 500
			}
			r := do(t, s, http.MethodGet, meColl, nil)
			code, msg := graphError(t, r, want)
			if code != c.code {
				t.Errorf("code %q, want %q", code, c.code)
			}
			if c.exactlyZero && msg != "" || !c.exactlyZero && (msg == "" || !strings.Contains(msg, c.msg)) {
				t.Errorf("message %q, want containing %q (empty allowed: %v)", msg, c.msg, c.exactlyZero)
			}
			if got := r.header.Get("Retry-After"); got != c.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, c.retryAfter)
			}
			// Times 0 means once.
			if r := do(t, s, http.MethodGet, meColl, nil); r.status != http.StatusOK {
				t.Errorf("second request: %d, want 200", r.status)
			}
		})
	}
}

func TestFaultOpMatching(t *testing.T) {
	s, id := startWithOne(t)
	item := meColl + "/" + id

	s.Inject(Fault{Op: "delete", Status: 403})
	// Other operations pass untouched while the delete fault waits.
	for _, r := range []response{
		do(t, s, http.MethodGet, item, nil),
		do(t, s, http.MethodGet, meColl, nil),
		do(t, s, http.MethodPatch, item, map[string]any{"description": "x"}),
	} {
		if r.status >= 300 {
			t.Fatalf("non-delete request faulted: %d %s", r.status, r.body)
		}
	}
	wantError(t, do(t, s, http.MethodDelete, item, nil), http.StatusForbidden, "ErrorAccessDeniedForRole", "ProfileAccessDeniedException")

	// Op "" matches any certification request, $count included ("list").
	s.Inject(Fault{Status: 503, Times: 3})
	for _, r := range []response{
		do(t, s, http.MethodGet, meColl+"/$count", nil),
		do(t, s, http.MethodPost, meColl, map[string]any{}),
		do(t, s, http.MethodGet, item, nil),
	} {
		graphError(t, r, http.StatusServiceUnavailable)
	}
	if r := do(t, s, http.MethodGet, item, nil); r.status != http.StatusOK {
		t.Errorf("after Times ran out: %d", r.status)
	}

	// Faults apply in injection order.
	s.Inject(Fault{Op: "get", Status: 429})
	s.Inject(Fault{Op: "get", Status: 503})
	graphError(t, do(t, s, http.MethodGet, item, nil), 429)
	graphError(t, do(t, s, http.MethodGet, item, nil), 503)

	defer func() {
		if recover() == nil {
			t.Error("Inject with an unknown Op did not panic")
		}
	}()
	s.Inject(Fault{Op: "lists", Status: 429})
}

func TestCreateReadLag(t *testing.T) {
	s := start(t)
	s.SetChaos(Chaos{LagGETs: 2})
	s.InjectKind(KindReadLag, "create", 1)
	id := str(t, mustCreate(t, s, meColl, map[string]any{"displayName": "A"}), "id")
	item := meColl + "/" + id
	for range 2 {
		wantError(t, do(t, s, http.MethodGet, item, nil), http.StatusNotFound, "itemNotFound", "")
	}
	if r := do(t, s, http.MethodGet, item, nil); r.status != http.StatusOK {
		t.Fatalf("third GET: %d, want 200", r.status)
	}
	// The item exists all along: the list and the state accessor see it.
	if got := values(t, do(t, s, http.MethodGet, meColl, nil).obj(t)); len(got) != 1 {
		t.Errorf("list has %d items", len(got))
	}
	// The kind is spent: a new item is readable at once.
	id2 := str(t, mustCreate(t, s, meColl, map[string]any{"displayName": "B"}), "id")
	if r := do(t, s, http.MethodGet, meColl+"/"+id2, nil); r.status != http.StatusOK {
		t.Errorf("GET without lag: %d", r.status)
	}
}

func TestPatchNoContent(t *testing.T) {
	s := start(t)
	s.InjectKind(KindPatch204, "update", 1)
	id := str(t, mustCreate(t, s, meColl, map[string]any{"displayName": "A"}), "id")
	r := do(t, s, http.MethodPatch, meColl+"/"+id, map[string]any{"displayName": "B"})
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("PATCH: %d %q, want 204 with empty body", r.status, r.body)
	}
	if got, _ := s.Certification("me", id); got["displayName"] != "B" {
		t.Errorf("change not applied: displayName %v", got["displayName"])
	}
}

func TestNumericAudiences(t *testing.T) {
	s := start(t)
	s.InjectKind(KindAudienceNumber, "", 2)
	ent := mustCreate(t, s, meColl, map[string]any{"allowedAudiences": "everyone,organization"})
	if ent["allowedAudiences"] != "40" {
		t.Errorf("POST allowedAudiences %v, want \"40\" (Graph's schema: organization 8 | everyone 32)", ent["allowedAudiences"])
	}
	id := str(t, ent, "id")
	if got := do(t, s, http.MethodGet, meColl+"/"+id, nil).obj(t)["allowedAudiences"]; got != "40" {
		t.Errorf("GET allowedAudiences %v, want \"40\"", got)
	}
	// Only the rendering changes: the stored value and filters are by name.
	if got := do(t, s, http.MethodGet, meColl+"/"+id, nil).obj(t)["allowedAudiences"]; got != "organization,everyone" {
		t.Errorf("after switching off: %v", got)
	}
	// Graph's schema numbers each name; me is 0, the value without any flag.
	for names, want := range map[string]string{
		"me": "0", "family": "1", "contacts": "2", "groupMembers": "4", "organization": "8",
		"federatedOrganizations": "16", "everyone": "32", "unknownFutureValue": "64",
		"family,organization,everyone": "41",
	} {
		s.InjectKind(KindAudienceNumber, "", 1)
		if got := mustCreate(t, s, meColl, map[string]any{"allowedAudiences": names})["allowedAudiences"]; got != want {
			t.Errorf("%s: allowedAudiences %v, want %q", names, got, want)
		}
	}
}
