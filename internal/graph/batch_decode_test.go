package graph

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

const decodeAnswer = `{"responses":[{"id":"1","status":201,"headers":{"Content-Type":"application/json"},"body":{"id":"a"}},` +
	`{"id":"2","status":404,"body":{"error":{"code":"NotFound","message":"gone"}}}]}`

// The wire's decoding of a batch answer is what the caller reads for the same bytes: the
// answer is parsed once, and reads the same as batchResponses.
func TestBatchDecodeHandsTheAnswerOn(t *testing.T) {
	ctx, d := withBatchDecode(context.Background())
	atWire, ok := decodeBatchAnswer(ctx, []byte(decodeAnswer))
	if !ok || len(atWire) != 2 {
		t.Fatalf("decodeBatchAnswer = %d responses, %v; want 2, true", len(atWire), ok)
	}
	got, ok := d.read([]byte(decodeAnswer)) // the caller's own copy of the bytes
	if !ok || len(got) != 2 || &got[0] != &atWire[0] {
		t.Errorf("read gave %d responses (ok %v), not the wire's decoding", len(got), ok)
	}
	want, _ := batchResponses([]byte(decodeAnswer))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read = %+v, want %+v", got, want)
	}

	// Other bytes (an answer altered on its way up) are decoded afresh.
	other := strings.Replace(decodeAnswer, `"status":404`, `"status":409`, 1)
	got, ok = d.read([]byte(other))
	if !ok || got[1].Status != http.StatusConflict {
		t.Errorf("read of other bytes = %+v, %v; want them decoded (409)", got, ok)
	}
}

// An answer the caller cannot read is not kept, and reads as unreadable.
func TestBatchDecodeUnreadable(t *testing.T) {
	for _, raw := range []string{`{"responses":[]}`, `{"respon`, `{"responses":[{"id":1,"status":200}]}`} {
		ctx, d := withBatchDecode(context.Background())
		if _, ok := decodeBatchAnswer(ctx, []byte(raw)); ok {
			t.Errorf("%s: decodeBatchAnswer ok", raw)
		}
		if d.responses != nil {
			t.Errorf("%s: kept %+v", raw, d.responses)
		}
		if got, ok := d.read([]byte(raw)); ok {
			t.Errorf("%s: read = %+v, ok", raw, got)
		}
	}
	if _, ok := decodeBatchAnswer(context.Background(), []byte(decodeAnswer)); !ok {
		t.Error("decodeBatchAnswer without a caller waiting for it failed")
	}
}
