package provider

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// A static access_token is the one credential the provider cannot renew, so what its
// claims say is checked before the first request: an expired token or one for another
// resource can only fail, and Graph's 401 would not say which setting is at fault.

// expirySkew is the clock difference tolerated between this machine and Entra ID.
const expirySkew = time.Minute

// freshTokenHint says how to get a token Graph accepts.
const freshTokenHint = "Get a fresh one, for example with `az account get-access-token --resource-type ms-graph --query accessToken --output tsv`, " +
	"or drop access_token and let the provider sign in itself."

// checkStaticToken refuses a JWT that has expired or is for another audience than the
// environment's Graph. A token that is not a JWT (opaque tokens exist) passes: there is
// nothing to read. The token never appears in a diagnostic, and the diagnostics carry no
// attribute path: with one, the CLI would quote the configuration line, token and all.
func checkStaticToken(tok, from string, c cloud, now time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	id, err := graph.DecodeIdentity(tok)
	if err != nil {
		return nil
	}
	if !id.ExpiresAt.IsZero() && now.After(id.ExpiresAt.Add(expirySkew)) {
		diags.AddError("The access token has expired",
			fmt.Sprintf("The token in access_token (from %s) expired at %s, %s ago; Graph refuses expired tokens. %s",
				from, id.ExpiresAt.Format(time.RFC3339), now.Sub(id.ExpiresAt).Round(time.Second), freshTokenHint))
	}
	if !audienceIsGraph(id.Audience, c) {
		diags.AddError("The access token is not for Microsoft Graph",
			fmt.Sprintf("The token in access_token (from %s) is for the audience %q, but environment %q needs a token for %s (or %s); "+
				"Graph refuses tokens issued for another resource. %s",
				from, id.Audience, c.name, c.graphHost, graphAppID, freshTokenHint))
	}
	return diags
}

// graphAppID is Microsoft Graph's application id, an alternative aud of its tokens in
// every cloud.
const graphAppID = "00000003-0000-0000-c000-000000000000"

// audienceIsGraph accepts no audience (nothing to check), Graph's app id, or the cloud's
// Graph host, in any case, with or without a trailing slash.
func audienceIsGraph(aud string, c cloud) bool {
	return aud == "" || strings.EqualFold(aud, graphAppID) || strings.EqualFold(strings.TrimRight(aud, "/"), c.graphHost)
}
