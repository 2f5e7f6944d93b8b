package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Error is a failed Graph call: what was attempted and what Graph said.
type Error struct {
	Op              string // "create", "read", "update", "delete", "list"
	Status          int    // HTTP status; 0 when no answer arrived
	Code            string // Graph error code, e.g. ErrorAccessDeniedForRole
	Message         string // Graph's message, possibly empty
	RequestID       string
	ClientRequestID string
	Attempts        int
	Err             error // transport or decoding cause, when there is one
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Status > 0 {
		fmt.Fprintf(&b, "Graph answered %d %s", e.Status, http.StatusText(e.Status))
		if e.Code != "" {
			fmt.Fprintf(&b, " (%s)", e.Code)
		}
		if e.Message != "" {
			fmt.Fprintf(&b, ": %s", e.Message)
		}
	} else if e.Err != nil {
		fmt.Fprintf(&b, "calling Graph: %v", e.Err)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request-id: %s", e.RequestID)
		if e.ClientRequestID != "" {
			fmt.Fprintf(&b, ", client-request-id: %s", e.ClientRequestID)
		}
		b.WriteString("]")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Status > 0 && e.Err != nil {
		fmt.Fprintf(&b, "; then %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// IsNotFound reports whether err is a Graph 404.
func IsNotFound(err error) bool {
	var ge *Error
	return errors.As(err, &ge) && ge.Status == http.StatusNotFound
}

// StatusOf returns the HTTP status of a Graph error, or 0.
func StatusOf(err error) int {
	var ge *Error
	if errors.As(err, &ge) {
		return ge.Status
	}
	return 0
}

// newError builds an Error from the recorded exchange. The SDK's own error value is kept
// only as the cause when no HTTP answer explains the failure.
func newError(op string, ex *exchange, cause error) *Error {
	status, reqID, clientID, body, attempts := ex.snapshot()
	var te *ThrottledError
	if status < 400 && errors.As(cause, &te) {
		// Nothing was sent, because of a 429 another request drew: a throttling error.
		return &Error{Op: op, Status: http.StatusTooManyRequests, Code: "TooManyRequests", Message: te.Error(), Attempts: attempts}
	}
	if status < 400 {
		return &Error{Op: op, RequestID: reqID, ClientRequestID: clientID, Attempts: attempts, Err: cause}
	}
	e := errorFromAnswer(op, status, reqID, clientID, body, attempts)
	if errors.Is(cause, context.DeadlineExceeded) || errors.Is(cause, context.Canceled) {
		// Graph's last answer explains the failure; the cause says why no retry followed.
		e.Err = cause
	}
	return e
}

// errorFromAnswer reads Graph's error envelope from an error answer's body, whether the
// answer came alone or as an item of a batch.
func errorFromAnswer(op string, status int, reqID, clientID string, body []byte, attempts int) *Error {
	e := &Error{Op: op, Status: status, RequestID: reqID, ClientRequestID: clientID, Attempts: attempts}
	var env struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError struct {
				RequestID       string `json:"request-id"`
				ClientRequestID string `json:"client-request-id"`
			} `json:"innerError"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil {
		e.Code = env.Error.Code
		e.Message = env.Error.Message
		e.RequestID = cmp.Or(e.RequestID, env.Error.InnerError.RequestID)
		e.ClientRequestID = cmp.Or(e.ClientRequestID, env.Error.InnerError.ClientRequestID)
	} else if len(body) > 0 {
		// Diagnostics travel over protobuf, which refuses invalid UTF-8 in strings.
		e.Message = Truncate(strings.ToValidUTF8(strings.TrimSpace(string(body)), "\uFFFD"), 300)
	}
	return e
}

// Truncate cuts s to at most n bytes without splitting a UTF-8 sequence, marking the cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
