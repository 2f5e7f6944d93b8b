package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/microsoftgraph/msgraph-beta-sdk-go/users"
)

var objectIDShape = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsObjectID reports whether s has the shape of an Entra ID object id (a GUID, any case).
func IsObjectID(s string) bool { return objectIDShape.MatchString(s) }

// UserObjectID returns the object id (lower case) of the user that userID names: "me",
// an object id or a userPrincipalName. An object id is its own answer; "me" is answered
// from the token's oid claim when the token carries one; anything else is asked of Graph
// (GET /users/{x}?$select=id, or /me), which the permissions the provider already needs
// allow: User.Read for /me, User.ReadWrite.All (which reads every user) for others.
// Answers are kept for the client's life.
func (c *Client) UserObjectID(ctx context.Context, userID string) (string, error) {
	if objectIDShape.MatchString(userID) {
		return strings.ToLower(userID), nil
	}
	if userID == Me && c.identity != nil && objectIDShape.MatchString(c.identity.ObjectID) {
		return strings.ToLower(c.identity.ObjectID), nil
	}
	return c.remembered(&c.userIDs, userID, func() (string, error) { return c.fetchUserID(ctx, userID) })
}

// remembered answers for userID (any case) from *answers, or else from ask, whose answer
// it keeps there for the client's life; an error is not kept.
func (c *Client) remembered(answers *map[string]string, userID string, ask func() (string, error)) (string, error) {
	key := strings.ToLower(userID)
	c.usersMu.Lock()
	v, ok := (*answers)[key]
	c.usersMu.Unlock()
	if ok {
		return v, nil
	}
	v, err := ask()
	if err != nil {
		return "", err
	}
	c.usersMu.Lock()
	if *answers == nil {
		*answers = map[string]string{}
	}
	(*answers)[key] = v
	c.usersMu.Unlock()
	return v, nil
}

func (c *Client) fetchUserID(ctx context.Context, userID string) (string, error) {
	var body struct {
		ID string `json:"id"`
	}
	if err := c.getUser(ctx, userID, &body, "id"); err != nil {
		return "", err
	}
	if !objectIDShape.MatchString(body.ID) {
		return "", &DecodeError{Err: fmt.Errorf("the user %q came back without an object id", userID)}
	}
	return strings.ToLower(body.ID), nil
}

// getUser reads the named fields of the user that userID names (GET /users/{x}, or /me,
// with $select) into out.
func (c *Client) getUser(ctx context.Context, userID string, out any, fields ...string) error {
	ref := userID
	if ref == Me {
		ref = meToken
	}
	ctx, ex := withExchange(ctx)
	builder := users.NewUserItemRequestBuilderInternal(map[string]string{"baseurl": c.baseURL, "user%2Did": ref}, c.adapter)
	info, err := builder.ToGetRequestInformation(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: fields},
	})
	if err != nil {
		return &Error{Op: "read user", Err: err}
	}
	raw, err := c.send(ctx, info)
	if err != nil {
		return newError("read user", ex, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &DecodeError{Err: fmt.Errorf("the user %q came back unreadable: %w", userID, err)}
	}
	return nil
}

// UserPrincipalName returns the userPrincipalName (lower case) of the user that userID
// names: "me" or an object id, asked of Graph (GET /users/{x}?$select=userPrincipalName,
// or /me); a userPrincipalName is its own answer. Answers are kept for the client's life.
func (c *Client) UserPrincipalName(ctx context.Context, userID string) (string, error) {
	if userID != Me && !objectIDShape.MatchString(userID) {
		return strings.ToLower(userID), nil
	}
	return c.remembered(&c.upns, userID, func() (string, error) { return c.fetchUPN(ctx, userID) })
}

func (c *Client) fetchUPN(ctx context.Context, userID string) (string, error) {
	var body struct {
		UPN string `json:"userPrincipalName"`
	}
	if err := c.getUser(ctx, userID, &body, "userPrincipalName"); err != nil {
		return "", err
	}
	if body.UPN == "" {
		return "", &DecodeError{Err: fmt.Errorf("the user %q came back without a userPrincipalName", userID)}
	}
	return strings.ToLower(body.UPN), nil
}
