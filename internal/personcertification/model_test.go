package personcertification

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/microsoft/kiota-abstractions-go/store"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

const odataTypeValue = "#microsoft.graph.personCertification"

// wireJSON serialises body exactly as the request adapter does once EnableBackingStore
// is on: kiota's JSON writer behind the backing-store proxy, which is what writes an
// explicit null for a setter called with nil.
func wireJSON(t *testing.T, body models.PersonCertificationable) []byte {
	t.Helper()
	factory := store.NewBackingStoreSerializationWriterProxyFactory(jsonser.NewJsonSerializationWriterFactory())
	w, err := factory.GetSerializationWriter("application/json")
	if err != nil {
		t.Fatalf("serialization writer: %v", err)
	}
	if err := w.WriteObjectValue("", body); err != nil {
		t.Fatalf("serialising the body: %v", err)
	}
	raw, err := w.GetSerializedContent()
	if err != nil {
		t.Fatalf("serialised content: %v", err)
	}
	return raw
}

// wire is wireJSON decoded, after checking that no backing-store key name leaked.
func wire(t *testing.T, body models.PersonCertificationable) map[string]any {
	t.Helper()
	raw := wireJSON(t, body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("the body is not a JSON object: %v\n%s", err, raw)
	}
	assertNoStoreKeys(t, m, "$")
	return m
}

// assertNoStoreKeys fails on the SDK's store key names, which Graph does not know
// (docs/development/graph-api.md, Properties), at any depth.
func assertNoStoreKeys(t *testing.T, v any, where string) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			switch k {
			case "typeEscaped", "odataType", "additionalData", "backingStore":
				t.Errorf("store key %q on the wire at %s", k, where)
			}
			assertNoStoreKeys(t, child, where+"."+k)
		}
	case []any:
		for _, child := range x {
			assertNoStoreKeys(t, child, where+"[]")
		}
	}
}

func mustSet(t *testing.T, names ...string) types.Set {
	t.Helper()
	v, d := types.SetValueFrom(context.Background(), types.StringType, names)
	if d.HasError() {
		t.Fatalf("set: %v", d)
	}
	return v
}

func mustInference(t *testing.T, score *float64, verified *bool) types.Object {
	t.Helper()
	v, d := types.ObjectValue(inferenceAttrTypes, map[string]attr.Value{
		"confidence_score":           numberValue(score),
		"user_has_verified_accuracy": types.BoolPointerValue(verified),
	})
	if d.HasError() {
		t.Fatalf("inference: %v", d)
	}
	return v
}

func mustSource(t *testing.T, kinds ...string) types.Object {
	t.Helper()
	list, d := types.ListValueFrom(context.Background(), types.StringType, kinds)
	if d.HasError() {
		t.Fatalf("source list: %v", d)
	}
	v, d := types.ObjectValue(SourceAttrTypes, map[string]attr.Value{"type": list})
	if d.HasError() {
		t.Fatalf("source: %v", d)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

// emptyModel is a model with every attribute null, as a plan with nothing set but the
// required attributes would be after unknownToNull.
func emptyModel() resourceModel {
	return resourceModel{UserID: types.StringValue("me"), Values: Values{
		ID:                   types.StringNull(),
		AllowedAudiences:     types.SetNull(types.StringType),
		CertificationID:      types.StringNull(),
		Description:          types.StringNull(),
		DisplayName:          types.StringNull(),
		IssuingAuthority:     types.StringNull(),
		IssuingCompany:       types.StringNull(),
		StartDate:            types.StringNull(),
		EndDate:              types.StringNull(),
		IssuedDate:           types.StringNull(),
		ThumbnailURL:         types.StringNull(),
		WebURL:               types.StringNull(),
		Inference:            types.ObjectNull(inferenceAttrTypes),
		Source:               types.ObjectNull(SourceAttrTypes),
		CreatedDateTime:      types.StringNull(),
		CreatedBy:            types.ObjectNull(identitySetAttrTypes),
		LastModifiedDateTime: types.StringNull(),
		LastModifiedBy:       types.ObjectNull(identitySetAttrTypes),
	}}
}

// fullModel sets every writable attribute; computed ones are left null.
func fullModel(t *testing.T) resourceModel {
	m := emptyModel()
	m.AllowedAudiences = mustSet(t, "everyone", "organization") // not in bit order on purpose
	m.CertificationID = types.StringValue("KB-1235466333663322")
	m.Description = types.StringValue("Blackbelt in Marketing - Brand Management")
	m.DisplayName = types.StringValue("Marketing Blackbelt - Brand Management")
	m.IssuingAuthority = types.StringValue("International Academy of Marketing Excellence")
	m.IssuingCompany = types.StringValue("IAME Ltd")
	m.StartDate = types.StringValue("2024-01-15")
	m.EndDate = types.StringValue("2027-01-14")
	m.IssuedDate = types.StringValue("2024-01-10")
	m.ThumbnailURL = types.StringValue("https://iame.io/dfhdfdfd334.jpg")
	m.WebURL = types.StringValue("https://www.iame.io/blackbelt")
	m.Inference = mustInference(t, ptr(0.75), ptr(true))
	m.Source = mustSource(t, "User", "HR")
	return m
}

// fullWire is fullModel on the wire, as the SDK writes it (with its type annotation).
func fullWire() map[string]any {
	w := FullWire()
	w["@odata.type"] = odataTypeValue
	return w
}

func assertWire(t *testing.T, got, want map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("wire body mismatch\n got: %s\nwant: %s", g, w)
	}
}

func noErrors(t *testing.T, d diag.Diagnostics) {
	t.Helper()
	if d.HasError() {
		t.Fatalf("unexpected error diagnostics: %v", d)
	}
}

func TestExpand_fullModelOnTheWire(t *testing.T) {
	ctx := context.Background()
	m := fullModel(t)
	// A create plan: computed values are unknown and user_id is addressing, not data.
	m.ID = types.StringUnknown()
	m.CreatedDateTime = types.StringUnknown()
	m.CreatedBy = types.ObjectUnknown(identitySetAttrTypes)
	m.LastModifiedDateTime = types.StringUnknown()
	m.LastModifiedBy = types.ObjectUnknown(identitySetAttrTypes)

	body, d := Expand(ctx, &m.Values)
	noErrors(t, d)
	assertWire(t, wire(t, body), fullWire())
	if !HasChanges(body) {
		t.Error("hasChanges = false for a full body")
	}
}

func TestExpand_displayNameOnly(t *testing.T) {
	m := emptyModel()
	m.DisplayName = types.StringValue("Only a name")
	body, d := Expand(context.Background(), &m.Values)
	noErrors(t, d)
	assertWire(t, wire(t, body), map[string]any{
		"@odata.type": odataTypeValue,
		"displayName": "Only a name",
	})
}

func TestExpand_unknownValuesAreNotSent(t *testing.T) {
	m := emptyModel()
	m.DisplayName = types.StringValue("n")
	m.Description = types.StringUnknown()
	m.StartDate = types.StringUnknown()
	m.AllowedAudiences = types.SetUnknown(types.StringType)
	m.Inference = types.ObjectUnknown(inferenceAttrTypes)
	m.Source = types.ObjectUnknown(SourceAttrTypes)
	body, d := Expand(context.Background(), &m.Values)
	noErrors(t, d)
	assertWire(t, wire(t, body), map[string]any{"@odata.type": odataTypeValue, "displayName": "n"})
}

func TestExpand_inferenceMembersOmittedWhenNull(t *testing.T) {
	m := emptyModel()
	m.Inference = mustInference(t, nil, ptr(false))
	body, d := Expand(context.Background(), &m.Values)
	noErrors(t, d)
	assertWire(t, wire(t, body), map[string]any{
		"@odata.type": odataTypeValue,
		"inference":   map[string]any{"userHasVerifiedAccuracy": false},
	})
}

func TestExpand_invalidValuesAreDiagnosed(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*resourceModel)
		summary string
	}{
		{"impossible date", func(m *resourceModel) { m.EndDate = types.StringValue("2023-02-29") }, "Invalid date"},
		{"date with time", func(m *resourceModel) { m.StartDate = types.StringValue("2024-01-15T00:00:00Z") }, "Invalid date"},
		{"unknown audience", func(m *resourceModel) { m.AllowedAudiences = mustSet(t, "Organization") }, "Invalid allowed_audiences"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := emptyModel()
			m.DisplayName = types.StringValue("n")
			tt.mutate(&m)
			_, d := Expand(context.Background(), &m.Values)
			if !d.HasError() {
				t.Fatal("expected an error diagnostic")
			}
			if got := d.Errors()[0].Summary(); got != tt.summary {
				t.Errorf("summary = %q, want %q", got, tt.summary)
			}
		})
	}
}

func TestExpandChanges(t *testing.T) {
	ctx := context.Background()
	// prior is what state holds after a create: every writable value plus the computed ones.
	prior := func(t *testing.T) resourceModel {
		m := fullModel(t)
		m.ID = types.StringValue("0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f")
		m.CreatedDateTime = types.StringValue("2024-05-01T10:00:00Z")
		m.LastModifiedDateTime = types.StringValue("2024-05-01T10:00:00Z")
		return m
	}
	// planned mirrors the framework: last_modified_* are unknown whenever an update is planned.
	planned := func(t *testing.T, mutate func(*resourceModel)) resourceModel {
		m := prior(t)
		m.LastModifiedDateTime = types.StringUnknown()
		m.LastModifiedBy = types.ObjectUnknown(identitySetAttrTypes)
		mutate(&m)
		return m
	}
	only := func(kv ...any) map[string]any {
		out := map[string]any{"@odata.type": odataTypeValue}
		for i := 0; i < len(kv); i += 2 {
			out[as[string](t, kv[i])] = kv[i+1]
		}
		return out
	}

	tests := []struct {
		name        string
		mutate      func(*resourceModel)
		want        map[string]any
		wantChanges bool
	}{
		{
			name:   "nothing changed",
			mutate: func(*resourceModel) {},
			want:   only(),
		},
		{
			name:        "text changed",
			mutate:      func(m *resourceModel) { m.Description = types.StringValue("new text") },
			want:        only("description", "new text"),
			wantChanges: true,
		},
		{
			name:        "text cleared",
			mutate:      func(m *resourceModel) { m.Description = types.StringNull() },
			want:        only("description", nil),
			wantChanges: true,
		},
		{
			name:        "url cleared",
			mutate:      func(m *resourceModel) { m.WebURL = types.StringNull() },
			want:        only("webUrl", nil),
			wantChanges: true,
		},
		{
			name:        "date changed",
			mutate:      func(m *resourceModel) { m.EndDate = types.StringValue("2028-12-31") },
			want:        only("endDate", "2028-12-31"),
			wantChanges: true,
		},
		{
			name:        "date cleared",
			mutate:      func(m *resourceModel) { m.EndDate = types.StringNull() },
			want:        only("endDate", nil),
			wantChanges: true,
		},
		{
			name:        "inference cleared",
			mutate:      func(m *resourceModel) { m.Inference = types.ObjectNull(inferenceAttrTypes) },
			want:        only("inference", nil),
			wantChanges: true,
		},
		{
			name:        "source cleared",
			mutate:      func(m *resourceModel) { m.Source = types.ObjectNull(SourceAttrTypes) },
			want:        only("source", nil),
			wantChanges: true,
		},
		{
			// Graph replaces a complex value whole, so the unchanged member goes too.
			name:        "inference changed is sent whole",
			mutate:      func(m *resourceModel) { m.Inference = mustInference(t, ptr(0.5), ptr(true)) },
			want:        only("inference", map[string]any{"confidenceScore": 0.5, "userHasVerifiedAccuracy": true}),
			wantChanges: true,
		},
		{
			name:        "source changed",
			mutate:      func(m *resourceModel) { m.Source = mustSource(t, "User") },
			want:        only("source", map[string]any{"type": []any{"User"}}),
			wantChanges: true,
		},
		{
			name:        "audiences changed",
			mutate:      func(m *resourceModel) { m.AllowedAudiences = mustSet(t, "everyone", "me", "contacts") },
			want:        only("allowedAudiences", "me,contacts,everyone"),
			wantChanges: true,
		},
		{
			name:        "audiences reordered is no change",
			mutate:      func(m *resourceModel) { m.AllowedAudiences = mustSet(t, "organization", "everyone") },
			want:        only(),
			wantChanges: false,
		},
		{
			// Documented: removing allowed_audiences leaves Graph's value as it is.
			name:   "audiences removed is not sent",
			mutate: func(m *resourceModel) { m.AllowedAudiences = types.SetNull(types.StringType) },
			want:   only(),
		},
		{
			name: "unknown plan values are not sent",
			mutate: func(m *resourceModel) {
				m.Description = types.StringUnknown()
				m.EndDate = types.StringUnknown()
				m.AllowedAudiences = types.SetUnknown(types.StringType)
				m.Inference = types.ObjectUnknown(inferenceAttrTypes)
				m.Source = types.ObjectUnknown(SourceAttrTypes)
			},
			want: only(),
		},
		{
			name: "several at once",
			mutate: func(m *resourceModel) {
				m.DisplayName = types.StringValue("Renamed")
				m.IssuingCompany = types.StringNull()
				m.StartDate = types.StringNull()
				m.IssuedDate = types.StringValue("2024-01-11")
			},
			want: only("displayName", "Renamed", "issuingCompany", nil, "startDate", nil,
				"issuedDate", "2024-01-11"),
			wantChanges: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := prior(t)
			plan := planned(t, tt.mutate)
			body, d := ExpandChanges(ctx, &plan.Values, &old.Values)
			noErrors(t, d)
			if got := HasChanges(body); got != tt.wantChanges {
				t.Errorf("hasChanges = %v, want %v", got, tt.wantChanges)
			}
			assertWire(t, wire(t, body), tt.want)
		})
	}
}

// parseCertification reads JSON as internal/graph does: kiota's JSON parse node and the
// SDK's personCertification factory.
// withWire is the JSON object computed plus the properties of wire.
func withWire(t *testing.T, wire map[string]any, computed string) []byte {
	t.Helper()
	var obj map[string]any
	if err := json.Unmarshal([]byte(computed), &obj); err != nil {
		t.Fatal(err)
	}
	maps.Copy(obj, wire)
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func parseCertification(t *testing.T, raw []byte) *graph.Certification {
	t.Helper()
	node, err := jsonser.NewJsonParseNode(raw)
	if err != nil {
		t.Fatalf("parse node: %v", err)
	}
	v, err := node.GetObjectValue(models.CreatePersonCertificationFromDiscriminatorValue)
	if err != nil {
		t.Fatalf("parsing %s: %v", raw, err)
	}
	return &graph.Certification{PersonCertificationable: as[models.PersonCertificationable](t, v)}
}

// assertModel compares every attribute of two models by value semantics (sets ignore
// order), naming the attribute that differs. Timeouts are Terraform's, not Graph's.
func assertModel(t *testing.T, got, want resourceModel) {
	t.Helper()
	if !got.UserID.Equal(want.UserID) {
		t.Errorf("user_id = %s, want %s", got.UserID, want.UserID)
	}
	gv, wv := reflect.ValueOf(got.Values), reflect.ValueOf(want.Values)
	for i := 0; i < gv.NumField(); i++ {
		f := gv.Type().Field(i)
		g := as[attr.Value](t, gv.Field(i).Interface())
		w := as[attr.Value](t, wv.Field(i).Interface())
		if !g.Equal(w) {
			t.Errorf("%s = %s, want %s", f.Tag.Get("tfsdk"), g, w)
		}
	}
}

func identitySet(t *testing.T, user, app map[string]string) types.Object {
	t.Helper()
	ident := func(v map[string]string) types.Object {
		if v == nil {
			return types.ObjectNull(identityAttrTypes)
		}
		o, d := types.ObjectValue(identityAttrTypes, map[string]attr.Value{
			"display_name": types.StringValue(v["display_name"]),
			"id":           types.StringValue(v["id"]),
		})
		noErrors(t, d)
		return o
	}
	o, d := types.ObjectValue(identitySetAttrTypes, map[string]attr.Value{
		"application": ident(app), "device": ident(nil), "user": ident(user),
	})
	noErrors(t, d)
	return o
}

func TestFlatten_everyField(t *testing.T) {
	// Every writable property, plus what Graph adds: a full answer.
	raw := withWire(t, FullWire(), `{
	  "@odata.context": "https://graph.microsoft.com/beta/$metadata#users('x')/profile/certifications/$entity",
	  "id": "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f",
	  "createdDateTime": "2020-07-06T06:34:12.2294868Z",
	  "createdBy": {"application": null, "device": null,
	    "user": {"displayName": "Innocenty Popov", "id": "db789417-4ccb-41d1-a0a9-47b01a09ea49"}},
	  "lastModifiedDateTime": "2020-07-06T08:34:12+02:00",
	  "lastModifiedBy": {"application": {"displayName": "Sync app", "id": "app-1"}, "device": null,
	    "user": {"displayName": "Innocenty Popov", "id": "db789417-4ccb-41d1-a0a9-47b01a09ea49"}}
	}`)
	c := parseCertification(t, raw)

	got := emptyModel()
	got.UserID = types.StringValue("megan.bowen@contoso.example")
	d := Flatten(context.Background(), c, &got.Values)
	noErrors(t, d)
	if len(d) != 0 {
		t.Errorf("unexpected diagnostics: %v", d)
	}

	popov := map[string]string{"display_name": "Innocenty Popov", "id": "db789417-4ccb-41d1-a0a9-47b01a09ea49"}
	want := fullModel(t)
	want.UserID = types.StringValue("megan.bowen@contoso.example") // the caller's, untouched
	want.ID = types.StringValue("0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f")
	want.CreatedDateTime = types.StringValue("2020-07-06T06:34:12.2294868Z")
	want.LastModifiedDateTime = types.StringValue("2020-07-06T06:34:12Z") // converted to UTC
	want.CreatedBy = identitySet(t, popov, nil)
	want.LastModifiedBy = identitySet(t, popov, map[string]string{"display_name": "Sync app", "id": "app-1"})
	assertModel(t, got, want)
}

func TestFlatten_nullsMapToNull(t *testing.T) {
	raw := []byte(`{
	  "id": "abc", "allowedAudiences": null, "inference": null, "source": null,
	  "createdDateTime": null, "createdBy": null, "lastModifiedDateTime": null, "lastModifiedBy": null,
	  "certificationId": null, "description": null, "displayName": null, "endDate": null,
	  "issuedDate": null, "issuingAuthority": null, "issuingCompany": null, "startDate": null,
	  "thumbnailUrl": null, "webUrl": null
	}`)
	c := parseCertification(t, raw)
	// Start from a fully set model: flatten must overwrite every value with null.
	got := fullModel(t)
	got.CreatedDateTime = types.StringValue("2020-01-01T00:00:00Z")
	got.CreatedBy = identitySet(t, map[string]string{"display_name": "x", "id": "y"}, nil)
	d := Flatten(context.Background(), c, &got.Values)
	noErrors(t, d)
	if len(d) != 0 {
		t.Errorf("unexpected diagnostics: %v", d)
	}
	want := emptyModel()
	want.ID = types.StringValue("abc")
	assertModel(t, got, want)
}

func TestFlatten_identitySetMembers(t *testing.T) {
	raw := []byte(`{"id":"x","createdBy":{"application":null,"device":{"displayName":"Laptop","id":"dev-1"},"user":null}}`)
	c := parseCertification(t, raw)
	got := emptyModel()
	noErrors(t, Flatten(context.Background(), c, &got.Values))
	attrs := got.CreatedBy.Attributes()
	if !attrs["application"].IsNull() || !attrs["user"].IsNull() {
		t.Errorf("application and user should be null: %s", got.CreatedBy)
	}
	dev := as[types.Object](t, attrs["device"]).Attributes()
	if as[types.String](t, dev["display_name"]).ValueString() != "Laptop" || as[types.String](t, dev["id"]).ValueString() != "dev-1" {
		t.Errorf("device = %s", attrs["device"])
	}
	if !got.LastModifiedBy.IsNull() {
		t.Errorf("absent lastModifiedBy should be null, got %s", got.LastModifiedBy)
	}
}

func TestFlatten_emptySourceListIsKept(t *testing.T) {
	c := parseCertification(t, []byte(`{"id":"x","source":{"type":[]}}`))
	got := emptyModel()
	noErrors(t, Flatten(context.Background(), c, &got.Values))
	if got.Source.IsNull() {
		t.Fatal("source with an empty type list flattened to null")
	}
	if n := len(as[types.List](t, got.Source.Attributes()["type"]).Elements()); n != 0 {
		t.Errorf("type has %d elements, want 0", n)
	}
}

func TestFlatten_audiences(t *testing.T) {
	const warnSummary = "Unreadable allowed_audiences from Graph"
	tests := []struct {
		name       string
		audiences  *models.AllowedAudiences
		unreadable bool
		prior      types.Set
		want       types.Set
		wantWarn   bool
	}{
		{
			name:      "flags become a set of names",
			audiences: ptr(models.AllowedAudiences(models.ORGANIZATION_ALLOWEDAUDIENCES | models.EVERYONE_ALLOWEDAUDIENCES | models.ME_ALLOWEDAUDIENCES)),
			prior:     mustSet(t, "organization"),
			want:      mustSet(t, "me", "organization", "everyone"),
		},
		{
			name:  "absent becomes null",
			prior: mustSet(t, "organization"),
			want:  types.SetNull(types.StringType),
		},
		{
			name:       "unreadable keeps the prior value and warns",
			unreadable: true,
			prior:      mustSet(t, "contacts", "family"),
			want:       mustSet(t, "contacts", "family"),
			wantWarn:   true,
		},
		{
			name:       "unreadable with an unknown prior becomes null and warns",
			unreadable: true,
			prior:      types.SetUnknown(types.StringType),
			want:       types.SetNull(types.StringType),
			wantWarn:   true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sdk := models.NewPersonCertification()
			sdk.SetId(ptr("x"))
			sdk.SetAllowedAudiences(tt.audiences)
			c := &graph.Certification{PersonCertificationable: sdk, AudiencesUnreadable: tt.unreadable}
			m := emptyModel()
			m.AllowedAudiences = tt.prior
			d := Flatten(context.Background(), c, &m.Values)
			noErrors(t, d)
			if !m.AllowedAudiences.Equal(tt.want) {
				t.Errorf("allowed_audiences = %s, want %s", m.AllowedAudiences, tt.want)
			}
			warned := false
			for _, w := range d.Warnings() {
				if w.Summary() == warnSummary {
					warned = true
				}
			}
			if warned != tt.wantWarn {
				t.Errorf("warning %q emitted = %v, want %v (diagnostics: %v)", warnSummary, warned, tt.wantWarn, d)
			}
		})
	}
}

func TestFlatten_audienceNamesAreSortedInState(t *testing.T) {
	sdk := models.NewPersonCertification()
	a := models.AllowedAudiences(models.EVERYONE_ALLOWEDAUDIENCES | models.CONTACTS_ALLOWEDAUDIENCES)
	sdk.SetAllowedAudiences(&a)
	m := emptyModel()
	noErrors(t, Flatten(context.Background(), &graph.Certification{PersonCertificationable: sdk}, &m.Values))
	var names []string
	for _, e := range m.AllowedAudiences.Elements() {
		names = append(names, as[types.String](t, e).ValueString())
	}
	if !slices.Equal(names, []string{"contacts", "everyone"}) {
		t.Errorf("elements = %v, want [contacts everyone]", names)
	}
}

// TestExpandFlattenRoundTrip: what the provider sends and Graph echoes back reads as the
// configuration again, so a fresh apply plans no change.
func TestExpandFlattenRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*resourceModel)
	}{
		{"full", func(m *resourceModel) { *m = fullModel(t) }},
		{"display name only", func(m *resourceModel) { m.DisplayName = types.StringValue("n") }},
		{"dates only", func(m *resourceModel) {
			m.StartDate = types.StringValue("2024-02-29")
			m.EndDate = types.StringValue("2024-12-31")
		}},
		{"leap day issued", func(m *resourceModel) { m.IssuedDate = types.StringValue("2000-02-29") }},
		{"one audience", func(m *resourceModel) { m.AllowedAudiences = mustSet(t, "federatedOrganizations") }},
		{"all audiences", func(m *resourceModel) { m.AllowedAudiences = mustSet(t, Audiences...) }},
		{"inference score only", func(m *resourceModel) { m.Inference = mustInference(t, ptr(1.0), nil) }},
		{"inference verified only", func(m *resourceModel) { m.Inference = mustInference(t, nil, ptr(false)) }},
		{"inference zero score", func(m *resourceModel) { m.Inference = mustInference(t, ptr(0.0), ptr(false)) }},
		{"source several", func(m *resourceModel) { m.Source = mustSource(t, "User", "LinkedIn", "Sync") }},
		{"unicode text", func(m *resourceModel) {
			m.DisplayName = types.StringValue("Zertifikat für Ärzte – 認定 \"quoted\" \\ back")
			m.Description = types.StringValue("line one\nline two\ttab")
		}},
		{"url with query", func(m *resourceModel) { m.WebURL = types.StringValue("https://example.com/a?b=c&d=e#f") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			in := emptyModel()
			tt.mutate(&in)
			body, d := Expand(ctx, &in.Values)
			noErrors(t, d)
			c := parseCertification(t, wireJSON(t, body))
			out := emptyModel()
			out.UserID = in.UserID
			noErrors(t, Flatten(ctx, c, &out.Values))
			assertModel(t, out, in)
		})
	}
}

func TestAudiencesFromNames(t *testing.T) {
	tests := []struct {
		names   []string
		want    models.AllowedAudiences
		wantErr string
	}{
		{names: []string{"organization"}, want: models.ORGANIZATION_ALLOWEDAUDIENCES},
		{names: []string{"organization", "everyone"}, want: 80},
		{names: []string{"everyone", "organization"}, want: 80},
		{names: []string{"me", "family", "contacts", "groupMembers", "organization", "federatedOrganizations", "everyone"}, want: 127},
		{names: []string{"me", "me"}, want: models.ME_ALLOWEDAUDIENCES},
		{names: nil, wantErr: "at least one"},
		{names: []string{}, wantErr: "at least one"},
		{names: []string{"Organization"}, wantErr: "does not know"},
		{names: []string{"organization", "world"}, wantErr: "does not know"},
		{names: []string{""}, wantErr: "does not know"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.names, "+"), func(t *testing.T) {
			got, err := AudiencesFromNames(tt.names)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %d (%s), want %d (%s)", got, got, tt.want, tt.want)
			}
		})
	}
}

func TestAudiencesFromNames_errors(t *testing.T) {
	if _, err := AudiencesFromNames(nil); !errors.Is(err, errEmptyAudiences) {
		t.Errorf("empty: err = %v, want errEmptyAudiences", err)
	}
	_, err := AudiencesFromNames([]string{"Organization"})
	if err == nil {
		t.Fatal("unknown name accepted")
	}
	// The message names the bad input and lists every valid choice.
	for _, want := range append([]string{`"Organization"`}, Audiences...) {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestAudienceNames(t *testing.T) {
	tests := []struct {
		in   models.AllowedAudiences
		want []string
	}{
		{0, nil},
		{models.ORGANIZATION_ALLOWEDAUDIENCES, []string{"organization"}},
		{80, []string{"organization", "everyone"}},
		{models.EVERYONE_ALLOWEDAUDIENCES | models.ME_ALLOWEDAUDIENCES, []string{"me", "everyone"}},
		{127, Audiences},
	}
	for _, tt := range tests {
		if got := AudienceNames(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("AudienceNames(%d) = %v, want %v", tt.in, got, tt.want)
		}
	}
	// Names and flags convert both ways.
	for i := range Audiences {
		a := models.AllowedAudiences(1 << i)
		back, err := AudiencesFromNames(AudienceNames(a))
		if err != nil || back != a {
			t.Errorf("round trip of %d: got %d, %v", a, back, err)
		}
	}
}

// Read keeps the prior state when sameValues says nothing changed, so it must see a
// change in any one attribute.
func TestSameValues(t *testing.T) {
	base := func() Values {
		return Values{
			ID:               types.StringValue("id-1"),
			AllowedAudiences: types.SetValueMust(types.StringType, []attr.Value{types.StringValue("organization")}),
			DisplayName:      types.StringValue("Cert"),
			IssuedDate:       types.StringValue("2025-03-14"),
			Description:      types.StringNull(),
			Inference:        types.ObjectNull(map[string]attr.Type{"confidence_score": types.NumberType}),
			CreatedBy:        types.ObjectNull(map[string]attr.Type{"user": types.StringType}),
		}
	}
	a, b := base(), base()
	if !sameValues(&a, &b) {
		t.Fatal("equal values reported different")
	}
	for name, change := range map[string]func(*Values){
		"display_name":     func(v *Values) { v.DisplayName = types.StringValue("Renamed") },
		"description set":  func(v *Values) { v.Description = types.StringValue("now set") },
		"issued_date null": func(v *Values) { v.IssuedDate = types.StringNull() },
		"allowed_audiences": func(v *Values) {
			v.AllowedAudiences = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("me")})
		},
		"inference": func(v *Values) {
			v.Inference = types.ObjectValueMust(map[string]attr.Type{"confidence_score": types.NumberType},
				map[string]attr.Value{"confidence_score": types.NumberValue(big.NewFloat(0.5))})
		},
		"last_modified_date_time": func(v *Values) { v.LastModifiedDateTime = types.StringValue("2026-11-29T01:00:00Z") },
		"id unknown":              func(v *Values) { v.ID = types.StringUnknown() },
	} {
		c := base()
		change(&c)
		if sameValues(&a, &c) || sameValues(&c, &a) {
			t.Errorf("%s: a change was reported equal", name)
		}
	}
}

// configNumber is a number as Terraform hands it to the provider: parsed from the
// configuration's literal with 512 bits of precision, as HCL does.
func configNumber(t *testing.T, literal string) types.Number {
	t.Helper()
	f, _, err := big.ParseFloat(literal, 10, 512, big.ToNearestEven)
	if err != nil {
		t.Fatal(err)
	}
	return types.NumberValue(f)
}

func inferenceWith(t *testing.T, score types.Number) types.Object {
	t.Helper()
	return types.ObjectValueMust(inferenceAttrTypes, map[string]attr.Value{
		"confidence_score": score, "user_has_verified_accuracy": types.BoolValue(true),
	})
}

// Graph stores confidenceScore as a double and echoes the nearest double to what was
// sent. Compared exactly, the configuration's 0.92 differs from that echo, so every
// write warned, re-read six times, and a lost create answer was never matched (a twin).
func TestNumbersCompareAsGraphStoresThem(t *testing.T) {
	ctx := context.Background()
	for _, literal := range []string{"0.92", "0.1", "0.3333333333333333", "0.920000000000000001", "1e-7", "12345.678"} {
		t.Run(literal, func(t *testing.T) {
			plan := emptyModel()
			plan.DisplayName = types.StringValue("First Aid at Work")
			plan.AllowedAudiences = mustSet(t, "organization")
			plan.Inference = inferenceWith(t, configNumber(t, literal))
			plan.ID = types.StringUnknown() // computed: unknown in a create's plan
			body, d := Expand(ctx, &plan.Values)
			noErrors(t, d)
			echo := wire(t, body)
			echo["id"] = "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"
			raw, err := json.Marshal(echo) // a double on the wire, as Graph answers
			if err != nil {
				t.Fatal(err)
			}
			applied := plan
			noErrors(t, Flatten(ctx, parseCertification(t, raw), &applied.Values))
			if names := Differences(&plan.Values, &applied.Values); len(names) != 0 {
				t.Fatalf("differences = %v, want none: %s was sent and echoed", names, literal)
			}
			kept := applied.Values
			if d := keepPlanned(&plan.Values, &kept); d.WarningsCount() != 0 {
				t.Errorf("keepPlanned warned: %v", d)
			}
			if !kept.Inference.Equal(plan.Inference) || kept.ID.ValueString() == "" {
				t.Errorf("after keepPlanned the state holds %v, want the planned %v exactly", kept.Inference, plan.Inference)
			}
			// A refresh keeps the number as written, so the plan shows no difference.
			prior := plan.Values
			prior.ID = applied.ID
			refreshed := applied.Values
			if !sameValues(&prior, &refreshed) {
				t.Errorf("sameValues: a refresh of an unchanged certification looks changed")
			}
			refreshed.DisplayName = types.StringValue("changed elsewhere")
			keepSame(&prior, &refreshed)
			if !refreshed.Inference.Equal(plan.Inference) {
				t.Errorf("keepSame: inference %v, want the prior %v exactly", refreshed.Inference, plan.Inference)
			}
		})
	}
}

func TestNumbersThatDifferAsDoublesDiffer(t *testing.T) {
	a := inferenceWith(t, configNumber(t, "0.92"))
	b := inferenceWith(t, configNumber(t, "0.93"))
	if SameAsGraph(a, b) {
		t.Error("0.92 and 0.93 compare equal")
	}
	if !SameAsGraph(a, inferenceWith(t, numberValue(ptr(0.92)))) {
		t.Error("0.92 and Graph's 0.92 compare different")
	}
	if SameAsGraph(a, types.ObjectNull(inferenceAttrTypes)) {
		t.Error("a value and null compare equal")
	}
}

// Fields is the one list of Values' attributes: it must name every field of the
// struct, under its tfsdk name, and read and write that very field.
func TestValueFieldsCoverValues(t *testing.T) {
	typ := reflect.TypeFor[Values]()
	if len(Fields) != typ.NumField() {
		t.Fatalf("Fields lists %d attributes, Values has %d fields", len(Fields), typ.NumField())
	}
	for i, f := range Fields {
		sf := typ.Field(i)
		if tag := sf.Tag.Get("tfsdk"); tag != f.Name {
			t.Errorf("Fields[%d] is %q, but field %d of Values is %s (tfsdk %q)", i, f.Name, i, sf.Name, tag)
		}
		var v Values
		probe := reflect.ValueOf(&v).Elem().Field(i)
		marker, ok := markerValue(probe.Type())
		if !ok {
			t.Fatalf("no marker for %s", probe.Type())
		}
		if !f.Set(&v, marker) {
			t.Errorf("%s: set refused a value of its own type", f.Name)
		}
		if got, ok := probe.Interface().(attr.Value); !ok || !got.Equal(marker) {
			t.Errorf("%s: set wrote another field than Values.%s", f.Name, sf.Name)
		}
		if !f.Get(&v).Equal(marker) {
			t.Errorf("%s: get reads another field than Values.%s", f.Name, sf.Name)
		}
	}
}

// markerValue is an unknown value of the field's type, so a write to it is visible.
func markerValue(t reflect.Type) (attr.Value, bool) {
	switch t {
	case reflect.TypeFor[types.String]():
		return types.StringUnknown(), true
	case reflect.TypeFor[types.Set]():
		return types.SetUnknown(types.StringType), true
	case reflect.TypeFor[types.Object]():
		return types.ObjectUnknown(nil), true
	}
	return nil, false
}

// The three places an attribute lives agree: the schema (schema.go), the model (Values and
// Fields, model.go) and the mock's property table (internal/mockgraph/properties.go). Every
// schema attribute but user_id is a field; every field is a property the mock knows, under
// its wire name; and a field is writable in the schema exactly when the mock lets a client
// write its property.
func TestSchemaModelAndMockAgree(t *testing.T) {
	attrs := Schema(context.Background()).Attributes
	known := map[string]bool{}
	for _, p := range mockgraph.PropertyNames() {
		known[p] = true
	}
	writable := map[string]bool{}
	for _, p := range mockgraph.WritableProperties() {
		writable[p] = true
	}
	fields := map[string]bool{}
	wires := map[string]bool{}
	for _, f := range Fields {
		fields[f.Name] = true
		wires[f.Wire] = true
		a, ok := attrs[f.Name]
		if !ok {
			t.Errorf("field %s is not an attribute of the schema", f.Name)
			continue
		}
		if !known[f.Wire] {
			t.Errorf("field %s is sent as %q, a property the mock does not know", f.Name, f.Wire)
		}
		configurable := a.IsRequired() || a.IsOptional()
		if configurable != writable[f.Wire] {
			t.Errorf("%s: configurable in the schema is %v, writable in the mock is %v", f.Name, configurable, writable[f.Wire])
		}
	}
	for name := range attrs {
		if name != "user_id" && !fields[name] {
			t.Errorf("schema attribute %s has no field in Fields", name)
		}
	}
	for p := range writable {
		if !wires[p] {
			t.Errorf("the mock lets a client write %s, which no field sends", p)
		}
	}
}
