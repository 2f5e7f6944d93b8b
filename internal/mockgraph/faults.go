package mockgraph

import (
	"fmt"
	"net/http"
)

// Fault is a canned error answer for matching certification requests. It
// is given before any state is read or changed, so a faulted POST never
// creates anything (a retried POST must not make a duplicate).
type Fault struct {
	Op         string // "list", "create", "get", "update", "delete" or "" = any certification request (batched or not); "batch" = a whole POST /beta/$batch
	Status     int    // e.g. 429, 503, 403, 400, 404, 500; 0 means 500
	Code       string // Graph error code; "" = default for Status
	Message    string // "" = default for Status, unless Code is given (then "" is sent as is)
	RetryAfter string // Retry-After header value; "" = none, except 429 defaults to "0"
	Times      int    // how many matching requests get this answer; 0 means 1
}

// Inject queues a fault. Faults are matched in the order injected; each
// matching request uses up one of its Times. An unknown Op panics, because
// a typo there would silently never fire.
func (s *Server) Inject(f Fault) {
	switch f.Op {
	case "", opList, opCreate, opGet, opUpdate, opDelete, opBatch, opUser:
	default:
		panic(fmt.Sprintf("mockgraph: unknown Fault.Op %q", f.Op))
	}
	if f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	if f.Times <= 0 {
		f.Times = 1
	}
	if f.Code == "" {
		code, msg := defaultCodeMessage(f.Status)
		f.Code = code
		if f.Message == "" {
			f.Message = msg
		}
	}
	if f.RetryAfter == "" && f.Status == http.StatusTooManyRequests {
		f.RetryAfter = "0" // keeps SDK retries instant in tests
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// takeFault returns the answer of the first live fault matching op and
// uses it up, or nil. Op "" matches every certification request, including
// each sub-request of a batch, but not the batch itself.
func (s *Server) takeFault(op string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !opMatches(f.Op, op) {
			continue
		}
		f.Times--
		if f.Times == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return &apiError{status: f.Status, code: f.Code, message: f.Message, retryAfter: f.RetryAfter}
	}
	return nil
}

// opMatches reports whether a fault aimed at want ("" = any certification
// request) fits a request of op. A whole batch is only hit when named.
func opMatches(want, op string) bool {
	if want == "" {
		return op != opBatch
	}
	return want == op
}
