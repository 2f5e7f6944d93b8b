package personcertifications

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
)

// Resource is graph_person_certifications as the framework knows it: its type name, its
// schema and its configuration. Terraform's calls for it are served by server.go, never
// by the framework. The methods below the line are the framework's way in, kept as the
// reference that TestParity (serve_test.go) holds server.go equal to: each passes the raw values to
// the same functions server.go calls, so the test compares the framework's own handling
// (defaults, plan modifiers, validators, private state, diagnostics) with framework.go's.
type Resource struct {
	// writer writes each entry as graph_person_certification writes its one
	// certification, lost answers and stale reads included.
	writer personcertification.Writer
}

var (
	_ resource.ResourceWithConfigure      = (*Resource)(nil)
	_ resource.ResourceWithImportState    = (*Resource)(nil)
	_ resource.ResourceWithValidateConfig = (*Resource)(nil)
	_ resource.ResourceWithModifyPlan     = (*Resource)(nil)
)

// NewResource is the provider's factory for the resource.
func NewResource() resource.Resource { return &Resource{} }

func (r *Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_person_certifications"
}

func (r *Resource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = Schema(ctx)
}

func (r *Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.writer.Client = personcertification.ConfigureClient(req.ProviderData, &resp.Diagnostics)
}

// ---- The parity test's reference: never served (see Serve). ----

func (r *Resource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateBulkConfig(ctx, req.Config.Raw, &resp.Diagnostics)
}

func (r *Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	unlisted, d := req.Private.GetKey(ctx, privateUnlistedKey)
	resp.Diagnostics.Append(d...)
	if v, ok := r.plan(ctx, req.Plan.Raw, req.State.Raw, unlisted, &resp.Diagnostics); ok {
		resp.Plan.Raw = v
	}
}

func (r *Resource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if state := r.create(ctx, req.Plan.Raw, &resp.Diagnostics); state.Type() != nil {
		resp.State.Raw = state
	}
	r.applied(ctx, resp.Private.SetKey, &resp.Diagnostics)
}

func (r *Resource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if state := r.update(ctx, req.State.Raw, req.Plan.Raw, &resp.Diagnostics); state.Type() != nil {
		resp.State.Raw = state
	}
	r.applied(ctx, resp.Private.SetKey, &resp.Diagnostics)
}

// applied leaves in private state what appliedPrivate does.
func (r *Resource) applied(ctx context.Context, set func(context.Context, string, []byte) diag.Diagnostics, diags *diag.Diagnostics) {
	diags.Append(set(ctx, privateUnlistedKey, nil)...)
	diags.Append(set(ctx, personcertification.PrivateCreatedKey, personcertification.CreatedStamp())...)
}

func (r *Resource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if state := r.destroy(ctx, req.State.Raw, &resp.Diagnostics); state.Type() != nil {
		resp.State.Raw = state
	}
}

func (r *Resource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	stamp, d := req.Private.GetKey(ctx, personcertification.PrivateCreatedKey)
	resp.Diagnostics.Append(d...)
	since, recent := personcertification.CreatedAgo(stamp)
	out, changed, allSeen, unlisted := r.read(ctx, req.State.Raw, since, recent, &resp.Diagnostics)
	if changed && !resp.Diagnostics.HasError() {
		resp.State.Raw = out
	}
	if allSeen {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, personcertification.PrivateCreatedKey, nil)...) // all seen once
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUnlistedKey, unlisted)...)
}

func (r *Resource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if v, ok := r.importUsers(ctx, req.ID, &resp.Diagnostics); ok {
		resp.State.Raw = v
	}
}
