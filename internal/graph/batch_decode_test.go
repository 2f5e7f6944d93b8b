package graph

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

const decodeAnswer = `{"responses":[{"id":"1","status":201,"headers":{"Content-Type":"application/json"},"body":{"id":"a"}},` +
	`{"id":"2","status":404,"body":{"error":{"code":"NotFound","message":"gone"}}}]}`

// The wire's decoding of a batch answer is what the caller reads for the same bytes: the
// answer is parsed once, and reads the same as batchResponses.
func TestBatchDecodeHandsTheAnswerOn(t *testing.T) {
	ctx, d := withBatchDecode(t.Context())
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
		ctx, d := withBatchDecode(t.Context())
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
	if _, ok := decodeBatchAnswer(t.Context(), []byte(decodeAnswer)); !ok {
		t.Error("decodeBatchAnswer without a caller waiting for it failed")
	}
}

// The pacer counts the 429s of a batch answer it decodes for its caller, and still those
// of an answer the caller cannot read (ids that are not strings), as before.
func TestPacerBatchItemsCounts(t *testing.T) {
	for _, tc := range []struct {
		name, raw          string
		throttled, answers int
		kept               bool
	}{
		{name: "readable", raw: `{"responses":[{"id":"1","status":201,"body":{"id":"a"}},` +
			`{"id":"2","status":429,"headers":{"retry-after":"30"}}]}`, throttled: 1, answers: 2, kept: true},
		{name: "no 429", raw: decodeAnswer, answers: 2, kept: true},
		{name: "numeric ids", raw: `{"responses":[{"id":1,"status":429,"headers":{"Retry-After":"30"}},{"id":2,"status":200}]}`,
			throttled: 1, answers: 2},
		{name: "not json", raw: `<html>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPacer(time.Minute)
			ctx, d := withBatchDecode(t.Context())
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://graph.example/beta/$batch", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp := &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader(tc.raw))}
			throttled, answers := p.batchItems(req, resp)
			defer resp.Body.Close()
			if throttled != tc.throttled || answers != tc.answers {
				t.Errorf("batchItems = %d throttled, %d answers; want %d, %d", throttled, answers, tc.throttled, tc.answers)
			}
			if shut := p.holdLeft() > 0; shut != (tc.throttled > 0) {
				t.Errorf("gate shut = %v, want %v", shut, tc.throttled > 0)
			}
			if kept := d.responses != nil; kept != tc.kept {
				t.Errorf("decoding kept for the caller = %v, want %v", kept, tc.kept)
			}
			if body, _ := io.ReadAll(resp.Body); string(body) != tc.raw {
				t.Errorf("the caller reads %q, want the answer unchanged", body)
			}
		})
	}
}
