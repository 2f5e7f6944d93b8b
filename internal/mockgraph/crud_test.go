package mockgraph

import (
	"net/http"
	"reflect"
	"sort"
	"testing"
	"time"
)

func TestCreateReturnsFullEntityWithServerFields(t *testing.T) {
	s := start(t)
	ent := mustCreate(t, s, meColl, map[string]any{
		"displayName": "Marketing Blackbelt", "certificationId": "KB-1", "issuedDate": "2024-01-15",
	})

	want := []string{"@odata.context", "allowedAudiences", "certificationId", "createdBy", "createdDateTime",
		"description", "displayName", "endDate", "id", "inference", "issuedDate", "issuingAuthority", "issuingCompany",
		"lastModifiedBy", "lastModifiedDateTime", "source", "startDate", "thumbnailUrl", "webUrl"}
	var got []string
	for k := range ent {
		got = append(got, k)
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("keys\n got %v\nwant %v", got, want)
	}
	if id, _ := ent["id"].(string); !guidRE.MatchString(id) {
		t.Errorf("id %q is not a lower-case GUID", id)
	}
	checks := map[string]any{
		"@odata.context":   "https://graph.microsoft.com/beta/$metadata#users('" + MeID + "')/profile/certifications/$entity",
		"allowedAudiences": "organization", // default on create
		"displayName":      "Marketing Blackbelt",
		"issuedDate":       "2024-01-15",
		"description":      nil,
		"inference":        nil,
		"source":           nil,
	}
	for k, v := range checks {
		if !reflect.DeepEqual(ent[k], v) {
			t.Errorf("%s = %#v, want %#v", k, ent[k], v)
		}
	}
	caller := map[string]any{"application": nil, "device": nil,
		"user": map[string]any{"displayName": "Adele Vance", "id": MeID}}
	for _, k := range []string{"createdBy", "lastModifiedBy"} {
		if !reflect.DeepEqual(ent[k], caller) {
			t.Errorf("%s = %#v, want the caller %#v", k, ent[k], caller)
		}
	}
	created, _ := ent["createdDateTime"].(string)
	if !timestampRE.MatchString(created) || ent["lastModifiedDateTime"] != created {
		t.Errorf("createdDateTime %q / lastModifiedDateTime %v: want equal 7-digit UTC timestamps", created, ent["lastModifiedDateTime"])
	}
	if _, ok := ent["@odata.type"]; ok {
		t.Error("entity carries @odata.type; Graph omits it")
	}

	// GET returns the same entity.
	r := do(t, s, http.MethodGet, meColl+"/"+str(t, ent, "id"), nil)
	if r.status != http.StatusOK || !reflect.DeepEqual(r.obj(t), ent) {
		t.Errorf("GET status %d body %s, want 200 and the POST entity", r.status, r.body)
	}
}

func TestPatchMergesClearsAndBumpsLastModified(t *testing.T) {
	s := start(t)
	orig := mustCreate(t, s, meColl, map[string]any{
		"displayName": "A", "description": "d", "webUrl": "https://x.example", "allowedAudiences": "everyone",
		"inference": map[string]any{"confidenceScore": 0.5}, "startDate": "2020-01-01",
	})
	item := meColl + "/" + str(t, orig, "id")

	r := do(t, s, http.MethodPatch, item, map[string]any{
		"displayName": "B", "description": nil, "allowedAudiences": nil, "inference": nil, "startDate": nil,
	})
	if r.status != http.StatusOK {
		t.Fatalf("PATCH status %d: %s", r.status, r.body)
	}
	got := r.obj(t)
	want := map[string]any{
		"displayName":      "B",                 // changed
		"webUrl":           "https://x.example", // untouched keeps its value
		"description":      nil,                 // null clears
		"inference":        nil,
		"startDate":        nil,
		"allowedAudiences": "organization", // null resets to the default
		"createdDateTime":  orig["createdDateTime"],
		"id":               orig["id"],
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("after PATCH %s = %#v, want %#v", k, got[k], v)
		}
	}
	if str(t, got, "lastModifiedDateTime") <= str(t, orig, "lastModifiedDateTime") {
		t.Errorf("lastModifiedDateTime %v not after %v", got["lastModifiedDateTime"], orig["lastModifiedDateTime"])
	}
	// The change is stored, not just echoed.
	if g := do(t, s, http.MethodGet, item, nil).obj(t); !reflect.DeepEqual(g, got) {
		t.Errorf("GET after PATCH = %v, want %v", g, got)
	}
}

func TestDeleteThenNotFound(t *testing.T) {
	s, id := startWithOne(t)
	item := meColl + "/" + id

	r := do(t, s, http.MethodDelete, item, nil)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("DELETE: status %d body %q, want 204 and empty", r.status, r.body)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete, http.MethodPatch} {
		var body any
		if m == http.MethodPatch {
			body = map[string]any{"displayName": "x"}
		}
		wantError(t, do(t, s, m, item, body), http.StatusNotFound, "itemNotFound", id)
	}
	if n := len(s.Certifications("me")); n != 0 {
		t.Errorf("%d certifications left after delete", n)
	}
}

func TestNotFoundAndWrongMethod(t *testing.T) {
	s, id := startWithOne(t)
	cases := []struct {
		name, method, path string
		status             int
		code, msgPart      string
	}{
		{"unknown user", "GET", "/beta/users/nobody@contoso.example/profile/certifications", 404, "Request_ResourceNotFound",
			"Resource 'nobody@contoso.example' does not exist or one of its queried reference-property objects are not present."},
		{"users/me is not /me", "GET", "/beta/users/me/profile/certifications", 404, "Request_ResourceNotFound", "Resource 'me'"},
		{"unknown user item", "DELETE", "/beta/users/00000000-0000-0000-0000-000000000000/profile/certifications/" + id, 404, "Request_ResourceNotFound", "00000000"},
		{"unknown certification", "GET", meColl + "/0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f", 404, "itemNotFound", "0fb4c1e3"},
		{"other user's certification id", "GET", otherColl + "/" + id, 404, "itemNotFound", id},
		{"unknown segment", "GET", "/beta/me/profile/skills", 404, "BadRequest", "Resource not found for the segment"},
		{"v1.0 is not served", "GET", "/v1.0/me/profile/certifications", 404, "BadRequest", "v1.0"},
		{"too deep", "GET", meColl + "/" + id + "/extra", 404, "BadRequest", "extra"},
		{"PUT collection", "PUT", meColl, 405, "BadRequest", "not allowed"},
		{"POST item", "POST", meColl + "/" + id, 405, "BadRequest", "not allowed"},
		{"DELETE $count", "DELETE", meColl + "/$count", 405, "BadRequest", "not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, do(t, s, c.method, c.path, nil), c.status, c.code, c.msgPart)
		})
	}
	if r := do(t, s, "PUT", meColl, nil); r.header.Get("Allow") != "GET, POST" {
		t.Errorf("405 Allow header %q, want \"GET, POST\"", r.header.Get("Allow"))
	}
	if n := len(s.Certifications(MeID)); n != 1 {
		t.Errorf("the failed requests changed state: %d certifications, want 1", n)
	}
}

func TestUserRouting(t *testing.T) {
	s := start(t)
	s.AddUser(User{ID: "11111111-2222-4333-8444-555555555555", UserPrincipalName: "Lee.Gu@Contoso.example", DisplayName: "Lee Gu"})
	cases := []struct {
		name, coll, owner string // owner: the user id the item must land under
	}{
		{"me", meColl, MeID},
		{"me by UPN with %40", "/beta/users/adele.vance%40contoso.example/profile/certifications", MeID},
		{"UPN with @ and other case", "/beta/users/MEGAN.Bowen@Contoso.Example/profile/certifications", OtherID},
		{"id upper case", "/beta/users/8E2D6A41-7B3C-4F5E-A1D2-9C8B7A6F5E4D/profile/certifications", OtherID},
		{"added user, mixed-case UPN", "/beta/users/lee.gu%40contoso.example/profile/certifications", "11111111-2222-4333-8444-555555555555"},
		{"case-insensitive segments", "/beta/ME/Profile/Certifications", MeID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ent := mustCreate(t, s, c.coll, map[string]any{"displayName": c.name})
			wantCtx := "https://graph.microsoft.com/beta/$metadata#users('" + c.owner + "')/profile/certifications/$entity"
			if ent["@odata.context"] != wantCtx {
				t.Errorf("@odata.context %v, want %v", ent["@odata.context"], wantCtx)
			}
			if _, ok := s.Certification(c.owner, str(t, ent, "id")); !ok {
				t.Errorf("created item not stored under %s", c.owner)
			}
			// Reachable under the same path.
			if r := do(t, s, http.MethodGet, c.coll+"/"+str(t, ent, "id"), nil); r.status != http.StatusOK {
				t.Errorf("GET back: %d %s", r.status, r.body)
			}
		})
	}
	if n := len(s.Certifications(OtherUPN)); n != 2 {
		t.Errorf("Megan has %d certifications, want 2", n)
	}
}

// Graph timestamps have 100 ns precision, so two writes can share a clock
// reading; the server must still order them and show every PATCH.
func TestTimestampsAdvanceOnAFrozenClock(t *testing.T) {
	s := start(t)
	frozen := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	s.mu.Lock()
	s.clock = func() time.Time { return frozen }
	s.mu.Unlock()

	var created []string
	for range 3 {
		created = append(created, str(t, mustCreate(t, s, meColl, map[string]any{}), "createdDateTime"))
	}
	if created[0] != "2024-05-01T12:00:00.0000000Z" || created[0] >= created[1] || created[1] >= created[2] {
		t.Errorf("createdDateTime %v: want strictly increasing from the clock reading", created)
	}
	list := s.Certifications("me")
	for i, c := range list {
		if c["createdDateTime"] != created[i] {
			t.Errorf("list order %d: %v, want %v", i, c["createdDateTime"], created[i])
		}
	}
	id := str(t, list[0], "id")
	patched := do(t, s, http.MethodPatch, meColl+"/"+id, map[string]any{"displayName": "x"}).obj(t)
	if str(t, patched, "lastModifiedDateTime") <= created[2] {
		t.Errorf("lastModifiedDateTime %v not after the last write %v", patched["lastModifiedDateTime"], created[2])
	}
}
