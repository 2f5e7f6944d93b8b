package personcertification

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// datesInOrder refuses an end_date before start_date at plan time.
type datesInOrder struct{}

var _ resource.ConfigValidator = datesInOrder{}

func (datesInOrder) Description(context.Context) string {
	return "end_date may not fall before start_date"
}

func (v datesInOrder) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (datesInOrder) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var start, end types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("start_date"), &start)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("end_date"), &end)...)
	if start.IsNull() || start.IsUnknown() || end.IsNull() || end.IsUnknown() {
		return
	}
	s, err1 := ParseDate(start.ValueString())
	e, err2 := ParseDate(end.ValueString())
	if err1 != nil || err2 != nil {
		return // the attribute validators already report malformed dates
	}
	if e.Before(s) {
		resp.Diagnostics.AddAttributeError(path.Root("end_date"), "end_date before start_date",
			fmt.Sprintf("end_date %s falls before start_date %s; a certification cannot expire before it becomes valid.", end.ValueString(), start.ValueString()))
	}
}
