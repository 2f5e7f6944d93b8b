package acctest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/graphprofile/terraform-provider-graph/internal/provider"
)

// NewCLI drives the real Terraform CLI (TF_ACC_TERRAFORM_PATH) in dir against this
// provider served in-process. terraform-plugin-testing cannot hold configurations whose
// resources use for_each (its legacy state shim refuses string keys), so tests of such
// configurations, the HR example among them, run the CLI through terraform-exec.
// It skips the test unless TF_ACC is set, like resource.Test.
func NewCLI(t *testing.T, dir string) (*tfexec.Terraform, tfexec.ReattachInfo) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the Terraform (or OpenTofu) CLI to test with")
	}
	tf, err := tfexec.NewTerraform(dir, bin)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CHECKPOINT_DISABLE": "1"}
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		env["TF_CLI_CONFIG_FILE"] = f
	}
	if err := tf.SetEnv(env); err != nil {
		t.Fatal(err)
	}

	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	ctx, cancel := context.WithCancel(context.Background())
	cfgCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	serve, err := provider.Server("test")()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = tf6server.Serve(host+"/graphprofile/graph",
			func() tfprotov6.ProviderServer { return serve },
			tf6server.WithDebug(ctx, cfgCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t))
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-cfgCh:
	case <-closeCh:
		cancel()
		t.Fatal("the provider server stopped before it started")
	}
	t.Cleanup(func() { cancel(); <-closeCh })
	return tf, tfexec.ReattachInfo{host + "/graphprofile/graph": {
		Protocol:        string(cfg.Protocol),
		ProtocolVersion: cfg.ProtocolVersion,
		Pid:             cfg.Pid,
		Test:            cfg.Test,
		Addr:            tfexec.ReattachConfigAddr{Network: cfg.Addr.Network(), String: cfg.Addr.String()},
	}}
}

// RequiredProviders is the terraform block every configuration run through NewCLI needs:
// without it "graph" would resolve to hashicorp/graph.
const RequiredProviders = `terraform {
  required_providers {
    graph = { source = "graphprofile/graph" }
  }
}
`

// Workdir is NewCLI in a fresh folder holding files (name -> content), initialised.
func Workdir(t *testing.T, files map[string]string) (*tfexec.Terraform, *tfexec.ReattachOption) {
	t.Helper()
	dir := t.TempDir()
	tf, reattach := NewCLI(t, dir)
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := tfexec.Reattach(reattach)
	if err := tf.Init(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return tf, r
}

// CopyExample copies the named files of an example folder into dir, with
// mock_override.tf holding providerBlock: the example's provider block reads the
// environment, and the override points it at the test's mock without touching the
// process environment.
func CopyExample(t *testing.T, dir, example, providerBlock string, names ...string) {
	t.Helper()
	files := map[string][]byte{"mock_override.tf": []byte(providerBlock)}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(example, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// PlanOutput runs terraform plan and returns whether it plans changes and what the CLI
// printed (plugin-testing shows no warnings; this does).
func PlanOutput(ctx context.Context, tf *tfexec.Terraform, r *tfexec.ReattachOption) (changes bool, out string, err error) {
	var buf bytes.Buffer
	tf.SetStdout(&buf)
	defer tf.SetStdout(nil)
	changes, err = tf.Plan(ctx, r)
	return changes, buf.String(), err
}

// CheckCLIVersion applies a terraform-plugin-testing version check (tfversion.SkipBelow, ...)
// to the CLI of a test that drives it through terraform-exec: such a test has no TestCase,
// so no TerraformVersionChecks, and this gives it the same checks and messages.
func CheckCLIVersion(t *testing.T, tf *tfexec.Terraform, check tfversion.TerraformVersionCheck) {
	t.Helper()
	v, _, err := tf.Version(context.Background(), true)
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var resp tfversion.CheckTerraformVersionResponse
	check.CheckTerraformVersion(context.Background(), tfversion.CheckTerraformVersionRequest{TerraformVersion: v}, &resp)
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	if resp.Skip != "" {
		t.Skip(resp.Skip)
	}
}
