package graph_test

import (
	"slices"
	"testing"

	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"

	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// The mock's property table and the SDK's personCertification model name the same
// properties: a property the SDK gains (a new beta field) fails here until the mock's
// table (internal/mockgraph/properties.go) says how to validate, keep and render it.
func TestMockPropertiesMatchTheSDKModel(t *testing.T) {
	var sdk []string
	for name := range models.NewPersonCertification().GetFieldDeserializers() {
		if name != "@odata.type" {
			sdk = append(sdk, name)
		}
	}
	mock := mockgraph.PropertyNames()
	slices.Sort(sdk)
	slices.Sort(mock)
	if !slices.Equal(sdk, mock) {
		t.Errorf("the SDK model has %v,\nthe mock's table has %v", sdk, mock)
	}
}
