package personcertification

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// CertificationsDataSource is data "graph_person_certifications": all of a user's certifications.
type CertificationsDataSource struct{ dataSourceClient }

// NewCertificationsDataSource is the provider's factory for the list data source.
func NewCertificationsDataSource() datasource.DataSource { return &CertificationsDataSource{} }

// listFilters is the configuration the list data source and the list resource share:
// whose certifications, and the exact-match filters.
type listFilters struct {
	UserID           types.String `tfsdk:"user_id"`
	DisplayName      types.String `tfsdk:"display_name"`
	CertificationID  types.String `tfsdk:"certification_id"`
	IssuingAuthority types.String `tfsdk:"issuing_authority"`
}

// graphFilter is the filters as the Graph client takes them.
func (f listFilters) graphFilter() graph.ListFilter {
	return graph.ListFilter{
		DisplayName:      f.DisplayName.ValueString(),
		CertificationID:  f.CertificationID.ValueString(),
		IssuingAuthority: f.IssuingAuthority.ValueString(),
	}
}

type listModel struct {
	listFilters
	Certifications types.List `tfsdk:"certifications"`
}

func (d *CertificationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_person_certifications"
}

func filterAttribute(what string) dschema.StringAttribute {
	return dschema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Only certifications whose " + what + " equals this value exactly (case-sensitive). " +
			"Sent to Graph as `$filter`, and checked again by the provider.",
		Validators: textValidators(1000),
	}
}

func (d *CertificationsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := certificationAttributes(ctx)
	item["user_id"] = dschema.StringAttribute{Computed: true, MarkdownDescription: "The `user_id` the list was read for."}
	resp.Schema = dschema.Schema{
		MarkdownDescription: "Lists all of a person's certifications in Microsoft Graph, following every page, " +
			"in a stable order (by `created_date_time`, then `id`). Each item has every attribute of the " +
			"`graph_person_certification` resource. No match is an empty list, not an error.",
		Attributes: map[string]dschema.Attribute{
			"user_id":           dataSourceUserID("Whose profile to list: a user's object id, a userPrincipalName, or `me`."),
			"display_name":      filterAttribute("`display_name`"),
			"certification_id":  filterAttribute("`certification_id`"),
			"issuing_authority": filterAttribute("`issuing_authority`"),
			"certifications": dschema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The certifications, oldest first.",
				NestedObject:        dschema.NestedAttributeObject{Attributes: item},
			},
		},
	}
}

func (d *CertificationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m listModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	user := m.UserID.ValueString()
	certs, err := d.client.ListCertifications(ctx, user, m.graphFilter())
	if err != nil {
		resp.Diagnostics.Append(ErrorDiagAs(IdentityOf(d.client), "listing", user, err))
		return
	}
	graph.SortByCreated(certs)
	items := make([]userCertification, len(certs))
	for i, c := range certs {
		items[i].UserID = m.UserID
		resp.Diagnostics.Append(Flatten(ctx, c, &items[i].Values)...)
	}
	var schemaResp datasource.SchemaResponse
	d.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	listType, ok := schemaResp.Schema.Attributes["certifications"].GetType().(types.ListType)
	if !ok {
		resp.Diagnostics.AddError("Error reading person certifications", "the schema's certifications attribute is not a list; please report this provider bug")
		return
	}
	elem := listType.ElemType
	list, diags := types.ListValueFrom(ctx, elem, items)
	resp.Diagnostics.Append(diags...)
	m.Certifications = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
