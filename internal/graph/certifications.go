package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	abs "github.com/microsoft/kiota-abstractions-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"
	"github.com/microsoftgraph/msgraph-beta-sdk-go/users"
)

// Me is the user_id that addresses the signed-in user (/me).
const Me = "me"

// meToken is the SDK's placeholder; the UrlReplaceHandler rewrites
// /users/me-token-to-replace to /me, exactly as the SDK's own client.Me() does.
const meToken = "me-token-to-replace"

// Certification is a personCertification as read from Graph, plus what the SDK could not
// carry: AudiencesUnreadable is true when Graph sent an allowedAudiences value the SDK
// parses to nil (an unknown token, or the numeric form not expressible as names).
type Certification struct {
	models.PersonCertificationable
	AudiencesUnreadable bool
}

// DecodeError is a 2xx answer whose body the SDK could not read. ID is the object's id
// when it could still be recovered from the raw JSON, so a create is never forgotten.
type DecodeError struct {
	ID  string
	Err error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("Graph's answer could not be read by the SDK: %v", e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

func (c *Client) collection(userID string) *users.ItemProfileCertificationsRequestBuilder {
	if userID == Me {
		userID = meToken
	}
	return users.NewItemProfileCertificationsRequestBuilderInternal(
		map[string]string{"baseurl": c.baseURL, "user%2Did": userID}, c.adapter)
}

func (c *Client) item(userID, id string) *users.ItemProfileCertificationsPersonCertificationItemRequestBuilder {
	return c.collection(userID).ByPersonCertificationId(id)
}

// CreateCertification POSTs body to the user's collection.
func (c *Client) CreateCertification(ctx context.Context, userID string, body models.PersonCertificationable) (*Certification, error) {
	c.invalidateReads() // before and after: no list taken while the write is under way is kept
	defer c.invalidateReads()
	ctx, ex := withExchange(ctx)
	info, err := c.collection(userID).ToPostRequestInformation(ctx, body, nil)
	if err != nil {
		return nil, &Error{Op: "create", Err: err}
	}
	raw, err := c.send(ctx, info)
	if err != nil {
		return nil, newError("create", ex, err)
	}
	created, err := decodeCertification(raw)
	if err == nil && (created.GetId() == nil || *created.GetId() == "") {
		// Created, but with nothing to track it by: as good as a lost answer, so the
		// caller looks for it instead of writing state without an id.
		return nil, &DecodeError{Err: errors.New("the created certification came back without an id")}
	}
	return created, err
}

// decodeAttempts bounds re-reads of an answer the SDK could not parse (a body cut short
// on the way). Reads are safe to repeat.
const decodeAttempts = 3

// GetCertification GETs one certification.
func (c *Client) GetCertification(ctx context.Context, userID, id string) (*Certification, error) {
	for attempt := 1; ; attempt++ {
		got, err := c.getOnce(ctx, userID, id)
		var de *DecodeError
		if !errors.As(err, &de) || attempt >= decodeAttempts || ctx.Err() != nil {
			return got, err
		}
	}
}

func (c *Client) getOnce(ctx context.Context, userID, id string) (*Certification, error) {
	ctx, ex := withExchange(ctx)
	info, err := c.item(userID, id).ToGetRequestInformation(ctx, nil)
	if err != nil {
		return nil, &Error{Op: "read", Err: err}
	}
	raw, err := c.send(ctx, info)
	if err != nil {
		return nil, newError("read", ex, err)
	}
	return decodeCertification(raw)
}

// UpdateCertification PATCHes body. Graph documents 200 with the entity; when a server
// answers 204 instead, the entity is fetched with a GET.
func (c *Client) UpdateCertification(ctx context.Context, userID, id string, body models.PersonCertificationable) (*Certification, error) {
	c.invalidateReads()
	defer c.invalidateReads()
	ctx2, ex := withExchange(ctx)
	info, err := c.item(userID, id).ToPatchRequestInformation(ctx2, body, nil)
	if err != nil {
		return nil, &Error{Op: "update", Err: err}
	}
	raw, err := c.send(ctx2, info)
	if err != nil {
		uerr := newError("update", ex, err)
		if outcomeOpen(uerr) {
			// A 5xx (after the retries a PATCH gets, being idempotent) or no answer: Graph
			// may have applied it. When it holds every value sent, it did.
			if got, ok := c.updateApplied(ctx, userID, id, info.Content); ok {
				return got, nil
			}
		}
		return nil, uerr
	}
	if len(raw) == 0 {
		return c.GetCertification(ctx, userID, id)
	}
	got, err := decodeCertification(raw)
	var de *DecodeError
	if errors.As(err, &de) {
		// The PATCH was applied (a 2xx came back); only its echo was unreadable.
		return c.GetCertification(ctx, userID, id)
	}
	return got, err
}

// DeleteCertification DELETEs one certification. A 404 is returned as an error; callers
// decide whether it means done. A DELETE whose outcome is open (a 5xx after the client's
// retries, or no answer) is checked with a GET of the item: a 404 there means it was
// deleted, and the delete succeeds.
func (c *Client) DeleteCertification(ctx context.Context, userID, id string) error {
	c.invalidateReads()
	defer c.invalidateReads()
	err := c.deleteOnce(ctx, userID, id)
	if !outcomeOpen(err) {
		return err
	}
	if _, gerr := c.GetCertification(ctx, userID, id); IsNotFound(gerr) {
		tflog.Debug(ctx, "graph: a delete whose answer failed was applied", map[string]interface{}{"error": err.Error()})
		return nil
	}
	return err
}

// outcomeOpen reports whether a failed write may have been applied anyway: Graph answered
// a 5xx, or nothing came back after the request went out. Only a 429 (and other 4xx) says
// that Graph did not act.
func outcomeOpen(err error) bool {
	var ge *Error
	if !errors.As(err, &ge) {
		return false
	}
	return ge.Status >= 500 || (ge.Status == 0 && ge.Attempts > 0)
}

// updateApplied reads the certification back after a PATCH whose outcome is open, and
// returns it when Graph holds every value the PATCH sent (body, as sent).
func (c *Client) updateApplied(ctx context.Context, userID, id string, body []byte) (*Certification, bool) {
	info, err := c.item(userID, id).ToGetRequestInformation(ctx, nil)
	if err != nil {
		return nil, false
	}
	raw, err := c.send(ctx, info)
	if err != nil {
		return nil, false
	}
	got, err := decodeCertification(raw)
	if err != nil || !holdsSent(body, raw, got) {
		return nil, false
	}
	return got, true
}

// holdsSent reports whether an entity (raw, and got as decoded) holds every property of a
// PATCH body: the same strings, numbers (as doubles), booleans and lists, nested objects
// member by member, null for an explicit null, and the same audiences however Graph
// writes them (names in any order, or a number).
func holdsSent(body, raw []byte, got *Certification) bool {
	var want, have map[string]any
	if json.Unmarshal(body, &want) != nil || json.Unmarshal(raw, &have) != nil {
		return false
	}
	for k, v := range want {
		switch {
		case strings.HasPrefix(k, "@"):
		case k == "allowedAudiences":
			s, _ := v.(string)
			a, err := models.ParseAllowedAudiences(s)
			flags, ok := a.(*models.AllowedAudiences)
			if err != nil || !ok || flags == nil || got.GetAllowedAudiences() == nil || *got.GetAllowedAudiences() != *flags {
				return false
			}
		case !sameJSON(v, have[k]):
			return false
		}
	}
	return true
}

// sameJSON compares two decoded JSON values; an object's members are compared for the
// members of want only, annotations aside.
func sameJSON(want, have any) bool {
	w, isObject := want.(map[string]any)
	if !isObject {
		return reflect.DeepEqual(want, have)
	}
	h, ok := have.(map[string]any)
	if !ok {
		return false
	}
	for k, v := range w {
		if !strings.HasPrefix(k, "@") && !sameJSON(v, h[k]) {
			return false
		}
	}
	return true
}

// deleteOnce sends the DELETE, within a batch when one takes it.
func (c *Client) deleteOnce(ctx context.Context, userID, id string) error {
	if a, ok, err := c.deletes.do(ctx, "DELETE", collectionPath(userID)+"/"+url.PathEscape(id)); err != nil {
		return &Error{Op: "delete", Err: err}
	} else if ok {
		if a.Status >= 400 {
			return answerError("delete", a)
		}
		return nil
	}
	ctx, ex := withExchange(ctx)
	info, err := c.item(userID, id).ToDeleteRequestInformation(ctx, nil)
	if err != nil {
		return &Error{Op: "delete", Err: err}
	}
	if err := c.adapter.SendNoContent(ctx, info, nil); err != nil {
		return newError("delete", ex, err)
	}
	return nil
}

// decodeCertification reads a personCertification with the SDK's JSON parse node, then
// repairs what the SDK drops silently: a numeric allowedAudiences (a quirk seen on live
// Graph, in Graph's schema numbering, see audiencesFromNumber) becomes its flags; any
// other unreadable value is reported, never guessed. A source whose type is one string
// (the US Government clouds' schema, cloud.go), which would fail the SDK's whole parse, is
// read as a list of that one type.
func decodeCertification(raw []byte) (*Certification, error) {
	var probe struct {
		ID        *string         `json:"id"`
		Audiences json.RawMessage `json:"allowedAudiences"`
		Source    json.RawMessage `json:"source"`
	}
	probeErr := json.Unmarshal(raw, &probe)
	if fixed := sourceTypeAsList(raw, probe.Source); fixed != nil {
		raw = fixed
	}
	numeric, notString := numericAudiences(probe.Audiences)
	if notString {
		// A JSON number fails the SDK's whole parse (it reads enums as strings only):
		// read the entity without it, and set the audiences from the number below.
		raw = withoutAudiences(raw)
	}
	node, err := jsonser.NewJsonParseNode(raw)
	var v any
	if err == nil {
		v, err = node.GetObjectValue(models.CreatePersonCertificationFromDiscriminatorValue)
	}
	pc, ok := v.(models.PersonCertificationable)
	if err == nil && !ok {
		err = fmt.Errorf("the body is not a personCertification")
	}
	if err != nil {
		de := &DecodeError{Err: err}
		if probeErr == nil && probe.ID != nil {
			de.ID = *probe.ID
		}
		return nil, de
	}
	out := &Certification{PersonCertificationable: pc}
	if notString || (pc.GetAllowedAudiences() == nil && len(probe.Audiences) > 0 && string(probe.Audiences) != "null") {
		if a, ok := audiencesFromNumber(numeric); ok {
			pc.SetAllowedAudiences(&a)
			return out, nil
		}
		pc.SetAllowedAudiences(nil)
		out.AudiencesUnreadable = true
	}
	return out, nil
}

// numericAudiences returns the text of an allowedAudiences value that may be a number: a
// string's content, or the raw JSON of a value that is not a string (notString: a JSON
// number, which the SDK cannot parse at all). "" for null or no value.
func numericAudiences(v json.RawMessage) (digits string, notString bool) {
	t := strings.TrimSpace(string(v))
	if t == "" || t == "null" {
		return "", false
	}
	if t[0] != '"' {
		return t, true // a JSON number, or anything else that is not a string
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return strings.TrimSpace(s), false
}

// withoutAudiences is raw with allowedAudiences removed (raw when it is not an object).
func withoutAudiences(raw []byte) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return raw
	}
	delete(obj, "allowedAudiences")
	b, err := json.Marshal(obj)
	if err != nil {
		return raw
	}
	return b
}

// sourceTypeAsList is raw with source.type, when it is a JSON string (personDataSource),
// made a list of that one string (personDataSources, the only form the SDK reads); nil
// when there is nothing to change.
func sourceTypeAsList(raw []byte, source json.RawMessage) []byte {
	var src map[string]json.RawMessage
	if json.Unmarshal(source, &src) != nil {
		return nil
	}
	t := strings.TrimSpace(string(src["type"]))
	if t == "" || t[0] != '"' {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil
	}
	src["type"] = json.RawMessage("[" + t + "]")
	b, err := json.Marshal(src)
	if err != nil {
		return nil
	}
	obj["source"] = b
	out, err := json.Marshal(obj)
	if err != nil {
		return nil
	}
	return out
}

// schemaAudiences is Graph's own numbering of the allowedAudiences flags, from its beta
// schema (CSDL): me is 0, the value with no flag set; the others are one bit each. The
// SDK's constants (me = 1 ... everyone = 64, unknownFutureValue = 128) are kiota's bit
// positions, used for names only: they never travel, and never read a number from Graph.
var schemaAudiences = []struct {
	bit  uint64
	flag models.AllowedAudiences
}{
	{1, models.FAMILY_ALLOWEDAUDIENCES},
	{2, models.CONTACTS_ALLOWEDAUDIENCES},
	{4, models.GROUPMEMBERS_ALLOWEDAUDIENCES},
	{8, models.ORGANIZATION_ALLOWEDAUDIENCES},
	{16, models.FEDERATEDORGANIZATIONS_ALLOWEDAUDIENCES},
	{32, models.EVERYONE_ALLOWEDAUDIENCES},
	{64, models.UNKNOWNFUTUREVALUE_ALLOWEDAUDIENCES},
}

// audiencesFromNumber reads an allowedAudiences number in Graph's schema numbering ("8"
// is organization, "40" organization and everyone, "0" me). ok is false for anything
// else: not a decimal number, or a bit the schema does not name.
func audiencesFromNumber(digits string) (models.AllowedAudiences, bool) {
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	if n == 0 {
		return models.ME_ALLOWEDAUDIENCES, true
	}
	var a models.AllowedAudiences
	for _, s := range schemaAudiences {
		if n&s.bit != 0 {
			a |= s.flag
			n &^= s.bit
		}
	}
	return a, n == 0
}

// ListFilter narrows a list to exact matches. Empty fields do not filter.
type ListFilter struct {
	DisplayName      string
	CertificationID  string
	IssuingAuthority string
}

// odataFilter renders f as an OData $filter expression ("" when f is empty).
func (f ListFilter) odataFilter() string {
	var parts []string
	for _, c := range []struct{ prop, v string }{
		{"displayName", f.DisplayName}, {"certificationId", f.CertificationID}, {"issuingAuthority", f.IssuingAuthority},
	} {
		if c.v != "" {
			parts = append(parts, c.prop+" eq '"+strings.ReplaceAll(c.v, "'", "''")+"'")
		}
	}
	return strings.Join(parts, " and ")
}

// Matches applies f on the client side, so a server that ignores $filter still yields
// exactly the matching certifications.
func (f ListFilter) Matches(c *Certification) bool {
	eq := func(want string, got *string) bool { return want == "" || (got != nil && *got == want) }
	return eq(f.DisplayName, c.GetDisplayName()) && eq(f.CertificationID, c.GetCertificationId()) &&
		eq(f.IssuingAuthority, c.GetIssuingAuthority())
}

// listPageSize is the $top asked for. Graph's docs for this list document $top and $skip,
// not @odata.nextLink: eachListed follows a next link when Graph writes one, and asks for
// the next page with $skip when a full page comes without one.
const listPageSize int32 = 100

// ListCertifications returns all of a user's certifications matching f, following
// @odata.nextLink (an absolute URL) through every page.
func (c *Client) ListCertifications(ctx context.Context, userID string, f ListFilter) ([]*Certification, error) {
	return c.ListCertificationsUpTo(ctx, userID, f, 0)
}

// errEnough stops a paging walk once the caller has what it asked for.
var errEnough = errors.New("enough certifications listed")

// ListCertificationsUpTo is ListCertifications that stops reading pages once it holds
// limit certifications, in Graph's order (limit <= 0: all of them).
func (c *Client) ListCertificationsUpTo(ctx context.Context, userID string, f ListFilter, limit int) ([]*Certification, error) {
	var out []*Certification
	seen := map[string]bool{}
	err := c.eachListed(ctx, userID, f.odataFilter(), func(item json.RawMessage) error {
		cert, err := decodeCertification(item)
		if err != nil {
			return err
		}
		id := ""
		if cert.GetId() != nil {
			id = *cert.GetId()
		}
		// A page boundary that shifts under concurrent writes can repeat an item.
		if !seen[id] && f.Matches(cert) {
			seen[id] = true
			out = append(out, cert)
			if limit > 0 && len(out) >= limit {
				return errEnough
			}
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		err = nil
	}
	return out, err
}

// eachListed pages through a user's certifications ($filter when filter is not empty)
// and hands each item's raw JSON to fn. A page whose body cannot be read is fetched again.
//
// The list's docs document $top and $skip, not @odata.nextLink, so a page without a next
// link is not taken as the end when it is full: a page with as many items as $top asked
// for is followed by the page at $skip = the items seen so far (same $top and $filter),
// until a page comes back short. A next link, when Graph writes one, is followed as is.
// A page asked for with $skip that brings nothing new (a server that ignores $skip) ends
// the list too.
func (c *Client) eachListed(ctx context.Context, userID, filter string, fn func(item json.RawMessage) error) error {
	ctx, ex := withExchange(ctx)
	builder := c.collection(userID)
	info, rel, err := c.listRequest(ctx, builder, userID, filter, 0)
	if err != nil {
		return err
	}
	relOK, bySkip := true, false
	seen := 0                // items received, the $skip of a page asked for without a next link
	ids := map[string]bool{} // ids received, to tell a $skip the server ignored
	for page := 0; ; page++ {
		var body struct {
			Value    []json.RawMessage `json:"value"`
			NextLink string            `json:"@odata.nextLink"`
		}
		for attempt := 1; ; attempt++ {
			raw, err := c.listPage(ctx, ex, info, rel, relOK && attempt == 1)
			if err != nil {
				return err
			}
			err = json.Unmarshal(raw, &body)
			if err == nil {
				break
			}
			if attempt >= decodeAttempts || ctx.Err() != nil {
				return &DecodeError{Err: fmt.Errorf("list page %d: %w", page+1, err)}
			}
		}
		fresh := 0
		for _, item := range body.Value {
			var probe struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(item, &probe) == nil && probe.ID != "" && !ids[probe.ID] {
				ids[probe.ID] = true
				fresh++
			}
			if err := fn(item); err != nil {
				return err
			}
		}
		seen += len(body.Value)
		if page > 10000 {
			return &Error{Op: "list", Err: errors.New("more than 10000 pages; stopping")}
		}
		switch {
		case body.NextLink != "":
			rel, relOK = c.relativeURL(body.NextLink)
			info, err = builder.WithUrl(body.NextLink).ToGetRequestInformation(ctx, nil)
			if err != nil {
				return &Error{Op: "list", Err: err}
			}
			bySkip = false
		case len(body.Value) < int(listPageSize), bySkip && fresh == 0:
			return nil
		default:
			// A full page and no next link: there may be more.
			if info, rel, err = c.listRequest(ctx, builder, userID, filter, seen); err != nil {
				return err
			}
			relOK, bySkip = true, true
		}
	}
}

// listRequest is the request for one page of a user's certifications: $top, $filter when
// filter is not empty, and $skip when skip > 0; both as a direct request and as the URL a
// batch item takes (relative to {endpoint}/beta).
func (c *Client) listRequest(ctx context.Context, builder *users.ItemProfileCertificationsRequestBuilder, userID, filter string, skip int) (*abs.RequestInformation, string, error) {
	top := listPageSize
	params := &users.ItemProfileCertificationsRequestBuilderGetQueryParameters{Top: &top}
	rel := collectionPath(userID) + "?$top=" + strconv.Itoa(int(top))
	if skip > 0 {
		s := int32(min(skip, math.MaxInt32))
		params.Skip = &s
		rel += "&$skip=" + strconv.Itoa(int(s))
	}
	if filter != "" {
		params.Filter = &filter
		rel += "&$filter=" + strings.ReplaceAll(url.QueryEscape(filter), "+", "%20")
	}
	info, err := builder.ToGetRequestInformation(ctx, &users.ItemProfileCertificationsRequestBuilderGetRequestConfiguration{QueryParameters: params})
	if err != nil {
		return nil, "", &Error{Op: "list", Err: err}
	}
	return info, rel, nil
}

// listPage fetches one list page: within a batch when batched is true and the batch gives
// a definite answer, else directly.
func (c *Client) listPage(ctx context.Context, ex *exchange, info *abs.RequestInformation, rel string, batched bool) ([]byte, error) {
	if batched {
		a, ok, err := c.lists.do(ctx, "GET", rel)
		if err != nil {
			return nil, &Error{Op: "list", Err: err}
		}
		if ok {
			if a.Status >= 400 {
				return nil, answerError("list", a)
			}
			return a.Body, nil
		}
	}
	raw, err := c.send(ctx, info)
	if err != nil {
		return nil, newError("list", ex, err)
	}
	return raw, nil
}

// Claim records that one resource owns the certification id, and reports false when
// another already does. A create that lost its answer adopts a matching certification
// only if it can claim it, so two identical creates in one run never share an object.
func (c *Client) Claim(id string) bool {
	c.claimsMu.Lock()
	defer c.claimsMu.Unlock()
	if c.claims == nil {
		c.claims = map[string]bool{}
	}
	if c.claims[id] {
		return false
	}
	c.claims[id] = true
	return true
}

// Hold records that the resource instance owner holds the certification id in this
// process; HeldByOther reports whether another instance does. So the destroy of a
// replaced graph_person_certifications (create_before_destroy) never deletes what its
// successor adopted moments before in the same apply.
func (c *Client) Hold(owner, id string) {
	c.claimsMu.Lock()
	defer c.claimsMu.Unlock()
	if c.holders == nil {
		c.holders = map[string]string{}
	}
	c.holders[id] = owner
}

// HeldByOther: see Hold.
func (c *Client) HeldByOther(owner, id string) bool {
	c.claimsMu.Lock()
	defer c.claimsMu.Unlock()
	h, ok := c.holders[id]
	return ok && h != owner
}
