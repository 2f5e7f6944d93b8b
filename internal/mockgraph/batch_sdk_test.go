package mockgraph

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	abs "github.com/microsoft/kiota-abstractions-go"
	absser "github.com/microsoft/kiota-abstractions-go/serialization"
	jsonserialization "github.com/microsoft/kiota-serialization-json-go"
	core "github.com/microsoftgraph/msgraph-sdk-go-core"
)

// staticToken is a kiota authentication provider sending the test token.
type staticToken struct{}

func (staticToken) AuthenticateRequest(_ context.Context, r *abs.RequestInformation, _ map[string]any) error {
	r.Headers.Add("Authorization", "Bearer "+testToken)
	return nil
}

// The Go SDK's own batch client (msgraph-sdk-go-core BatchRequest, behind
// kiota's default middleware, which gzips the body) round-trips with the mock:
// its urls (version root stripped, %24-encoded options), lower-cased headers,
// "body": null on GETs and dependsOn; and it reads back string headers,
// statuses and object bodies.
func TestBatchWithGoSDK(t *testing.T) {
	abs.RegisterDefaultSerializer(func() absser.SerializationWriterFactory { return jsonserialization.NewJsonSerializationWriterFactory() })
	abs.RegisterDefaultDeserializer(func() absser.ParseNodeFactory { return jsonserialization.NewJsonParseNodeFactory() })
	adapter, err := core.NewGraphRequestAdapterBase(staticToken{}, core.GraphClientOptions{GraphServiceVersion: "beta"})
	if err != nil {
		t.Fatal(err)
	}
	s := start(t)
	adapter.SetBaseUrl(s.URL + "/beta")
	seedUser(t, s, OtherID, 2)
	s.Inject(Fault{Op: "create", Status: 429, RetryAfter: "7"})

	info := func(method abs.HttpMethod, path string, body string) abs.RequestInformation {
		t.Helper()
		ri := abs.NewRequestInformation()
		ri.Method = method
		u, err := url.Parse(s.URL + "/beta" + path)
		if err != nil {
			t.Fatal(err)
		}
		ri.SetUri(*u)
		if body != "" {
			ri.SetStreamContentAndContentType([]byte(body), "application/json")
		}
		return *ri
	}
	batch := core.NewBatchRequest(adapter)
	list, err := batch.AddBatchRequestStep(info(abs.GET, "/users/"+url.PathEscape(OtherUPN)+"/profile/certifications?%24top=1", ""))
	if err != nil {
		t.Fatal(err)
	}
	throttled, _ := batch.AddBatchRequestStep(info(abs.POST, "/me/profile/certifications", `{"displayName":"throttled"}`))
	created, _ := batch.AddBatchRequestStep(info(abs.POST, "/me/profile/certifications", `{"displayName":"sdk"}`))
	after, _ := batch.AddBatchRequestStep(info(abs.GET, "/me/profile/certifications", ""))
	after.DependsOnItem(created)

	resp, err := batch.Send(t.Context(), adapter)
	if err != nil {
		t.Fatal(err)
	}
	codes := resp.GetStatusCodes()
	want := map[string]int32{*list.GetId(): 200, *throttled.GetId(): 429, *created.GetId(): 201, *after.GetId(): 200}
	for id, st := range want {
		if codes[id] != st {
			t.Errorf("item %s: status %d, want %d (all: %v)", id, codes[id], st, codes)
		}
	}
	if ra := resp.GetResponseById(*throttled.GetId()).GetHeaders()["Retry-After"]; ra != "7" {
		t.Errorf("throttled item Retry-After %q", ra)
	}
	page := resp.GetResponseById(*list.GetId()).GetBody()
	if next, _ := page["@odata.nextLink"].(*string); next == nil || !strings.HasPrefix(*next, s.URL+"/beta/users/") {
		t.Errorf("list item nextLink %v", page["@odata.nextLink"])
	}
	if name, _ := resp.GetResponseById(*created.GetId()).GetBody()["displayName"].(*string); name == nil || *name != "sdk" {
		t.Errorf("created item body %v", resp.GetResponseById(*created.GetId()).GetBody())
	}

	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Header.Get("Content-Encoding") != "gzip" || len(reqs[0].Batch) != 4 {
		t.Fatalf("%d requests logged; first: encoding %q, %d sub-requests", len(reqs), reqs[0].Header.Get("Content-Encoding"), len(reqs[0].Batch))
	}
	if got := reqs[0].Batch[0].Path; got != "/beta/users/"+OtherUPN+"/profile/certifications" || reqs[0].Batch[0].RawQuery != "%24top=1" {
		t.Errorf("SDK list item reached the mock as %s?%s", got, reqs[0].Batch[0].RawQuery)
	}
	if certs := s.Certifications("me"); len(certs) != 1 || certs[0]["displayName"] != "sdk" || reqs[0].Batch[2].Status != http.StatusCreated {
		t.Errorf("certifications after the SDK batch: %v (logged status %d)", certs, reqs[0].Batch[2].Status)
	}
}
