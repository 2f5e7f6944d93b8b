package provider_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
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

// An upgrade of terraform-plugin-go or the framework can add an optional protocol part
// that the plugin server finds by type assertion (as list resources once were). The
// wrapper passes on only the parts it names, so every method the framework's server has
// must be one the wrapped server has too: a new part fails here instead of being hidden
// from Terraform.
func TestServerPassesOnEveryMethodOfTheFrameworks(t *testing.T) {
	fw, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := provider.Server("test")()
	if err != nil {
		t.Fatal(err)
	}
	want, got := reflect.TypeOf(fw), reflect.TypeOf(srv)
	if want.NumMethod() < 20 {
		t.Fatalf("the framework's server has only %d methods: the check would prove nothing", want.NumMethod())
	}
	for i := range want.NumMethod() {
		m := want.Method(i)
		if _, ok := got.MethodByName(m.Name); !ok {
			t.Errorf("the framework's server has %s, which the wrapped server does not pass on: add its interface to "+
				"frameworkServer in internal/personcertifications/server.go", m.Name)
		}
	}
}
