package graph

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// IdentityKind says whether a token acts for a signed-in user or for an application alone.
type IdentityKind string

const (
	Delegated IdentityKind = "delegated" // the token has scp: a user signed in through an app
	AppOnly   IdentityKind = "app-only"  // client credentials or managed identity: roles, no user
	Unknown   IdentityKind = "unknown"   // neither scp, roles nor idtyp say which
)

// Identity is what an access token says about its caller. It is decoded from the JWT's
// payload without checking the signature: Graph checks that; the provider only reads the
// claims to explain, before any write, what the token cannot do.
type Identity struct {
	Kind      IdentityKind
	Audience  string
	TenantID  string
	ObjectID  string
	AppID     string
	AppName   string
	User      string // upn or unique_name of a delegated token
	Scopes    []string
	Roles     []string
	ExpiresAt time.Time
}

// DecodeIdentity reads the claims of a JWT access token. A token that is not a JWT (Graph
// tokens for personal accounts are opaque) is an error; callers then skip the checks.
func DecodeIdentity(token string) (*Identity, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("the access token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, errors.New("the access token's payload is not base64url")
	}
	var c struct {
		Aud        json.RawMessage `json:"aud"`
		Tid        string          `json:"tid"`
		Oid        string          `json:"oid"`
		AppID      string          `json:"appid"`
		Azp        string          `json:"azp"`
		AppName    string          `json:"app_displayname"`
		Upn        string          `json:"upn"`
		UniqueName string          `json:"unique_name"`
		Preferred  string          `json:"preferred_username"`
		Scp        string          `json:"scp"`
		Roles      []string        `json:"roles"`
		Idtyp      string          `json:"idtyp"`
		Exp        json.Number     `json:"exp"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, errors.New("the access token's payload is not a JSON object of claims")
	}
	id := &Identity{
		TenantID: c.Tid, ObjectID: c.Oid, AppID: cmp.Or(c.AppID, c.Azp), AppName: c.AppName,
		User: cmp.Or(c.Upn, c.UniqueName, c.Preferred), Scopes: strings.Fields(c.Scp), Roles: c.Roles,
	}
	var auds []string
	if json.Unmarshal(c.Aud, &id.Audience) != nil && json.Unmarshal(c.Aud, &auds) == nil && len(auds) > 0 {
		id.Audience = auds[0]
	}
	if exp, err := c.Exp.Int64(); err == nil {
		id.ExpiresAt = time.Unix(exp, 0).UTC()
	}
	switch {
	case len(id.Scopes) > 0 || c.Idtyp == "user":
		id.Kind = Delegated
	case c.Idtyp == "app" || len(id.Roles) > 0:
		id.Kind = AppOnly
	default:
		id.Kind = Unknown
	}
	return id, nil
}

// String is a one-line description safe for logs and diagnostics (no token material).
func (id *Identity) String() string {
	if id == nil {
		return "unknown identity"
	}
	switch id.Kind {
	case Delegated:
		return fmt.Sprintf("user %s through application %s (delegated; scopes: %s)", orDash(id.User), id.app(), listOrNone(id.Scopes))
	case AppOnly:
		return fmt.Sprintf("application %s (app-only; roles: %s)", id.app(), listOrNone(id.Roles))
	}
	return fmt.Sprintf("application %s (token carries neither scp nor roles)", id.app())
}

func (id *Identity) app() string {
	switch {
	case id.AppName != "" && id.AppID != "":
		return fmt.Sprintf("%q (%s)", id.AppName, id.AppID)
	case id.AppID != "":
		return id.AppID
	}
	return "-"
}

// WritePermission names the least-privileged delegated permission that lets a token write
// userID's profile: User.ReadWrite for "me", User.ReadWrite.All for anyone else.
func WritePermission(userID string) string {
	if userID == Me {
		return "User.ReadWrite"
	}
	return "User.ReadWrite.All"
}

// writePermissions lists every permission that could allow writing userID's profile
// (docs/development/graph-api.md, Permissions; application permissions as older docs list them).
func writePermissions(userID string, kind IdentityKind) []string {
	if kind == AppOnly {
		return []string{"User.ReadWrite.All"}
	}
	all := []string{"User.ReadWrite.All", "AgentIdUser.ReadWrite.All", "AgentIdUser.ReadWrite.IdentityParentedBy"}
	if userID == Me {
		return append([]string{"User.ReadWrite"}, all...)
	}
	return all
}

// WriteProblem says what keeps this identity from writing userID's profile. A blocking
// problem (an app-only token with "me") can never work and is an error; otherwise a
// non-empty text is a warning: the token lacks every permission that could allow the write.
func (id *Identity) WriteProblem(userID string) (text string, blocking bool) {
	if id == nil {
		return "", false
	}
	if userID == Me && id.Kind == AppOnly {
		return fmt.Sprintf("user_id = \"me\" needs a token for a signed-in user, but the provider signed in as the %s. "+
			"An app-only token has no user for /me to stand for, and Graph refuses /me with it. "+
			"Set user_id to the user's object id or userPrincipalName, or sign in as a user "+
			"(use_cli with `az login`, or an access_token issued to a user) with the delegated permission %s.",
			id, WritePermission(userID)), true
	}
	have := id.Scopes
	if id.Kind != Delegated {
		have = id.Roles
	}
	for _, p := range writePermissions(userID, id.Kind) {
		if slices.Contains(have, p) {
			return "", false
		}
	}
	switch id.Kind {
	case AppOnly:
		return fmt.Sprintf("The provider signed in as the %s, which lacks the application permission User.ReadWrite.All "+
			"needed to write the profile of %q; Graph will answer 403. Grant User.ReadWrite.All (with admin consent). "+
			"Current Graph documentation lists application permissions as not supported for profile certifications; "+
			"a delegated token (user_id = \"me\", %s) is the dependable path.", id, userID, WritePermission(Me)), false
	case Delegated:
		return fmt.Sprintf("The provider signed in as %s, which lacks the delegated permission %s needed to write "+
			"the profile of %q; Graph will answer 403. Grant %s to the application, consent, and sign in again.",
			id, WritePermission(userID), userID, WritePermission(userID)), false
	}
	return fmt.Sprintf("The access token carries neither scp nor roles, so it holds no permission to write the profile of %q; "+
		"Graph will answer 403. Use a token with the delegated permission %s.", userID, WritePermission(userID)), false
}

func listOrNone(v []string) string {
	if len(v) == 0 {
		return "none"
	}
	return strings.Join(v, " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Identity is what the provider's token says about its caller; nil when the token could
// not be decoded (the checks that need it are then skipped).
func (c *Client) Identity() *Identity { return c.identity }
