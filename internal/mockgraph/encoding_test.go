package mockgraph

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"testing"
)

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The Go SDK gzips every request body.
func TestGzipBodiesAreDecoded(t *testing.T) {
	s := start(t)
	const body = `{"@odata.type":"#microsoft.graph.personCertification","displayName":"Zipped"}`
	r := do(t, s, http.MethodPost, meColl, gzipped(t, body), "Content-Encoding", "gzip")
	if r.status != http.StatusCreated {
		t.Fatalf("gzip POST: %d %s", r.status, r.body)
	}
	ent := r.obj(t)
	if ent["displayName"] != "Zipped" {
		t.Errorf("displayName %v, want Zipped", ent["displayName"])
	}
	r = do(t, s, http.MethodPatch, meColl+"/"+str(t, ent, "id"), gzipped(t, `{"displayName":"Zipped2"}`), "Content-Encoding", "GZIP")
	if r.status != http.StatusOK || r.obj(t)["displayName"] != "Zipped2" {
		t.Errorf("gzip PATCH: %d %s", r.status, r.body)
	}
	reqs := s.Requests()
	if got := string(reqs[0].Body); got != body {
		t.Errorf("logged Body %q, want the gunzipped JSON", got)
	}
	if bytes.Equal(reqs[0].RawBody, reqs[0].Body) {
		t.Error("logged RawBody equals Body; want the compressed bytes")
	}
}

// What kiota's retry+compression bug sends: gzip label, plain JSON body.
func TestFakeGzipIsRejectedWithoutSideEffects(t *testing.T) {
	s := start(t)
	postRejected(t, s, `{"displayName":"plain"}`, "gzip", http.StatusBadRequest, "BadRequest", "could not be decompressed")
	if got := s.Requests()[0]; string(got.Body) != `{"displayName":"plain"}` || got.Status != http.StatusBadRequest {
		t.Errorf("logged %q status %d, want the raw body and 400", got.Body, got.Status)
	}
}

// 415 tells the SDK to resend the body uncompressed.
func TestUnsupportedEncodingIs415(t *testing.T) {
	postRejected(t, start(t), `{"displayName":"x"}`, "br", http.StatusUnsupportedMediaType, "UnsupportedMediaType", "br")
}

// postRejected creates with body labelled as encoding, wants the error, and checks that
// nothing was created.
func postRejected(t *testing.T, s *Server, body, encoding string, status int, code, msg string) {
	t.Helper()
	r := do(t, s, http.MethodPost, meColl, body, "Content-Encoding", encoding)
	wantError(t, r, status, code, msg)
	if n := len(s.Certifications("me")); n != 0 {
		t.Errorf("%d certifications created from an undecodable %s body", n, encoding)
	}
}
