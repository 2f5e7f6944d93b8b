package personcertification_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

// identityIs checks the resource identity of addr: user_id as given, id as in state.
func identityIs(user string, id *string) statecheck.StateCheck {
	return statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
		"user_id": knownvalue.StringExact(user),
		"id":      knownvalue.StringFunc(func(v string) error { return checkEqual(v, *id) }),
	})
}

func checkEqual(got, want string) error {
	if got != want {
		return fmt.Errorf("%q, want %q", got, want)
	}
	return nil
}

// The identity is user_id and id, set on create and never changed: not by a refresh,
// an update, or user_id rewritten as another form of the same user. Import by identity
// brings back the same certification.
func TestAccPersonCertification_identity(t *testing.T) {
	s, provider := acctest.Mock(t)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             acctest.CheckNoCertificationsLeft(s, "me"),
		Steps: []resource.TestStep{
			{
				Config: provider + minimalConfig("me", `  description = "one"`),
				Check:  captureID(&id),
			},
			{
				Config:            provider + minimalConfig("me", `  description = "one"`),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{identityIs("me", &id)},
			},
			{
				Config: provider + minimalConfig("me", `  description = "two"`),
				ConfigStateChecks: []statecheck.StateCheck{
					identityIs("me", &id),
					statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
				},
			},
			{
				Config:          provider + minimalConfig("me", `  description = "two"`),
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				// The same user, written as its userPrincipalName: the old form still
				// addresses the certification, so the identity stays.
				Config:            provider + minimalConfig(mockgraph.MeUPN, `  description = "two"`),
				ConfigStateChecks: []statecheck.StateCheck{identityIs("me", &id)},
			},
		},
	})
}

// A create whose answer was lost adopts the certification it finds, and the identity
// names the adopted one.
func TestAccPersonCertification_identityAfterAdoption(t *testing.T) {
	s, provider := acctest.Mock(t)
	s.InjectKind(mockgraph.KindResetAfter, "create", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             acctest.CheckNoCertificationsLeft(s, "me"),
		Steps: []resource.TestStep{{
			Config: provider + minimalConfig("me", `  certification_id = "AZ-305"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
				statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("user_id")),
			},
			Check: exactlyOne(s),
		}},
	})
}

// An import block with an identity that cannot address a certification fails at plan
// with the import id's messages, and sends nothing.
func TestAccPersonCertification_importByIdentityErrors(t *testing.T) {
	s, provider := acctest.Mock(t)
	block := func(user, id string) string {
		return fmt.Sprintf("import {\n  to = %s\n  identity = {\n    user_id = %q\n    id = %q\n  }\n}\n", addr, user, id)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config:      provider + minimalConfig("me", "") + block("me", "$count"),
				PlanOnly:    true,
				ExpectError: acctest.Wrapped(`Invalid import identity.*not a certification id`),
			},
			{
				Config:      provider + minimalConfig("me", "") + block("../users", "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"),
				PlanOnly:    true,
				ExpectError: acctest.Wrapped(`Invalid import identity.*is not a user`),
			},
		},
	})
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("%d requests sent for an invalid identity, want 0", n)
	}
}
