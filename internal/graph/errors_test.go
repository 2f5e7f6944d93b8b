package graph

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func recorded(status int, requestID, clientID, body string, attempts int) *exchange {
	return &exchange{status: status, requestID: requestID, clientID: clientID, body: []byte(body), attempts: attempts}
}

func TestNewError(t *testing.T) {
	sdkErr := errors.New("the SDK's own error")
	longHTML := "<html><body>" + strings.Repeat("upstream proxy failure ", 40) + "</body></html>"
	tests := []struct {
		name  string
		ex    *exchange
		cause error
		want  Error
	}{
		{
			name: "full envelope; headers win over innerError",
			ex: recorded(403, "hdr-req", "hdr-client",
				`{"error":{"code":"ErrorAccessDeniedForRole","message":"Access denied.",
				  "innerError":{"date":"2024-05-01T10:00:00","request-id":"body-req","client-request-id":"body-client"}}}`, 1),
			cause: sdkErr,
			want: Error{Op: "create", Status: 403, Code: "ErrorAccessDeniedForRole", Message: "Access denied.",
				RequestID: "hdr-req", ClientRequestID: "hdr-client", Attempts: 1},
		},
		{
			name: "innerError ids used when headers are missing",
			ex: recorded(404, "", "",
				`{"error":{"code":"itemNotFound","message":"gone","innerError":{"request-id":"body-req","client-request-id":"body-client"}}}`, 1),
			want: Error{Op: "create", Status: 404, Code: "itemNotFound", Message: "gone",
				RequestID: "body-req", ClientRequestID: "body-client", Attempts: 1},
		},
		{
			name: "envelope without message does not panic",
			ex:   recorded(404, "r", "c", `{"error":{"code":"UnknownError"}}`, 1),
			want: Error{Op: "create", Status: 404, Code: "UnknownError", RequestID: "r", ClientRequestID: "c", Attempts: 1},
		},
		{
			name: "empty message and fractional zoneless date",
			ex: recorded(400, "r", "", `{"error":{"code":"UnknownError","message":"",
				"innerError":{"date":"2022-12-22T08:00:18.123"}}}`, 1),
			want: Error{Op: "create", Status: 400, Code: "UnknownError", RequestID: "r", Attempts: 1},
		},
		{
			name: "non-JSON body is kept as text",
			ex:   recorded(502, "r", "c", "  Bad Gateway from proxy\n", 1),
			want: Error{Op: "create", Status: 502, Message: "Bad Gateway from proxy", RequestID: "r", ClientRequestID: "c", Attempts: 1},
		},
		{
			name: "long non-JSON body is truncated",
			ex:   recorded(502, "r", "", longHTML, 1),
			want: Error{Op: "create", Status: 502, Message: longHTML[:300] + "…", RequestID: "r", Attempts: 1},
		},
		{
			name: "empty error body",
			ex:   recorded(500, "r", "", "", 3),
			want: Error{Op: "create", Status: 500, RequestID: "r", Attempts: 3},
		},
		{
			name:  "no answer: the cause is kept and status is 0",
			ex:    recorded(0, "", "", "", 0),
			cause: sdkErr,
			want:  Error{Op: "create", Status: 0, Err: sdkErr},
		},
		{
			name:  "a 2xx answer the SDK failed on is not a Graph error",
			ex:    recorded(201, "r", "c", "", 1),
			cause: sdkErr,
			want:  Error{Op: "create", Status: 0, RequestID: "r", ClientRequestID: "c", Attempts: 1, Err: sdkErr},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newError("create", tt.ex, tt.cause)
			if *got != tt.want {
				t.Errorf("newError =\n %#v\nwant\n %#v", *got, tt.want)
			}
			_ = got.Error() // must not panic on any of these
		})
	}
}

func TestNewError_truncationKeepsUTF8(t *testing.T) {
	// 299 ASCII bytes then a two-byte rune: a byte cut at 300 would split it.
	body := strings.Repeat("a", 299) + strings.Repeat("é", 50)
	got := newError("read", recorded(502, "", "", body, 1), nil)
	if !utf8.ValidString(got.Message) {
		t.Fatalf("message is not valid UTF-8: %q", got.Message)
	}
	if want := strings.Repeat("a", 299) + "…"; got.Message != want {
		t.Errorf("message = %q, want %q", got.Message, want)
	}
	// Invalid bytes in a non-JSON body are replaced, not passed on to protobuf.
	got = newError("read", recorded(502, "", "", "caf\xe9 au lait", 1), nil)
	if !utf8.ValidString(got.Message) || !strings.Contains(got.Message, "au lait") {
		t.Errorf("message = %q, want valid UTF-8 keeping the text", got.Message)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want []string
		not  []string
	}{
		{
			name: "graph answer",
			err:  &Error{Status: 403, Code: "ErrorAccessDeniedForRole", Message: "denied", RequestID: "r1", ClientRequestID: "c1", Attempts: 1},
			want: []string{"Graph answered 403 Forbidden", "(ErrorAccessDeniedForRole)", ": denied", "[request-id: r1, client-request-id: c1]"},
			not:  []string{"attempts"},
		},
		{
			name: "retried",
			err:  &Error{Status: 429, Code: "TooManyRequests", RequestID: "r1", Attempts: 4},
			want: []string{"429 Too Many Requests", "[request-id: r1]", "after 4 attempts"},
		},
		{
			name: "no code, no message",
			err:  &Error{Status: 404},
			want: []string{"Graph answered 404 Not Found"},
			not:  []string{"()", "request-id", ": "},
		},
		{
			name: "transport",
			err:  &Error{Err: errors.New("connection refused")},
			want: []string{"calling Graph: connection refused"},
			not:  []string{"answered"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.err.Error()
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("%q does not contain %q", s, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(s, n) {
					t.Errorf("%q contains %q", s, n)
				}
			}
		})
	}
}

func TestIsNotFoundAndStatusOf(t *testing.T) {
	cause := errors.New("cause")
	tests := []struct {
		name     string
		err      error
		notFound bool
		status   int
	}{
		{"nil", nil, false, 0},
		{"plain error", errors.New("x"), false, 0},
		{"404", &Error{Status: 404}, true, 404},
		{"403", &Error{Status: 403}, false, 403},
		{"wrapped 404", fmt.Errorf("reading: %w", &Error{Status: 404}), true, 404},
		{"twice wrapped 429", fmt.Errorf("a: %w", fmt.Errorf("b: %w", &Error{Status: 429})), false, 429},
		{"joined", errors.Join(cause, &Error{Status: 404}), true, 404},
		{"transport", &Error{Err: cause}, false, 0},
		{"decode error", &DecodeError{ID: "x", Err: cause}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsNotFound(tt.err); got != tt.notFound {
				t.Errorf("IsNotFound = %v, want %v", got, tt.notFound)
			}
			if got := StatusOf(tt.err); got != tt.status {
				t.Errorf("StatusOf = %d, want %d", got, tt.status)
			}
		})
	}
}

func TestErrorUnwrap(t *testing.T) {
	cause := errors.New("cause")
	if !errors.Is(&Error{Err: cause}, cause) {
		t.Error("errors.Is does not reach the cause of an Error")
	}
	if !errors.Is(&DecodeError{Err: cause}, cause) {
		t.Error("errors.Is does not reach the cause of a DecodeError")
	}
}
