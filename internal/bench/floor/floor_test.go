package floor

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/personcertification"
)

// plan is a create's plan: display_name known, every computed attribute unknown.
func plan(t *testing.T) tftypes.Value {
	t.Helper()
	ot, ok := personcertification.Schema(context.Background()).Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("the schema's type is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range ot.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for _, name := range []string{"id", "created_date_time", "last_modified_date_time", "created_by", "last_modified_by"} {
		vals[name] = tftypes.NewValue(ot.AttributeTypes[name], tftypes.UnknownValue)
	}
	vals["display_name"] = tftypes.NewValue(tftypes.String, "Cert")
	return tftypes.NewValue(ot, vals)
}

func attr(t *testing.T, v tftypes.Value, path ...string) tftypes.Value {
	t.Helper()
	p := tftypes.NewAttributePath()
	for _, name := range path {
		p = p.WithAttributeName(name)
	}
	got, _, err := tftypes.WalkAttributePath(v, p)
	if err != nil {
		t.Fatalf("%v: %v", path, err)
	}
	v, ok := got.(tftypes.Value)
	if !ok {
		t.Fatalf("%v: %T is not a value", path, got)
	}
	return v
}

func TestSettleFillsAuditLikeGraph(t *testing.T) {
	got, err := settle(plan(t), "floor-1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsFullyKnown() {
		t.Fatal("a value is still unknown")
	}
	var id, when, user string
	_ = attr(t, got, "id").As(&id)
	_ = attr(t, got, "created_date_time").As(&when)
	_ = attr(t, got, "last_modified_by", "user", "id").As(&user)
	if id != "floor-1" || when != auditTime || user == "" {
		t.Errorf("id %q, created_date_time %q, last_modified_by.user.id %q", id, when, user)
	}
	if !attr(t, got, "created_by", "application").IsNull() {
		t.Error("created_by.application is set; Graph leaves it null for a user's certification")
	}
}

func TestSettleNullComputed(t *testing.T) {
	t.Setenv(NullComputedEnv, "1")
	got, err := settle(plan(t), "floor-2")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"created_date_time", "created_by", "last_modified_by"} {
		if !attr(t, got, name).IsNull() {
			t.Errorf("%s is not null", name)
		}
	}
	var id string
	if _ = attr(t, got, "id").As(&id); id != "floor-2" {
		t.Errorf("id %q", id)
	}
}
