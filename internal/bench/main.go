// Command bench is `make bench`: it builds this provider and the Graph mock, then, for each
// size (N certifications over M users) and mock latency, runs side by side:
//
//   - graph_person_certifications: one instance holding the N-entry map; apply (create
//     all), plan (a refresh with no change), apply of a one-entry change, destroy;
//   - its floor: one terraform_data instance holding the same map plus the computed
//     entries (id and audit timestamps per key) the resource keeps, for the same operations;
//   - at the -instance-sizes: the same certifications as N graph_person_certification
//     instances (apply and destroy), at the first latency only unless -instance-all-latencies.
//
// With -instance-floors, the per-instance plugin floor (internal/bench/floor/serve), the
// same floor with its audit attributes null, and N terraform_data instances join at the
// -instance-sizes too (apply, plan, destroy). Beside each command's wall time it takes the
// peak resident set of the provider and of Terraform itself. It prints a Markdown report,
// targets included, and writes it to BENCHMARKS.md.
//
//	go run ./internal/bench -sizes 1000/300 -latencies 0 -instance-sizes 1000
//
// Everything runs on loopback; the mock is the bundled one (internal/cmd/mockgraph), started
// afresh for every size and latency.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/bench/floor"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// size is one scenario: n certifications spread round-robin over users users.
type size struct{ n, users int }

func (s size) String() string { return fmt.Sprintf("%d / %d", s.n, s.users) }

type options struct {
	root           string
	terraform      string
	sizes          []size
	instanceSizes  []int
	instanceFloors bool
	instanceAll    bool
	instanceOps    []string
	repeats        int
	largeRepeats   int
	large          int
	latencies      []time.Duration
	parallelism    int
	opTimeout      time.Duration
	out            string
	buildTimes     bool
	command        string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseOptions(args []string) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var o options
	var sizes, lats, instSizes string
	fs.StringVar(&o.root, "root", ".", "the provider's module `directory`")
	fs.StringVar(&o.terraform, "terraform", ".tools/terraform", "Terraform CLI `path`")
	fs.StringVar(&sizes, "sizes", "1000/300,2000/600,10000/3000,30000/10000",
		"comma-separated `N/users`: N certifications spread over that many users")
	fs.StringVar(&instSizes, "instance-sizes", "1000,2000",
		"comma-separated N of -sizes at which the certifications also run as N graph_person_certification instances (empty: none)")
	fs.BoolVar(&o.instanceFloors, "instance-floors", false,
		"at the -instance-sizes, also run the per-instance plugin floor, that floor with audit attributes null, and N terraform_data instances")
	fs.BoolVar(&o.instanceAll, "instance-all-latencies", false,
		"run the graph_person_certification instances at every latency, not only the first")
	var instOps string
	fs.StringVar(&instOps, "instance-ops", "apply,destroy", "operations of the graph_person_certification instances: apply, or apply,destroy")
	fs.IntVar(&o.repeats, "repeats", 2, "repeats of each operation per variant, for N below -large")
	fs.IntVar(&o.largeRepeats, "large-repeats", 1, "repeats for N of -large and more")
	fs.IntVar(&o.large, "large", 2000, "the N from which -large-repeats applies")
	fs.StringVar(&lats, "latencies", "0,80ms", "comma-separated mock latencies (-latency of the mock)")
	fs.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	fs.DurationVar(&o.opTimeout, "op-timeout", 30*time.Minute, "longest one terraform command may take before it is interrupted")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "report `file` (empty: print only)")
	fs.BoolVar(&o.buildTimes, "build-times", false, "measure clean (fresh GOCACHE) and warm go build times (minutes of CPU)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	for _, s := range strings.Split(sizes, ",") {
		n, m, ok := strings.Cut(strings.TrimSpace(s), "/")
		sz := size{}
		var err1, err2 error
		sz.n, err1 = strconv.Atoi(n)
		sz.users, err2 = strconv.Atoi(m)
		if !ok || err1 != nil || err2 != nil || sz.n < 1 || sz.users < 1 {
			return o, fmt.Errorf("-sizes: %q is not N/users with both positive counts, e.g. 1000/300", s)
		}
		if slices.ContainsFunc(o.sizes, func(x size) bool { return x.n == sz.n }) {
			return o, fmt.Errorf("-sizes: N = %d appears twice", sz.n)
		}
		o.sizes = append(o.sizes, sz)
	}
	if strings.TrimSpace(instSizes) != "" {
		for _, s := range strings.Split(instSizes, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || !slices.ContainsFunc(o.sizes, func(x size) bool { return x.n == n }) {
				return o, fmt.Errorf("-instance-sizes: %q is not one of the N of -sizes", s)
			}
			o.instanceSizes = append(o.instanceSizes, n)
		}
	}
	switch strings.ReplaceAll(instOps, " ", "") {
	case "apply":
		o.instanceOps = []string{opApply}
	case "apply,destroy":
		o.instanceOps = []string{opApply, opDestroy}
	default:
		return o, fmt.Errorf("-instance-ops: %q is neither apply nor apply,destroy", instOps)
	}
	for _, s := range strings.Split(lats, ",") {
		s = strings.TrimSpace(s)
		if s == "0" {
			s = "0s"
		}
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return o, fmt.Errorf("-latencies: %q is not a duration", s)
		}
		o.latencies = append(o.latencies, d)
	}
	if o.repeats < 1 || o.largeRepeats < 1 || o.parallelism < 1 || o.opTimeout <= 0 {
		return o, errors.New("-repeats, -large-repeats and -parallelism must be at least 1, -op-timeout more than 0")
	}
	root, err := filepath.Abs(o.root)
	if err != nil {
		return o, err
	}
	// The command goes into BENCHMARKS.md: paths inside the repository are written relative
	// to it, so no machine's layout is committed.
	shown := make([]string, len(args))
	for i, a := range args {
		if rel, err := filepath.Rel(root, a); err == nil && filepath.IsAbs(a) && !strings.HasPrefix(rel, "..") {
			a = rel
		}
		shown[i] = a
	}
	o.command = strings.TrimSpace("go run ./internal/bench " + strings.Join(shown, " "))
	o.root = root
	if !filepath.IsAbs(o.terraform) {
		o.terraform = filepath.Join(root, o.terraform)
	}
	return o, nil
}

func run(ctx context.Context, args []string) error {
	o, err := parseOptions(args)
	if err != nil {
		return err
	}
	b := &bench{opts: o, results: map[key]*sample{}}
	return b.run(ctx)
}

// Variants.
const (
	// vSet is graph_person_certifications: one instance holding every certification.
	vSet = "graph_person_certifications"
	// vSetFloor is one terraform_data holding the same map and the computed entries.
	vSetFloor = "terraform_data (map)"
	// vInst is N graph_person_certification instances.
	vInst = "graph_person_certification ×N"
	// With -instance-floors: the per-instance plugin floor, the same floor leaving its
	// computed audit attributes null (floor.NullComputedEnv), and N terraform_data instances.
	vInstFloor     = "plugin floor ×N"
	vInstFloorNull = "plugin floor ×N, audit null"
	vInstData      = "terraform_data ×N"
)

// Operations. opUpdate is an apply that changes one field of one entry.
const (
	opApply   = "apply"
	opPlan    = "plan"
	opUpdate  = "one-entry apply"
	opDestroy = "destroy"
)

var ops = []string{opApply, opPlan, opUpdate, opDestroy}

// isMap reports whether a variant is one instance holding the map.
func isMap(v string) bool { return v == vSet || v == vSetFloor }

// offline reports whether a variant sends nothing to the mock: it runs at the first
// latency only, and its figures stand for every latency.
func offline(v string) bool { return v != vSet && v != vInst }

// hasOp reports whether variant v runs operation op.
func (b *bench) hasOp(v, op string) bool {
	switch {
	case isMap(v):
		return true
	case op == opUpdate:
		return false
	case op == opPlan:
		// graph_person_certification ×N plans only beside the old per-instance floors.
		return v != vInst || b.opts.instanceFloors
	case v == vInst:
		return slices.Contains(b.opts.instanceOps, op)
	}
	return true
}

// variantsAt is every variant run at a size and latency, in interleaving order.
func (b *bench) variantsAt(s size, lat time.Duration) []string {
	vs := []string{vSet, vSetFloor}
	if slices.Contains(b.opts.instanceSizes, s.n) {
		vs = append(vs, vInst)
		if b.opts.instanceFloors {
			vs = append(vs, vInstFloor, vInstFloorNull, vInstData)
		}
	}
	if lat != b.opts.latencies[0] {
		vs = slices.DeleteFunc(vs, func(v string) bool { return offline(v) || (v == vInst && !b.opts.instanceAll) })
	}
	return vs
}

func (b *bench) repeatsAt(s size) int {
	if s.n >= b.opts.large {
		return b.opts.largeRepeats
	}
	return b.opts.repeats
}

// binDir is the dev_overrides directory of a variant's plugin; false for terraform_data.
func (b *bench) binDir(variant string) (string, bool) {
	switch variant {
	case vSet, vInst:
		return b.bins[vInst], true
	case vInstFloor, vInstFloorNull:
		return b.bins[vInstFloor], true
	}
	return "", false
}

type key struct {
	latency time.Duration
	n       int
	variant string
	op      string
}

type sample struct {
	times    []time.Duration
	requests []int           // HTTP requests reaching the mock per run ($batch: one)
	items    []int           // requests per run, $batch items counted one by one
	writes   []int           // POST, PATCH and DELETE items per run, batch items one by one
	rssKB    []int64         // peak VmHWM of the provider process per run
	tfRSSKB  []int64         // peak resident set of the terraform process per run
	cpu      []time.Duration // CPU time of the plugin processes per run
	failures []string
}

type bench struct {
	opts    options
	work    string
	bins    map[string]string // vInst (the provider) / vInstFloor -> dev_overrides directory
	mock    string
	token   string
	results map[key]*sample
	sizes   map[string]int64 // binary -> stripped size
	startup map[string][]time.Duration
	build   struct{ clean, warm time.Duration }
	started time.Time
	elapsed time.Duration
	partial string // what a report written before the end covers; "" once complete
}

// get is the sample of a cell; offline variants are looked up at the first latency.
func (b *bench) get(lat time.Duration, n int, v, op string) *sample {
	if offline(v) {
		lat = b.opts.latencies[0]
	}
	return b.results[key{lat, n, v, op}]
}

func (b *bench) run(ctx context.Context) error {
	b.started = time.Now()
	work, err := os.MkdirTemp("", "graph-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	b.work = work
	b.token = fmt.Sprintf("bench-%d", time.Now().UnixNano())
	if _, err := os.Stat(b.opts.terraform); err != nil {
		return fmt.Errorf("terraform CLI: %w (make bench installs it into .tools/)", err)
	}
	if err := b.buildAll(ctx); err != nil {
		return err
	}
	if err := b.measureStartup(ctx); err != nil {
		return err
	}
	// The report is rewritten after every scenario, marked partial, so an interrupted run
	// (a long one on a busy machine) still leaves what it measured.
	// Size by size, in the order given, each at every latency: a run cut short keeps
	// whole sizes.
	for _, s := range b.opts.sizes {
		for _, lat := range b.opts.latencies {
			err := b.scenario(ctx, lat, s)
			b.partial = fmt.Sprintf("up to N = %d at %s", s.n, lat)
			if err != nil {
				b.partial = fmt.Sprintf("before N = %d at %s finished (%v)", s.n, lat, err)
				_ = b.writeReport(context.WithoutCancel(ctx), false)
				return err
			}
			if err := b.writeReport(ctx, false); err != nil {
				return err
			}
		}
	}
	if b.opts.buildTimes {
		if err := b.measureBuilds(ctx); err != nil {
			return err
		}
	}
	b.partial = ""
	return b.writeReport(ctx, true)
}

func (b *bench) writeReport(ctx context.Context, toStdout bool) error {
	b.elapsed = time.Since(b.started)
	report := b.report(ctx)
	if toStdout {
		fmt.Print(report)
	}
	if b.opts.out == "" {
		return nil
	}
	out := b.opts.out
	if !filepath.IsAbs(out) {
		out = filepath.Join(b.opts.root, out)
	}
	return os.WriteFile(out, []byte(report), 0o644)
}

// releaseFlags are the release build's: trimmed paths, no symbol table or DWARF.
var releaseFlags = []string{"build", "-trimpath", "-ldflags=-s -w"}

func (b *bench) buildAll(ctx context.Context) error {
	b.bins = map[string]string{}
	b.sizes = map[string]int64{}
	builds := []struct{ variant, pkg string }{{vInst, "."}}
	if b.opts.instanceFloors {
		builds = append(builds, struct{ variant, pkg string }{vInstFloor, "./internal/bench/floor/serve"})
	}
	for i, v := range builds {
		dir := filepath.Join(b.work, fmt.Sprintf("plugin%d", i))
		out := filepath.Join(dir, "terraform-provider-graph")
		logf("building %s (%s)", v.variant, v.pkg)
		if err := b.goCmd(ctx, nil, append(slices.Clone(releaseFlags), "-o", out, v.pkg)...); err != nil {
			return err
		}
		st, err := os.Stat(out)
		if err != nil {
			return err
		}
		b.bins[v.variant] = dir
		b.sizes[v.variant] = st.Size()
	}
	b.mock = filepath.Join(b.work, "mockgraph")
	logf("building the mock")
	return b.goCmd(ctx, nil, "build", "-o", b.mock, "./internal/cmd/mockgraph")
}

func (b *bench) goCmd(ctx context.Context, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = b.opts.root
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

func (b *bench) writeSeed(users int) (string, error) {
	var f mockgraph.SeedData
	for i := range users {
		f.Users = append(f.Users, mockgraph.User{ID: userID(i), UserPrincipalName: userUPN(i), DisplayName: fmt.Sprintf("Bench User %d", i+1)})
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return "", err
	}
	p := filepath.Join(b.work, fmt.Sprintf("seed-%d.json", users))
	return p, os.WriteFile(p, raw, 0o644)
}

func (b *bench) startMock(ctx context.Context, seed string, lat time.Duration) (string, func(), error) {
	urlFile := filepath.Join(b.work, "mock-url")
	os.Remove(urlFile)
	cmd := exec.CommandContext(ctx, b.mock, "-listen", "127.0.0.1:0", "-url-file", urlFile, "-token", b.token,
		"-quiet", "-seed", seed, "-latency", lat.String())
	var logBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}
	for range 400 {
		if raw, err := os.ReadFile(urlFile); err == nil && len(raw) > 0 {
			logf("mock at %s, latency %s", strings.TrimSpace(string(raw)), lat)
			return strings.TrimSpace(string(raw)), stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("the mock did not start:\n%s", logBuf.String())
}

// mockStats is the mock's counters (GET /_mock/stats).
type mockStats struct {
	Requests      int            `json:"requests"`
	Items         int            `json:"items"`
	ItemsByMethod map[string]int `json:"itemsByMethod"`
}

func (s mockStats) writes() int {
	return s.ItemsByMethod[http.MethodPost] + s.ItemsByMethod[http.MethodPatch] + s.ItemsByMethod[http.MethodDelete]
}

func readStats(ctx context.Context, url string) (mockStats, error) {
	var s mockStats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/_mock/stats", nil)
	if err != nil {
		return s, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("GET /_mock/stats: %s", resp.Status)
	}
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

type runDir struct {
	dir string
	env []string
}

func (b *bench) prepare(variant string, lat time.Duration, s size, url string) (runDir, error) {
	dir := filepath.Join(b.work, fmt.Sprintf("%s-%s-%d", strings.NewReplacer(" ", "", "×", "x", "(", "", ")", "", ",", "").Replace(variant), lat, s.n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return runDir{}, err
	}
	rc := ""
	if d, ok := b.binDir(variant); ok {
		rc = fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/graphprofile/graph\" = %q\n  }\n  direct {}\n}\n", d)
	}
	rcPath := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rcPath, []byte(rc), 0o644); err != nil {
		return runDir{}, err
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rcPath, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"GRAPH_ENDPOINT="+url, "GRAPH_ACCESS_TOKEN="+b.token, "TF_LOG=", "TF_LOG_PROVIDER=")
	if variant == vInstFloorNull {
		env = append(env, floor.NullComputedEnv+"=1")
	}
	return runDir{dir: dir, env: env}, nil
}

// terraform runs one terraform command; watch, when not nil, follows the terraform
// process's memory from its start and gets its ru_maxrss once it has exited.
func (b *bench) terraform(ctx context.Context, rd runDir, watch *rssWatch, args ...string) (time.Duration, string, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.opTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.opts.terraform, args...)
	cmd.Dir, cmd.Env = rd.dir, rd.env
	// Interrupted, Terraform stops its plugins itself; a kill would orphan them.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Start()
	if err == nil {
		if watch != nil {
			watch.follow(cmd.Process.Pid)
		}
		err = cmd.Wait()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && watch != nil {
			watch.exited(ru.Maxrss) // KiB on Linux
		}
	}
	d := time.Since(start)
	if err != nil {
		return d, out.String(), fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, tail(out.String()))
	}
	return d, out.String(), nil
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

func (b *bench) opArgs(op string) []string {
	p := "-parallelism=" + strconv.Itoa(b.opts.parallelism)
	switch op {
	case opApply, opUpdate:
		return []string{"apply", "-auto-approve", "-input=false", "-no-color", "-compact-warnings", p}
	case opPlan:
		// A refresh of everything; -detailed-exitcode makes a non-empty plan an error.
		return []string{"plan", "-input=false", "-no-color", "-compact-warnings", "-detailed-exitcode", p}
	default:
		return []string{"destroy", "-auto-approve", "-input=false", "-no-color", "-compact-warnings", p}
	}
}

// expected is what Terraform must report for an operation to count as done as asked: the
// one-entry apply changes exactly the one instance, in place.
func expected(v, op string, n int) string {
	count := n
	if isMap(v) {
		count = 1
	}
	switch op {
	case opApply:
		return fmt.Sprintf("Resources: %d added, 0 changed, 0 destroyed.", count)
	case opUpdate:
		return "Resources: 0 added, 1 changed, 0 destroyed."
	case opDestroy:
		return fmt.Sprintf("Resources: %d destroyed.", count)
	}
	return "No changes."
}

// scenario runs every repeat of one size at one latency against a fresh mock: for each
// operation, each variant in turn (the order rotates per repeat), so drift in the
// machine's speed hits all variants alike.
func (b *bench) scenario(ctx context.Context, lat time.Duration, s size) error {
	seed, err := b.writeSeed(s.users)
	if err != nil {
		return err
	}
	url, stop, err := b.startMock(ctx, seed, lat)
	if err != nil {
		return err
	}
	defer stop()
	variants := b.variantsAt(s, lat)
	dirs := map[string]runDir{}
	for _, v := range variants {
		rd, err := b.prepare(v, lat, s, url)
		if err != nil {
			return err
		}
		dirs[v] = rd
	}
	for rep := range b.repeatsAt(s) {
		order := slices.Clone(variants)
		for range rep % len(order) {
			order = append(order[1:], order[0])
		}
		for _, op := range ops {
			for _, v := range order {
				if !b.hasOp(v, op) {
					continue
				}
				if err := b.runOp(ctx, url, lat, s, v, op, dirs[v], rep); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (b *bench) runOp(ctx context.Context, url string, lat time.Duration, s size, v, op string, rd runDir, rep int) error {
	// The one-entry change is in the configuration from that apply on (destroy included, so
	// its refresh sees no change); the next repeat's apply starts from the base again.
	changed := -1
	if op == opUpdate || op == opDestroy {
		changed = 0
	}
	if !isMap(v) {
		changed = -1
	}
	if err := os.WriteFile(filepath.Join(rd.dir, "main.tf"), []byte(configuration(v, s, changed)), 0o644); err != nil {
		return err
	}
	k := key{lat, s.n, v, op}
	smp := b.results[k]
	if smp == nil {
		smp = &sample{}
		b.results[k] = smp
	}
	before, err := readStats(ctx, url)
	if err != nil {
		return fmt.Errorf("mock stats: %w", err)
	}
	plugin := ""
	if bin, ok := b.binDir(v); ok {
		plugin = filepath.Join(bin, "terraform-provider-graph")
	}
	watch := watchRSS(plugin)
	d, out, err := b.terraform(ctx, rd, watch, b.opArgs(op)...)
	pk := watch.stop()
	if plugin != "" {
		smp.rssKB = append(smp.rssKB, pk.provider)
		smp.cpu = append(smp.cpu, pk.cpu)
	}
	smp.tfRSSKB = append(smp.tfRSSKB, pk.terraform)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if want := expected(v, op, s.n); err == nil && !strings.Contains(out, want) {
		err = fmt.Errorf("terraform %s did not report %q:\n%s", op, want, tail(out))
	}
	if err != nil {
		smp.failures = append(smp.failures, fmt.Sprintf("%s, %s, N=%d, latency %s: %v", v, op, s.n, lat, err))
		logf("FAILED %s %s N=%d latency=%s: %v", v, op, s.n, lat, err)
	}
	after, err := readStats(ctx, url)
	if err != nil {
		return fmt.Errorf("mock stats: %w", err)
	}
	smp.times = append(smp.times, d)
	smp.requests = append(smp.requests, after.Requests-before.Requests)
	smp.items = append(smp.items, after.Items-before.Items)
	smp.writes = append(smp.writes, after.writes()-before.writes())
	logf("N=%d/%d latency=%s repeat %d: %-30s %-15s %9s  %d requests, %d items, %d writes; peak RSS provider %s, terraform %s",
		s.n, s.users, lat, rep+1, v, op, d.Round(time.Millisecond), after.Requests-before.Requests, after.Items-before.Items,
		after.writes()-before.writes(), mib(pk.provider), mib(pk.terraform))
	return nil
}

// measureStartup times `terraform providers schema -json` for the provider (and the
// floor, when built): Terraform starts, launches the plugin, and asks for its schema over
// go-plugin. Terraform's own start-up is in both; the difference is the provider's.
func (b *bench) measureStartup(ctx context.Context) error {
	b.startup = map[string][]time.Duration{}
	variants := []string{vInst}
	if b.opts.instanceFloors {
		variants = append(variants, vInstFloor)
	}
	for range 5 {
		for _, v := range variants {
			rd, err := b.prepare(v, 0, size{1, 1}, "http://127.0.0.1:1")
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(rd.dir, "main.tf"), []byte(configuration(v, size{1, 1}, -1)), 0o644); err != nil {
				return err
			}
			d, _, err := b.terraform(ctx, rd, nil, "providers", "schema", "-json")
			if err != nil {
				return err
			}
			b.startup[v] = append(b.startup[v], d)
		}
	}
	return nil
}

// measureBuilds times `go build` of the provider with a fresh, empty GOCACHE (clean:
// every package compiled; the module cache is kept, so nothing is downloaded) and then
// again with that cache filled (warm).
func (b *bench) measureBuilds(ctx context.Context) error {
	cache := filepath.Join(b.work, "gocache")
	env := []string{"GOCACHE=" + cache}
	out := filepath.Join(b.work, "build-check")
	logf("clean go build (fresh GOCACHE); this takes a while")
	start := time.Now()
	if err := b.goCmd(ctx, env, append(slices.Clone(releaseFlags), "-o", out, ".")...); err != nil {
		return err
	}
	b.build.clean = time.Since(start)
	start = time.Now()
	if err := b.goCmd(ctx, env, append(slices.Clone(releaseFlags), "-o", out, ".")...); err != nil {
		return err
	}
	b.build.warm = time.Since(start)
	return nil
}
