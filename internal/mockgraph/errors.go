package mockgraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// apiError is one Graph error answer. It is also the error Seed and Mutate
// return, so tests see the same code and message a client would.
type apiError struct {
	status     int
	code       string
	message    string
	retryAfter string // Retry-After header value; "" = none
	allow      string // Allow header of a 405
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message)
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "BadRequest", message: fmt.Sprintf(format, args...)}
}

func itemNotFound(id string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "itemNotFound",
		message: fmt.Sprintf("The requested resource '%s' does not exist.", id)}
}

func userNotFound(user string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "Request_ResourceNotFound",
		message: fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", user)}
}

func segmentNotFound(seg string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "BadRequest",
		message: fmt.Sprintf("Resource not found for the segment '%s'.", seg)}
}

// Messages and codes for faults whose Code/Message were left empty.
const accessDeniedMessage = "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ProfileAccessDeniedException' was thrown."

func defaultCodeMessage(status int) (code, message string) {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests", "Too many requests. Retry after the interval given in the Retry-After header."
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable", "The service is temporarily unavailable. Please retry later."
	case http.StatusForbidden:
		return "ErrorAccessDeniedForRole", accessDeniedMessage
	case http.StatusBadRequest:
		return "BadRequest", "The request is invalid."
	case http.StatusNotFound:
		return "itemNotFound", "The requested resource does not exist."
	default:
		return "UnknownError", "An unexpected error occurred."
	}
}

// envelope mirrors Graph's error body. Message has no omitempty: the Go SDK
// panics in ODataError.Error() when "message" is missing.
type envelope struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			Date            string `json:"date"`
			RequestID       string `json:"request-id"`
			ClientRequestID string `json:"client-request-id"`
		} `json:"innerError"`
	} `json:"error"`
}

// writeError sends the full envelope. request-id and client-request-id were
// already set on the response headers by the handler; the body repeats them.
func writeError(w http.ResponseWriter, e *apiError) {
	var env envelope
	env.Error.Code = e.code
	env.Error.Message = e.message
	// No zone and no fraction: a fraction without a zone breaks the Go SDK.
	env.Error.InnerError.Date = time.Now().UTC().Format("2006-01-02T15:04:05")
	env.Error.InnerError.RequestID = w.Header().Get("request-id")
	env.Error.InnerError.ClientRequestID = w.Header().Get("client-request-id")
	if e.retryAfter != "" {
		w.Header().Set("Retry-After", e.retryAfter)
	}
	if e.allow != "" {
		w.Header().Set("Allow", e.allow)
	}
	writeJSON(w, e.status, env)
}

// writeJSON always labels the body application/json; net/http would
// otherwise sniff text/plain, which the SDK rejects.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep '&' in nextLink readable
	if err := enc.Encode(v); err != nil {
		// Only our own maps are encoded; failing here is a bug in the mock.
		panic(fmt.Sprintf("mockgraph: encoding response: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
