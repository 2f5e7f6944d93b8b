package provider_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	hclv2 "github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/zclconf/go-cty/cty"

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

// exampleBlocks reads one .tf file: whether it declares graph = { source =
// "graphprofile/graph" } in terraform { required_providers }, and whether it holds an import
// block.
func exampleBlocks(t *testing.T, name string, src []byte) (requiresGraph, imports bool) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig(src, name, hclv2.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", name, diags.Error())
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		t.Fatalf("%s: not native HCL syntax", name)
	}
	for _, b := range body.Blocks {
		switch b.Type {
		case "import":
			imports = true
		case "terraform":
			for _, rp := range b.Body.Blocks {
				if rp.Type != "required_providers" {
					continue
				}
				attr, ok := rp.Body.Attributes["graph"]
				if !ok {
					continue
				}
				v, diags := attr.Expr.Value(nil)
				if diags.HasErrors() || !v.Type().IsObjectType() || !v.Type().HasAttribute("source") {
					continue
				}
				if src := v.GetAttr("source"); src.Type() == cty.String && src.IsKnown() && !src.IsNull() && src.AsString() == "graphprofile/graph" {
					requiresGraph = true
				}
			}
		}
	}
	return requiresGraph, imports
}

// TestExamplesDeclareProviderSource: every example a user copies from (the registry docs'
// resource and data source examples, the provider page's first example, the README's)
// names the provider's source. Without it a copied example makes `terraform init` look for
// hashicorp/graph, which does not exist.
//
// An example holding an import block is the exception: the docs show it beside resource.tf
// and make examples-check validates the two as one module, where a second
// required_providers block is an error. So it must not carry one, and resource.tf must.
func TestExamplesDeclareProviderSource(t *testing.T) {
	files, err := filepath.Glob("../../examples/resources/*/*.tf")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := filepath.Glob("../../examples/data-sources/*/*.tf")
	if err != nil {
		t.Fatal(err)
	}
	files = append(append(files, ds...), "../../examples/provider/provider.tf")
	if len(files) < 4 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		requires, imports := exampleBlocks(t, f, src)
		switch {
		case imports && requires:
			t.Errorf("%s holds an import block and a required_providers block; it is validated with resource.tf, which declares the source", f)
		case imports:
			rt := filepath.Join(filepath.Dir(f), "resource.tf")
			rsrc, err := os.ReadFile(rt)
			if err != nil {
				t.Errorf("%s holds an import block, but its folder has no resource.tf to declare the provider source: %v", f, err)
				continue
			}
			if ok, _ := exampleBlocks(t, rt, rsrc); !ok {
				t.Errorf("%s is shown with %s, which lacks terraform { required_providers { graph = { source = \"graphprofile/graph\" } } }", f, rt)
			}
		case !requires:
			t.Errorf("%s lacks terraform { required_providers { graph = { source = \"graphprofile/graph\" } } }", f)
		}
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```(?:terraform|hcl)\n(.*?)```").FindAllSubmatch(readme, -1)
	n := 0
	for i, m := range blocks {
		if !strings.Contains(string(m[1]), "resource \"graph_") && !strings.Contains(string(m[1]), "data \"graph_") {
			continue // a CLI configuration snippet, not a module
		}
		n++
		if ok, _ := exampleBlocks(t, "README.md", m[1]); !ok {
			t.Errorf("the README's example %d lacks the required_providers block:\n%s", i+1, m[1])
		}
	}
	if n == 0 {
		t.Error("the README has no Terraform example")
	}
}
