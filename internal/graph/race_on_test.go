//go:build race

package graph_test

// raceDetector is true when the tests run under -race, which slows every goroutine
// enough to widen the gap between passing the pacing gate and reaching the wire.
const raceDetector = true
