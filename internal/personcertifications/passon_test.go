package personcertifications_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertifications"
	"github.com/graphprofile/terraform-provider-graph/internal/provider"
)

// The certifications a plan passes on go back as they arrived in the proposed new state,
// and those an apply writes as they arrived in the planned state: the bytes are copied,
// not encoded again (server.go's marshal, tfwire.Marshal). A display name sent as msgpack
// bin, which tftypes reads as a string but never writes, comes back as bin. What comes
// back reads as what was sent (TestParity holds the values to the framework's).
func TestServedCertificationsGoBackAsTheyArrived(t *testing.T) {
	ctx := context.Background()
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken(acctest.Token)
	srv, err := provider.Server("test")()
	if err != nil {
		t.Fatal(err)
	}
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	provType := objectType(t, sch.Provider)
	provCfg := dynamic(t, provType, withNulls(provType, map[string]tftypes.Value{"endpoint": str(s.URL), "access_token": str(acctest.Token)}))
	if resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: provCfg}); err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	typ := objectType(t, sch.ResourceSchemas[personcertifications.TypeName])
	name := personcertifications.TypeName
	cfg := withNulls(typ, map[string]tftypes.Value{"certifications": object(map[string]tftypes.Value{
		"megan/AZ-305": object(map[string]tftypes.Value{"user_id": str(mockgraph.OtherUPN), "display_name": str("Azure Solutions Architect Expert"), "certification_id": str("AZ-305")}),
		"me/SCRUM":     object(map[string]tftypes.Value{"user_id": str("me"), "display_name": str("Scrum Master")}),
	})})
	const marked = "Scrum Master"
	asBin := []byte("\xc4\x0c" + marked)
	noErrors := func(what string, diags []*tfprotov6.Diagnostic) {
		t.Helper()
		for _, d := range diags {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
			}
		}
	}
	readsAs := func(what string, dv *tfprotov6.DynamicValue, want tftypes.Value) {
		t.Helper()
		got := value(t, typ, dv)
		var g, w map[string]tftypes.Value
		if err := got.As(&g); err != nil {
			t.Fatal(err)
		}
		if err := want.As(&w); err != nil {
			t.Fatal(err)
		}
		if !g["certifications"].Equal(w["certifications"]) {
			t.Errorf("%s: certifications %s, sent %s", what, g["certifications"], w["certifications"])
		}
	}

	// Plan: the proposed new state's certifications, with the display name in bin.
	proposedNew := dynamic(t, typ, proposed(typ, tftypes.NewValue(typ, nil), cfg))
	proposedNew.MsgPack = bytes.Replace(proposedNew.MsgPack, []byte("\xac"+marked), asBin, 1)
	if !bytes.Contains(proposedNew.MsgPack, asBin) {
		t.Fatal("the display name is not in the proposed new state as a fixstr")
	}
	null := dynamic(t, typ, tftypes.NewValue(typ, nil))
	plan, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: name,
		PriorState: null, ProposedNewState: proposedNew, Config: dynamic(t, typ, cfg)})
	if err != nil {
		t.Fatal(err)
	}
	noErrors("plan", plan.Diagnostics)
	if !bytes.Contains(plan.PlannedState.MsgPack, asBin) {
		t.Error("the plan encoded certifications again rather than pass them on as they arrived")
	}
	readsAs("plan", plan.PlannedState, cfg)

	// Apply: the planned state's.
	applied, err := srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: name,
		PriorState: null, PlannedState: plan.PlannedState, Config: dynamic(t, typ, cfg), PlannedPrivate: plan.PlannedPrivate})
	if err != nil {
		t.Fatal(err)
	}
	noErrors("apply", applied.Diagnostics)
	if !bytes.Contains(applied.NewState.MsgPack, asBin) {
		t.Error("the apply encoded certifications again rather than pass them on as they arrived")
	}
	readsAs("apply", applied.NewState, cfg)
	if got := len(s.Certifications(mockgraph.OtherID)) + len(s.Certifications(mockgraph.MeID)); got != 2 {
		t.Errorf("%d certifications in Graph, want 2", got)
	}

	// The plan of a change (one entry's description): the changed certifications too go
	// back as they arrived in the proposed new state.
	state := value(t, typ, applied.NewState)
	changed := withNulls(typ, map[string]tftypes.Value{"certifications": object(map[string]tftypes.Value{
		"megan/AZ-305": object(map[string]tftypes.Value{"user_id": str(mockgraph.OtherUPN), "display_name": str("Azure Solutions Architect Expert"),
			"certification_id": str("AZ-305"), "description": str("changed")}),
		"me/SCRUM": object(map[string]tftypes.Value{"user_id": str("me"), "display_name": str("Scrum Master")}),
	})})
	proposedNew = dynamic(t, typ, proposed(typ, state, changed))
	proposedNew.MsgPack = bytes.Replace(proposedNew.MsgPack, []byte("\xac"+marked), asBin, 1)
	again, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: name,
		PriorState: applied.NewState, PriorPrivate: applied.Private, ProposedNewState: proposedNew, Config: dynamic(t, typ, changed)})
	if err != nil {
		t.Fatal(err)
	}
	noErrors("plan after", again.Diagnostics)
	if !bytes.Contains(again.PlannedState.MsgPack, asBin) {
		t.Error("the plan of a change encoded certifications again rather than pass them on as they arrived")
	}
	readsAs("plan after", again.PlannedState, changed)
}
