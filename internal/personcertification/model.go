package personcertification

import (
	"context"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// Values is everything Graph holds for one certification. The resource and both data
// sources embed it, so one flatten serves all three.
type Values struct {
	ID                   types.String `tfsdk:"id"`
	AllowedAudiences     types.Set    `tfsdk:"allowed_audiences"`
	CertificationID      types.String `tfsdk:"certification_id"`
	Description          types.String `tfsdk:"description"`
	DisplayName          types.String `tfsdk:"display_name"`
	IssuingAuthority     types.String `tfsdk:"issuing_authority"`
	IssuingCompany       types.String `tfsdk:"issuing_company"`
	StartDate            types.String `tfsdk:"start_date"`
	EndDate              types.String `tfsdk:"end_date"`
	IssuedDate           types.String `tfsdk:"issued_date"`
	ThumbnailURL         types.String `tfsdk:"thumbnail_url"`
	WebURL               types.String `tfsdk:"web_url"`
	Inference            types.Object `tfsdk:"inference"`
	Source               types.Object `tfsdk:"source"`
	CreatedDateTime      types.String `tfsdk:"created_date_time"`
	CreatedBy            types.Object `tfsdk:"created_by"`
	LastModifiedDateTime types.String `tfsdk:"last_modified_date_time"`
	LastModifiedBy       types.Object `tfsdk:"last_modified_by"`
}

// numberValue is a double from Graph as Terraform would parse its shortest decimal form
// (512 bits, as HCL parses a literal), so 0.92 from Graph is exactly the configuration's
// 0.92 and the state shows the number as written.
func numberValue(f *float64) types.Number {
	if f == nil {
		return types.NumberNull()
	}
	v, _, err := big.ParseFloat(strconv.FormatFloat(*f, 'g', -1, 64), 10, 512, big.ToNearestEven)
	if err != nil {
		return types.NumberValue(big.NewFloat(*f))
	}
	return types.NumberValue(v)
}

// resourceModel is the resource's Terraform value. It is never sent on the wire as is: expand
// builds the SDK model, flatten reads it back.
type resourceModel struct {
	UserID types.String `tfsdk:"user_id"`
	Values
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

type inferenceModel struct {
	ConfidenceScore         types.Number `tfsdk:"confidence_score"`
	UserHasVerifiedAccuracy types.Bool   `tfsdk:"user_has_verified_accuracy"`
}

type sourceModel struct {
	Type types.List `tfsdk:"type"`
}

type sdkCertification = models.PersonCertificationable

// Plain string properties: schema value <-> SDK getter/setter, one line each.
type textField struct {
	get func(*Values) *types.String
	set func(sdkCertification, *string)
	sdk func(sdkCertification) *string
}

var textFields = []textField{
	{func(m *Values) *types.String { return &m.CertificationID }, sdkCertification.SetCertificationId, sdkCertification.GetCertificationId},
	{func(m *Values) *types.String { return &m.Description }, sdkCertification.SetDescription, sdkCertification.GetDescription},
	{func(m *Values) *types.String { return &m.DisplayName }, sdkCertification.SetDisplayName, sdkCertification.GetDisplayName},
	{func(m *Values) *types.String { return &m.IssuingAuthority }, sdkCertification.SetIssuingAuthority, sdkCertification.GetIssuingAuthority},
	{func(m *Values) *types.String { return &m.IssuingCompany }, sdkCertification.SetIssuingCompany, sdkCertification.GetIssuingCompany},
	{func(m *Values) *types.String { return &m.ThumbnailURL }, sdkCertification.SetThumbnailUrl, sdkCertification.GetThumbnailUrl},
	{func(m *Values) *types.String { return &m.WebURL }, sdkCertification.SetWebUrl, sdkCertification.GetWebUrl},
}

// Edm.Date properties travel as serialization.DateOnly.
type dateField struct {
	get func(*Values) *types.String
	set func(sdkCertification, *serialization.DateOnly)
	sdk func(sdkCertification) *serialization.DateOnly
}

var dateFields = []dateField{
	{func(m *Values) *types.String { return &m.StartDate }, sdkCertification.SetStartDate, sdkCertification.GetStartDate},
	{func(m *Values) *types.String { return &m.EndDate }, sdkCertification.SetEndDate, sdkCertification.GetEndDate},
	{func(m *Values) *types.String { return &m.IssuedDate }, sdkCertification.SetIssuedDate, sdkCertification.GetIssuedDate},
}

// expand builds the POST body: every known, non-null value is sent; nothing else.
func expand(ctx context.Context, m *Values) (sdkCertification, diag.Diagnostics) {
	return expandChanges(ctx, m, nil)
}

// expandChanges builds a body from plan. With a prior state it holds only what differs
// from that state, and an explicit null (a setter called with nil) for a value the
// configuration removed, which is how a PATCH clears a property.
func expandChanges(ctx context.Context, plan, prior *Values) (sdkCertification, diag.Diagnostics) {
	var diags diag.Diagnostics
	body := models.NewPersonCertification()
	changed := func(v, old attr.Value) bool {
		if v.IsUnknown() {
			return false
		}
		if prior == nil {
			return !v.IsNull()
		}
		return !v.Equal(old)
	}
	for _, f := range textFields {
		if v := *f.get(plan); changed(v, oldString(prior, f.get)) {
			f.set(body, v.ValueStringPointer())
		}
	}
	for _, f := range dateFields {
		v := *f.get(plan)
		if !changed(v, oldString(prior, f.get)) {
			continue
		}
		if v.IsNull() {
			f.set(body, nil)
			continue
		}
		t, err := ParseDate(v.ValueString())
		if err != nil {
			diags.AddError("Invalid date", err.Error())
			continue
		}
		f.set(body, serialization.NewDateOnly(t))
	}
	if changed(plan.AllowedAudiences, oldSet(prior)) && !plan.AllowedAudiences.IsNull() {
		var names []string
		diags.Append(plan.AllowedAudiences.ElementsAs(ctx, &names, false)...)
		a, err := AudiencesFromNames(names)
		if err != nil {
			diags.AddError("Invalid allowed_audiences", err.Error())
		} else {
			body.SetAllowedAudiences(&a)
		}
	}
	if changed(plan.Inference, oldObject(prior, func(m *Values) types.Object { return m.Inference })) {
		body.SetInference(expandInference(ctx, plan.Inference, &diags))
	}
	if changed(plan.Source, oldObject(prior, func(m *Values) types.Object { return m.Source })) {
		body.SetSource(expandSource(ctx, plan.Source, &diags))
	}
	return body, diags
}

func oldString(prior *Values, get func(*Values) *types.String) attr.Value {
	if prior == nil {
		return types.StringNull()
	}
	return *get(prior)
}

func oldSet(prior *Values) attr.Value {
	if prior == nil {
		return types.SetNull(types.StringType)
	}
	return prior.AllowedAudiences
}

func oldObject(prior *Values, get func(*Values) types.Object) attr.Value {
	if prior == nil {
		return types.ObjectNull(nil)
	}
	return get(prior)
}

// expandInference returns nil for a null object. Graph replaces a complex value whole,
// so the object is always sent complete; an unset member is simply omitted.
func expandInference(ctx context.Context, o types.Object, diags *diag.Diagnostics) models.InferenceDataable {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	var im inferenceModel
	diags.Append(o.As(ctx, &im, basetypes.ObjectAsOptions{})...)
	d := models.NewInferenceData()
	if !im.ConfidenceScore.IsNull() && !im.ConfidenceScore.IsUnknown() {
		// The validator has made sure the number fits a double.
		f, _ := im.ConfidenceScore.ValueBigFloat().Float64()
		d.SetConfidenceScore(&f)
	}
	if !im.UserHasVerifiedAccuracy.IsNull() && !im.UserHasVerifiedAccuracy.IsUnknown() {
		d.SetUserHasVerifiedAccuracy(im.UserHasVerifiedAccuracy.ValueBoolPointer())
	}
	return d
}

// expandSource never calls SetTypeEscaped(nil): the SDK would write the store key
// "typeEscaped": null, a property Graph does not know.
func expandSource(ctx context.Context, o types.Object, diags *diag.Diagnostics) models.PersonDataSourcesable {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	var sm sourceModel
	diags.Append(o.As(ctx, &sm, basetypes.ObjectAsOptions{})...)
	var kinds []string
	diags.Append(sm.Type.ElementsAs(ctx, &kinds, false)...)
	s := models.NewPersonDataSources()
	if kinds == nil {
		kinds = []string{}
	}
	s.SetTypeEscaped(kinds)
	return s
}

// AudiencesFromNames turns names into Graph's flags value.
func AudiencesFromNames(names []string) (models.AllowedAudiences, error) {
	if len(names) == 0 {
		return 0, errEmptyAudiences
	}
	v, err := models.ParseAllowedAudiences(strings.Join(names, ","))
	flags, ok := v.(*models.AllowedAudiences)
	if err != nil || !ok || flags == nil {
		return 0, errUnknownAudience(names)
	}
	return *flags, nil
}

// AudienceNames lists a flags value's names in Graph's bit order.
func AudienceNames(a models.AllowedAudiences) []string {
	if a == 0 {
		return nil
	}
	return strings.Split(a.String(), ",")
}

// flatten writes everything Graph returned into m, so Read shows drift in every field.
// An unreadable audience keeps the prior value.
func flatten(ctx context.Context, c *graph.Certification, m *Values) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringPointerValue(c.GetId())
	for _, f := range textFields {
		*f.get(m) = types.StringPointerValue(f.sdk(c))
	}
	for _, f := range dateFields {
		if d := f.sdk(c); d != nil {
			*f.get(m) = types.StringValue(d.String())
		} else {
			*f.get(m) = types.StringNull()
		}
	}
	switch a := c.GetAllowedAudiences(); {
	case a != nil:
		names := AudienceNames(*a)
		sort.Strings(names)
		v, d := types.SetValueFrom(ctx, types.StringType, names)
		diags.Append(d...)
		m.AllowedAudiences = v
	case c.AudiencesUnreadable:
		diags.AddWarning("Unreadable allowed_audiences from Graph",
			"Graph returned an allowedAudiences value the SDK cannot read (an unknown name or a number). "+
				"The last known value is kept in state; re-apply to set it again.")
		if m.AllowedAudiences.IsUnknown() {
			m.AllowedAudiences = types.SetNull(types.StringType)
		}
	default:
		m.AllowedAudiences = types.SetNull(types.StringType)
	}
	m.Inference = flattenInference(c.GetInference(), &diags)
	m.Source = flattenSource(ctx, c.GetSource(), &diags)
	m.CreatedDateTime = timeValue(c.GetCreatedDateTime())
	m.LastModifiedDateTime = timeValue(c.GetLastModifiedDateTime())
	m.CreatedBy = flattenIdentitySet(c.GetCreatedBy(), &diags)
	m.LastModifiedBy = flattenIdentitySet(c.GetLastModifiedBy(), &diags)
	return diags
}

func timeValue(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}

func flattenInference(d models.InferenceDataable, diags *diag.Diagnostics) types.Object {
	if d == nil {
		return types.ObjectNull(inferenceAttrTypes)
	}
	return objectValue(inferenceAttrTypes, map[string]attr.Value{
		"confidence_score":           numberValue(d.GetConfidenceScore()),
		"user_has_verified_accuracy": types.BoolPointerValue(d.GetUserHasVerifiedAccuracy()),
	}, diags)
}

func flattenSource(ctx context.Context, s models.PersonDataSourcesable, diags *diag.Diagnostics) types.Object {
	if s == nil || s.GetTypeEscaped() == nil {
		return types.ObjectNull(sourceAttrTypes)
	}
	list, dd := types.ListValueFrom(ctx, types.StringType, s.GetTypeEscaped())
	diags.Append(dd...)
	return objectValue(sourceAttrTypes, map[string]attr.Value{"type": list}, diags)
}

func flattenIdentitySet(s models.IdentitySetable, diags *diag.Diagnostics) types.Object {
	if s == nil {
		return types.ObjectNull(identitySetAttrTypes)
	}
	return objectValue(identitySetAttrTypes, map[string]attr.Value{
		"application": flattenIdentity(s.GetApplication(), diags),
		"device":      flattenIdentity(s.GetDevice(), diags),
		"user":        flattenIdentity(s.GetUser(), diags),
	}, diags)
}

func flattenIdentity(i models.Identityable, diags *diag.Diagnostics) types.Object {
	if i == nil {
		return types.ObjectNull(identityAttrTypes)
	}
	return objectValue(identityAttrTypes, map[string]attr.Value{
		"display_name": types.StringPointerValue(i.GetDisplayName()),
		"id":           types.StringPointerValue(i.GetId()),
	}, diags)
}

// objectValue is types.ObjectValue with its diagnostics added to diags.
func objectValue(t map[string]attr.Type, attrs map[string]attr.Value, diags *diag.Diagnostics) types.Object {
	v, d := types.ObjectValue(t, attrs)
	diags.Append(d...)
	return v
}

// hasChanges reports whether a body holds any property beyond what the SDK's constructor
// sets on every model (its OData type and additional-data map).
func hasChanges(body sdkCertification) bool {
	for k := range body.GetBackingStore().Enumerate() {
		if k != "odataType" && k != "additionalData" {
			return true
		}
	}
	return false
}
