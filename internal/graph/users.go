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
	key := strings.ToLower(userID)
	c.usersMu.Lock()
	id, ok := c.userIDs[key]
	c.usersMu.Unlock()
	if ok {
		return id, nil
	}
	id, err := c.fetchUserID(ctx, userID)
	if err != nil {
		return "", err
	}
	c.usersMu.Lock()
	if c.userIDs == nil {
		c.userIDs = map[string]string{}
	}
	c.userIDs[key] = id
	c.usersMu.Unlock()
	return id, nil
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
	key := strings.ToLower(userID)
	c.usersMu.Lock()
	upn, ok := c.upns[key]
	c.usersMu.Unlock()
	if ok {
		return upn, nil
	}
	var body struct {
		UPN string `json:"userPrincipalName"`
	}
	if err := c.getUser(ctx, userID, &body, "userPrincipalName"); err != nil {
		return "", err
	}
	if body.UPN == "" {
		return "", &DecodeError{Err: fmt.Errorf("the user %q came back without a userPrincipalName", userID)}
	}
	upn = strings.ToLower(body.UPN)
	c.usersMu.Lock()
	if c.upns == nil {
		c.upns = map[string]string{}
	}
	c.upns[key] = upn
	c.usersMu.Unlock()
	return upn, nil
}
