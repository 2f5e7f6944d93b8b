package graph

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
)

func TestDecodeIdentity(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		claims map[string]any
		want   Identity
	}{
		{"delegated (az cli)", map[string]any{"aud": "https://graph.microsoft.com", "tid": "t", "oid": "o", "appid": "a",
			"app_displayname": "Microsoft Azure CLI", "upn": "adele@contoso", "scp": "User.ReadWrite openid", "exp": exp.Unix(), "idtyp": "user"},
			Identity{Kind: Delegated, Audience: "https://graph.microsoft.com", TenantID: "t", ObjectID: "o", AppID: "a",
				AppName: "Microsoft Azure CLI", User: "adele@contoso", Scopes: []string{"User.ReadWrite", "openid"}, ExpiresAt: exp}},
		{"app-only with roles", map[string]any{"aud": "00000003-0000-0000-c000-000000000000", "appid": "a", "roles": []string{"User.ReadWrite.All"}},
			Identity{Kind: AppOnly, Audience: "00000003-0000-0000-c000-000000000000", AppID: "a", Roles: []string{"User.ReadWrite.All"}}},
		{"app-only by idtyp, no roles", map[string]any{"aud": []string{"https://graph.microsoft.com"}, "azp": "b", "idtyp": "app"},
			Identity{Kind: AppOnly, Audience: "https://graph.microsoft.com", AppID: "b"}},
		{"neither", map[string]any{"aud": "x", "preferred_username": "u@x"}, Identity{Kind: Unknown, Audience: "x", User: "u@x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeIdentity(mockentra.ForeignToken(tt.claims))
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != tt.want.Kind || got.Audience != tt.want.Audience || got.AppID != tt.want.AppID || got.User != tt.want.User ||
				strings.Join(got.Scopes, " ") != strings.Join(tt.want.Scopes, " ") || strings.Join(got.Roles, " ") != strings.Join(tt.want.Roles, " ") ||
				!got.ExpiresAt.Equal(tt.want.ExpiresAt) || got.TenantID != tt.want.TenantID || got.ObjectID != tt.want.ObjectID {
				t.Errorf("got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
	for _, bad := range []string{"opaque-token", "a.b", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c"} {
		if _, err := DecodeIdentity(bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

func TestWriteProblem(t *testing.T) {
	app := &Identity{Kind: AppOnly, AppID: "a1", AppName: "terraform-ci", Roles: []string{"User.ReadWrite.All"}}
	appNoRole := &Identity{Kind: AppOnly, AppID: "a1"}
	user := func(scp ...string) *Identity {
		return &Identity{Kind: Delegated, AppID: "cli", User: "adele", Scopes: scp}
	}
	tests := []struct {
		name     string
		id       *Identity
		userID   string
		blocking bool
		want     []string // "" = no problem
	}{
		{"app-only with me", app, Me, true, []string{"signed-in user", "application \"terraform-ci\" (a1)", "app-only", "User.ReadWrite"}},
		{"app-only, other user, role granted", app, "u@contoso", false, nil},
		{"app-only, other user, no role", appNoRole, "u@contoso", false, []string{"application permission User.ReadWrite.All", "not supported"}},
		{"delegated me with User.ReadWrite", user("User.ReadWrite"), Me, false, nil},
		{"delegated me with User.ReadWrite.All", user("User.ReadWrite.All"), Me, false, nil},
		{"delegated me with only User.Read", user("User.Read"), Me, false, []string{"delegated permission User.ReadWrite ", "scopes: User.Read"}},
		{"delegated other with User.ReadWrite", user("User.ReadWrite"), "u@contoso", false, []string{"User.ReadWrite.All"}},
		// The current docs pages list both AgentIdUser permissions for writes (delegated).
		{"delegated other with AgentIdUser.ReadWrite.All", user("AgentIdUser.ReadWrite.All"), "u@contoso", false, nil},
		{"delegated me with AgentIdUser.ReadWrite.IdentityParentedBy", user("AgentIdUser.ReadWrite.IdentityParentedBy"), Me, false, nil},
		{"no claims about permissions", &Identity{Kind: Unknown}, Me, false, []string{"neither scp nor roles", "User.ReadWrite"}},
		{"nil identity", nil, Me, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, blocking := tt.id.WriteProblem(tt.userID)
			if blocking != tt.blocking || (text == "") != (tt.want == nil) {
				t.Fatalf("blocking=%v text=%q", blocking, text)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("%q lacks %q", text, w)
				}
			}
		})
	}
	if WritePermission(Me) != "User.ReadWrite" || WritePermission("x") != "User.ReadWrite.All" {
		t.Error("WritePermission")
	}
}
