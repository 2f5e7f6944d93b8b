package tfwire

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// outcome is what one unmarshal gave: a value, an error, or a panic.
type outcome struct {
	val      tftypes.Value
	err      error
	panicked bool
	panicMsg string
}

func run(fn func() (tftypes.Value, error)) (o outcome) {
	defer func() {
		if r := recover(); r != nil {
			o = outcome{panicked: true, panicMsg: fmt.Sprint(r)}
		}
	}()
	o.val, o.err = fn()
	return o
}

func panicKind(msg string) string {
	kind, _, _ := strings.Cut(msg, `"`)
	return kind
}

// compare fails unless Unmarshal gives what DynamicValue.Unmarshal gives for data read as
// typ: equal values (Equal, and no Diff), or the same error at the same path, or a panic
// with the same message. It returns which of these it was: "value", "error" or "panic".
func compare(t testing.TB, data []byte, typ tftypes.Type) string {
	t.Helper()
	dv := &tfprotov6.DynamicValue{MsgPack: data}
	want := run(func() (tftypes.Value, error) { return dv.Unmarshal(typ) })
	got := run(func() (tftypes.Value, error) { return Unmarshal(dv, typ) })
	switch {
	case want.panicked || got.panicked:
		// A panic message may name one of several attributes missing from an object,
		// whichever tftypes' map iteration meets first: compared up to the first name.
		if want.panicked != got.panicked || panicKind(want.panicMsg) != panicKind(got.panicMsg) {
			t.Errorf("%x as %s: panic %v %q, tftypes: panic %v %q", data, typ, got.panicked, got.panicMsg, want.panicked, want.panicMsg)
		}
		return "panic"
	case want.err != nil || got.err != nil:
		if want.err == nil || got.err == nil || want.err.Error() != got.err.Error() {
			t.Errorf("%x as %s: error %v, tftypes: %v", data, typ, got.err, want.err)
			return "error"
		}
		var wantPath, gotPath tftypes.AttributePathError
		if errors.As(want.err, &wantPath) != errors.As(got.err, &gotPath) || !wantPath.Equal(gotPath) {
			t.Errorf("%x as %s: error %#v, tftypes: %#v", data, typ, got.err, want.err)
		}
		return "error"
	}
	if !got.val.Equal(want.val) {
		t.Errorf("%x as %s: %s, tftypes: %s", data, typ, got.val, want.val)
		return "value"
	}
	if !got.val.Type().Equal(want.val.Type()) {
		t.Errorf("%x as %s: type %s, tftypes: %s", data, typ, got.val.Type(), want.val.Type())
	}
	diffs, err := want.val.Diff(got.val)
	if err != nil || len(diffs) != 0 {
		t.Errorf("%x as %s: %d diffs (%v) from tftypes' %s", data, typ, len(diffs), err, want.val)
	}
	if g, w := numbers(t, got.val), numbers(t, want.val); !slices.Equal(g, w) {
		t.Errorf("%x as %s: numbers %v, tftypes: %v", data, typ, g, w)
	}
	return "value"
}

// numbers lists v's known numbers with their paths, exactly: precision and bits, which
// Equal does not compare.
func numbers(t testing.TB, v tftypes.Value) []string {
	t.Helper()
	var out []string
	err := tftypes.Walk(v, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		if v.Type().Is(tftypes.Number) && v.IsKnown() && !v.IsNull() {
			var f big.Float
			if err := v.As(&f); err != nil {
				return false, err
			}
			out = append(out, fmt.Sprintf("%s=%d:%s", p, f.Prec(), f.Text('p', 0)))
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
