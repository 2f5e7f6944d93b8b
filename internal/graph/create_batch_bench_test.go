package graph_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

// cannedBatches answers every POST /$batch of creates with 201 for each item, from answers
// built once per batch size, so that a benchmark measures the client and not a server.
type cannedBatches struct {
	answers [21][]byte // by number of items
	batches atomic.Int64
}

// createdBody is a certification as Graph answers a create, about the size of a real one.
const createdBody = `{"@odata.context":"https://graph.microsoft.com/beta/$metadata#users('cccc0000-0000-4000-8000-000000000001')/profile/certifications/$entity",` +
	`"id":"%s","allowedAudiences":"organization","inference":null,"isSearchable":true,` +
	`"createdDateTime":"2025-01-02T03:04:05.0000000Z","lastModifiedDateTime":"2025-01-02T03:04:05.0000000Z",` +
	`"source":{"type":["user"]},"createdBy":{"device":null,"user":{"displayName":"Megan Bowen","id":"cccc0000-0000-4000-8000-000000000001"},"application":null},` +
	`"lastModifiedBy":{"device":null,"user":{"displayName":"Megan Bowen","id":"cccc0000-0000-4000-8000-000000000001"},"application":null},` +
	`"certificationId":"AZ-%03d","description":"Designing and implementing Microsoft Azure networking solutions","displayName":"Azure Network Engineer Associate %d",` +
	`"endDate":"2027-01-01","issuedDate":"2025-01-01","issuingAuthority":"Microsoft","issuingCompany":"Microsoft","startDate":"2025-01-01",` +
	`"thumbnailUrl":null,"webUrl":"https://learn.microsoft.com/credentials/certifications/azure-network-engineer-associate/"}`

func newCannedBatches() *cannedBatches {
	cb := &cannedBatches{}
	for n := 1; n <= 20; n++ {
		var b strings.Builder
		b.WriteString(`{"responses":[`)
		for i := 1; i <= n; i++ {
			if i > 1 {
				b.WriteByte(',')
			}
			id := fmt.Sprintf("0c1e0000-0000-4000-8000-%012d", i)
			fmt.Fprintf(&b, `{"id":"%d","status":201,"headers":{"Location":"https://graph.microsoft.com/beta/users/x/profile/certifications/%s",`+
				`"Cache-Control":"no-cache","OData-Version":"4.0","Content-Type":"application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"},`+
				`"body":`+createdBody+`}`, i, id, id, i, i)
		}
		b.WriteString(`]}`)
		cb.answers[n] = []byte(b.String())
	}
	return cb
}

func (cb *cannedBatches) RoundTrip(req *http.Request) (*http.Response, error) {
	var in []byte
	if req.Body != nil {
		in, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	if req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/$batch") {
		return nil, fmt.Errorf("unexpected %s %s", req.Method, req.URL.Path)
	}
	n := bytes.Count(in, []byte(`"method":"POST"`))
	if n < 1 || n > 20 {
		return nil, fmt.Errorf("a batch of %d items", n)
	}
	cb.batches.Add(1)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("request-id", "0e0e0000-0000-4000-8000-000000000000")
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: h, Request: req,
		Body: io.NopCloser(bytes.NewReader(cb.answers[n])), ContentLength: int64(len(cb.answers[n]))}, nil
}

// BenchmarkCreateCertifications is the client's cost of 1,000 batched creates, every item
// answered 201 (the common case: no item throttled). cpu-ns/op is the process's CPU time
// (GC included) per op, steadier than ns/op on a machine other work shares.
func BenchmarkCreateCertifications(b *testing.B) {
	const n = 1000
	cb := newCannedBatches()
	c, err := graph.NewClient(graph.Config{Endpoint: "https://graph.example", Token: graph.StaticToken(token),
		Batching: true, Transport: cb})
	if err != nil {
		b.Fatal(err)
	}
	reqs := make([]graph.CreateRequest, n)
	for i := range reqs {
		reqs[i] = graph.CreateRequest{UserID: "cccc0000-0000-4000-8000-" + fmt.Sprintf("%012d", i%50),
			Body: body("Azure Network Engineer Associate " + strconv.Itoa(i))}
	}
	ctx := b.Context()
	b.ReportAllocs()
	start, ok := cpuTime()
	for b.Loop() {
		res := c.CreateCertifications(ctx, reqs)
		for i, r := range res {
			if r.Err != nil || r.Cert == nil || r.Cert.GetId() == nil {
				b.Fatalf("create %d: %v", i, r.Err)
			}
		}
	}
	if end, ok2 := cpuTime(); ok && ok2 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
	if got := cb.batches.Load(); got%(n/20) != 0 {
		b.Fatalf("%d batches: not 20 items each", got)
	}
}
