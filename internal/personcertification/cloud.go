package personcertification

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// CheckSourceInCloud refuses, at plan time, a source the provider would send (planned,
// known, not null, and other than prior, what state holds: an update sends only what
// changed) in a cloud whose beta schema types itemFacet.source as personDataSource, with
// one string for type (graph.SourceTypeIsString). The provider writes and reads the list
// form of the public cloud only. at is the source attribute's path: source for the
// resource, certifications["key"].source for an entry of graph_person_certifications.
func CheckSourceInCloud(c *graph.Client, at path.Path, planned, prior types.Object, diags *diag.Diagnostics) {
	if c == nil || !graph.SourceTypeIsString(c.Cloud()) || planned.IsNull() || planned.IsUnknown() || planned.Equal(prior) {
		return
	}
	diags.AddAttributeError(at, "source cannot be set in the US Government clouds",
		fmt.Sprintf("The provider is configured for environment %q. Graph's beta schema for the US Government clouds declares "+
			"a certification's source as personDataSource, whose type is one string, while the public and China clouds "+
			"declare personDataSources, whose type is a list of strings. The provider, like the Microsoft Graph Go SDK it "+
			"uses, writes only the list form, which this cloud's schema does not have, so it does not send source here. "+
			"Remove source from the configuration (%s) in this cloud.", c.Cloud(), at))
}
