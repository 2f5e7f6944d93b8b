package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseOptions(t *testing.T) {
	o, err := parseOptions([]string{"-sizes", "1000/300, 2000/600", "-instance-sizes", "2000", "-latencies", "0,80ms"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.sizes, []size{{1000, 300}, {2000, 600}}) || !slices.Equal(o.instanceSizes, []int{2000}) ||
		!slices.Equal(o.latencies, []time.Duration{0, 80 * time.Millisecond}) {
		t.Fatalf("parsed %+v", o)
	}
	o, err = parseOptions([]string{"-instance-sizes", ""})
	if err != nil || len(o.instanceSizes) != 0 || len(o.sizes) != 4 {
		t.Fatalf("empty -instance-sizes: %v, %+v", err, o)
	}
	for _, bad := range [][]string{
		{"-sizes", "1000"},
		{"-sizes", "1000/0"},
		{"-sizes", "1000/300,1000/30"},
		{"-sizes", "1000/300", "-instance-sizes", "2000"},
		{"-latencies", "fast"},
		{"-large-repeats", "0"},
		{"-instance-ops", "destroy"},
	} {
		if _, err := parseOptions(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// The variants that send nothing to the mock run at the first latency only, and stand for
// every latency in the report.
func TestVariantsAt(t *testing.T) {
	b := &bench{opts: options{latencies: []time.Duration{0, 80 * time.Millisecond}, instanceSizes: []int{2000}}, results: map[key]*sample{}}
	if got := b.variantsAt(size{2000, 600}, 0); !slices.Equal(got, []string{vSet, vSetFloor, vInst}) {
		t.Errorf("at 0s: %q", got)
	}
	if got := b.variantsAt(size{2000, 600}, 80*time.Millisecond); !slices.Equal(got, []string{vSet}) {
		t.Errorf("at 80ms: %q", got)
	}
	b.opts.instanceAll = true
	if got := b.variantsAt(size{2000, 600}, 80*time.Millisecond); !slices.Equal(got, []string{vSet, vInst}) {
		t.Errorf("at 80ms, -instance-all-latencies: %q", got)
	}
	if got := b.variantsAt(size{1000, 300}, 0); !slices.Equal(got, []string{vSet, vSetFloor}) {
		t.Errorf("N without instances: %q", got)
	}
	floor := &sample{times: []time.Duration{time.Second}}
	b.results[key{0, 1000, vSetFloor, opApply}] = floor
	if b.get(80*time.Millisecond, 1000, vSetFloor, opApply) != floor || b.get(80*time.Millisecond, 1000, vSet, opApply) != nil {
		t.Error("the floor measured at 0s does not stand for 80ms, or the provider's cell is shared across latencies")
	}
	b.opts.instanceOps = []string{opApply}
	if b.hasOp(vInst, opUpdate) || b.hasOp(vInst, opPlan) || b.hasOp(vInst, opDestroy) || !b.hasOp(vInst, opApply) || !b.hasOp(vSetFloor, opUpdate) {
		t.Error("operations per variant")
	}
}

// The configurations are valid Terraform, the terraform_data floor holds the map and the
// computed entries under the same keys, the users are those the mock is seeded with, and
// the one-entry change changes one entry only.
func TestConfigurationsPlan(t *testing.T) {
	tf, err := filepath.Abs(filepath.Join("..", "..", ".tools", "terraform"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tf); err != nil {
		t.Skip("no .tools/terraform (make tools)")
	}
	show := func(changed int) string {
		return console(t, tf, configuration(vSetFloor, size{5, 2}, changed), "jsonencode({ certs = local.certs, entries = local.entries })")
	}
	// Beyond the 1,024 values of Terraform's range().
	if got := strings.TrimSpace(console(t, tf, configuration(vSetFloor, size{2001, 1500}, -1),
		`"${length(local.certs)} ${length(local.users)} ${local.users[1499]}"`)); got != `"2001 1500 `+userUPN(1499)+`"` {
		t.Errorf("2,001 certifications over 1,500 users: %s", got)
	}
	base, changed := show(-1), show(3)
	for i := range 5 {
		k := userUPN(i%2) + "/BENCH-0000" + string(rune('0'+i))
		if strings.Count(base, k) != 2 {
			t.Errorf("key %s is not in both maps once:\n%s", k, base)
		}
	}
	if strings.Count(base, `\"user_id\":\"`+userUPN(1)+`\"`) != 2 {
		t.Errorf("user 1 does not hold certifications 1 and 3:\n%s", base)
	}
	if strings.Count(base, "2025-03-14") != 5 || strings.Count(changed, "2025-03-14") != 4 || strings.Count(changed, "2026-03-14") != 1 {
		t.Errorf("the one-entry change is not one issued_date:\n%s\n%s", base, changed)
	}
	ids := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`).FindAllString(base, -1)
	if len(ids) != 5 {
		t.Errorf("want 5 GUID ids in the entries, got %q", ids)
	}
	if strings.Count(changed, "2026-01-09T10:11:12.1234567Z") != 1 {
		t.Errorf("the changed entry's last_modified_date_time did not move:\n%s", changed)
	}
}

// targetRows runs targets and returns its rows' results by their target text.
func targetRows(b *bench) map[string]string {
	rows, _ := targetTable(b)
	return rows
}

// targetTable runs targets and returns its rows' results and measured figures by their
// target text.
func targetTable(b *bench) (results, measured map[string]string) {
	var sb strings.Builder
	b.targets(func(f string, a ...any) { fmt.Fprintf(&sb, f, a...) })
	results, measured = map[string]string{}, map[string]string{}
	for _, line := range strings.Split(sb.String(), "\n") {
		cells := strings.Split(line, " | ")
		if len(cells) == 3 {
			target := strings.TrimPrefix(cells[0], "| ")
			results[target], measured[target] = strings.TrimSuffix(cells[2], " |"), cells[1]
		}
	}
	return results, measured
}

const (
	rssTarget0  = "N = 30,000 at 0s: provider peak RSS ≤ 400 MiB in every operation (apply: create, plan: refresh, one-entry apply, destroy)"
	rssTarget80 = "N = 30,000 at 80ms: provider peak RSS ≤ 400 MiB in every operation (apply: create, plan: refresh, one-entry apply, destroy)"
)

func TestTargetsFromFigures(t *testing.T) {
	sec := func(s float64) []time.Duration { return []time.Duration{time.Duration(s * float64(time.Second))} }
	ms80 := 80 * time.Millisecond
	b := &bench{opts: options{latencies: []time.Duration{0, ms80}, sizes: []size{{2000, 600}, {10000, 3000}, {30000, 10000}}},
		results: map[key]*sample{}}
	set := func(n int, v, op string, s *sample) { b.results[key{0, n, v, op}] = s }
	set80 := func(n int, op string, s *sample) { b.results[key{ms80, n, vSet, op}] = s }
	for _, op := range ops {
		set(10000, vSetFloor, op, &sample{times: sec(10)})
		set(30000, vSetFloor, op, &sample{times: sec(40), tfRSSKB: []int64{700 << 10, 800 << 10}})
		set80(10000, op, &sample{times: sec(15), requests: []int{1}, writes: []int{1}})
	}
	set80(10000, opPlan, &sample{times: sec(15.1), requests: []int{1}, writes: []int{1}})
	set(10000, vSet, opApply, &sample{times: sec(12.5), requests: []int{900}, items: []int{10900}, writes: []int{10000}})
	set(10000, vSet, opPlan, &sample{times: sec(10.1), requests: []int{150}, items: []int{3000}, writes: []int{0}})
	set(10000, vSet, opUpdate, &sample{times: sec(10), requests: []int{151}, items: []int{3001}, writes: []int{1}})
	set(10000, vSet, opDestroy, &sample{times: sec(9), requests: []int{1001}, items: []int{10150}, writes: []int{10000}})
	set(2000, vSet, opApply, &sample{times: sec(5), requests: []int{100}})
	set(2000, vInst, opApply, &sample{times: sec(49)})
	set(2000, vSet, opUpdate, &sample{times: sec(2), requests: []int{31}, writes: []int{2}})
	set(2000, vSet, opPlan, &sample{times: sec(2), requests: []int{30}, writes: []int{0}, failures: []string{"perpetual diff"}})
	for _, op := range ops {
		set(30000, vSet, op, &sample{times: sec(40), requests: []int{1}, writes: []int{1}, rssKB: []int64{300 << 10, 390 << 10},
			tfRSSKB: []int64{600 << 10, 650 << 10}})
	}
	set(30000, vSet, opApply, &sample{times: sec(50.1), requests: []int{1}, writes: []int{1}, rssKB: []int64{390 << 10}})
	b.results[key{0, 30000, vSet, opDestroy}].rssKB = []int64{401 << 10}

	rows, measured := targetTable(b)
	want := map[string]string{
		"N = 10,000 at 0 ms, apply: ≤ 1.25× the single-instance floor":                                 "met",
		"N = 10,000 at 0 ms, plan: ≤ 1.00× the single-instance floor":                                  "**not met**",
		"N = 10,000 at 0 ms, one-entry apply: ≤ 1.00× the single-instance floor":                       "met",
		"N = 10,000 at 0 ms, destroy: ≤ 1.00× the single-instance floor":                               "met",
		"N = 30,000 at 0 ms, apply: ≤ 1.25× the single-instance floor":                                 "**not met**",
		"N = 30,000 at 0 ms, plan: ≤ 1.00× the single-instance floor":                                  "met",
		"N = 10,000 at 80 ms, apply: ≤ 1.50× the single-instance floor":                                "met",
		"N = 10,000 at 80 ms, plan: ≤ 1.50× the single-instance floor":                                 "**not met**",
		"N = 2,000 at 0s, apply: ≥ 10× faster than 2,000 `graph_person_certification`":                 "**not met**",
		"a one-entry change: exactly 1 write request (POST, PATCH, DELETE; `$batch` items one by one)": "**not met**",
		"refresh (plan): ≤ 1 HTTP request per 15 users":                                                "**not met**",
		"create (apply): ≤ 0.1 HTTP requests per certification":                                        "met",
		"delete (destroy): ≤ 0.1 HTTP requests per certification":                                      "**not met**",
		"N = 30,000 at 0s: every operation completes":                                                  "met",
		rssTarget0: "**not met**",
	}
	for target, res := range want {
		if rows[target] != res {
			t.Errorf("%s: %q, want %q (rows %q)", target, rows[target], res, rows)
		}
	}
	// Not in the run: 30,000 at 80 ms.
	for _, target := range []string{"N = 30,000 at 80 ms, destroy: ≤ 1.50× the single-instance floor", rssTarget80} {
		if rows[target] != "not measured" {
			t.Errorf("%s: %q, want not measured", target, rows[target])
		}
	}
	// The memory row names each operation's provider peak beside Terraform's own and the
	// floor's Terraform's, the largest over the repeats, and marks the operation over the limit.
	if got, wantText := measured[rssTarget0], "plan 390.0 MiB (Terraform 650.0 MiB, floor's Terraform 800.0 MiB); "+
		"one-entry apply 390.0 MiB (Terraform 650.0 MiB, floor's Terraform 800.0 MiB); "+
		"destroy 401.0 MiB (Terraform 650.0 MiB, floor's Terraform 800.0 MiB) ✗"; !strings.HasPrefix(got, "apply 390.0 MiB (Terraform –, floor's Terraform 800.0 MiB); ") ||
		!strings.HasSuffix(got, wantText) {
		t.Errorf("memory at 30,000: %q", got)
	}

	// Each failing figure set right flips its row.
	set(2000, vInst, opApply, &sample{times: sec(50)})
	set(2000, vSet, opUpdate, &sample{times: sec(2), requests: []int{31}, writes: []int{1}})
	set(2000, vSet, opPlan, &sample{times: sec(2), requests: []int{30}, writes: []int{0}})
	b.results[key{0, 10000, vSet, opDestroy}].requests = []int{1000}
	b.results[key{0, 30000, vSet, opDestroy}].rssKB = []int64{400 << 10}
	b.results[key{0, 30000, vSet, opApply}].times = sec(50)
	b.results[key{0, 10000, vSet, opPlan}].times = sec(10)
	b.results[key{ms80, 10000, vSet, opPlan}].times = sec(15)
	rows = targetRows(b)
	for target := range want {
		if rows[target] != "met" {
			t.Errorf("after the fix, %s: %q, want met", target, rows[target])
		}
	}
	// A phase without a provider figure is not lean.
	b.results[key{0, 30000, vSet, opUpdate}].rssKB = nil
	if rows := targetRows(b); rows[rssTarget0] != "**not met**" {
		t.Errorf("without the one-entry apply's peak at 30,000: %q", rows[rssTarget0])
	}
	b.results[key{0, 30000, vSet, opUpdate}].rssKB = []int64{1 << 10}
	delete(b.results, key{0, 30000, vSet, opDestroy})
	if rows := targetRows(b); rows["N = 30,000 at 0s: every operation completes"] != "**not met**" {
		t.Errorf("without a destroy at 30,000: %q", rows["N = 30,000 at 0s: every operation completes"])
	}
	b.results[key{0, 30000, vSet, opDestroy}] = &sample{times: sec(60), requests: []int{1}, writes: []int{1}}
	b.results[key{0, 30000, vSet, opPlan}].failures = []string{"timeout"}
	rows = targetRows(b)
	for _, target := range []string{"N = 30,000 at 0s: every operation completes", "refresh (plan): ≤ 1 HTTP request per 15 users"} {
		if rows[target] != "**not met**" {
			t.Errorf("with a failed plan at 30,000, %s: %q", target, rows[target])
		}
	}
}

// console evaluates expr in a configuration with terraform console.
func console(t *testing.T, tf, config, expr string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rc"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), tf, "console")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "rc"), "CHECKPOINT_DISABLE=1")
	cmd.Stdin = strings.NewReader(expr + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("terraform console: %v\n%s", err, out)
	}
	return string(out)
}

// The table shows Terraform's own peak RSS beside the provider's, for the map, its floor
// (measured at the first latency, standing at every latency) and the instances.
func TestReportTerraformPeak(t *testing.T) {
	ms80 := 80 * time.Millisecond
	b := &bench{opts: options{latencies: []time.Duration{0, ms80}, sizes: []size{{1000, 300}}, instanceSizes: []int{1000},
		instanceOps: []string{opApply}}, results: map[key]*sample{}}
	sec, one := []time.Duration{time.Second}, []int{1}
	b.results[key{0, 1000, vSet, opApply}] = &sample{times: sec, requests: one, items: one, writes: one, rssKB: []int64{50 << 10}, tfRSSKB: []int64{100 << 10, 120 << 10}}
	b.results[key{0, 1000, vSetFloor, opApply}] = &sample{times: sec, requests: one, items: one, writes: one, tfRSSKB: []int64{110 << 10}}
	b.results[key{0, 1000, vInst, opApply}] = &sample{times: sec, requests: one, items: one, writes: one, rssKB: []int64{60 << 10}, tfRSSKB: []int64{300 << 10}}
	b.results[key{0, 1000, vSet, opPlan}] = &sample{times: sec, requests: one, items: one, writes: one, rssKB: []int64{40 << 10}, tfRSSKB: []int64{90 << 10}}
	b.results[key{0, 1000, vSetFloor, opPlan}] = &sample{times: sec, requests: one, items: one, writes: one, tfRSSKB: []int64{95 << 10}}
	b.results[key{ms80, 1000, vSet, opApply}] = &sample{times: sec, requests: one, items: one, writes: one, rssKB: []int64{55 << 10}, tfRSSKB: []int64{130 << 10}}
	report := b.report(t.Context())

	var header []string
	rows := map[string][]string{}
	for _, line := range strings.Split(report, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		switch {
		case strings.HasPrefix(line, "| N / users |"):
			header = cells
		case strings.HasPrefix(line, "| 1000 / 300 |") && len(cells) > 3:
			rows[cells[1]+" "+cells[2]] = cells
		}
	}
	col := slices.Index(header, "Terraform peak RSS: graph_person_certifications / floor (/ ×N)")
	if col < 0 || header[col-1] != "provider peak RSS" || header[col+1] != "plugin CPU" {
		t.Fatalf("no Terraform column beside the provider's: %q", header)
	}
	for row, want := range map[string][2]string{
		"0s apply":   {"50.0 MiB", "120.0 MiB / 110.0 MiB / 300.0 MiB"},
		"0s plan":    {"40.0 MiB", "90.0 MiB / 95.0 MiB"},
		"80ms apply": {"55.0 MiB", "130.0 MiB / 110.0 MiB"},
	} {
		cells := rows[row]
		if len(cells) != len(header) || cells[col-1] != want[0] || cells[col] != want[1] {
			t.Errorf("%s: %q, want provider %q and Terraform %q", row, cells, want[0], want[1])
		}
	}
}

// The watch keeps the peak resident set of the process it follows: sampled while it runs,
// and, when no plugin is watched, from ru_maxrss once it exits (here, the test binary
// itself, made to touch 64 MiB by TestMain).
func TestWatchTerraformPeak(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b := &bench{opts: options{terraform: self, opTimeout: time.Minute}}
	for _, tc := range []struct{ plugin, hold string }{
		{"", "0"}, // no plugin: ru_maxrss counts, even if no sample caught the peak
		{filepath.Join(t.TempDir(), "none"), "300"}, // a plugin that never runs: the samples alone
	} {
		rd := runDir{dir: t.TempDir(), env: append(os.Environ(), allocateEnv+"=64", holdEnv+"="+tc.hold)}
		watch := watchRSS(tc.plugin)
		if _, out, err := b.terraform(t.Context(), rd, watch, "-test.run=^$"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		pk := watch.stop()
		if pk.terraform < 64<<10 || pk.terraform > 256<<10 || pk.provider != 0 || pk.cpu != 0 {
			t.Errorf("plugin %q, held %s ms: %+v, want Terraform's peak from 64 to 256 MiB and no plugin", tc.plugin, tc.hold, pk)
		}
	}
}

const (
	allocateEnv = "BENCH_TEST_ALLOCATE_MIB"
	holdEnv     = "BENCH_TEST_HOLD_MS"
)

// TestMain, with allocateEnv set, touches that many MiB, holds them holdEnv milliseconds
// and exits: the process TestWatchTerraformPeak watches.
func TestMain(m *testing.M) {
	if mb, err := strconv.Atoi(os.Getenv(allocateEnv)); err == nil {
		buf := make([]byte, mb<<20)
		for i := 0; i < len(buf); i += 4096 {
			buf[i] = 1
		}
		ms, _ := strconv.Atoi(os.Getenv(holdEnv))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		runtime.KeepAlive(buf)
		os.Exit(0)
	}
	os.Exit(m.Run())
}
