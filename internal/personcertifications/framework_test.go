package personcertifications

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Everything the schema asks of the framework is run on the protocol path; what it
// could not run would stop the server from starting (Serve), and is named.
func TestFrameworkStepsServeTheSchema(t *testing.T) {
	if missing := unserved(Schema(context.Background())); len(missing) > 0 {
		t.Fatalf("the protocol path does not run: %v", missing)
	}
	s := Schema(context.Background())
	s.Attributes["ratio"] = schema.Float64Attribute{Optional: true, Validators: []validator.Float64{float64validator.AtLeast(0)}}
	tb, ok := s.Blocks["timeouts"].(schema.SingleNestedBlock)
	if !ok {
		t.Fatalf("timeouts is a %T", s.Blocks["timeouts"])
	}
	tb.Attributes["create"] = schema.StringAttribute{Optional: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
	s.Blocks["timeouts"] = tb
	missing := strings.Join(unserved(s), "\n")
	if !strings.Contains(missing, "attribute ratio") || !strings.Contains(missing, "attribute timeouts.create") {
		t.Errorf("a Float64 validator and a plan modifier inside a block are not named: %q", missing)
	}
}

// A server that lacks a part the wrapper passes on is refused at start-up, never served
// by falling back to the framework's own methods.
func TestServeRefusesAServerItCannotWrap(t *testing.T) {
	srv, err := Serve(onlyProvider{}, nil)
	if err == nil || srv != nil {
		t.Fatalf("Serve wrapped a server without list resources, actions and state stores: %v, %v", srv, err)
	}
	if !strings.Contains(err.Error(), "does not serve every part") {
		t.Errorf("the error does not say why: %v", err)
	}
}

// onlyProvider is a protocol server with nothing but the provider's own methods.
type onlyProvider struct{ tfprotov6.ProviderServer }
