package main

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (b *bench) report(ctx context.Context) string {
	var sb strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	tfVersion, _ := exec.CommandContext(ctx, b.opts.terraform, "version").Output()
	w("# Benchmarks\n\n")
	if b.partial != "" {
		w("**Partial report: the run stopped or is still running; it covers the scenarios %s.**\n\n", b.partial)
	}
	w("Written by `make bench` (`internal/bench`). Reproduce with:\n\n```shell\n%s\n```\n\n", b.opts.command)
	w("Run on %s: %d CPUs, %s, %s, %s; the run took %.0f minutes. Terraform `-parallelism=%d`. "+
		"**%d repeat(s) per cell for N below %d, %d for N of %d and more**; within a size, runs are interleaved "+
		"(per operation, each variant in turn, the order rotating per repeat). Times are wall time of the whole "+
		"`terraform` command: median (min–max) over the repeats. Each size and latency gets a fresh mock seeded with its users.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), runtime.GOOS+"/"+runtime.GOARCH, runtime.Version(),
		strings.SplitN(strings.TrimSpace(string(tfVersion)), "\n", 2)[0], b.elapsed.Minutes(), b.opts.parallelism,
		b.opts.repeats, b.opts.large, b.opts.largeRepeats, b.opts.large)
	w("- **%s**: one instance of this provider's resource holding the N-entry map, against the bundled Graph mock "+
		"(`internal/cmd/mockgraph`, `-latency` as shown). Entries are keyed `<user>/<certification_id>` and name users by UPN.\n", vSet)
	w("- **%s**: its floor, one `terraform_data` whose `input` holds the same map plus an `entries` map of "+
		"{id, created_date_time, last_modified_date_time} per key (what the resource computes). It sends nothing to the mock, so it "+
		"runs at the first latency only and its figures stand at every latency. `terraform_data` keeps its input again as its "+
		"output, so its state holds the values twice.\n", vSetFloor)
	instLats := "the first latency only (`-instance-all-latencies` runs them at every latency)"
	if b.opts.instanceAll {
		instLats = "every latency"
	}
	w("- **%s**: the same certifications as N instances of `graph_person_certification`, at N = %s, at %s.\n",
		vInst, joinInts(b.opts.instanceSizes), instLats)
	w("- **one-entry apply**: the apply after `issued_date` of one entry changed; the destroy that follows runs on that configuration.\n\n")

	tfHeader := fmt.Sprintf("Terraform peak RSS: %s / floor", vSet)
	if len(b.opts.instanceSizes) > 0 {
		tfHeader += " (/ ×N)"
	}
	w("| N / users | mock latency | operation | %s | %s | ÷ floor | %s | ×N ÷ %s | HTTP requests (per certification) | "+
		"batch items one by one: all / writes | provider peak RSS | %s | plugin CPU |\n", vSet, vSetFloor, vInst, vSet, tfHeader)
	w("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	var failures []string
	for _, s := range b.results {
		failures = append(failures, s.failures...)
	}
	slices.Sort(failures)
	sizes := slices.Clone(b.opts.sizes)
	slices.SortFunc(sizes, func(x, y size) int { return x.n - y.n })
	for _, lat := range b.opts.latencies {
		for _, s := range sizes {
			for _, op := range ops {
				p, f, i := b.get(lat, s.n, vSet, op), b.get(lat, s.n, vSetFloor, op), b.get(lat, s.n, vInst, op)
				if p == nil && f == nil && i == nil {
					continue
				}
				w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s, lat, op,
					cellSpan(p), cellSpan(f), ratio(p, f), cellSpan(i), ratio(i, p),
					requestsCell(p, s.n), itemsCell(p), rssCell(p), tfRSSCell(p, f, i), cpuCell(p))
			}
		}
	}
	w("\nHTTP requests are those reaching the mock during the command (a `$batch` is one request), the largest over the repeats; "+
		"per certification is that ÷ N. The next column counts the same traffic with each `$batch` item as one request "+
		"(as Graph's throttling counts), and of those the writes (POST, PATCH, DELETE). Terraform peak RSS is that of the `terraform` "+
		"process itself (plugins not included), for %s, then its floor (then ×N where it ran). Plugin CPU is the median user + system "+
		"time of the plugin processes Terraform started for the command. ÷ floor and ×N ÷ %s are ratios of the medians.\n", vSet, vSet)

	if b.opts.instanceFloors {
		b.instanceFloorTable(w)
	}
	b.targets(w)

	w("\n| | provider |")
	if b.opts.instanceFloors {
		w(" plugin floor |")
	}
	w("\n|---|---|")
	if b.opts.instanceFloors {
		w("---|")
	}
	w("\n| binary size (`-trimpath -ldflags \"-s -w\"`) | %s |", mib(b.sizes[vInst]/1024))
	if b.opts.instanceFloors {
		w(" %s |", mib(b.sizes[vInstFloor]/1024))
	}
	if b.startup != nil {
		w("\n| start-up to schema served (`terraform providers schema -json`) | %s |", span(b.startup[vInst]))
		if b.opts.instanceFloors {
			w(" %s |", span(b.startup[vInstFloor]))
		}
	}
	if b.opts.buildTimes {
		w("\n| `go build` clean (fresh GOCACHE, module cache kept) | %s |", secs(b.build.clean))
		w("\n| `go build` warm (same GOCACHE again) | %s |", secs(b.build.warm))
	}
	w("\n\nHow each figure is taken:\n\n")
	w("- **Peak RSS**: while each `terraform` command runs, `/proc/*/exe` is scanned every 20 ms for the provider " +
		"binary that Terraform launched through `dev_overrides`, and the largest `VmHWM` (the kernel's high-water mark of the " +
		"process's resident set) is kept; the table shows the largest over all repeats of that operation. A rise in the last " +
		"20 ms before the process exits can be missed. Terraform's peak RSS is the `VmHWM` of the `terraform` process, sampled " +
		"alike; where Terraform starts no plugin (the `terraform_data` floors), it is the larger of that and the exit status's " +
		"`ru_maxrss`, which is then Terraform's alone and misses nothing (with a plugin, `ru_maxrss` also covers the plugins " +
		"Terraform waited for, so it is not used).\n")
	w("- **Start-up to schema served**: wall time of `terraform providers schema -json` in a configuration using the provider, " +
		"5 runs: Terraform starts, launches the plugin, completes the go-plugin handshake and receives GetProviderSchema.\n")
	w("- **Requests**: the mock command counts every request it receives; `GET /_mock/stats` (loopback only) reports the " +
		"counters, read before and after each command.\n")
	w("- **Done as asked**: a run counts as failed unless Terraform exits 0 and reports the expected result (apply: every " +
		"instance added; one-entry apply: `0 added, 1 changed, 0 destroyed`; plan: `No changes.`, with `-detailed-exitcode`, so " +
		"a perpetual diff fails; destroy: every instance destroyed).\n")
	w("\nOther options: `-instance-floors` adds the per-instance comparison against the plugin floor (`internal/bench/floor/serve`, " +
		"the same resource schema with CRUD without I/O), that floor with its audit attributes null, and N `terraform_data`; " +
		"`-build-times` measures clean and warm `go build`. A quick run, printed only: `make bench BENCH_FLAGS=\"-sizes 1000/300 -latencies 0 -instance-sizes 1000 -out=\"`.\n")
	if len(failures) > 0 {
		w("\n%d run(s) failed; the first:\n\n```\n%s\n```\n", len(failures), failures[0])
	}
	return sb.String()
}

// instanceFloorTable is the per-instance comparison of -instance-floors.
func (b *bench) instanceFloorTable(w func(string, ...any)) {
	w("\n### Per instance: this provider against its plugin floor\n\n")
	w("| N / users | mock latency | operation | %s | %s | %s | %s | provider ÷ floor | provider ÷ floor, audit null | "+
		"plugin CPU: provider / floor | HTTP requests per resource | provider peak RSS | Terraform peak RSS: %s / %s / audit null / %s |\n",
		vInst, vInstFloor, vInstFloorNull, vInstData, vInst, vInstFloor, vInstData)
	w("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, lat := range b.opts.latencies {
		for _, s := range b.opts.sizes {
			for _, op := range []string{opApply, opPlan, opDestroy} {
				p, f, fn, d := b.get(lat, s.n, vInst, op), b.get(lat, s.n, vInstFloor, op), b.get(lat, s.n, vInstFloorNull, op), b.get(lat, s.n, vInstData, op)
				if p == nil || f == nil {
					continue
				}
				w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s |\n", s, lat, op,
					cellSpan(p), cellSpan(f), cellSpan(fn), cellSpan(d), ratio(p, f), ratio(p, fn), cpuCell(p), cpuCell(f),
					requestsCell(p, s.n), rssCell(p), tfRSSCell(p, f, fn, d))
			}
		}
	}
}

// verdict is a target's result.
func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

// done reports whether a cell was measured and every run of it succeeded.
func done(s *sample) bool { return s != nil && len(s.times) > 0 && len(s.failures) == 0 }

// timeTargets are the issue "Lean at HR scale"'s limits on graph_person_certifications ÷
// its floor at N = 10,000 and 30,000: at 0 ms, apply ≤ 1.25× and the rest ≤ 1.0×; at
// 80 ms, every operation ≤ 1.5×.
var timeTargets = []struct {
	latency time.Duration
	limits  map[string]float64 // operation -> largest ratio to the floor
}{
	{0, map[string]float64{opApply: 1.25, opPlan: 1, opUpdate: 1, opDestroy: 1}},
	{80 * time.Millisecond, map[string]float64{opApply: 1.5, opPlan: 1.5, opUpdate: 1.5, opDestroy: 1.5}},
}

// rssLimitKB is the issue "Lean at HR scale"'s limit on the provider's peak RSS at
// N = 30,000, in every operation: 400 MiB.
const rssLimitKB = 400 << 10

// targets checks the targets of issue 14 (requests, writes, 2,000 instances, 30,000
// completes) and of the issue "Lean at HR scale" (time against the floor, the provider's
// peak RSS at 30,000) against this run's figures.
func (b *bench) targets(w func(string, ...any)) {
	w("\n## Against the targets\n\n| target | measured | result |\n|---|---|---|\n")
	row := func(target, measured string, ok bool, measuredAny bool) {
		res := verdict(ok)
		if !measuredAny {
			res, measured = "not measured", "not in this run"
		}
		w("| %s | %s | %s |\n", target, measured, res)
	}
	// Each operation at N = 10,000 and 30,000 against the single-instance floor (measured
	// at the first latency, standing for every latency).
	for _, t := range timeTargets {
		for _, n := range []int{10000, 30000} {
			for _, op := range ops {
				p, f := b.get(t.latency, n, vSet, op), b.get(t.latency, n, vSetFloor, op)
				measured := p != nil && f != nil && len(p.times) > 0 && len(f.times) > 0
				ok, text := false, ""
				if measured {
					r := float64(median(p.times)) / float64(median(f.times))
					ok = done(p) && done(f) && r <= t.limits[op]
					text = fmt.Sprintf("%s ÷ %s = %.2f×%s", secs(median(p.times)), secs(median(f.times)), r, failedNote(p, f))
				}
				row(fmt.Sprintf("N = %s at %s, %s: ≤ %.2f× the single-instance floor", thousands(n), millis(t.latency), op, t.limits[op]),
					text, ok, measured)
			}
		}
	}

	// Apply of 2,000 as one instance against 2,000 instances, at each latency.
	for _, lat := range b.opts.latencies {
		p, i := b.get(lat, 2000, vSet, opApply), b.get(lat, 2000, vInst, opApply)
		measured := p != nil && i != nil
		ok, text := false, ""
		if measured {
			r := float64(median(i.times)) / float64(median(p.times))
			ok = done(p) && done(i) && r >= 10
			text = fmt.Sprintf("%s for 2,000 instances ÷ %s = %.1f× faster%s", secs(median(i.times)), secs(median(p.times)), r, failedNote(p, i))
		}
		row(fmt.Sprintf("N = 2,000 at %s, apply: ≥ 10× faster than 2,000 `graph_person_certification`", lat), text, ok, measured)
	}

	// Writes of the one-entry change, requests of refresh, create and delete, at every
	// size and latency: one row each, listing every cell.
	type check struct {
		target string
		op     string
		value  func(s *sample, sz size) (string, bool)
	}
	checks := []check{
		{"a one-entry change: exactly 1 write request (POST, PATCH, DELETE; `$batch` items one by one)", opUpdate,
			func(s *sample, _ size) (string, bool) {
				return fmt.Sprintf("%s write(s)", joinInts(s.writes)), slices.Min(s.writes) == 1 && slices.Max(s.writes) == 1
			}},
		{"refresh (plan): ≤ 1 HTTP request per 15 users", opPlan,
			func(s *sample, sz size) (string, bool) {
				r := slices.Max(s.requests)
				return fmt.Sprintf("%d requests, 1 per %s users", r, perUsers(sz.users, r)), r*15 <= sz.users
			}},
		{"create (apply): ≤ 0.1 HTTP requests per certification", opApply,
			func(s *sample, sz size) (string, bool) {
				r := slices.Max(s.requests)
				return fmt.Sprintf("%.3f", float64(r)/float64(sz.n)), float64(r) <= 0.1*float64(sz.n)
			}},
		{"delete (destroy): ≤ 0.1 HTTP requests per certification", opDestroy,
			func(s *sample, sz size) (string, bool) {
				r := slices.Max(s.requests)
				return fmt.Sprintf("%.3f", float64(r)/float64(sz.n)), float64(r) <= 0.1*float64(sz.n)
			}},
	}
	for _, c := range checks {
		var parts []string
		all, seen := true, false
		for _, lat := range b.opts.latencies {
			for _, sz := range b.opts.sizes {
				s := b.get(lat, sz.n, vSet, c.op)
				if s == nil || len(s.times) == 0 {
					continue
				}
				seen = true
				text, ok := c.value(s, sz)
				ok = ok && done(s)
				all = all && ok
				mark := ""
				if !ok {
					mark = " ✗"
				}
				parts = append(parts, fmt.Sprintf("%s at %s: %s%s%s", sz, lat, text, failedNote(s), mark))
			}
		}
		row(c.target, strings.Join(parts, "; "), all, seen)
	}

	// N = 30,000: every operation completes, and the provider's peak RSS in each, shown
	// beside Terraform's own peak in it and in the floor.
	for _, lat := range b.opts.latencies {
		var failed, peaks []string
		measured, lean := false, true
		for _, op := range ops {
			s := b.get(lat, 30000, vSet, op)
			if s != nil {
				measured = true
			}
			if !done(s) {
				failed = append(failed, op)
			}
			var peak int64
			if s != nil && len(s.rssKB) > 0 {
				peak = slices.Max(s.rssKB)
			}
			mark := ""
			if peak == 0 || peak > rssLimitKB {
				lean, mark = false, " ✗"
			}
			peaks = append(peaks, fmt.Sprintf("%s %s (Terraform %s, floor's Terraform %s)%s",
				op, mib(peak), tfRSSCell(s), tfRSSCell(b.get(lat, 30000, vSetFloor, op)), mark))
		}
		text := "all 4 completed"
		if len(failed) > 0 {
			text = "failed or did not run: " + strings.Join(failed, ", ")
		}
		row(fmt.Sprintf("N = 30,000 at %s: every operation completes", lat), text, measured && len(failed) == 0, measured)
		row(fmt.Sprintf("N = 30,000 at %s: provider peak RSS ≤ 400 MiB in every operation (apply: create, plan: refresh, "+
			"one-entry apply, destroy)", lat), strings.Join(peaks, "; "), lean, measured)
	}
}

// thousands writes n with a comma between thousands, as the targets do: 30,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// millis writes a latency as the targets do: 0 ms, 80 ms.
func millis(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

func failedNote(ss ...*sample) string {
	n := 0
	for _, s := range ss {
		if s != nil {
			n += len(s.failures)
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d run(s) failed)", n)
}

func perUsers(users, requests int) string {
	if requests == 0 {
		return "∞"
	}
	return fmt.Sprintf("%.1f", float64(users)/float64(requests))
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}

func cellSpan(s *sample) string {
	if s == nil {
		return "–"
	}
	out := span(s.times)
	if len(s.failures) > 0 {
		out += fmt.Sprintf(" **%d failed**", len(s.failures))
	}
	return out
}

func ratio(a, b *sample) string {
	if a == nil || b == nil || len(a.times) == 0 || len(b.times) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", float64(median(a.times))/float64(median(b.times)))
}

func requestsCell(s *sample, n int) string {
	if s == nil || len(s.requests) == 0 {
		return "–"
	}
	r := slices.Max(s.requests)
	return fmt.Sprintf("%d (%.3f)", r, float64(r)/float64(n))
}

func itemsCell(s *sample) string {
	if s == nil || len(s.items) == 0 {
		return "–"
	}
	return fmt.Sprintf("%d / %d", slices.Max(s.items), slices.Max(s.writes))
}

func rssCell(s *sample) string {
	if s == nil || len(s.rssKB) == 0 {
		return "–"
	}
	return mib(slices.Max(s.rssKB))
}

// tfRSSCell is Terraform's own peak RSS of each of the samples, the largest over the
// repeats, joined by " / "; a trailing sample that did not run is left out.
func tfRSSCell(ss ...*sample) string {
	for len(ss) > 1 && ss[len(ss)-1] == nil {
		ss = ss[:len(ss)-1]
	}
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = "–"
		if s != nil && len(s.tfRSSKB) > 0 {
			parts[i] = mib(slices.Max(s.tfRSSKB))
		}
	}
	return strings.Join(parts, " / ")
}

func cpuCell(s *sample) string {
	if s == nil || len(s.cpu) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f s", median(s.cpu).Seconds())
}
