package personcertifications

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TypeName is the type name of graph_person_certifications.
const TypeName = "graph_person_certifications"

var entryComputedAttrTypes = map[string]attr.Type{
	"id": types.StringType, "created_date_time": types.StringType, "last_modified_date_time": types.StringType,
}

var entryComputedType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"id": tftypes.String, "created_date_time": tftypes.String, "last_modified_date_time": tftypes.String,
}}

// Schema is the schema of graph_person_certifications.
func Schema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Many certifications in people's Microsoft Graph profiles, of any number of users, as one resource: " +
			"the way to keep thousands of certifications (an HR system's export) in step with Graph, since Terraform's own cost per " +
			"resource instance grows with the size of the state. Each entry takes exactly the attributes of " +
			"`graph_person_certification`, with the same validation.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "An id of this resource instance, fixed when it is created.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"certifications": schema.DynamicAttribute{
				Required:            true,
				MarkdownDescription: entryDescription(ctx),
			},
			"adopt_existing": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Before creating an entry, look for a certification of that user with the same `certification_id` " +
					"(for an entry without one: the same `display_name`) and adopt it, updating it to the configured values, instead of " +
					"creating a twin. When Graph holds several, the oldest is adopted and a warning names the others, which are left " +
					"alone. Default `true`.",
			},
			"exclusive": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Delete every certification of the users in `certifications` that is not in it. The plan lists " +
					"each one in `exclusive_deletions` before anything is deleted. Users not in the map are never touched. Default `false`.",
			},
			"entries": schema.MapAttribute{
				Computed:            true,
				ElementType:         types.ObjectType{AttrTypes: entryComputedAttrTypes},
				MarkdownDescription: "What Graph set for each entry, keyed like `certifications`: `id` (the certification's id), `created_date_time` and `last_modified_date_time` (RFC 3339).",
			},
			"max_deletions": schema.Int64Attribute{
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
				MarkdownDescription: "The most certifications one plan may delete: removed entries, entries moved to another user and " +
					"`exclusive` deletions together. A plan that would delete more fails, saying how many and how to allow it, so that " +
					"an empty or null export, a wrong filter or a renamed column cannot wipe Graph unattended. Unset, the limit is " +
					"10% of the certifications this resource holds or will hold (the larger), and at least 1. `terraform destroy` " +
					"is not limited: it is explicit.",
			},
			"missing_users": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(missingUsersWait),
				Validators: []validator.String{stringvalidator.OneOf(missingUsersWait, missingUsersFail)},
				MarkdownDescription: "What the plan does with entries whose user does not exist (yet) in Entra ID, found when it lists " +
					"that user's certifications: `\"wait\"` (the default) plans them as pending, with a warning naming their keys, so that " +
					"everyone else's certifications go through and the pending ones are tried again on every run until the user " +
					"exists (HR exports list new hires before their accounts exist); `\"fail\"` fails the plan, naming the keys.",
			},
			"retain_removed": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "When `true`, a certification that this resource stops holding (its entry removed, or moved to " +
					"another user) is forgotten, not deleted: it stays in Graph for another resource to adopt. The way to move users " +
					"between workspaces or resources without deleting anything. Default `false`.",
			},
			"adoptions": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "What the plan adopts: for each entry that takes over a certification already in Graph, its id and " +
					"every field the adoption changes or clears, so that nothing is overwritten unseen. Empty when nothing is adopted; " +
					"after the apply it names what was adopted until the next refresh empties it.",
			},
			"exclusive_deletions": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "With `exclusive = true`: the certifications the plan deletes because they are not in `certifications`, " +
					"as `\"<user_id>/<id>\" = \"<display_name>\"`, so each is seen before anything is deleted. After the apply it names what " +
					"was deleted until the next refresh empties it. Empty without `exclusive`.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// entryDescription documents an entry from the single resource's schema, attribute by
// attribute, so both resources are described by one text.
func entryDescription(ctx context.Context) string {
	var b strings.Builder
	b.WriteString("The certifications, as a map keyed by a label of your choice (an HR export's `\"<user>/<certification_id>\"`, " +
		"for example). A changed key is a removed entry and an added one. Each entry is an object with these attributes, " +
		"as on `graph_person_certification` (a wrong type or value is an error naming the entry's key and attribute):\n\n")
	var describe func(prefix string, attrs map[string]schema.Attribute, order []string)
	describe = func(prefix string, attrs map[string]schema.Attribute, order []string) {
		for _, name := range order {
			a := attrs[name]
			req := "optional"
			if a.IsRequired() {
				req = "required"
			}
			fmt.Fprintf(&b, "%s- `%s` (%s) %s\n", prefix, name, req, a.GetMarkdownDescription())
			if n, ok := a.(schema.SingleNestedAttribute); ok {
				describe(prefix+"  ", n.Attributes, sortedKeys(n.Attributes))
			}
		}
	}
	sh := entryShapeOf(ctx)
	all := map[string]schema.Attribute{}
	for _, a := range sh.attrs {
		all[a.name] = a.attr
	}
	describe("", all, sh.names())
	return b.String()
}

// bulkObjectType is the resource's Terraform type, worked out once.
func bulkObjectType(ctx context.Context) tftypes.Object {
	bulkTypeOnce.Do(func() { bulkType, _ = Schema(ctx).Type().TerraformType(ctx).(tftypes.Object) })
	return bulkType
}

// Timeouts of graph_person_certifications: one operation covers every entry.
const (
	defaultBulkWriteTimeout = 30 * time.Minute
	defaultBulkReadTimeout  = 10 * time.Minute
	// bulkWorkers bounds the calls in flight at once; the client batches them 20 to a
	// request and paces them under Graph's throttling.
	bulkWorkers = 64
)

const (
	missingUsersWait = "wait"
	missingUsersFail = "fail"
)

var (
	bulkTypeOnce sync.Once
	bulkType     tftypes.Object
)
