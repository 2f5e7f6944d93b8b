package personcertification

import "testing"

// as returns v as a T, failing the test when it is not one: a failed type assertion would
// panic instead, and a panic ends every test of the package, not just this one.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok {
		t.Fatalf("%T (%v) is not a %T", v, v, x)
	}
	return x
}
