package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssWatch samples /proc for processes running one executable (the plugin; "" for none)
// and for the terraform process it follows, and keeps the largest VmHWM (the kernel's peak
// resident set of a process) seen of each.
type rssWatch struct {
	exe    string
	done   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	peak   int64
	cpu    map[string]int64 // pid -> utime+stime in clock ticks, as last sampled
	tfPID  string           // the terraform process, once started
	tfPeak int64
	// tfMaxRSS is wait4's ru_maxrss of the terraform process in KiB: the larger of its
	// own peak and those of the children it waited for (its plugins).
	tfMaxRSS int64
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

// follow makes the watch sample the terraform process pid too.
func (w *rssWatch) follow(pid int) {
	w.mu.Lock()
	w.tfPID = strconv.Itoa(pid)
	w.mu.Unlock()
	w.sampleTerraform()
}

// exited records the terraform process's ru_maxrss in KiB, once it has been waited for.
func (w *rssWatch) exited(maxRSS int64) {
	w.mu.Lock()
	w.tfMaxRSS = maxRSS
	w.mu.Unlock()
}

func (w *rssWatch) sample() {
	w.sampleTerraform()
	if w.exe == "" {
		return
	}
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
		if kb, ok := vmHWM(e.Name()); ok {
			w.mu.Lock()
			w.peak = max(w.peak, kb)
			w.mu.Unlock()
		}
	}
}

func (w *rssWatch) sampleTerraform() {
	w.mu.Lock()
	pid := w.tfPID
	w.mu.Unlock()
	if pid == "" {
		return
	}
	if kb, ok := vmHWM(pid); ok {
		w.mu.Lock()
		w.tfPeak = max(w.tfPeak, kb)
		w.mu.Unlock()
	}
}

// vmHWM reads VmHWM of /proc/<pid>/status in KiB; false once the process has exited (a
// zombie has no memory left to report).
func vmHWM(pid string) (int64, bool) {
	raw, err := os.ReadFile(filepath.Join("/proc", pid, "status"))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}

// peaks is what a watch measured over one terraform command.
type peaks struct {
	provider  int64         // peak VmHWM of the plugin processes, KiB (0: none seen)
	cpu       time.Duration // user + system time of the plugin processes
	terraform int64         // peak resident set of the terraform process, KiB
}

// stop ends the watch and returns the peaks: the plugin's VmHWM and the CPU time its
// processes used (user + system, summed over every process of the executable, as last
// sampled), and Terraform's own peak. Terraform's is its sampled VmHWM; when no plugin
// ran, wait4's ru_maxrss is Terraform's alone and exact (no rise in the last sampling
// interval is missed), so the larger of the two is taken.
func (w *rssWatch) stop() peaks {
	close(w.done)
	w.wg.Wait()
	var ticks int64
	for _, t := range w.cpu {
		ticks += t
	}
	p := peaks{provider: w.peak, cpu: time.Duration(ticks) * time.Second / clockTicks, terraform: w.tfPeak}
	if w.exe == "" {
		p.terraform = max(p.terraform, w.tfMaxRSS)
	}
	return p
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

func mib(kb int64) string {
	if kb == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
}
