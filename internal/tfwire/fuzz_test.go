package tfwire

import (
	"encoding/binary"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// fuzzTypes are the types arbitrary bytes are read as.
var fuzzTypes = []tftypes.Type{
	dyn, str, num, boo, strs,
	tftypes.Set{ElementType: num},
	tftypes.List{ElementType: dyn},
	tftypes.Set{ElementType: dyn},
	tftypes.Map{ElementType: dyn},
	tftypes.Map{ElementType: entryType},
	tftypes.Tuple{ElementTypes: []tftypes.Type{str, num, dyn}},
	tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": str, "b": tftypes.List{ElementType: dyn}, "c": dyn}},
	bulkType,
}

// declaresTooMuch reports a 32-bit length (str, bin, ext, array, map) larger than the
// input: tftypes allocates the declared length before reading, which for an array of 4
// billion values exhausts memory and stops the fuzzer instead of finding a difference.
func declaresTooMuch(data []byte) bool {
	for i, c := range data {
		switch c {
		case 0xc6, 0xc9, 0xdb, 0xdd, 0xdf: // bin32, ext32, str32, array32, map32
			if i+5 <= len(data) && binary.BigEndian.Uint32(data[i+1:]) > uint32(len(data)) {
				return true
			}
		}
	}
	return false
}

// FuzzUnmarshal reads arbitrary bytes as one of fuzzTypes with both Unmarshal and
// DynamicValue.Unmarshal: both fail alike, both panic alike, or both read equal values.
func FuzzUnmarshal(f *testing.F) {
	for _, v := range values(f) {
		for i, typ := range fuzzTypes {
			if !typ.Is(dyn) && !typ.Equal(v.Type()) {
				continue
			}
			dv, err := tfprotov6.NewDynamicValue(typ, v)
			if err != nil {
				continue // a dynamic type's value cannot be sent as dynamic
			}
			if len(dv.MsgPack) <= 4<<10 {
				f.Add(dv.MsgPack, uint8(i))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		if declaresTooMuch(data) {
			t.Skip("declares a length beyond the input")
		}
		compare(t, data, fuzzTypes[int(sel)%len(fuzzTypes)])
	})
}
