package personcertification

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Audiences are the allowedAudiences flag names a user may set, in Graph's bit order.
// unknownFutureValue is Graph's evolvability sentinel and not a choice.
var Audiences = []string{"me", "family", "contacts", "groupMembers", "organization", "federatedOrganizations", "everyone"}

// DefaultAudience is what Graph sets when a create names no audience.
const DefaultAudience = "organization"

// Nested object types, declared once.
var (
	identityAttrTypes    = map[string]attr.Type{"display_name": types.StringType, "id": types.StringType}
	identityType         = types.ObjectType{AttrTypes: identityAttrTypes}
	identitySetAttrTypes = map[string]attr.Type{"application": identityType, "device": identityType, "user": identityType}
	inferenceAttrTypes   = map[string]attr.Type{"confidence_score": types.NumberType, "user_has_verified_accuracy": types.BoolType}
	SourceAttrTypes      = map[string]attr.Type{"type": types.ListType{ElemType: types.StringType}}
)

// textValidators apply to every free-text attribute: Graph stores an empty or invisible
// string as a value nobody can see or clear, so it is refused at plan time.
func textValidators(maxLen int) []validator.String {
	return []validator.String{textLength(maxLen), notBlank()}
}

// maxText caps free text: generous, since Graph publishes no limit; it catches runaway values.
const maxText = 1000

// textRule is how every free-text attribute's description states its limits.
const textRule = " 1 to 1,000 characters (counted as Unicode characters, not bytes), not blank."

func optionalText(desc string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: desc + textRule, Validators: textValidators(maxText)}
}

func dateAttribute(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: desc + " A calendar date, `YYYY-MM-DD`.",
		Validators:          []validator.String{calendarDate()},
	}
}

func urlAttribute(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: desc + " An absolute `http` or `https` URL of at most 2,048 characters, without a user name " +
			"or password (it is published in the person's profile).",
		Validators: []validator.String{httpURL()},
	}
}

func identitySetAttribute(desc string) schema.SingleNestedAttribute {
	identity := func(who string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			Computed:            true,
			MarkdownDescription: "The " + who + ", when Graph names one.",
			Attributes: map[string]schema.Attribute{
				"display_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Display name."},
				"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "Object id."},
			},
		}
	}
	return schema.SingleNestedAttribute{
		Computed:            true,
		MarkdownDescription: desc,
		Attributes: map[string]schema.Attribute{
			"application": identity("application"),
			"device":      identity("device"),
			"user":        identity("user"),
		},
	}
}

// setByGraph is a computed string Graph sets at create and never changes, so a plan keeps
// the known value instead of showing it as unknown.
func setByGraph(description string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: description,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

// Schema is the resource schema. Field journey: here -> model.go (expand/flatten) ->
// internal/graph (SDK, wire) -> internal/mockgraph.
func Schema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A certification in a person's Microsoft Graph profile " +
			"([personCertification](https://learn.microsoft.com/graph/api/resources/personcertification?view=graph-rest-beta), beta API).",
		Attributes: map[string]schema.Attribute{
			"id": setByGraph("The certification's id, set by Graph."),
			"user_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Whose profile holds the certification: a user's object id, a userPrincipalName, " +
					"or `me` for the signed-in user. Letter case does not matter, as in Entra ID. Changing it to another " +
					"user replaces the certification; changing how the same user is written (`me`, object id or " +
					"userPrincipalName) does not, when the provider can tell they are the same user (see the plan's message).",
				Validators: []validator.String{userID()},
			},
			"allowed_audiences": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				MarkdownDescription: "Who can see the certification: any of " + quoteList(Audiences) + "; order never matters. " +
					"It is a privacy setting, so it is always managed: when the configuration does not set it, the " +
					"provider manages Graph's default, `[\"organization\"]`. Removing the attribute resets Graph to that " +
					"default, and any other value in Graph (set elsewhere) shows as drift in the plan. `me` (only the person) " +
					"stands alone: Graph numbers it 0, no audience, so it cannot be combined with another.",
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					noNullElements{want: "an audience such as \"organization\""},
					setvalidator.ValueStringsAre(stringvalidator.OneOf(Audiences...)),
					meAlone{},
				},
				Default: setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{types.StringValue(DefaultAudience)})),
			},
			"certification_id": optionalText("The referenceable identifier of the certification, for example a credential number."),
			"description":      optionalText("Description of the certification."),
			"display_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Title of the certification." + textRule,
				Validators:          textValidators(maxText),
			},
			"issuing_authority": optionalText("The authority that granted the certification."),
			"issuing_company":   optionalText("The company that granted the certification."),
			"start_date":        dateAttribute("The date the certification became valid."),
			"end_date":          dateAttribute("The date the certification expires; not before `start_date`."),
			"issued_date":       dateAttribute("The date the certification was issued."),
			"thumbnail_url":     urlAttribute("A thumbnail image of the certification."),
			"web_url":           urlAttribute("A page about the certification."),
			"inference": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Inference detail, when the certification was inferred by the creating or modifying application.",
				Attributes: map[string]schema.Attribute{
					// A number, not a float64: Terraform's own infinity (1/0) must reach the
					// validator instead of failing the framework's float64 conversion.
					"confidence_score": schema.NumberAttribute{
						Optional:            true,
						MarkdownDescription: "Confidence of the inference. Graph stores it as a double, so any finite number a double can hold.",
						Validators:          []validator.Number{finiteDouble()},
					},
					"user_has_verified_accuracy": schema.BoolAttribute{
						Optional:            true,
						MarkdownDescription: "Whether the user has verified the inferred value.",
					},
				},
			},
			"source": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Where the values came from, when synced from another service. In the US Government clouds " +
					"(`environment` `usgovernment` or `usgovernmentl5`) Graph's schema gives `type` as one string, not a list: " +
					"such a string is read as a list of one.",
				Attributes: map[string]schema.Attribute{
					"type": schema.ListAttribute{
						ElementType:         types.StringType,
						Required:            true,
						MarkdownDescription: "The source types, for example `[\"User\"]`: at least one, each 1 to 200 characters, not blank.",
						Validators: []validator.List{
							listvalidator.SizeAtLeast(1),
							noNullElements{want: "a source type such as \"User\""},
							listvalidator.ValueStringsAre(textValidators(200)...),
						},
					},
				},
			},
			"created_date_time": setByGraph("When the certification was created (RFC 3339)."),
			"created_by": func() schema.SingleNestedAttribute {
				a := identitySetAttribute("Who created the certification.")
				a.PlanModifiers = []planmodifier.Object{objectplanmodifier.UseStateForUnknown()}
				return a
			}(),
			// No plan modifier: the framework marks these unknown exactly when an update is planned.
			"last_modified_date_time": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the certification was last changed (RFC 3339).",
			},
			"last_modified_by": identitySetAttribute("Who last changed the certification."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func quoteList(v []string) string {
	s := ""
	for i, x := range v {
		if i > 0 {
			s += ", "
		}
		s += "`" + x + "`"
	}
	return s
}
