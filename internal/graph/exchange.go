package graph

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	khttp "github.com/microsoft/kiota-http-go"
)

// exchange remembers the last HTTP answer of one logical call. Errors are built from it
// rather than from the SDK's ODataError, whose Error() panics when Graph omits
// error.message and which is lost entirely when innerError.date fails to parse.
type exchange struct {
	mu        sync.Mutex
	status    int
	requestID string
	clientID  string
	body      []byte // kept only for error answers, bounded
	attempts  int
}

type exchangeKey struct{}

func withExchange(ctx context.Context) (context.Context, *exchange) {
	ex := &exchange{}
	return context.WithValue(ctx, exchangeKey{}, ex), ex
}

func (ex *exchange) snapshot() (status int, requestID, clientID string, body []byte, attempts int) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	return ex.status, ex.requestID, ex.clientID, ex.body, ex.attempts
}

// exchangeRecorder is the innermost middleware: it sees every attempt, logs one line per
// attempt (no bodies, no headers beyond ids), and records error bodies for the caller.
type exchangeRecorder struct{}

func newExchangeRecorder() exchangeRecorder { return exchangeRecorder{} }

const maxErrorBody = 64 << 10

func (exchangeRecorder) Intercept(pipeline khttp.Pipeline, idx int, req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	start := time.Now()
	resp, err := pipeline.Next(req, idx)
	ex, _ := ctx.Value(exchangeKey{}).(*exchange)
	fields := map[string]interface{}{
		"method":      req.Method,
		"path":        req.URL.Path,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
		tflog.Debug(ctx, "graph request failed", fields)
		if ex != nil {
			// No answer this time: an earlier attempt's status must not explain this failure.
			ex.mu.Lock()
			ex.attempts++
			ex.status, ex.requestID, ex.body = 0, "", nil
			ex.mu.Unlock()
		}
		return nil, err
	}
	fields["status"] = resp.StatusCode
	fields["request_id"] = resp.Header.Get("request-id")
	tflog.Debug(ctx, "graph request", fields)
	if ex != nil {
		ex.mu.Lock()
		ex.attempts++
		ex.status = resp.StatusCode
		ex.requestID = resp.Header.Get("request-id")
		ex.clientID = cmp.Or(resp.Header.Get("client-request-id"), req.Header.Get("client-request-id"))
		ex.body = nil
		if resp.StatusCode >= 400 && resp.Body != nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
			_ = resp.Body.Close()
			ex.body = b
			resp.Body = io.NopCloser(bytes.NewReader(b))
		}
		ex.mu.Unlock()
	}
	return resp, nil
}

var _ khttp.Middleware = exchangeRecorder{}
