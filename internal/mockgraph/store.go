package mockgraph

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
)

type userState struct {
	User
	certs map[string]*certification // by lower-case id
}

// certification is one stored personCertification.
type certification struct {
	id                    string
	seq                   int64 // insertion order, breaks createdDateTime ties
	created, modified     time.Time
	createdBy, modifiedBy map[string]any // identitySet
	audiences             int            // allowedAudiences bitmask
	props                 map[string]any // other writable properties; absent = null
}

// AddUser adds a user, or replaces the details of one with the same id
// (keeping its certifications). An empty ID gets a random GUID.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID == "" {
		u.ID = mockentra.NewGUID()
	}
	key := strings.ToLower(u.ID)
	if old, ok := s.users[key]; ok {
		old.User = u
		return
	}
	s.users[key] = &userState{User: u, certs: map[string]*certification{}}
}

// stateRef reads the user argument of the state accessors: an id, a UPN
// or "me".
func stateRef(user string) userRef {
	if strings.EqualFold(user, "me") {
		return userRef{me: true}
	}
	return userRef{name: user}
}

// lookupUser resolves a reference by object id or UPN, both
// case-insensitively. Callers hold s.mu.
func (s *Server) lookupUser(ref userRef) (*userState, *apiError) {
	name := ref.name
	if ref.me {
		name = MeID
	}
	if u, ok := s.users[strings.ToLower(name)]; ok {
		return u, nil
	}
	for _, u := range s.users {
		if u.UserPrincipalName != "" && strings.EqualFold(u.UserPrincipalName, name) {
			return u, nil
		}
	}
	if ref.me {
		name = "me"
	}
	return nil, userNotFound(name)
}

func (s *Server) lookupCert(ref userRef, id string) (*userState, *certification, *apiError) {
	u, err := s.lookupUser(ref)
	if err != nil {
		return nil, nil, err
	}
	c, ok := u.certs[strings.ToLower(id)]
	if !ok {
		return nil, nil, itemNotFound(id)
	}
	return u, c, nil
}

// callerIdentity is the identitySet Graph writes into createdBy and
// lastModifiedBy: the signed-in user, here always Me.
func (s *Server) callerIdentity() map[string]any {
	name := ""
	if me, ok := s.users[strings.ToLower(MeID)]; ok {
		name = me.DisplayName
	}
	return map[string]any{"application": nil, "device": nil,
		"user": map[string]any{"displayName": name, "id": MeID}}
}

// now returns a UTC time at Graph's 100 ns precision, strictly later than
// any previous one from this server, so list order and lastModified bumps
// are observable even on a coarse clock. Callers hold s.mu.
func (s *Server) now() time.Time {
	t := s.clock().UTC().Truncate(100 * time.Nanosecond)
	if !t.After(s.lastTime) {
		t = s.lastTime.Add(100 * time.Nanosecond)
	}
	s.lastTime = t
	return t
}

func formatTime(t time.Time) string { return t.Format("2006-01-02T15:04:05.0000000Z") }

// apply merges validated changes; nil clears. A cleared allowedAudiences
// falls back to organization, the Graph default.
func apply(c *certification, changes map[string]any) {
	for k, v := range changes {
		switch {
		case k == "allowedAudiences" && v == nil:
			c.audiences = audienceOrganization
		case k == "allowedAudiences":
			if flags, ok := v.(int); ok { // validate turns every accepted value into its flags
				c.audiences = flags
			}
		case v == nil:
			delete(c.props, k)
		default:
			c.props[k] = v
		}
	}
}

// render builds the entity as Graph returns it: every property present,
// null when unset, fresh maps so the caller may encode it after unlocking.
// Callers hold s.mu.
func (s *Server) render(u *userState, c *certification, withContext bool) map[string]any {
	ent := map[string]any{
		"id":                   c.id,
		"allowedAudiences":     formatAudiences(c.audiences, false),
		"createdDateTime":      formatTime(c.created),
		"createdBy":            deepCopy(c.createdBy),
		"lastModifiedDateTime": formatTime(c.modified),
		"lastModifiedBy":       deepCopy(c.modifiedBy),
	}
	for _, p := range properties() {
		if p.kind.stored() {
			ent[p.name] = deepCopy(c.props[p.name])
		}
	}
	if withContext {
		ent["@odata.context"] = graphHost + "/beta/$metadata#users('" + u.ID + "')/profile/certifications/$entity"
	}
	return ent
}

// sortedCerts orders by createdDateTime, then insertion; Graph's default.
func sortedCerts(u *userState) []*certification {
	out := make([]*certification, 0, len(u.certs))
	for _, c := range u.certs {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *certification) int {
		return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.seq, b.seq))
	})
	return out
}

func (s *Server) create(ref userRef, changes map[string]any) (map[string]any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(ref)
	if err != nil {
		return nil, err
	}
	s.seq++
	t := s.now()
	c := &certification{
		id: mockentra.NewGUID(), seq: s.seq, created: t, modified: t,
		createdBy: s.callerIdentity(), modifiedBy: s.callerIdentity(),
		audiences: audienceOrganization, props: map[string]any{},
	}
	apply(c, changes)
	u.certs[c.id] = c
	return s.render(u, c, true), nil
}

// get answers a GET; withLag spends one of the item's lagging 404s first.
func (s *Server) get(ref userRef, id string, withLag bool) (map[string]any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, c, err := s.lookupCert(ref, id)
	if err != nil {
		return nil, err
	}
	if n := s.lag[c.id]; withLag && n > 0 {
		if n == 1 {
			delete(s.lag, c.id)
		} else {
			s.lag[c.id] = n - 1
		}
		return nil, itemNotFound(id)
	}
	return s.render(u, c, true), nil
}

// update applies a PATCH.
func (s *Server) update(ref userRef, id string, changes map[string]any) (map[string]any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, c, err := s.lookupCert(ref, id)
	if err != nil {
		return nil, err
	}
	apply(c, changes)
	c.modified = s.now()
	c.modifiedBy = s.callerIdentity()
	return s.render(u, c, true), nil
}

func (s *Server) remove(ref userRef, id string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, c, err := s.lookupCert(ref, id)
	if err != nil {
		return err
	}
	delete(u.certs, c.id)
	delete(s.lag, c.id)
	return nil
}

// Certifications returns deep copies of the user's certifications exactly
// as GET …/certifications/{id} would return them (after a JSON round trip),
// sorted by createdDateTime. user is an id, a UPN or "me"; an unknown user
// gives nil.
func (s *Server) Certifications(user string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(stateRef(user))
	if err != nil {
		return nil
	}
	var out []map[string]any
	for _, c := range sortedCerts(u) {
		out = append(out, roundTrip(s.render(u, c, true)))
	}
	return out
}

// Certification returns one certification as a GET would, ignoring any
// create-read lag.
func (s *Server) Certification(user, id string) (map[string]any, bool) {
	ent, err := s.get(stateRef(user), id, false)
	if err != nil {
		return nil, false
	}
	return roundTrip(ent), true
}

// Seed creates a certification with the same validation and defaults as a
// POST and returns it as the POST would. It does not start a create-read lag.
func (s *Server) Seed(user string, body map[string]any) (map[string]any, error) {
	changes, err := validateGo(body)
	if err != nil {
		return nil, err
	}
	ent, err := s.create(stateRef(user), changes)
	if err != nil {
		return nil, err
	}
	return roundTrip(ent), nil
}

// Mutate changes a certification out of band, with PATCH semantics
// (null clears) and a lastModified bump, as another client would.
func (s *Server) Mutate(user, id string, patch map[string]any) error {
	changes, err := validateGo(patch)
	if err != nil {
		return err
	}
	if _, err := s.update(stateRef(user), id, changes); err != nil {
		return err
	}
	return nil
}

// Remove deletes a certification out of band; false if it was not there.
func (s *Server) Remove(user, id string) bool {
	return s.remove(stateRef(user), id) == nil
}

// validateGo runs a Go-built body through the same JSON decoding and
// validation as a request body, so Seed and Mutate cannot drift from POST.
func validateGo(body map[string]any) (map[string]any, *apiError) {
	if body == nil {
		body = map[string]any{}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, badRequest("Unable to read JSON request payload: %v", err)
	}
	obj, aerr := decodeObject(b)
	if aerr != nil {
		return nil, aerr
	}
	return validate(obj)
}
