package tfwire

import "syscall"

// cpuTime is the process's CPU time (user and system) so far, in nanoseconds: a
// benchmark's cost on a machine other work shares, where ns/op (wall time) is not.
func cpuTime() (int64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
