package personcertification

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// datesInOrder refuses, at plan time, an end_date before start_date or before
// issued_date: a certification cannot expire before it becomes valid or is issued.
type datesInOrder struct{}

var _ resource.ConfigValidator = datesInOrder{}

func (datesInOrder) Description(context.Context) string {
	return "end_date may not fall before start_date or issued_date"
}

func (v datesInOrder) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (datesInOrder) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	date := func(name string) (time.Time, string, bool) {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), &v)...)
		if v.IsNull() || v.IsUnknown() {
			return time.Time{}, "", false
		}
		t, err := ParseDate(v.ValueString())
		// A malformed date is reported by the attribute's own validator.
		return t, v.ValueString(), err == nil
	}
	end, endText, ok := date("end_date")
	if !ok {
		return
	}
	for _, earlier := range []struct{ name, why string }{
		{"start_date", "expire before it becomes valid"},
		{"issued_date", "expire before it is issued"},
	} {
		if t, text, ok := date(earlier.name); ok && end.Before(t) {
			resp.Diagnostics.AddAttributeError(path.Root("end_date"), "end_date before "+earlier.name,
				fmt.Sprintf("end_date %s falls before %s %s; a certification cannot %s. Correct either date.",
					endText, earlier.name, text, earlier.why))
		}
	}
}
