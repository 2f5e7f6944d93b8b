package personcertifications_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
	"github.com/graphprofile/terraform-provider-graph/internal/personcertifications"
	"github.com/graphprofile/terraform-provider-graph/internal/provider"
)

// TestParity holds the one door to its reference. The provider serves
// graph_person_certifications from the plugin protocol (server.go), doing itself what the
// framework would do around the resource's methods (framework.go). The framework's own
// server, unwrapped, still routes the same calls through the resource's framework methods
// (resource.go). Both are sent the same sequence of calls, each against a mock Graph of
// its own seeded alike, every answer is recorded, and the two records must be equal:
// planned and new states, private state, replacements and diagnostics, with only the ids
// and times that Graph gives out replaced by their order of appearance.
//
// The calls: validation of good and bad configurations, a plan and apply of a create
// (adopting one certification already in Graph), a read after drift, a plan and apply of
// an update (a removed, an added and a changed entry, limits and timeouts set), a plan
// with certifications unknown, a plan and apply of a delete, and imports.
func TestParity(t *testing.T) {
	framework := record(t, func() (tfprotov6.ProviderServer, error) {
		return providerserver.NewProtocol6WithError(provider.New("test")())()
	})
	served := record(t, provider.Server("test"))
	if len(framework) < 20 {
		t.Fatalf("only %d answers recorded: the comparison would prove little", len(framework))
	}
	if len(framework) != len(served) {
		t.Fatalf("the framework path gave %d answers, the protocol path %d", len(framework), len(served))
	}
	for i := range framework {
		if framework[i] != served[i] {
			t.Errorf("answer %d differs:\nframework: %s\nprotocol:  %s", i, framework[i], served[i])
		}
	}
}

// record runs the sequence against a fresh mock and a fresh server, and returns every
// answer as normalised text.
func record(t *testing.T, newServer func() (tfprotov6.ProviderServer, error)) []string {
	t.Helper()
	ctx := context.Background()
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken(acctest.Token)
	if _, err := s.Seed(mockgraph.OtherUPN, map[string]any{"displayName": "Azure Administrator Associate", "certificationId": "AZ-104"}); err != nil {
		t.Fatal(err)
	}
	srv, typ := configured(t, newServer, s)
	n := &normaliser{ids: map[string]string{}}
	var out []string
	add := func(what string, parts ...string) { out = append(out, what+": "+strings.Join(parts, " | ")) }
	name := personcertifications.TypeName

	config := func(attrs map[string]tftypes.Value) tftypes.Value { return withNulls(typ, attrs) }
	entry := func(user, display, certID, extra string) tftypes.Value {
		attrs := map[string]tftypes.Value{"user_id": str(user), "display_name": str(display)}
		if certID != "" {
			attrs["certification_id"] = str(certID)
		}
		if extra != "" {
			attrs["description"] = str(extra)
		}
		return object(attrs)
	}
	certs := func(entries map[string]tftypes.Value) tftypes.Value { return object(entries) }

	// Validation.
	good := config(map[string]tftypes.Value{"certifications": certs(map[string]tftypes.Value{
		"megan/AZ-305": entry(mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", ""),
		"megan/AZ-104": entry(mockgraph.OtherUPN, "Azure Administrator Associate", "AZ-104", "adopted"),
		"me/SCRUM":     entry("me", "Scrum Master", "", ""),
	})})
	bad := []tftypes.Value{
		good,
		config(map[string]tftypes.Value{"certifications": tftypes.NewValue(tftypes.DynamicPseudoType, nil)}),
		config(map[string]tftypes.Value{"certifications": certs(nil), "missing_users": str("later")}),
		config(map[string]tftypes.Value{"certifications": certs(nil), "max_deletions": tftypes.NewValue(tftypes.Number, -1)}),
		config(map[string]tftypes.Value{"certifications": certs(nil), "timeouts": timeouts(typ, "soon")}),
		config(map[string]tftypes.Value{"certifications": certs(map[string]tftypes.Value{
			"x": object(map[string]tftypes.Value{"user_id": str("me"), "display_name": str(" "), "issued_date": str("2025-13-01")}),
		})}),
	}
	for i, c := range bad {
		resp, err := srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: name, Config: dynamic(t, typ, c)})
		if err != nil {
			t.Fatal(err)
		}
		add(fmt.Sprintf("validate %d", i), n.diags(resp.Diagnostics))
	}

	// Create.
	plan := func(what string, prior tftypes.Value, priorPrivate []byte, cfg tftypes.Value) (tftypes.Value, []byte) {
		t.Helper()
		resp, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: name, PriorState: dynamic(t, typ, prior), PriorPrivate: priorPrivate,
			ProposedNewState: dynamic(t, typ, proposed(typ, prior, cfg)), Config: dynamic(t, typ, cfg),
		})
		if err != nil {
			t.Fatal(err)
		}
		planned := value(t, typ, resp.PlannedState)
		add(what, n.value(planned), n.private(resp.PlannedPrivate), fmt.Sprint(resp.RequiresReplace), n.diags(resp.Diagnostics))
		return planned, resp.PlannedPrivate
	}
	apply := func(what string, prior, planned tftypes.Value, private []byte, cfg tftypes.Value) (tftypes.Value, []byte) {
		t.Helper()
		resp, err := srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
			TypeName: name, PriorState: dynamic(t, typ, prior), PlannedState: dynamic(t, typ, planned),
			Config: dynamic(t, typ, cfg), PlannedPrivate: private,
		})
		if err != nil {
			t.Fatal(err)
		}
		state := value(t, typ, resp.NewState)
		add(what, n.value(state), n.private(resp.Private), n.diags(resp.Diagnostics))
		return state, resp.Private
	}
	read := func(what string, state tftypes.Value, private []byte) (tftypes.Value, []byte) {
		t.Helper()
		resp, err := srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: name, CurrentState: dynamic(t, typ, state), Private: private})
		if err != nil {
			t.Fatal(err)
		}
		got := value(t, typ, resp.NewState)
		add(what, n.value(got), n.private(resp.Private), n.diags(resp.Diagnostics))
		return got, resp.Private
	}
	null := tftypes.NewValue(typ, nil)
	planned, private := plan("plan create", null, nil, good)
	state, private := apply("apply create", null, planned, private, good)
	state, private = read("read", state, private)

	// Drift: Graph changes one certification behind Terraform's back.
	for _, c := range s.Certifications(mockgraph.OtherID) {
		if c["certificationId"] == "AZ-305" {
			if err := s.Mutate(mockgraph.OtherID, fmt.Sprint(c["id"]), map[string]any{"description": "changed in Graph"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	state, private = read("read after drift", state, private)
	planned, _ = plan("plan unchanged", state, private, good)
	_ = planned

	// Update: one entry removed, one added, one changed; settings and timeouts set.
	changed := config(map[string]tftypes.Value{
		"certifications": certs(map[string]tftypes.Value{
			"megan/AZ-305": entry(mockgraph.OtherUPN, "Azure Solutions Architect Expert", "AZ-305", "new text"),
			"megan/AZ-900": entry(mockgraph.OtherUPN, "Azure Fundamentals", "AZ-900", ""),
			"me/SCRUM":     entry("me", "Scrum Master", "", ""),
		}),
		"max_deletions": tftypes.NewValue(tftypes.Number, 5), "missing_users": str("fail"),
		"timeouts": timeouts(typ, "10m"),
	})
	planned, private = plan("plan update", state, private, changed)
	state, private = apply("apply update", state, planned, private, changed)
	state, private = read("read after update", state, private)

	// A plan whose certifications are unknown until apply, and one over the deletion limit.
	plan("plan unknown", state, private, config(map[string]tftypes.Value{"certifications": tftypes.NewValue(tftypes.DynamicPseudoType, tftypes.UnknownValue)}))
	plan("plan over the limit", state, private, config(map[string]tftypes.Value{"certifications": certs(map[string]tftypes.Value{}), "max_deletions": tftypes.NewValue(tftypes.Number, 1)}))

	// Delete.
	plan("plan delete", state, private, null)
	apply("apply delete", state, null, private, null)

	// Imports.
	if _, err := s.Seed(mockgraph.OtherUPN, map[string]any{"displayName": "Imported", "certificationId": "IMP-1"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{mockgraph.OtherUPN + ",me", "", "not a user!"} {
		resp, err := srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: name, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		var states []string
		for _, r := range resp.ImportedResources {
			states = append(states, r.TypeName+" "+n.value(value(t, typ, r.State))+" "+n.private(r.Private))
		}
		add("import "+id, strings.Join(states, ";"), n.diags(resp.Diagnostics))
	}
	return out
}

// proposed is the proposed new state Terraform sends: the configuration, with the prior
// state's values for computed attributes the configuration leaves null.
func proposed(typ tftypes.Object, prior, cfg tftypes.Value) tftypes.Value {
	if cfg.IsNull() {
		return cfg
	}
	var c, p map[string]tftypes.Value
	_ = cfg.As(&c)
	if !prior.IsNull() {
		_ = prior.As(&p)
	}
	out := map[string]tftypes.Value{}
	for k, v := range c {
		out[k] = v
		if pv, ok := p[k]; ok && v.IsNull() && computed[k] {
			out[k] = pv
		}
	}
	return tftypes.NewValue(typ, out)
}

// computed are the attributes Terraform proposes from the prior state when unset.
var computed = map[string]bool{
	"id": true, "entries": true, "adoptions": true, "exclusive_deletions": true,
	"adopt_existing": true, "exclusive": true, "missing_users": true, "retain_removed": true,
}

// normaliser replaces what Graph and the clock give out: object ids by their order of
// appearance, times by <time>, the resource's random id by <id>.
type normaliser struct{ ids map[string]string }

var (
	guidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timePattern = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`)
	idPattern   = regexp.MustCompile(`"id":"[0-9a-f]{16}"|tftypes.String<"[0-9a-f]{16}">`)
)

func (n *normaliser) text(s string) string {
	s = guidPattern.ReplaceAllStringFunc(s, func(g string) string {
		if g == mockgraph.OtherID || g == mockgraph.MeID {
			return g
		}
		if _, ok := n.ids[g]; !ok {
			n.ids[g] = fmt.Sprintf("<id %d>", len(n.ids)+1)
		}
		return n.ids[g]
	})
	s = timePattern.ReplaceAllString(s, "<time>")
	return idPattern.ReplaceAllString(s, "<resource id>")
}

func (n *normaliser) value(v tftypes.Value) string { return n.text(v.String()) }

func (n *normaliser) private(p []byte) string {
	if len(p) == 0 {
		return "private {}"
	}
	var keys map[string][]byte
	if err := json.Unmarshal(p, &keys); err != nil {
		return "private not JSON: " + string(p)
	}
	var parts []string
	for k, v := range keys {
		if strings.HasPrefix(k, ".") {
			// The framework's own bookkeeping for its own ReadResource (after an
			// import), which the protocol path never runs.
			continue
		}
		parts = append(parts, k+"="+n.text(string(v)))
	}
	sort.Strings(parts)
	return "private {" + strings.Join(parts, ", ") + "}"
}

func (n *normaliser) diags(ds []*tfprotov6.Diagnostic) string {
	var parts []string
	for _, d := range ds {
		at := ""
		if d.Attribute != nil {
			at = d.Attribute.String()
		}
		parts = append(parts, fmt.Sprintf("[%v %s: %s (%s)]", d.Severity, d.Summary, d.Detail, at))
	}
	sort.Strings(parts)
	return n.text(strings.Join(parts, " "))
}

func objectType(t testing.TB, s *tfprotov6.Schema) tftypes.Object {
	t.Helper()
	typ, ok := s.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %T", s.ValueType())
	}
	return typ
}

func withNulls(typ tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for k, at := range typ.AttributeTypes {
		vals[k] = tftypes.NewValue(at, nil)
		if v, ok := set[k]; ok {
			vals[k] = v
		}
	}
	return tftypes.NewValue(typ, vals)
}

func timeouts(typ tftypes.Object, create string) tftypes.Value {
	tt, _ := typ.AttributeTypes["timeouts"].(tftypes.Object)
	return withNulls(tt, map[string]tftypes.Value{"create": str(create)})
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// object is an HCL object of these values, as Terraform sends a dynamic value of one.
func object(attrs map[string]tftypes.Value) tftypes.Value {
	types := map[string]tftypes.Type{}
	for k, v := range attrs {
		types[k] = v.Type()
	}
	return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, attrs)
}

func dynamic(t testing.TB, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func value(t *testing.T, typ tftypes.Type, dv *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	if dv == nil {
		return tftypes.NewValue(typ, nil)
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

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
		srv, typ := configured(b, provider.Server("bench"), s)
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

// configured starts a server, configures its provider for the mock s, and returns it with
// graph_person_certifications' object type.
func configured(tb testing.TB, newServer func() (tfprotov6.ProviderServer, error), s *mockgraph.Server) (tfprotov6.ProviderServer, tftypes.Object) {
	tb.Helper()
	ctx := context.Background()
	srv, err := newServer()
	if err != nil {
		tb.Fatal(err)
	}
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		tb.Fatal(err)
	}
	provType := objectType(tb, sch.Provider)
	provCfg := dynamic(tb, provType, withNulls(provType, map[string]tftypes.Value{
		"endpoint": str(s.URL), "access_token": str(acctest.Token),
	}))
	if resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: provCfg}); err != nil || len(resp.Diagnostics) > 0 {
		tb.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	return srv, objectType(tb, sch.ResourceSchemas[personcertifications.TypeName])
}

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
	srv, typ := configured(t, provider.Server("test"), s)
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
