package personcertification

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

var (
	_ resource.ResourceWithImportState      = (*Resource)(nil)
	_ resource.ResourceWithConfigValidators = (*Resource)(nil)
)

const (
	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute

	// ConsistencyWindow is how long after a create a 404 is taken for replication lag
	// rather than a delete, until a read has seen the object once. Graph documents no
	// figure; reads settle in seconds. A real delete inside the window costs at most this.
	ConsistencyWindow = 30 * time.Second
	PrivateCreatedKey = "created"
)

// Resource is graph_person_certification.
type Resource struct{ resourceClient }

// NewResource is the provider's factory for the resource.
func NewResource() resource.Resource { return &Resource{} }

func (r *Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_person_certification"
}

func (r *Resource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = Schema(ctx)
}

func (r *Resource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{datesInOrder{}}
}

func (r *Resource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan resourceModel
	ctx, cancel, ok := begin(ctx, req.Plan.Raw, req.Plan.Get, &plan, timeouts.Value.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	body, d := Expand(ctx, &plan.Values)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	user := plan.UserID.ValueString()
	planned := plan.Values
	created, d, err := r.writer().CreateOrAdopt(ctx, user, body, &planned)
	resp.Diagnostics.Append(d...)
	if err != nil {
		var de *graph.DecodeError
		if errors.As(err, &de) && de.ID != "" {
			// Graph created it but its answer could not be read: keep the id so Terraform
			// tracks (and taints) the object instead of orphaning it.
			plan.ID = types.StringValue(de.ID)
			unknownToNull(&plan.Values)
			resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
			setIdentity(resp.Identity, plan.UserID, plan.ID)
		}
		resp.Diagnostics.Append(ErrorDiagAs(IdentityOf(r.client), "creating", user, err))
		return
	}
	resp.Diagnostics.Append(Flatten(ctx, created, &plan.Values)...)
	resp.Diagnostics.Append(keepPlanned(&planned, &plan.Values)...)
	unknownToNull(&plan.Values)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
	setIdentity(resp.Identity, plan.UserID, plan.ID)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, PrivateCreatedKey, CreatedStamp())...)
	tflog.Trace(ctx, "created person certification", map[string]interface{}{"id": plan.ID.ValueString()})
}

func (r *Resource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state resourceModel
	ctx, cancel, ok := begin(ctx, req.State.Raw, req.State.Get, &state, timeouts.Value.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	// Every answer of Read carries an identity, a removal included (the framework requires
	// one); a state from before identities, or from a CLI that keeps none, gets it here.
	setIdentity(resp.Identity, state.UserID, state.ID)
	user, id := state.UserID.ValueString(), state.ID.ValueString()
	// Coalesced with the other reads of this user (graph.Client.ReadCertification); an id
	// missing from the list is asked for by GET, so a 404 still means what it did.
	got, err := r.client.ReadCertification(ctx, user, id)
	if graph.IsNotFound(err) {
		if stamp, d := req.Private.GetKey(ctx, PrivateCreatedKey); d.HasError() {
			// no stamp: a 404 means deleted
		} else if since, ok := CreatedAgo(stamp); ok && since < ConsistencyWindow {
			got, err = r.writer().AwaitVisible(ctx, user, id, ConsistencyWindow-since)
		}
	}
	if graph.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Person certification not found",
			fmt.Sprintf("Certification %q of user %q no longer exists in Graph; it was removed from the state and will be planned for creation.", id, user))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(ErrorDiagAs(IdentityOf(r.client), "reading", user, err))
		return
	}
	prior := state.Values
	resp.Diagnostics.Append(Flatten(ctx, got, &state.Values)...)
	if state.ID.IsNull() {
		resp.Diagnostics.Append(errNoID(user, id))
		return
	}
	if !sameValues(&prior, &state.Values) {
		// resp.State starts as the prior state: writing it again only when something
		// changed spares most of a large refresh the framework's reflection (DECISIONS.md).
		// Attributes Graph holds unchanged keep their prior form (a number as written).
		keepSame(&prior, &state.Values)
		resp.Diagnostics.Append(setState(ctx, &resp.State, &state)...)
	}
	// Seen once: from now on a 404 means deleted.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, PrivateCreatedKey, nil)...)
}

// CreatedStamp is the value an apply leaves in private state under PrivateCreatedKey: when
// it wrote. Until a read has seen what it wrote, a 404 within ConsistencyWindow of it is
// taken for Graph's replication lag. Both resources write it only through here.
func CreatedStamp() []byte {
	stamp, _ := json.Marshal(time.Now().UTC())
	return stamp
}

// CreatedAgo reads a CreatedStamp: how long ago it was written; false without one.
func CreatedAgo(stamp []byte) (time.Duration, bool) {
	var t time.Time
	if len(stamp) == 0 || json.Unmarshal(stamp, &t) != nil {
		return 0, false
	}
	return time.Since(t), true
}

func (r *Resource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state resourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, &state, req.State.Get)...)
	ctx, cancel, ok := begin(ctx, req.Plan.Raw, req.Plan.Get, &plan, timeouts.Value.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	body, d := ExpandChanges(ctx, &plan.Values, &state.Values)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !HasChanges(body) {
		// Only Terraform-side settings (timeouts) changed: nothing to send.
		plan.LastModifiedDateTime, plan.LastModifiedBy = state.LastModifiedDateTime, state.LastModifiedBy
		resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
		setIdentity(resp.Identity, state.UserID, state.ID)
		return
	}
	user, id := state.UserID.ValueString(), state.ID.ValueString()
	updated, err := r.client.UpdateCertification(ctx, user, id, body)
	if err != nil {
		// Keep state truthful: the PATCH may or may not have been applied, so record
		// what Graph holds now when it can be read; the next plan then shows what is left.
		rctx, cancel := ReconcileContext(ctx)
		if cur, gerr := r.client.GetCertification(rctx, user, id); gerr == nil {
			truth := state
			if !Flatten(rctx, cur, &truth.Values).HasError() {
				resp.Diagnostics.Append(setState(ctx, &resp.State, &truth)...)
			}
		}
		cancel()
		resp.Diagnostics.Append(ErrorDiagAs(IdentityOf(r.client), "updating", user, err))
		return
	}
	planned := plan.Values
	updated = r.writer().AwaitUpdated(ctx, user, id, &planned, updated)
	resp.Diagnostics.Append(Flatten(ctx, updated, &plan.Values)...)
	resp.Diagnostics.Append(keepPlanned(&planned, &plan.Values)...)
	unknownToNull(&plan.Values)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
	setIdentity(resp.Identity, state.UserID, state.ID)
}

func (r *Resource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state resourceModel
	ctx, cancel, ok := begin(ctx, req.State.Raw, req.State.Get, &state, timeouts.Value.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	user := state.UserID.ValueString()
	err := r.client.DeleteCertification(ctx, user, state.ID.ValueString())
	if err != nil && !graph.IsNotFound(err) {
		resp.Diagnostics.Append(ErrorDiagAs(IdentityOf(r.client), "deleting", user, err))
	}
}

// ImportState takes "<user_id>/<id>" (the CLI, an import block's id) or, on Terraform
// 1.12+, an import block's identity.
func (r *Resource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var user, id string
	if req.ID == "" && req.Identity != nil {
		var d diag.Diagnostics
		user, id, d = importFromIdentity(ctx, req.Identity)
		if resp.Diagnostics.Append(d...); d.HasError() {
			return
		}
	} else {
		var err error
		if user, id, err = ParseImportID(req.ID); err != nil {
			resp.Diagnostics.AddError("Invalid import id", err.Error())
			return
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), user)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// begin reads an operation's plan or state into m and bounds ctx by the operation's
// timeout (the timeouts block's value, else def). ok is false when diags holds an error.
func begin(ctx context.Context, raw tftypes.Value, get func(context.Context, any) diag.Diagnostics, m *resourceModel,
	timeout func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration,
	diags *diag.Diagnostics,
) (_ context.Context, _ context.CancelFunc, ok bool) {
	diags.Append(getModel(ctx, raw, m, get)...)
	if diags.HasError() {
		return ctx, func() {}, false
	}
	d, dd := timeout(m.Timeouts, ctx, def)
	diags.Append(dd...)
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, !diags.HasError()
}

// unknownToNull settles computed values Graph did not return, so no unknown is ever
// written to state.
func unknownToNull(m *Values) {
	if m.AllowedAudiences.IsUnknown() {
		m.AllowedAudiences = types.SetNull(types.StringType)
	}
	for _, s := range []*types.String{&m.ID, &m.CreatedDateTime, &m.LastModifiedDateTime} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	if m.CreatedBy.IsUnknown() {
		m.CreatedBy = types.ObjectNull(identitySetAttrTypes)
	}
	if m.LastModifiedBy.IsUnknown() {
		m.LastModifiedBy = types.ObjectNull(identitySetAttrTypes)
	}
}
