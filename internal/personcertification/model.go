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

type Body = models.PersonCertificationable

// Field is one attribute of Values: its name in the schema, the property Graph names it
// on the wire ("" for none), and how to read and write it. Fields lists them all, once,
// beside the struct; every walk over a certification's values goes through it: the
// request body and Graph's answer for a plain string or a date (text, date), comparison
// as Graph stores values, differences, the keeping of planned values and the state
// codec. So a plain string or date attribute is the struct's field and one line here;
// TestSchemaModelAndMockAgree holds the list to the struct, the schema and the mock's
// property table.
type Field struct {
	Name string
	Wire string
	Get  func(*Values) attr.Value
	Set  func(*Values, attr.Value) bool // false when v is not of the field's type
	text *textField
	date *dateField
}

// textField maps a plain string property through the SDK's getter and setter.
type textField struct {
	at  func(*Values) *types.String
	set func(Body, *string)
	sdk func(Body) *string
}

// dateField maps an Edm.Date property, which the SDK carries as serialization.DateOnly.
type dateField struct {
	at  func(*Values) *types.String
	set func(Body, *serialization.DateOnly)
	sdk func(Body) *serialization.DateOnly
}

func fieldOf[T attr.Value](name, wire string, at func(*Values) *T) Field {
	return Field{
		Name: name,
		Wire: wire,
		Get:  func(v *Values) attr.Value { return *at(v) },
		Set: func(v *Values, x attr.Value) bool {
			t, ok := x.(T)
			if ok {
				*at(v) = t
			}
			return ok
		},
	}
}

func textOf(name, wire string, at func(*Values) *types.String, set func(Body, *string), sdk func(Body) *string) Field {
	f := fieldOf(name, wire, at)
	f.text = &textField{at: at, set: set, sdk: sdk}
	return f
}

func dateOf(name, wire string, at func(*Values) *types.String, set func(Body, *serialization.DateOnly), sdk func(Body) *serialization.DateOnly) Field {
	f := fieldOf(name, wire, at)
	f.date = &dateField{at: at, set: set, sdk: sdk}
	return f
}

var Fields = []Field{
	fieldOf("id", "id", func(v *Values) *types.String { return &v.ID }),
	fieldOf("allowed_audiences", "allowedAudiences", func(v *Values) *types.Set { return &v.AllowedAudiences }),
	textOf("certification_id", "certificationId", func(v *Values) *types.String { return &v.CertificationID }, Body.SetCertificationId, Body.GetCertificationId),
	textOf("description", "description", func(v *Values) *types.String { return &v.Description }, Body.SetDescription, Body.GetDescription),
	textOf("display_name", "displayName", func(v *Values) *types.String { return &v.DisplayName }, Body.SetDisplayName, Body.GetDisplayName),
	textOf("issuing_authority", "issuingAuthority", func(v *Values) *types.String { return &v.IssuingAuthority }, Body.SetIssuingAuthority, Body.GetIssuingAuthority),
	textOf("issuing_company", "issuingCompany", func(v *Values) *types.String { return &v.IssuingCompany }, Body.SetIssuingCompany, Body.GetIssuingCompany),
	dateOf("start_date", "startDate", func(v *Values) *types.String { return &v.StartDate }, Body.SetStartDate, Body.GetStartDate),
	dateOf("end_date", "endDate", func(v *Values) *types.String { return &v.EndDate }, Body.SetEndDate, Body.GetEndDate),
	dateOf("issued_date", "issuedDate", func(v *Values) *types.String { return &v.IssuedDate }, Body.SetIssuedDate, Body.GetIssuedDate),
	textOf("thumbnail_url", "thumbnailUrl", func(v *Values) *types.String { return &v.ThumbnailURL }, Body.SetThumbnailUrl, Body.GetThumbnailUrl),
	textOf("web_url", "webUrl", func(v *Values) *types.String { return &v.WebURL }, Body.SetWebUrl, Body.GetWebUrl),
	fieldOf("inference", "inference", func(v *Values) *types.Object { return &v.Inference }),
	fieldOf("source", "source", func(v *Values) *types.Object { return &v.Source }),
	fieldOf("created_date_time", "createdDateTime", func(v *Values) *types.String { return &v.CreatedDateTime }),
	fieldOf("created_by", "createdBy", func(v *Values) *types.Object { return &v.CreatedBy }),
	fieldOf("last_modified_date_time", "lastModifiedDateTime", func(v *Values) *types.String { return &v.LastModifiedDateTime }),
	fieldOf("last_modified_by", "lastModifiedBy", func(v *Values) *types.Object { return &v.LastModifiedBy }),
}

// Expand builds the POST body: every known, non-null value is sent; nothing else.
func Expand(ctx context.Context, m *Values) (Body, diag.Diagnostics) {
	return ExpandChanges(ctx, m, nil)
}

// ExpandChanges builds a body from plan. With a prior state it holds only what differs
// from that state, and an explicit null (a setter called with nil) for a value the
// configuration removed, which is how a PATCH clears a property.
func ExpandChanges(ctx context.Context, plan, prior *Values) (Body, diag.Diagnostics) {
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
	for _, fl := range Fields {
		f := fl.text
		if f == nil {
			continue
		}
		if v := *f.at(plan); changed(v, oldString(prior, f.at)) {
			f.set(body, v.ValueStringPointer())
		}
	}
	for _, fl := range Fields {
		f := fl.date
		if f == nil {
			continue
		}
		v := *f.at(plan)
		if !changed(v, oldString(prior, f.at)) {
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

// Flatten writes everything Graph returned into m, so Read shows drift in every field.
// An unreadable audience keeps the prior value.
func Flatten(ctx context.Context, c *graph.Certification, m *Values) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringPointerValue(c.GetId())
	for _, fl := range Fields {
		switch f := fl; {
		case f.text != nil:
			*f.text.at(m) = types.StringPointerValue(f.text.sdk(c))
		case f.date != nil:
			if d := f.date.sdk(c); d != nil {
				*f.date.at(m) = types.StringValue(d.String())
			} else {
				*f.date.at(m) = types.StringNull()
			}
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
	m.CreatedDateTime = TimeValue(c.GetCreatedDateTime())
	m.LastModifiedDateTime = TimeValue(c.GetLastModifiedDateTime())
	m.CreatedBy = flattenIdentitySet(c.GetCreatedBy(), &diags)
	m.LastModifiedBy = flattenIdentitySet(c.GetLastModifiedBy(), &diags)
	return diags
}

func TimeValue(t *time.Time) types.String {
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
		return types.ObjectNull(SourceAttrTypes)
	}
	list, dd := types.ListValueFrom(ctx, types.StringType, s.GetTypeEscaped())
	diags.Append(dd...)
	return objectValue(SourceAttrTypes, map[string]attr.Value{"type": list}, diags)
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

// HasChanges reports whether a body holds any property beyond what the SDK's constructor
// sets on every model (its OData type and additional-data map).
func HasChanges(body Body) bool {
	for k := range body.GetBackingStore().Enumerate() {
		if k != "odataType" && k != "additionalData" {
			return true
		}
	}
	return false
}
