// Command bench is `make bench`: it builds this provider, the plugin floor
// (internal/bench/floor/serve: the same resource schema, CRUD without I/O) and the Graph
// mock, then runs terraform apply, plan (a refresh of everything) and destroy for N
// certifications over M users, interleaved across three variants (this provider, the
// floor, and N terraform_data), at each mock latency. It prints a Markdown report and
// writes it to BENCHMARKS.md.
//
//	go run ./internal/bench -sizes 100,1000 -users 50 -repeats 3 -latencies 0,80ms
//
// Everything runs on loopback; the mock is the bundled one (internal/cmd/mockgraph).
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
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/graphprofile/terraform-provider-graph/internal/bench/floor"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

type options struct {
	root        string
	terraform   string
	sizes       []int
	users       int
	repeats     int
	latencies   []time.Duration
	parallelism int
	out         string
	buildTimes  bool
	command     string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var o options
	var sizes, lats string
	fs.StringVar(&o.root, "root", ".", "the provider's module `directory`")
	fs.StringVar(&o.terraform, "terraform", ".tools/terraform", "Terraform CLI `path`")
	fs.StringVar(&sizes, "sizes", "100,1000", "comma-separated resource counts N")
	fs.IntVar(&o.users, "users", 50, "users M the certifications are spread over")
	fs.IntVar(&o.repeats, "repeats", 3, "repeats of each operation per variant")
	fs.StringVar(&lats, "latencies", "0,80ms", "comma-separated mock latencies (-latency of the mock)")
	fs.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "report `file` (empty: print only)")
	fs.BoolVar(&o.buildTimes, "build-times", true, "measure clean (fresh GOCACHE) and warm go build times")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a positive count", s)
		}
		o.sizes = append(o.sizes, n)
	}
	for _, s := range strings.Split(lats, ",") {
		s = strings.TrimSpace(s)
		if s == "0" {
			s = "0s"
		}
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return fmt.Errorf("-latencies: %q is not a duration", s)
		}
		o.latencies = append(o.latencies, d)
	}
	if o.users < 1 || o.repeats < 1 || o.parallelism < 1 {
		return errors.New("-users, -repeats and -parallelism must be at least 1")
	}
	root, err := filepath.Abs(o.root)
	if err != nil {
		return err
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
	o.command = "go run ./internal/bench " + strings.Join(shown, " ")
	o.root = root
	if !filepath.IsAbs(o.terraform) {
		o.terraform = filepath.Join(root, o.terraform)
	}
	b := &bench{opts: o, results: map[key]*sample{}}
	return b.run(ctx)
}

// Variants, in the order they are interleaved.
const (
	vProvider = "provider"
	vFloor    = "floor"
	// vFloorNull is the floor with its computed audit attributes left null
	// (floor.NullComputedEnv): a lighter state, so a lighter Terraform workload.
	vFloorNull = "floor, audit null"
	vData      = "terraform_data"
)

var variants = []string{vProvider, vFloor, vFloorNull, vData}

// binDir is the dev_overrides directory of a variant's plugin ("" for terraform_data).
func (b *bench) binDir(variant string) (string, bool) {
	if variant == vFloorNull {
		variant = vFloor
	}
	d, ok := b.bins[variant]
	return d, ok
}

var ops = []string{"apply", "plan", "destroy"}

type key struct {
	latency time.Duration
	n       int
	variant string
	op      string
}

type sample struct {
	times    []time.Duration
	requests []int           // mock requests per run (provider variant only)
	rssKB    []int64         // peak VmHWM of the provider process per run
	cpu      []time.Duration // CPU time of the plugin processes per run
	failures []string
}

type bench struct {
	opts    options
	work    string
	bins    map[string]string // variant -> dev_overrides directory
	mock    string
	token   string
	results map[key]*sample
	sizes   map[string]int64 // variant -> stripped binary size
	startup map[string][]time.Duration
	build   struct{ clean, warm time.Duration }
}

func (b *bench) run(ctx context.Context) error {
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
	seed, err := b.writeSeed()
	if err != nil {
		return err
	}
	for _, lat := range b.opts.latencies {
		url, stop, err := b.startMock(ctx, seed, lat)
		if err != nil {
			return err
		}
		for _, n := range b.opts.sizes {
			if err := b.scenario(ctx, url, lat, n); err != nil {
				stop()
				return err
			}
		}
		if lat == b.opts.latencies[0] {
			if err := b.measureStartup(ctx, url); err != nil {
				stop()
				return err
			}
		}
		stop()
	}
	if b.opts.buildTimes {
		if err := b.measureBuilds(ctx); err != nil {
			return err
		}
	}
	report := b.report(ctx)
	fmt.Print(report)
	if b.opts.out != "" {
		out := b.opts.out
		if !filepath.IsAbs(out) {
			out = filepath.Join(b.opts.root, out)
		}
		return os.WriteFile(out, []byte(report), 0o644)
	}
	return nil
}

// releaseFlags are the release build's: trimmed paths, no symbol table or DWARF.
var releaseFlags = []string{"build", "-trimpath", "-ldflags=-s -w"}

func (b *bench) buildAll(ctx context.Context) error {
	b.bins = map[string]string{}
	b.sizes = map[string]int64{}
	for _, v := range []struct{ variant, pkg string }{{vProvider, "."}, {vFloor, "./internal/bench/floor/serve"}} {
		dir := filepath.Join(b.work, v.variant)
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

// userID is the object id of bench user i.
func userID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1) }

func (b *bench) writeSeed() (string, error) {
	var f mockgraph.SeedData
	for i := range b.opts.users {
		f.Users = append(f.Users, mockgraph.User{ID: userID(i),
			UserPrincipalName: fmt.Sprintf("bench.user%03d@contoso.example", i+1), DisplayName: fmt.Sprintf("Bench User %d", i+1)})
	}
	raw, _ := json.Marshal(f)
	p := filepath.Join(b.work, "seed.json")
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
	for range 200 {
		if raw, err := os.ReadFile(urlFile); err == nil && len(raw) > 0 {
			logf("mock at %s, latency %s", strings.TrimSpace(string(raw)), lat)
			return strings.TrimSpace(string(raw)), stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("the mock did not start:\n%s", logBuf.String())
}

// mockRequests reads the mock's request counter (GET /_mock/stats).
func mockRequests(ctx context.Context, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/_mock/stats", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var s struct {
		Requests int `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return 0, err
	}
	return s.Requests, nil
}

// configuration is N certifications spread round-robin over the bench users, as this
// provider's resource or as terraform_data carrying the same values.
func (b *bench) configuration(variant string, n int) string {
	var sb strings.Builder
	if variant != vData {
		sb.WriteString("terraform {\n  required_providers {\n    graph = { source = \"graphprofile/graph\" }\n  }\n}\n\n")
	}
	sb.WriteString("locals {\n  users = [\n")
	for i := range b.opts.users {
		fmt.Fprintf(&sb, "    %q,\n", userID(i))
	}
	fmt.Fprintf(&sb, "  ]\n  certs = { for i in range(%d) : format(\"c%%05d\", i) => i }\n}\n\n", n)
	values := `user_id           = local.users[each.value %% %d]
  display_name      = "Bench certification ${each.value}"
  issuing_authority = "Bench Authority"
  issued_date       = "2025-03-14"
  web_url           = "https://example.com/cert/${each.value}"
  allowed_audiences = ["organization"]`
	values = fmt.Sprintf(values, b.opts.users)
	if variant == vData {
		fmt.Fprintf(&sb, "resource \"terraform_data\" \"c\" {\n  for_each = local.certs\n  input = {\n    %s\n  }\n}\n",
			strings.ReplaceAll(values, "\n", "\n  "))
	} else {
		fmt.Fprintf(&sb, "resource \"graph_person_certification\" \"c\" {\n  for_each = local.certs\n  %s\n}\n", values)
	}
	return sb.String()
}

type runDir struct {
	dir string
	env []string
}

func (b *bench) prepare(variant string, lat time.Duration, n int, url string) (runDir, error) {
	dir := filepath.Join(b.work, fmt.Sprintf("%s-%s-%d", variant, lat, n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return runDir{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.configuration(variant, n)), 0o644); err != nil {
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
		"GRAPH_ENDPOINT="+url, "GRAPH_ACCESS_TOKEN="+b.token, "TF_LOG=")
	if variant == vFloorNull {
		env = append(env, floor.NullComputedEnv+"=1")
	}
	return runDir{dir: dir, env: env}, nil
}

func (b *bench) terraform(ctx context.Context, rd runDir, args ...string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, b.opts.terraform, args...)
	cmd.Dir, cmd.Env = rd.dir, rd.env
	// Interrupted, Terraform stops its plugins itself; a kill would orphan them.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		tail := out.String()
		if len(tail) > 4000 {
			tail = tail[len(tail)-4000:]
		}
		return d, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, tail)
	}
	return d, nil
}

func (b *bench) opArgs(op string) []string {
	p := "-parallelism=" + strconv.Itoa(b.opts.parallelism)
	switch op {
	case "apply":
		return []string{"apply", "-auto-approve", "-input=false", "-no-color", "-compact-warnings", p}
	case "plan":
		// A refresh of everything; -detailed-exitcode makes a non-empty plan an error.
		return []string{"plan", "-input=false", "-no-color", "-compact-warnings", "-detailed-exitcode", p}
	default:
		return []string{"destroy", "-auto-approve", "-input=false", "-no-color", "-compact-warnings", p}
	}
}

// scenario runs every repeat: for each operation, each variant in turn (the order
// rotates per repeat), so drift in the machine's speed hits all variants alike.
func (b *bench) scenario(ctx context.Context, url string, lat time.Duration, n int) error {
	dirs := map[string]runDir{}
	for _, v := range variants {
		rd, err := b.prepare(v, lat, n, url)
		if err != nil {
			return err
		}
		dirs[v] = rd
	}
	for rep := range b.opts.repeats {
		order := slices.Clone(variants)
		for range rep % len(order) {
			order = append(order[1:], order[0])
		}
		for _, op := range ops {
			for _, v := range order {
				k := key{lat, n, v, op}
				s := b.results[k]
				if s == nil {
					s = &sample{}
					b.results[k] = s
				}
				before, err := mockRequests(ctx, url)
				if err != nil {
					return fmt.Errorf("mock stats: %w", err)
				}
				var peak *rssWatch
				if bin, ok := b.binDir(v); ok {
					peak = watchRSS(filepath.Join(bin, "terraform-provider-graph"))
				}
				d, err := b.terraform(ctx, dirs[v], b.opArgs(op)...)
				if peak != nil {
					kb, cpu := peak.stop()
					s.rssKB = append(s.rssKB, kb)
					s.cpu = append(s.cpu, cpu)
				}
				if err != nil {
					if ctx.Err() != nil {
						return ctx.Err()
					}
					s.failures = append(s.failures, err.Error())
					logf("FAILED %s %s N=%d latency=%s: %v", v, op, n, lat, err)
				}
				after, err := mockRequests(ctx, url)
				if err != nil {
					return fmt.Errorf("mock stats: %w", err)
				}
				s.times = append(s.times, d)
				s.requests = append(s.requests, after-before)
				logf("N=%d latency=%s repeat %d: %-14s %-7s %8s  %d requests", n, lat, rep+1, v, op, d.Round(time.Millisecond), after-before)
			}
		}
	}
	return nil
}

// measureStartup times `terraform providers schema -json` for the provider and the
// floor: Terraform starts, launches the plugin, and asks for its schema over go-plugin.
// Terraform's own start-up is in both; the difference is the provider's.
func (b *bench) measureStartup(ctx context.Context, url string) error {
	b.startup = map[string][]time.Duration{}
	for rep := range max(b.opts.repeats, 5) {
		_ = rep
		for _, v := range []string{vProvider, vFloor} {
			rd, err := b.prepare(v, 0, 1, url)
			if err != nil {
				return err
			}
			d, err := b.terraform(ctx, rd, "providers", "schema", "-json")
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

// rssWatch samples /proc for processes running one executable and keeps the largest
// VmHWM (the kernel's peak resident set of a process) seen.
type rssWatch struct {
	exe  string
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak int64
	cpu  map[string]int64 // pid -> utime+stime in clock ticks, as last sampled
}

func watchRSS(exe string) *rssWatch {
	w := &rssWatch{exe: exe, done: make(chan struct{}), cpu: map[string]int64{}}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			w.sample()
			select {
			case <-w.done:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *rssWatch) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || exe != w.exe {
			continue
		}
		if ticks, ok := cpuTicks(e.Name()); ok {
			w.mu.Lock()
			w.cpu[e.Name()] = ticks
			w.mu.Unlock()
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				w.mu.Lock()
				w.peak = max(w.peak, kb)
				w.mu.Unlock()
			}
		}
	}
}

// stop ends the watch and returns the peak VmHWM in KiB and the CPU time the processes
// used (user + system, summed over every process of the executable, as last sampled).
func (w *rssWatch) stop() (int64, time.Duration) {
	close(w.done)
	w.wg.Wait()
	var ticks int64
	for _, t := range w.cpu {
		ticks += t
	}
	return w.peak, time.Duration(ticks) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every Linux
// architecture Go supports.
const clockTicks = 100

// cpuTicks reads utime + stime (fields 14 and 15) of /proc/<pid>/stat.
func cpuTicks(pid string) (int64, bool) {
	raw, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return 0, false
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(raw), ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(raw[i+1:])) // f[0] is field 3
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	return u + st, err1 == nil && err2 == nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func span(ds []time.Duration) string {
	if len(ds) == 0 {
		return "–"
	}
	return fmt.Sprintf("%s (%.2f–%.2f)", secs(median(ds)), slices.Min(ds).Seconds(), slices.Max(ds).Seconds())
}

func (b *bench) report(ctx context.Context) string {
	var sb strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	tfVersion, _ := exec.CommandContext(ctx, b.opts.terraform, "version").Output()
	w("# Benchmarks\n\n")
	w("Written by `make bench` (`internal/bench`). Reproduce with:\n\n```shell\n%s\n```\n\n", strings.TrimSpace(b.opts.command))
	w("Run on %s: %d CPUs, %s, %s, %s. Terraform `-parallelism=%d`; %d repeat(s) per cell, interleaved "+
		"(per operation, each variant in turn, the order rotating per repeat). Times are wall time of the whole "+
		"`terraform` command: median (min–max).\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), runtime.GOOS+"/"+runtime.GOARCH, runtime.Version(),
		strings.SplitN(strings.TrimSpace(string(tfVersion)), "\n", 2)[0], b.opts.parallelism, b.opts.repeats)
	w("- **provider**: this provider against the bundled Graph mock (`internal/cmd/mockgraph`, `-latency` as shown).\n")
	w("- **floor**: `internal/bench/floor/serve`, a framework provider with the same resource schema and CRUD without I/O; " +
		"its state holds what the provider's does (the computed audit attributes filled as Graph fills them).\n")
	w("- **floor, audit null**: the same floor leaving the computed audit attributes null: less state, so less work for " +
		"Terraform itself, which deep-copies the state after every resource.\n")
	w("- **terraform_data**: the same N values as `terraform_data` inputs (Terraform's built-in provider, no plugin).\n\n")

	w("| N / users | mock latency | operation | provider | floor | floor, audit null | terraform_data | provider ÷ floor | provider ÷ floor, audit null | plugin CPU: provider / floor | requests per resource | provider peak RSS |\n")
	w("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	var failures []string
	for _, lat := range b.opts.latencies {
		for _, n := range b.opts.sizes {
			for _, op := range ops {
				p, f, d := b.results[key{lat, n, vProvider, op}], b.results[key{lat, n, vFloor, op}], b.results[key{lat, n, vData, op}]
				fn := b.results[key{lat, n, vFloorNull, op}]
				if p == nil || f == nil || d == nil || fn == nil {
					continue
				}
				ratio := float64(median(p.times)) / float64(median(f.times))
				ratioNull := float64(median(p.times)) / float64(median(fn.times))
				reqs := 0
				for _, r := range p.requests {
					reqs = max(reqs, r)
				}
				w("| %d / %d | %s | %s | %s | %s | %s | %s | %.2f× | %.2f× | %.1f s / %.1f s | %.2f | %s |\n", n, b.opts.users, lat, op,
					span(p.times), span(f.times), span(fn.times), span(d.times), ratio, ratioNull,
					median(p.cpu).Seconds(), median(f.cpu).Seconds(), float64(reqs)/float64(n), mib(slices.Max(p.rssKB)))
				for _, s := range []*sample{p, f, fn, d} {
					failures = append(failures, s.failures...)
				}
			}
		}
	}
	w("\nRequests per resource are the mock's counted HTTP requests for the operation (largest over the repeats) ÷ N. " +
		"Plugin CPU is the median user + system time of the plugin processes Terraform started for the command.\n")
	for _, lat := range b.opts.latencies {
		if lat == 0 {
			continue
		}
		for _, n := range b.opts.sizes {
			p, f := b.results[key{lat, n, vProvider, "plan"}], b.results[key{lat, n, vFloor, "plan"}]
			if p == nil || f == nil {
				continue
			}
			oneGet := time.Duration(n) * lat / time.Duration(b.opts.parallelism)
			added := median(p.times) - median(f.times)
			w("\nRefresh of %d at %s: %s, against %s for one GET per resource at `-parallelism=%d` "+
				"(N × latency ÷ parallelism, the transport time alone): **%.2f×**. Time the provider adds to the floor's "+
				"refresh: %s, **%.2f×** that transport time.\n",
				n, lat, secs(median(p.times)), secs(oneGet), b.opts.parallelism, float64(median(p.times))/float64(oneGet),
				secs(added), float64(added)/float64(oneGet))
		}
	}
	b.targets(w)
	w("\n| | provider | floor |\n|---|---|---|\n")
	w("| binary size (`-trimpath -ldflags \"-s -w\"`) | %s | %s |\n", mib(b.sizes[vProvider]/1024), mib(b.sizes[vFloor]/1024))
	if b.startup != nil {
		w("| start-up to schema served (`terraform providers schema -json`) | %s | %s |\n", span(b.startup[vProvider]), span(b.startup[vFloor]))
	}
	if b.opts.buildTimes {
		w("| `go build` clean (fresh GOCACHE, module cache kept) | %s | |\n", secs(b.build.clean))
		w("| `go build` warm (same GOCACHE again) | %s | |\n", secs(b.build.warm))
	}
	w("\nHow each figure is taken:\n\n")
	w("- **Peak RSS**: while each `terraform` command runs, `/proc/*/exe` is scanned every 20 ms for the provider " +
		"binary that Terraform launched through `dev_overrides`, and the largest `VmHWM` (the kernel's high-water mark of the " +
		"process's resident set) is kept; the table shows the largest over all repeats of that operation. A rise in the last " +
		"20 ms before the process exits can be missed.\n")
	w("- **Start-up to schema served**: wall time of `terraform providers schema -json` in a configuration using the provider: " +
		"Terraform starts, launches the plugin, completes the go-plugin handshake and receives GetProviderSchema. Terraform's own " +
		"start-up is in both columns; the difference is the provider's. The floor reuses the resource's schema package, so it links " +
		"the same SDK model code; its start-up is the framework's plus that.\n")
	w("- **Requests**: the mock command counts every request it receives; `GET /_mock/stats` (loopback only) reports the counter, " +
		"read before and after each command.\n")
	if len(failures) > 0 {
		w("\n%d run(s) failed; the first:\n\n```\n%s\n```\n", len(failures), failures[0])
	}
	return sb.String()
}

// targets checks the targets against this run, at its largest N.
func (b *bench) targets(w func(string, ...any)) {
	n := slices.Max(b.opts.sizes)
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**not met**"
	}
	reqs := func(s *sample) float64 {
		if s == nil || len(s.requests) == 0 {
			return -1
		}
		return float64(slices.Max(s.requests)) / float64(n)
	}
	w("\n## Against the targets (N = %d, %d users)\n\n", n, b.opts.users)
	if slices.Contains(b.opts.latencies, 0) {
		for _, floor := range []string{vFloor, vFloorNull} {
			var parts []string
			all := true
			for _, op := range ops {
				p, f := b.results[key{0, n, vProvider, op}], b.results[key{0, n, floor, op}]
				if p == nil || f == nil {
					all = false
					continue
				}
				r := float64(median(p.times)) / float64(median(f.times))
				all = all && r <= 1.25
				parts = append(parts, fmt.Sprintf("%s %.2f×", op, r))
			}
			w("- apply, plan and destroy at 0 ms, each ≤ 1.25× the %s: %s — %s.\n", floor, strings.Join(parts, ", "), verdict(all))
		}
		a, d := reqs(b.results[key{0, n, vProvider, "apply"}]), reqs(b.results[key{0, n, vProvider, "destroy"}])
		w("- requests per resource on apply and destroy ≤ 1: apply %.2f, destroy %.2f — %s.\n", a, d, verdict(a >= 0 && a <= 1 && d >= 0 && d <= 1))
		if p := b.results[key{0, n, vProvider, "apply"}]; p != nil {
			w("- provider peak RSS during the %d-resource apply: %s.\n", n, mib(slices.Max(p.rssKB)))
		}
	}
	for _, lat := range b.opts.latencies {
		p, f := b.results[key{lat, n, vProvider, "plan"}], b.results[key{lat, n, vFloor, "plan"}]
		if lat == 0 || p == nil || f == nil {
			continue
		}
		oneGet := time.Duration(n) * lat / time.Duration(b.opts.parallelism)
		total := float64(median(p.times)) / float64(oneGet)
		added := float64(median(p.times)-median(f.times)) / float64(oneGet)
		w("- refresh at %s ≤ 0.2 requests per resource: %.3f — %s; ≤ 0.4× the time of one GET per resource: "+
			"the whole `terraform plan` takes %.2f× the transport time of one GET per resource (Terraform's own refresh is in it), "+
			"the provider's share %.2f× — %s for the provider's share, %s for the whole command.\n",
			lat, reqs(p), verdict(reqs(p) <= 0.2), total, added, verdict(added <= 0.4), verdict(total <= 0.4))
	}
}

func mib(kb int64) string {
	if kb == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
}
