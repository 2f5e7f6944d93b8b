package mockgraph

import (
	"net/http"
	"reflect"
	"testing"
)

func TestStateAccessorsMatchTheWire(t *testing.T) {
	s := start(t)
	seeded, err := s.Seed(MeUPN, map[string]any{
		"displayName": "Seeded", "allowedAudiences": "everyone,me",
		"inference": map[string]any{"confidenceScore": 1, "userHasVerifiedAccuracy": true},
		"source":    map[string]any{"type": []string{"User"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := str(t, seeded, "id")
	if seeded["allowedAudiences"] != "me,everyone" {
		t.Errorf("Seed did not normalise audiences: %v", seeded["allowedAudiences"])
	}

	wire := do(t, s, http.MethodGet, meColl+"/"+id, nil).obj(t)
	if !reflect.DeepEqual(seeded, wire) {
		t.Errorf("Seed result differs from GET:\n seed %v\n  GET %v", seeded, wire)
	}
	for _, user := range []string{"me", "ME", MeID, MeUPN, "Adele.Vance@Contoso.Example"} {
		got, ok := s.Certification(user, id)
		if !ok || !reflect.DeepEqual(got, wire) {
			t.Errorf("Certification(%q) = %v, %v; want the GET body", user, got, ok)
		}
		list := s.Certifications(user)
		if len(list) != 1 || !reflect.DeepEqual(list[0], wire) {
			t.Errorf("Certifications(%q) = %v", user, list)
		}
	}

	// Copies are deep: editing them does not touch the store.
	list := s.Certifications("me")
	list[0]["displayName"] = "edited"
	object(t, list[0], "inference")["confidenceScore"] = 0.0
	if got, _ := s.Certification("me", id); got["displayName"] != "Seeded" || object(t, got, "inference")["confidenceScore"] != 1.0 {
		t.Errorf("store changed through a returned copy: %v", got)
	}

	// Unknown users and ids.
	if got := s.Certifications("nobody@contoso.example"); got != nil {
		t.Errorf("Certifications(unknown) = %v, want nil", got)
	}
	if _, ok := s.Certification("me", "missing"); ok {
		t.Error("Certification(missing) reported ok")
	}
	if _, err := s.Seed("nobody", map[string]any{}); err == nil {
		t.Error("Seed for an unknown user succeeded")
	}
	if len(s.Certifications(OtherID)) != 0 {
		t.Error("Seed for me leaked into another user")
	}
}

func TestSeedValidatesLikePost(t *testing.T) {
	s := New()
	for _, body := range []map[string]any{
		{"colour": "red"},
		{"startDate": "2023-02-30"},
		{"allowedAudiences": "Everyone"},
		{"source": map[string]any{"type": "User"}},
	} {
		if _, err := s.Seed("me", body); err == nil {
			t.Errorf("Seed(%v) accepted an invalid body", body)
		}
	}
	if n := len(s.Certifications("me")); n != 0 {
		t.Errorf("%d certifications stored by rejected seeds", n)
	}
}

func TestMutateAndRemove(t *testing.T) {
	s := start(t)
	orig, err := s.Seed("me", map[string]any{"displayName": "A", "description": "d", "allowedAudiences": "everyone"})
	if err != nil {
		t.Fatal(err)
	}
	id := str(t, orig, "id")

	if err := s.Mutate("me", id, map[string]any{"displayName": "B", "description": nil, "allowedAudiences": nil}); err != nil {
		t.Fatal(err)
	}
	got := do(t, s, http.MethodGet, meColl+"/"+id, nil).obj(t) // drift is visible to clients
	if got["displayName"] != "B" || got["description"] != nil || got["allowedAudiences"] != "organization" {
		t.Errorf("after Mutate: %v", got)
	}
	if str(t, got, "lastModifiedDateTime") <= str(t, orig, "lastModifiedDateTime") {
		t.Error("Mutate did not bump lastModifiedDateTime")
	}
	if err := s.Mutate("me", id, map[string]any{"endDate": "soon"}); err == nil {
		t.Error("Mutate accepted a bad date")
	}
	if err := s.Mutate("me", "missing", map[string]any{}); err == nil {
		t.Error("Mutate of a missing id succeeded")
	}

	if !s.Remove("me", id) {
		t.Fatal("Remove returned false for an existing item")
	}
	if s.Remove("me", id) {
		t.Error("second Remove returned true")
	}
	wantError(t, do(t, s, http.MethodGet, meColl+"/"+id, nil), 404, "itemNotFound", id)
}

func TestServersAreIndependent(t *testing.T) {
	a, b := New(), New()
	if _, err := a.Seed("me", map[string]any{"displayName": "only in a"}); err != nil {
		t.Fatal(err)
	}
	a.Inject(Fault{Status: 429})
	a.SetAcceptedToken("a-token")
	a.AddUser(User{ID: "99999999-0000-4000-8000-000000000000", UserPrincipalName: "x@contoso.example"})

	if n := len(b.Certifications("me")); n != 0 {
		t.Errorf("server b sees %d certifications from a", n)
	}
	if _, err := b.Seed("x@contoso.example", map[string]any{}); err == nil {
		t.Error("server b knows a user added to a")
	}
	tsB := Start()
	defer tsB.Close()
	if r := do(t, tsB, http.MethodGet, meColl, nil); r.status != http.StatusOK {
		t.Errorf("a fresh server inherited a fault or token: %d %s", r.status, r.body)
	}
}

func TestRequestLog(t *testing.T) {
	s := start(t)
	do(t, s, http.MethodGet, meColl, nil, "Authorization", "")
	s.Inject(Fault{Op: "create", Status: 429})
	do(t, s, http.MethodPost, "/beta/users/megan.bowen%40contoso.example/profile/certifications?x=1", `{"displayName":"A"}`)
	do(t, s, http.MethodGet, "/beta/nowhere", nil)

	reqs := s.Requests()
	want := []struct {
		method, path, query string
		status              int
	}{
		{"GET", meColl, "", 401},
		{"POST", "/beta/users/megan.bowen@contoso.example/profile/certifications", "x=1", 429},
		{"GET", "/beta/nowhere", "", 404},
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests logged, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		r := reqs[i]
		if r.Method != w.method || r.Path != w.path || r.RawQuery != w.query || r.Status != w.status {
			t.Errorf("request %d = %s %s ?%s -> %d, want %+v", i, r.Method, r.Path, r.RawQuery, r.Status, w)
		}
	}
	if q := reqs[1].Query(); q.Get("x") != "1" {
		t.Errorf("POST logged query %v, want x=1", q)
	}
	// A batch item whose URL did not parse keeps its query in its path.
	if q := (&Request{Path: "/beta/me/profile/certifications?$top=1&x=%zz", RawQuery: "ignored=1"}).Query(); q.Get("$top") != "1" || q.Has("ignored") {
		t.Errorf("query in the path read as %v, want $top=1", q)
	}
	if string(reqs[1].Body) != `{"displayName":"A"}` || reqs[1].Header.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("POST logged body %q header %v", reqs[1].Body, reqs[1].Header)
	}
	// The log hands out copies.
	reqs[1].Body[0] = 'X'
	reqs[1].Header.Set("Authorization", "changed")
	if again := s.Requests()[1]; again.Body[0] != '{' || again.Header.Get("Authorization") == "changed" {
		t.Error("Requests returned shared slices or headers")
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
}
