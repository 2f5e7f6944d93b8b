package provider_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockentra"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// A delegated token with User.Read only: the plan warns, naming User.ReadWrite, before
// anything is written (terraform-plugin-testing does not show warnings, so this runs the
// real CLI through terraform-exec and reads its output).
func TestAccCredentials_missingPermissionWarning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tf, reattach := acctest.NewCLI(t, dir)
	s := mockgraph.Start()
	t.Cleanup(s.Close)
	s.RequireIssuedTokens("")
	tok := s.IssueUserToken(mockentra.UserToken{Scopes: []string{"User.Read"}})
	cfg := fmt.Sprintf(`
terraform {
  required_providers {
    graph = { source = "graphprofile/graph" }
  }
}
provider "graph" {
  endpoint     = %q
  access_token = %q
}
resource "graph_person_certification" "test" {
  user_id      = "me"
  display_name = "Never written"
}
`, s.URL, tok)
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
		t.Fatalf("plan: changes=%v err=%v", changes, err)
	}
	want := regexp.MustCompile(`(?s)Warning: The token lacks permission User\.ReadWrite.*delegated permission\s+User\.ReadWrite\s+needed`)
	if !want.Match(out.Bytes()) {
		t.Errorf("the plan output lacks the warning:\n%s", out.String())
	}
	if bytes.Contains(out.Bytes(), []byte(tok)) {
		t.Error("the plan output shows the access token")
	}
	for _, req := range s.Requests() {
		if req.Method != "GET" {
			t.Errorf("plan wrote: %s %s", req.Method, req.Path)
		}
	}
}
