package personcertification

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// DataSource is data "graph_person_certification": one certification by user and id.
type DataSource struct{ dataSourceClient }

// NewDataSource is the provider's factory for the single data source.
func NewDataSource() datasource.DataSource { return &DataSource{} }

func (d *DataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_person_certification"
}

func (d *DataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := certificationAttributes(ctx)
	attrs["user_id"] = dataSourceUserID("Whose profile to read: a user's object id, a userPrincipalName, or `me`.")
	attrs["id"] = dschema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The certification's id.",
		Validators:          []validator.String{certificationID()},
	}
	resp.Schema = dschema.Schema{
		MarkdownDescription: "Reads one certification in a person's Microsoft Graph profile. " +
			"It exposes every attribute of the `graph_person_certification` resource.",
		Attributes: attrs,
	}
}

// userCertification is one certification with the user it was read for: the single data
// source's model, and an item of the list data source's certifications.
type userCertification struct {
	UserID types.String `tfsdk:"user_id"`
	Values
}

func (d *DataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m userCertification
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	user, id := m.UserID.ValueString(), m.ID.ValueString()
	got, err := d.client.GetCertification(ctx, user, id)
	if graph.IsNotFound(err) {
		resp.Diagnostics.AddError("Person certification not found",
			fmt.Sprintf("%v\n\nNo certification %q was found for user %q. Check that the user exists (object id, userPrincipalName or \"me\") "+
				"and that the id belongs to that user; data \"graph_person_certifications\" lists a user's certifications.", err, id, user))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(ErrorDiagAs(IdentityOf(d.client), "reading", user, err))
		return
	}
	resp.Diagnostics.Append(Flatten(ctx, got, &m.Values)...)
	if m.ID.IsNull() {
		resp.Diagnostics.Append(errNoID(user, id))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
