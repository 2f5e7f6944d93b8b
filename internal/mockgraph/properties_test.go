package mockgraph

import (
	"slices"
	"testing"

	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"
)

// The fake's property table and the SDK's personCertification model name the same
// properties: a property the SDK gains (a new beta field) fails here until the table
// says how to validate, keep and render it.
func TestPropertiesMatchTheSDKModel(t *testing.T) {
	var sdk []string
	for name := range models.NewPersonCertification().GetFieldDeserializers() {
		if name != "@odata.type" {
			sdk = append(sdk, name)
		}
	}
	var table []string
	for _, p := range properties() {
		if p.kind == propUnknown {
			t.Errorf("%s is listed as unknown", p.name)
		}
		table = append(table, p.name)
	}
	slices.Sort(sdk)
	slices.Sort(table)
	if !slices.Equal(sdk, table) {
		t.Errorf("the SDK model has %v,\nthe mock's table has %v", sdk, table)
	}
}

// Every stored property is rendered, null when unset, and nothing else is.
func TestRenderFollowsTheTable(t *testing.T) {
	s := Start()
	defer s.Close()
	ent, err := s.Seed("me", map[string]any{"displayName": "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range properties() {
		_, ok := ent[p.name]
		if want := p.kind != propIgnored; ok != want {
			t.Errorf("%s: rendered %v, want %v", p.name, ok, want)
		}
	}
	for k := range ent {
		if kindOf(k) == propUnknown && k != "@odata.context" {
			t.Errorf("rendered %s, which the table does not know", k)
		}
	}
}
