package personcertification

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	lschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

var _ list.ListResource = (*ListResource)(nil)

// ListResource is list "graph_person_certification" (Terraform 1.14+, `terraform query`):
// the certifications a user already has, each with the identity that imports it.
type ListResource struct{ resourceClient }

// NewListResource is the provider's factory for the list resource.
func NewListResource() list.ListResource { return &ListResource{} }

func (l *ListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_person_certification"
}

func (l *ListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	filter := func(what string) lschema.StringAttribute {
		return lschema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Only certifications whose " + what + " equals this value exactly (case-sensitive). " +
				"Sent to Graph as `$filter`, and checked again by the provider.",
			Validators: textValidators(maxText),
		}
	}
	resp.Schema = lschema.Schema{
		MarkdownDescription: "Lists the certifications in a person's Microsoft Graph profile, following every page, " +
			"oldest first. Each result carries the identity (`user_id`, `id`) that imports it into " +
			"`graph_person_certification`, and the whole object with `include_resource = true`; " +
			"`terraform query -generate-config-out=FILE` writes the resource and import blocks for them.",
		Attributes: map[string]lschema.Attribute{
			"user_id": lschema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Whose profile to list: a user's object id, a userPrincipalName, or `me`. The results carry it as written.",
				Validators:          []validator.String{userID()},
			},
			"display_name":      filter("`display_name`"),
			"certification_id":  filter("`certification_id`"),
			"issuing_authority": filter("`issuing_authority`"),
		},
	}
}

func (l *ListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg listFilters
	if d := req.Config.Get(ctx, &cfg); d.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(d)
		return
	}
	if l.client == nil {
		var d diag.Diagnostics
		d.AddError("Provider not configured", "The provider was not configured before listing; check the provider block and try again.")
		stream.Results = list.ListResultsStreamDiagnostics(d)
		return
	}
	user := cfg.UserID.ValueString()
	stream.Results = func(push func(list.ListResult) bool) {
		ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
		defer cancel()
		certs, err := l.client.ListCertificationsUpTo(ctx, user, cfg.graphFilter(), int(req.Limit))
		if err != nil {
			var failed list.ListResult
			failed.Diagnostics.Append(ErrorDiagAs(IdentityOf(l.client), "listing", user, err))
			push(failed)
			return
		}
		graph.SortByCreated(certs)
		noTimeouts := timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes(ctx))}
		for _, c := range certs {
			if !push(l.result(ctx, req, cfg.UserID, noTimeouts, c)) {
				return
			}
		}
	}
}

// result is one listed certification: its identity, a name for people, and with
// include_resource the whole object as graph_person_certification would hold it.
func (l *ListResource) result(ctx context.Context, req list.ListRequest, user types.String, noTimeouts timeouts.Value, c *graph.Certification) list.ListResult {
	out := req.NewListResult(ctx)
	m := resourceModel{UserID: user, Timeouts: noTimeouts}
	out.Diagnostics.Append(Flatten(ctx, c, &m.Values)...)
	if m.ID.IsNull() {
		out.Diagnostics.AddError("Error listing person certifications",
			fmt.Sprintf("Graph listed a certification of user %q without an id, so it cannot be imported.", user.ValueString()))
		return out
	}
	setIdentity(out.Identity, m.UserID, m.ID)
	out.DisplayName = m.DisplayName.ValueString()
	if id := m.CertificationID.ValueString(); id != "" {
		out.DisplayName += " (" + id + ")"
	}
	if req.IncludeResource {
		unknownToNull(&m.Values)
		if v, ok := resourceCodec(ctx).encode(ctx, &m); ok {
			out.Resource.Raw = v
		} else {
			out.Diagnostics.Append(out.Resource.Set(ctx, &m)...)
		}
	}
	return out
}

// timeoutsAttrTypes is the timeouts block's object type, for a null block.
func timeoutsAttrTypes(ctx context.Context) map[string]attr.Type {
	switch t := Schema(ctx).Blocks["timeouts"].Type().(type) {
	case timeouts.Type:
		return t.AttrTypes
	case types.ObjectType:
		return t.AttrTypes
	}
	return nil
}
