package provider_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// access_token and a client secret in one provider block: the plan succeeds with the
// token, and warns that the client secret is ignored (the real CLI's output, read through
// terraform-exec: plugin-testing shows no warnings). No secret is printed.
func TestAccCredentials_severalMethodsWarning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tf, reattach := acctest.NewCLI(t, dir)
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.SetAcceptedToken(acctest.Token)
	const clientSecret = "sec~several-methods-0123456789"
	cfg := fmt.Sprintf(`
terraform {
  required_providers {
    graph = { source = "graphprofile/graph" }
  }
}
provider "graph" {
  endpoint      = %q
  access_token  = %q
  tenant_id     = %q
  client_id     = "11111111-1111-1111-1111-111111111111"
  client_secret = %q
}
resource "graph_person_certification" "test" {
  user_id      = "me"
  display_name = "Planned with the token"
}
`, s.URL, acctest.Token, mockentra.TenantID, clientSecret)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := tfexec.Reattach(reattach)
	if err := tf.Init(ctx, r); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	tf.SetStdout(&out)
	changes, err := tf.Plan(ctx, r)
	tf.SetStdout(nil)
	if err != nil || !changes {
		t.Fatalf("plan: changes=%v err=%v\n%s", changes, err, out.String())
	}
	want := regexp.MustCompile(`(?s)Warning: Several credential methods are configured.*signs in with the\s+access_token\s+method\s+\(set\s+by\s+access_token\).*- client secret \(set by client_secret\)`)
	if !want.Match(out.Bytes()) {
		t.Errorf("the plan output lacks the warning:\n%s", out.String())
	}
	for _, secret := range []string{clientSecret, acctest.Token} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("the plan output shows a secret:\n%s", out.String())
		}
	}
	for _, req := range s.Requests() {
		if req.Method != "GET" {
			t.Errorf("plan wrote: %s %s", req.Method, req.Path)
		}
	}
}
