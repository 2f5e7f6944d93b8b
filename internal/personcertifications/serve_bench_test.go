package personcertifications_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertifications"
	"github.com/graphprofile/terraform-provider-graph/internal/provider"
)

// BenchmarkServe measures the provider's own part of graph_person_certifications' calls
// at HR scale, in process, against the mock at no latency: the plan of a create, its
// apply, the refresh of the state it wrote and the plan after it. It reports the bytes
// allocated and the largest heap in use seen during the calls (sampled after each).
// GRAPH_BENCH_ENTRIES sets the size (default 10,000, over a third as many users). Run:
//
//	go test -run '^$' -bench BenchmarkServe -benchtime 1x ./internal/personcertifications/
//
// The figures in BENCHMARKS.md come from make bench, which runs the real CLI; this is
// for looking inside the provider (add -memprofile or -cpuprofile).
func BenchmarkServe(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("GRAPH_BENCH_ENTRIES")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := mockgraph.Start()
		s.SetAcceptedToken(acctest.Token)
		users := max(n/3, 1)
		for i := range users {
			s.AddUser(mockgraph.User{ID: acctest.ChaosUserID(i), UserPrincipalName: fmt.Sprintf("user%05d@contoso.example", i), DisplayName: fmt.Sprintf("User %d", i)})
		}
		srv, err := provider.Server("bench")()
		if err != nil {
			b.Fatal(err)
		}
		sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			b.Fatal(err)
		}
		provType := objectTypeOf(b, sch.Provider)
		pc, err := tfprotov6.NewDynamicValue(provType, withNulls(provType, map[string]tftypes.Value{"endpoint": str(s.URL), "access_token": str(acctest.Token)}))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &pc}); err != nil {
			b.Fatal(err)
		}
		typ := objectTypeOf(b, sch.ResourceSchemas[personcertifications.TypeName])
		entries := map[string]tftypes.Value{}
		for i := range n {
			user := fmt.Sprintf("user%05d@contoso.example", i%users)
			entries[fmt.Sprintf("%s/C-%06d", user, i)] = object(map[string]tftypes.Value{
				"user_id": str(user), "display_name": str(fmt.Sprintf("Certification %d", i)), "certification_id": str(fmt.Sprintf("C-%06d", i)),
				"issuing_authority": str("Microsoft"), "issued_date": str("2025-03-14"), "web_url": str("https://learn.example/c"),
				"allowed_audiences": tftypes.NewValue(tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String}}, []tftypes.Value{str("organization")}),
			})
		}
		cfg := withNulls(typ, map[string]tftypes.Value{"certifications": object(entries), "max_deletions": tftypes.NewValue(tftypes.Number, n)})
		dv := func(v tftypes.Value) *tfprotov6.DynamicValue {
			d, err := tfprotov6.NewDynamicValue(typ, v)
			if err != nil {
				b.Fatal(err)
			}
			return &d
		}
		null := tftypes.NewValue(typ, nil)
		var peak uint64
		sample := func() {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
		}
		check := func(what string, diags []*tfprotov6.Diagnostic) {
			for _, d := range diags {
				if d.Severity == tfprotov6.DiagnosticSeverityError {
					b.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
				}
			}
		}
		b.StartTimer()

		plan, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: personcertifications.TypeName,
			PriorState: dv(null), ProposedNewState: dv(cfg), Config: dv(cfg)})
		if err != nil {
			b.Fatal(err)
		}
		check("plan", plan.Diagnostics)
		sample()
		applied, err := srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: personcertifications.TypeName,
			PriorState: dv(null), PlannedState: plan.PlannedState, Config: dv(cfg), PlannedPrivate: plan.PlannedPrivate})
		if err != nil {
			b.Fatal(err)
		}
		check("apply", applied.Diagnostics)
		sample()
		read, err := srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: personcertifications.TypeName,
			CurrentState: applied.NewState, Private: applied.Private})
		if err != nil {
			b.Fatal(err)
		}
		check("read", read.Diagnostics)
		sample()
		state, err := read.NewState.Unmarshal(typ)
		if err != nil {
			b.Fatal(err)
		}
		again, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: personcertifications.TypeName,
			PriorState: read.NewState, PriorPrivate: read.Private, ProposedNewState: dv(proposed(typ, state, cfg)), Config: dv(cfg)})
		if err != nil {
			b.Fatal(err)
		}
		check("plan after", again.Diagnostics)
		sample()

		b.StopTimer()
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		if got := len(s.Certifications(acctest.ChaosUserID(0))); got == 0 {
			b.Fatal("nothing was created")
		}
		s.Close()
		b.StartTimer()
	}
}

func objectTypeOf(b *testing.B, s *tfprotov6.Schema) tftypes.Object {
	b.Helper()
	typ, ok := s.ValueType().(tftypes.Object)
	if !ok {
		b.Fatalf("schema type %T", s.ValueType())
	}
	return typ
}
