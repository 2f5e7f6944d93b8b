//go:build !linux

package graph_test

func cpuTime() (int64, bool) { return 0, false }
