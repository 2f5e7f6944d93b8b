package mockgraph

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// seedN stores n certifications named c000, c001, … and returns their ids
// in creation order.
func seedN(t *testing.T, s *Server, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		ent, err := s.Seed("me", map[string]any{"displayName": fmt.Sprintf("c%03d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = str(t, ent, "id")
	}
	return ids
}

// collect follows @odata.nextLink from first and returns every id seen,
// in order, and the number of pages.
func collect(t *testing.T, s *Server, first string) (ids []string, pages int) {
	t.Helper()
	next := first
	for next != "" {
		pages++
		if pages > 100 {
			t.Fatal("nextLink loop")
		}
		page := do(t, s, http.MethodGet, next, nil)
		if page.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", next, page.status, page.body)
		}
		body := page.obj(t)
		if body["@odata.context"] != "https://graph.microsoft.com/beta/$metadata#users('"+MeID+"')/profile/certifications" {
			t.Errorf("list @odata.context %v", body["@odata.context"])
		}
		for _, ent := range values(t, body) {
			if _, ok := ent["@odata.context"]; ok {
				t.Error("list item carries @odata.context")
			}
			ids = append(ids, str(t, ent, "id"))
		}
		next, _ = body["@odata.nextLink"].(string)
		if next != "" && !strings.HasPrefix(next, s.URL+"/beta/me/profile/certifications?") {
			t.Fatalf("nextLink %q is not absolute on %s", next, s.URL)
		}
	}
	return ids, pages
}

func TestPagingFollowsAbsoluteNextLink(t *testing.T) {
	s := start(t)
	want := seedN(t, s, 250)
	cases := []struct {
		name, first string
		pages       int
	}{
		{"$top=100", meColl + "?$top=100", 3},
		{"%24top form", meColl + "?%24top=100", 3},
		{"$top=7", meColl + "?$top=7", 36},
		{"$top=999", meColl + "?$top=999", 1},
		{"default page size 100", meColl, 3},
		{"$skip start", meColl + "?$top=100&$skip=0", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, pages := collect(t, s, c.first)
			if pages != c.pages {
				t.Errorf("%d pages, want %d", pages, c.pages)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("paged ids differ from creation order: got %d ids, want %d (dupes or gaps)", len(got), len(want))
			}
		})
	}
	t.Run("SetPageSize", func(t *testing.T) {
		s.SetPageSize(40)
		defer s.SetPageSize(0)
		got, pages := collect(t, s, meColl)
		if pages != 7 || len(got) != 250 {
			t.Errorf("%d pages / %d ids, want 7 / 250", pages, len(got))
		}
	})
}

// With next links off, a list honours $top and $skip and writes no @odata.nextLink, in a
// batch as directly; a client walks the pages by $skip.
func TestNextLinksOff(t *testing.T) {
	s := start(t)
	want := seedN(t, s, 250)
	s.SetNextLinks(false)
	var got []string
	for skip := 0; ; skip += 100 {
		body := do(t, s, http.MethodGet, fmt.Sprintf("%s?$top=100&$skip=%d", meColl, skip), nil).obj(t)
		if link, ok := body["@odata.nextLink"]; ok {
			t.Fatalf("$skip=%d: a next link %v with next links off", skip, link)
		}
		page := values(t, body)
		for _, ent := range page {
			got = append(got, str(t, ent, "id"))
		}
		if len(page) < 100 {
			break
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("paged by $skip: %d ids, want the %d in creation order", len(got), len(want))
	}
	outer, items := sendBatch(t, s, []map[string]any{breq("1", "GET", "/me/profile/certifications?$top=100", nil)})
	if page := items["1"].want(t, outer, http.StatusOK).obj(t); page["@odata.nextLink"] != nil || len(values(t, page)) != 100 {
		t.Errorf("batched first page: %d items, next link %v; want 100 and none", len(values(t, page)), page["@odata.nextLink"])
	}
	s.SetNextLinks(true)
	if _, pages := collect(t, s, meColl+"?$top=100"); pages != 3 {
		t.Errorf("next links back on: %d pages followed, want 3", pages)
	}
}

func TestNextLinkKeepsQueryAndCount(t *testing.T) {
	s := start(t)
	for i := range 30 {
		company := "Contoso"
		if i%3 == 0 {
			company = "Fabrikam & Sons"
		}
		if _, err := s.Seed("me", map[string]any{"displayName": fmt.Sprintf("c%02d", i), "issuingCompany": company}); err != nil {
			t.Fatal(err)
		}
	}
	q := url.Values{"$filter": {"issuingCompany eq 'Fabrikam & Sons'"}, "$top": {"4"}, "$count": {"true"}}
	next := meColl + "?" + q.Encode()
	var total int
	for pages := 0; next != ""; pages++ {
		body := do(t, s, http.MethodGet, next, nil).obj(t)
		if body["@odata.count"] != float64(10) {
			t.Errorf("page %d: @odata.count %v, want 10 (all matches, not the page)", pages, body["@odata.count"])
		}
		for _, v := range values(t, body) {
			if v["issuingCompany"] != "Fabrikam & Sons" {
				t.Errorf("filter lost on page %d: %v", pages, v)
			}
			total++
		}
		next, _ = body["@odata.nextLink"].(string)
		if next != "" {
			u, err := url.Parse(next)
			if err != nil {
				t.Fatal(err)
			}
			got := u.Query()
			if got.Get("$top") != "4" || got.Get("$filter") != "issuingCompany eq 'Fabrikam & Sons'" || got.Get("$count") != "true" {
				t.Errorf("nextLink query %v lost $top/$filter/$count", got)
			}
			if strings.Contains(next, " ") || strings.Contains(next, "+") {
				t.Errorf("nextLink %q is not URL-encoded with %%20", next)
			}
		}
	}
	if total != 10 {
		t.Errorf("%d filtered items over all pages, want 10", total)
	}
}

func TestFilter(t *testing.T) {
	s := start(t)
	for _, b := range []map[string]any{
		{"displayName": "Azure Fundamentals", "issuingAuthority": "Microsoft", "allowedAudiences": "organization"},
		{"displayName": "Azure Architect", "issuingAuthority": "Microsoft", "allowedAudiences": "everyone,organization"},
		{"displayName": "O'Reilly Go", "issuingAuthority": "O'Reilly", "certificationId": "OR-1"},
		{"displayName": "No authority"},
	} {
		if _, err := s.Seed("me", b); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		filter string
		want   []string // displayNames in order
	}{
		{"displayName eq 'Azure Architect'", []string{"Azure Architect"}},
		{"issuingAuthority eq 'Microsoft'", []string{"Azure Fundamentals", "Azure Architect"}},
		{"issuingAuthority ne 'Microsoft'", []string{"O'Reilly Go", "No authority"}},
		{"issuingAuthority eq 'Microsoft' and displayName ne 'Azure Fundamentals'", []string{"Azure Architect"}},
		{"displayName eq 'O''Reilly Go'", []string{"O'Reilly Go"}},
		{"issuingAuthority eq null", []string{"No authority"}},
		{"certificationId ne null", []string{"O'Reilly Go"}},
		{"allowedAudiences eq 'organization'", []string{"Azure Fundamentals", "O'Reilly Go", "No authority"}},
		{"allowedAudiences eq 'organization,everyone'", []string{"Azure Architect"}},
		{"  displayName   eq   'azure architect'  ", nil}, // case-sensitive compare
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			q := url.Values{"$filter": {c.filter}}
			body := do(t, s, http.MethodGet, meColl+"?"+q.Encode(), nil).obj(t)
			var got []string
			for _, v := range values(t, body) {
				got = append(got, str(t, v, "displayName"))
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("got %q, want %q", got, c.want)
			}
			// $count honours the same filter.
			r := do(t, s, http.MethodGet, meColl+"/$count?"+q.Encode(), nil)
			if r.status != 200 || string(r.body) != fmt.Sprint(len(c.want)) {
				t.Errorf("$count: %d %q, want %d", r.status, r.body, len(c.want))
			}
		})
	}
}

func TestInvalidQueryOptions(t *testing.T) {
	s := start(t)
	seedN(t, s, 2)
	cases := map[string]string{
		"$filter=displayName gt 'a'":                   "Invalid filter clause",
		"$filter=startswith(displayName,'a')":          "Invalid filter clause",
		"$filter=displayName eq 'a' or webUrl eq null": "Invalid filter clause",
		"$filter=displayName eq 'unterminated":         "Invalid filter clause",
		"$filter=displayName eq a":                     "Invalid filter clause",
		"$filter=endDate eq '2024-01-01'":              "Invalid filter clause",
		"$filter=allowedAudiences eq 'Everyone'":       "Invalid filter clause",
		"$filter=displayName eq 'a' and":               "Invalid filter clause",
		"$top=0":                                       "$top",
		"$top=1000":                                    "$top",
		"$top=ten":                                     "$top",
		"$skip=-1":                                     "$skip",
		"$count=yes":                                   "$count",
	}
	for query, msg := range cases {
		t.Run(query, func(t *testing.T) {
			k, v, _ := strings.Cut(query, "=")
			r := do(t, s, http.MethodGet, meColl+"?"+url.Values{k: {v}}.Encode(), nil)
			wantError(t, r, http.StatusBadRequest, "BadRequest", msg)
		})
	}
}

func TestIgnoredQueryOptionsAndSkip(t *testing.T) {
	s := start(t)
	ids := seedN(t, s, 5)
	r := do(t, s, http.MethodGet, meColl+"?$select=id,displayName&$orderby=displayName%20desc&$expand=x&$skip=3", nil)
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	value := values(t, r.obj(t))
	if len(value) != 2 || value[0]["id"] != ids[3] || value[1]["id"] != ids[4] {
		t.Errorf("$skip=3 gave %v, want the last two items in creation order", value)
	}
	if body := do(t, s, http.MethodGet, meColl+"?$skip=10", nil).obj(t); len(values(t, body)) != 0 || body["@odata.nextLink"] != nil {
		t.Errorf("skip past the end: %v", body)
	}
}

func TestCountRoute(t *testing.T) {
	s := start(t)
	seedN(t, s, 3)
	for _, path := range []string{meColl + "/$count", meColl + "/%24count"} {
		r := do(t, s, http.MethodGet, path, nil, "Accept", "text/plain;q=0.9")
		if r.status != http.StatusOK || string(r.body) != "3" {
			t.Errorf("%s: %d %q, want 200 \"3\"", path, r.status, r.body)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("%s: Content-Type %q, want text/plain", path, ct)
		}
	}
	wantError(t, do(t, s, http.MethodGet, "/beta/users/nobody/profile/certifications/$count", nil), 404, "Request_ResourceNotFound", "nobody")
}
