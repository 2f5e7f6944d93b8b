//go:build !linux

package tfwire

func cpuTime() (int64, bool) { return 0, false }
