package tfwire

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// objectDesc is the description of an object type with one string attribute named name.
func objectDesc(name string) []byte { return []byte(`["object",{"` + name + `":"string"}]`) }

// attributeTypes is the identity of an object type's attribute map.
func attributeTypes(t *testing.T, typ tftypes.Type) uintptr {
	t.Helper()
	o, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object", typ)
	}
	return reflect.ValueOf(o.AttributeTypes).Pointer()
}

// A description is parsed once: a second read of the same bytes, in the same call or a
// later one, shares the type.
func TestTypeCacheParsesOnce(t *testing.T) {
	c := newTypeCache(8, 1<<20)
	first, err := c.parse(objectDesc("a"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.parse(objectDesc("a"))
	if err != nil {
		t.Fatal(err)
	}
	if attributeTypes(t, first) != attributeTypes(t, again) {
		t.Error("the same description was parsed twice")
	}
	want, _ := tftypes.ParseJSONType(objectDesc("a")) //nolint:staticcheck // the reference
	if !again.Equal(want) {
		t.Errorf("cached %s, want %s", again, want)
	}
	if entries, _ := c.len(); entries != 1 {
		t.Errorf("%d entries, want 1", entries)
	}
	if _, err := c.parse([]byte(`["nope"]`)); err == nil {
		t.Error("a bad description parsed")
	}
	if entries, _ := c.len(); entries != 1 {
		t.Errorf("%d entries after an error, want 1 (errors are not kept)", entries)
	}
}

// The cache holds at most maxEntries descriptions and maxBytes of them, dropping the least
// recently used; a description above maxBytes is never held.
func TestTypeCacheBounds(t *testing.T) {
	c := newTypeCache(3, 1<<20)
	for _, name := range []string{"a", "b", "c"} {
		if _, err := c.parse(objectDesc(name)); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := c.parse(objectDesc("a")) // a is now the most recently used
	if _, err := c.parse(objectDesc("d")); err != nil {
		t.Fatal(err)
	}
	if entries, _ := c.len(); entries != 3 {
		t.Errorf("%d entries, want 3", entries)
	}
	if _, ok := c.get(objectDesc("b")); ok {
		t.Error("b, the least recently used, is still held")
	}
	if got, ok := c.get(objectDesc("a")); !ok || attributeTypes(t, got) != attributeTypes(t, a) {
		t.Error("a, used since, was dropped")
	}

	size := len(objectDesc("a"))
	c = newTypeCache(100, 2*size)
	for _, name := range []string{"a", "b", "c"} {
		if _, err := c.parse(objectDesc(name)); err != nil {
			t.Fatal(err)
		}
	}
	if entries, bytes := c.len(); entries != 2 || bytes != 2*size {
		t.Errorf("%d entries of %d bytes, want 2 of %d", entries, bytes, 2*size)
	}
	long := objectDesc(strings.Repeat("n", 2*size))
	if _, err := c.parse(long); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.get(long); ok {
		t.Error("a description above the byte bound is held")
	}
	if entries, _ := c.len(); entries != 2 {
		t.Errorf("%d entries, want the 2 held before", entries)
	}
}

// Concurrent reads of values with many descriptions, more than the cache holds, all read
// as tftypes reads them (run with -race).
func TestUnmarshalConcurrent(t *testing.T) {
	var dvs []tfprotov6.DynamicValue
	for i := range 2 * maxCachedTypes {
		v := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{fmt.Sprint("a", i): str}},
			map[string]tftypes.Value{fmt.Sprint("a", i): sv("x")})
		dv, err := tfprotov6.NewDynamicValue(dyn, v)
		if err != nil {
			t.Fatal(err)
		}
		dvs = append(dvs, dv)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range dvs {
				dv := &dvs[(i+g*len(dvs)/4)%len(dvs)]
				want, err := dv.Unmarshal(dyn)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := Unmarshal(dv, dyn)
				if err != nil || !got.Equal(want) {
					t.Errorf("%s, %v; want %s", got, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
	if entries, bytes := types.len(); entries > maxCachedTypes || bytes > maxCachedBytes {
		t.Errorf("the cache holds %d descriptions of %d bytes, above its bounds", entries, bytes)
	}
}
