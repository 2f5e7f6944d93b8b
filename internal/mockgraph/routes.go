package mockgraph

import (
	"net/http"
	"slices"
	"strings"
)

// Operations, also the values of Fault.Op.
const (
	opList   = "list" // includes …/$count, a collection read
	opCreate = "create"
	opGet    = "get"
	opUpdate = "update"
	opDelete = "delete"
	// opUser is GET /beta/me or /beta/users/{id|upn}: the user object itself, which
	// the provider reads to tell whether two ways of naming a user are the same user.
	opUser = "user"
	// opBatch is POST /beta/$batch as a whole (batch.go). Its sub-requests
	// are the operations above; only faults that name "batch" hit the batch itself.
	opBatch = "batch"
)

// userRef names the profile owner as the request did. /beta/me sets me;
// /beta/users/{x} sets name, and "me" there is just an unknown user, as on Graph.
type userRef struct {
	name string
	me   bool
}

type route struct {
	op    string
	user  userRef
	item  string // certification id; "" for the collection
	count bool   // …/certifications/$count
}

// parseRoute matches the decoded path (a UPN's %40 is already '@'):
//
//	/beta/me[/profile/certifications[/{id}|/$count]]
//	/beta/users/{id|upn}[/profile/certifications[/{id}|/$count]]
//
// Fixed segments are matched case-insensitively, like Graph.
func parseRoute(method, path string) (route, *apiError) {
	var rt route
	notFound := func(seg string) (route, *apiError) {
		if seg == "" {
			seg = path
		}
		return rt, segmentNotFound(seg)
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) > 1 && segs[len(segs)-1] == "" {
		segs = segs[:len(segs)-1] // tolerate one trailing slash
	}
	if !strings.EqualFold(segs[0], "beta") {
		return notFound(segs[0])
	}
	rest := segs[1:]
	switch {
	case len(rest) > 0 && strings.EqualFold(rest[0], "me"):
		rt.user = userRef{me: true}
		rest = rest[1:]
	case len(rest) > 1 && strings.EqualFold(rest[0], "users") && rest[1] != "":
		rt.user = userRef{name: rest[1]}
		rest = rest[2:]
	default:
		return notFound(strings.Join(rest, "/"))
	}
	if len(rest) == 0 {
		if method != http.MethodGet {
			return rt, &apiError{status: http.StatusMethodNotAllowed, code: "BadRequest",
				message: "Specified HTTP method is not allowed for the request target.", allow: http.MethodGet}
		}
		rt.op = opUser
		return rt, nil
	}
	if !strings.EqualFold(rest[0], "profile") {
		return notFound(strings.Join(rest, "/"))
	}
	if len(rest) < 2 || !strings.EqualFold(rest[1], "certifications") {
		return notFound(strings.Join(rest[1:], "/"))
	}
	rest = rest[2:]

	var methods map[string]string // HTTP method -> operation
	switch {
	case len(rest) > 1:
		return notFound(strings.Join(rest[1:], "/"))
	case len(rest) == 0:
		methods = map[string]string{http.MethodGet: opList, http.MethodPost: opCreate}
	case rest[0] == "":
		return notFound("")
	case rest[0] == "$count":
		rt.count = true
		methods = map[string]string{http.MethodGet: opList}
	default:
		rt.item = rest[0]
		methods = map[string]string{http.MethodGet: opGet, http.MethodPatch: opUpdate, http.MethodDelete: opDelete}
	}
	rt.op = methods[method]
	if rt.op == "" {
		allow := make([]string, 0, len(methods))
		for m := range methods {
			allow = append(allow, m)
		}
		slices.Sort(allow)
		return rt, &apiError{status: http.StatusMethodNotAllowed, code: "BadRequest",
			message: "Specified HTTP method is not allowed for the request target.",
			allow:   strings.Join(allow, ", ")}
	}
	return rt, nil
}
