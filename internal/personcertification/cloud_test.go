package personcertification

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// checkSourceInCloud refuses a source that would be sent in a US Government cloud, at the
// path given (the resource's source, or an entry's of graph_person_certifications), and
// nothing else.
func TestCheckSourceInCloud(t *testing.T) {
	client := func(cloud string) *graph.Client {
		c, err := graph.NewClient(graph.Config{Endpoint: "https://graph.example", Token: graph.StaticToken("t"), Cloud: cloud})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	source := func(names ...string) types.Object {
		var d diag.Diagnostics
		return sourceOf(names, &d)
	}
	hr, other := source("HR"), source("LinkedIn")
	unknown := types.ObjectUnknown(SourceAttrTypes)
	none := types.ObjectNull(SourceAttrTypes)
	entry := path.Root("certifications").AtMapKey("az-305").AtName("source")
	tests := []struct {
		name           string
		c              *graph.Client
		planned, prior types.Object
		at             path.Path
		refused        bool
	}{
		{"usgovernment, create with source", client(graph.CloudUSGovernment), hr, none, path.Root("source"), true},
		{"usgovernmentl5, source changed", client(graph.CloudUSGovernmentL5), hr, other, path.Root("source"), true},
		{"usgovernment, an entry's source", client(graph.CloudUSGovernment), hr, none, entry, true},
		{"usgovernment, source unchanged (not sent)", client(graph.CloudUSGovernment), hr, hr, path.Root("source"), false},
		{"usgovernment, no source", client(graph.CloudUSGovernment), none, hr, path.Root("source"), false},
		{"usgovernment, unknown until apply", client(graph.CloudUSGovernment), unknown, none, path.Root("source"), false},
		{"public", client(""), hr, none, path.Root("source"), false},
		{"china", client(graph.CloudChina), hr, none, path.Root("source"), false},
		{"no client yet", nil, hr, none, path.Root("source"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var diags diag.Diagnostics
			CheckSourceInCloud(tt.c, tt.at, tt.planned, tt.prior, &diags)
			if diags.HasError() != tt.refused {
				t.Fatalf("refused = %v, want %v: %v", diags.HasError(), tt.refused, diags)
			}
			if !tt.refused {
				return
			}
			d, ok := diags[0].(diag.DiagnosticWithPath)
			if !ok || !d.Path().Equal(tt.at) {
				t.Errorf("the error is not at %s: %v", tt.at, diags[0])
			}
			for _, w := range []string{"personDataSource", "one string", "personDataSources", "list", "Remove source", tt.at.String()} {
				if !strings.Contains(diags[0].Detail(), w) {
					t.Errorf("detail lacks %q:\n%s", w, diags[0].Detail())
				}
			}
		})
	}
}

// sourceOf is a source object holding these types.
func sourceOf(names []string, diags *diag.Diagnostics) types.Object {
	elems := make([]attr.Value, len(names))
	for i, n := range names {
		elems[i] = types.StringValue(n)
	}
	list, d := types.ListValue(types.StringType, elems)
	diags.Append(d...)
	return objectValue(SourceAttrTypes, map[string]attr.Value{"type": list}, diags)
}
