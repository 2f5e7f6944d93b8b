package tfwire

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// BenchmarkUnmarshal reads graph_person_certifications' value at 10,000 entries (keys
// "user/AZ-xxx", 14 attributes each, as a configuration writes them, and the entries Graph
// set), as certifications_server.go's unmarshal does for the configuration, plan and state
// of each call: with DynamicValue.Unmarshal, with Unmarshal once its cache holds the type
// description (every read after a process's first), and with Unmarshal and an empty cache.
func BenchmarkUnmarshal(b *testing.B) {
	v := bulk(certsObject(10000, false), true)
	dv, err := tfprotov6.NewDynamicValue(bulkType, v)
	if err != nil {
		b.Fatal(err)
	}
	want, err := dv.Unmarshal(bulkType)
	if err != nil || !want.Equal(v) {
		b.Fatalf("the value does not read back: %v", err)
	}
	b.Logf("%d bytes of msgpack", len(dv.MsgPack))
	check := func(b *testing.B, got tftypes.Value, err error) {
		if err != nil || !got.Type().Equal(bulkType) {
			b.Fatalf("%s, %v", got.Type(), err)
		}
	}
	b.Run("tfprotov6", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			got, err := dv.Unmarshal(bulkType)
			check(b, got, err)
		}
	})
	b.Run("tfwire", func(b *testing.B) {
		got, err := Unmarshal(&dv, bulkType) // as an earlier call of the process did
		check(b, got, err)
		defer reportCPU(b)()
		for b.Loop() {
			got, err := Unmarshal(&dv, bulkType)
			check(b, got, err)
		}
	})
	b.Run("tfwire-uncached", func(b *testing.B) {
		defer func(kept *typeCache) { types = kept }(types)
		defer reportCPU(b)()
		for b.Loop() {
			types = newTypeCache(maxCachedTypes, maxCachedBytes)
			got, err := Unmarshal(&dv, bulkType)
			check(b, got, err)
		}
	})
}

// reportCPU reports allocations, and the process's CPU time per op (GC included) as
// cpu-ns/op, from now until the returned function is called.
func reportCPU(b *testing.B) func() {
	b.ReportAllocs()
	start, ok := cpuTime()
	return func() {
		if end, ok2 := cpuTime(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
