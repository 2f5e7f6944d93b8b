package mockgraph

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// listOptions are the OData query options the list honours. $select,
// $orderby, $expand and $search are accepted and ignored.
type listOptions struct {
	top   int // 0 = server page size
	skip  int
	count bool
	conds []cond
}

// parseListOptions reads the query. url.Values decodes names, so the
// %24top form arrives as $top.
func parseListOptions(q url.Values) (listOptions, *apiError) {
	var o listOptions
	var err *apiError
	if o.conds, err = parseFilter(q.Get("$filter")); err != nil {
		return o, err
	}
	if v := q.Get("$top"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil || n < 1 || n > 999 {
			return o, badRequest("Invalid value '%s' for query option '$top': it must be an integer between 1 and 999.", v)
		}
		o.top = n
	}
	if v := q.Get("$skip"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil || n < 0 {
			return o, badRequest("Invalid value '%s' for query option '$skip': it must be a non-negative integer.", v)
		}
		o.skip = min(n, math.MaxInt32) // keeps skip+top from overflowing
	}
	switch v := strings.ToLower(q.Get("$count")); v {
	case "", "false":
	case "true":
		o.count = true
	default:
		return o, badRequest("Invalid value '%s' for query option '$count': it must be true or false.", q.Get("$count"))
	}
	return o, nil
}

// handleList serves the collection GET and …/$count.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request, rt route) {
	q := r.URL.Query()
	opts, err := parseListOptions(q)
	if err != nil {
		writeError(w, err)
		return
	}

	s.mu.Lock()
	u, err := s.lookupUser(rt.user)
	if err != nil {
		s.mu.Unlock()
		writeError(w, err)
		return
	}
	var matched []*certification
	for _, c := range sortedCerts(u) {
		if n := s.lag[c.id]; n > 0 {
			// Replication lag hides a new item from lists as from GETs, and a list that
			// missed it spends one of its lagging reads: the lag passes with time either way.
			if n == 1 {
				delete(s.lag, c.id)
			} else {
				s.lag[c.id] = n - 1
			}
			continue
		}
		if matchesAll(c, opts.conds) {
			matched = append(matched, c)
		}
	}
	total := len(matched)
	top := opts.top
	if top == 0 {
		top = s.pageSize
	}
	page := matched[min(opts.skip, total):min(opts.skip+top, total)]
	items := make([]any, 0, len(page))
	for _, c := range page {
		items = append(items, s.render(u, c, false))
	}
	userID := u.ID
	links := !s.noNextLinks
	s.mu.Unlock()

	if rt.count {
		// The SDK's Count() asks for text/plain and parses an integer.
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		_, _ = fmt.Fprint(w, total)
		return
	}
	resp := map[string]any{
		"@odata.context": graphHost + "/beta/$metadata#users('" + userID + "')/profile/certifications",
		"value":          items,
	}
	if opts.count {
		resp["@odata.count"] = total
	}
	if next := opts.skip + top; next < total && links {
		resp["@odata.nextLink"] = nextLink(r, q, next)
	}
	writeJSON(w, http.StatusOK, resp)
}

// nextLink is absolute on the request's own host, because the SDK's page
// iterator parses it as a full URL. It repeats the query ($top, $filter, …)
// with $skip moved on.
func nextLink(r *http.Request, q url.Values, skip int) string {
	next := url.Values{}
	for k, v := range q {
		next[k] = slices.Clone(v)
	}
	next.Set("$skip", strconv.Itoa(skip))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.EscapedPath() + "?" + encodeQuery(next)
}

// encodeQuery writes $-names literally ('$' is legal in a query) and
// escapes values with %20 for spaces, which every OData client reads.
func encodeQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		name := url.QueryEscape(k)
		if rest, ok := strings.CutPrefix(k, "$"); ok {
			name = "$" + url.QueryEscape(rest)
		}
		for _, v := range q[k] {
			parts = append(parts, name+"="+strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
		}
	}
	return strings.Join(parts, "&")
}

// cond is one "<prop> eq|ne <'literal'|null>" comparison of a $filter.
type cond struct {
	prop   string
	negate bool // ne
	null   bool
	str    string
	mask   int // allowedAudiences literal as a bitmask
}

func matchesAll(c *certification, conds []cond) bool {
	for _, cd := range conds {
		if cd.matches(c) == cd.negate {
			return false
		}
	}
	return true
}

// matches reports whether the property equals the literal (before negation).
func (cd cond) matches(c *certification) bool {
	if cd.prop == "allowedAudiences" {
		return !cd.null && c.audiences == cd.mask // never null once stored
	}
	v, set := c.props[cd.prop].(string)
	if cd.null {
		return !set
	}
	return set && v == cd.str
}

// parseFilter accepts comparisons joined by "and":
//
//	displayName eq 'A' and issuingCompany ne 'it''s' and webUrl eq null
//
// on the string properties. Anything else is a 400, as Graph gives for a
// filter it cannot run.
func parseFilter(src string) ([]cond, *apiError) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	invalid := func(why string) ([]cond, *apiError) {
		return nil, badRequest("Invalid filter clause: %s", why)
	}
	toks, ok := tokenize(src)
	if !ok {
		return invalid("unterminated string literal or unexpected character in '" + src + "'")
	}
	var conds []cond
	for i := 0; ; {
		if len(toks)-i < 3 {
			return invalid("expected '<property> eq|ne <literal>' in '" + src + "'")
		}
		prop, op, lit := toks[i], toks[i+1], toks[i+2]
		if prop.quoted || !filterable(prop.text) {
			return invalid("property '" + prop.text + "' cannot be filtered")
		}
		if op.quoted || (op.text != "eq" && op.text != "ne") {
			return invalid("unsupported operator '" + op.text + "'")
		}
		cd := cond{prop: prop.text, negate: op.text == "ne"}
		switch {
		case lit.quoted:
			cd.str = lit.text
		case lit.text == "null":
			cd.null = true
		default:
			return invalid("expected a quoted string or null, got '" + lit.text + "'")
		}
		if cd.prop == "allowedAudiences" && !cd.null {
			mask, err := parseAudiences(cd.str)
			if err != nil {
				return invalid(err.message)
			}
			cd.mask = mask
		}
		conds = append(conds, cd)
		i += 3
		if i == len(toks) {
			return conds, nil
		}
		if toks[i].quoted || toks[i].text != "and" {
			return invalid("only 'and' may join comparisons, got '" + toks[i].text + "'")
		}
		i++
	}
}

type token struct {
	text   string
	quoted bool // a '…' string literal, with '' already unescaped
}

// tokenize splits a filter into words and single-quoted literals.
func tokenize(src string) ([]token, bool) {
	var toks []token
	for i := 0; i < len(src); {
		switch ch := src[i]; {
		case ch == ' ' || ch == '\t':
			i++
		case ch == '\'':
			var b strings.Builder
			i++
			for {
				if i >= len(src) {
					return nil, false
				}
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(src[i])
				i++
			}
			toks = append(toks, token{text: b.String(), quoted: true})
		case isWordByte(ch):
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			toks = append(toks, token{text: src[i:j]})
			i = j
		default:
			return nil, false
		}
	}
	return toks, true
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
}
