package provider_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
)

// TestAccAuthenticationExamples validates every example of the docs' Authentication
// section (examples/provider/authentication/*.tf, one provider block each, so they are
// not one module) with the real CLI against this provider's schema.
func TestAccAuthenticationExamples(t *testing.T) {
	files, err := filepath.Glob("../../examples/provider/authentication/*.tf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			tf, reattach := acctest.NewCLI(t, dir)
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// A resource that uses the provider: without one, Terraform prunes the provider
			// from the graph and validates nothing in its block.
			required := "terraform {\n  required_providers {\n    graph = { source = \"graphprofile/graph\" }\n  }\n}\n" +
				"resource \"graph_person_certification\" \"uses_the_provider\" {\n  user_id      = \"me\"\n  display_name = \"x\"\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), append([]byte(required), b...), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := tf.Init(ctx, tfexec.Reattach(reattach)); err != nil {
				t.Fatal(err)
			}
			// tfexec's Validate takes no reattach option and refuses TF_REATTACH_PROVIDERS in
			// SetEnv, so the CLI is run directly for this one command.
			ri, err := json.Marshal(reattach)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.CommandContext(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), "validate", "-json", "-no-color")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(ri), "CHECKPOINT_DISABLE=1")
			out, _ := cmd.Output()
			var res struct {
				Valid        bool `json:"valid"`
				ErrorCount   int  `json:"error_count"`
				WarningCount int  `json:"warning_count"`
			}
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("terraform validate: %v\n%s", err, out)
			}
			if !res.Valid || res.ErrorCount > 0 || res.WarningCount > 0 {
				t.Errorf("%s does not validate:\n%s", f, out)
			}
		})
	}
}
