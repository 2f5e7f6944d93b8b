package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/graphprofile/terraform-provider-graph/internal/provider"
)

// The server that main and the tests use wraps the framework's (for
// graph_person_certifications) and must still offer every optional part the plugin
// server looks for by type assertion, or terraform query and the rest go missing.
func TestServerKeepsTheFrameworksOptionalParts(t *testing.T) {
	srv, err := provider.Server("test")()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.(tfprotov6.ListResourceServer); !ok {
		t.Error("the server serves no list resources")
	}
	if _, ok := srv.(tfprotov6.ActionServer); !ok {
		t.Error("the server serves no actions")
	}
	if _, ok := srv.(tfprotov6.StateStoreServer); !ok {
		t.Error("the server serves no state stores")
	}
	sch, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sch.ListResourceSchemas["graph_person_certification"]; !ok {
		t.Error("the list resource graph_person_certification is not in the schema")
	}
	if _, ok := sch.ResourceSchemas["graph_person_certifications"]; !ok {
		t.Error("graph_person_certifications is not in the schema")
	}
}
