package personcertification_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/graphprofile/terraform-provider-graph/internal/acctest"
	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
)

const (
	dsAddr   = "data.graph_person_certification.test"
	listAddr = "data.graph_person_certifications.test"
)

// Every attribute of the single data source equals the resource's state for the same object.
func TestAccPersonCertificationDataSource_matchesResource(t *testing.T) {
	_, provider := acctest.Mock(t)
	cfg := provider + fullConfig() + `
data "graph_person_certification" "test" {
  user_id = graph_person_certification.test.user_id
  id      = graph_person_certification.test.id
}
`
	var checks []statecheck.StateCheck
	for _, attr := range []string{"id", "user_id", "display_name", "certification_id", "description", "issuing_authority",
		"issuing_company", "start_date", "end_date", "issued_date", "thumbnail_url", "web_url", "allowed_audiences",
		"inference", "source", "created_date_time", "created_by", "last_modified_date_time", "last_modified_by"} {
		checks = append(checks,
			statecheck.CompareValuePairs(addr, tfjsonpath.New(attr), dsAddr, tfjsonpath.New(attr), compare.ValuesSame()),
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New(attr), knownvalue.NotNull()))
	}
	acctest.ParallelTest(t, nil, []resource.TestStep{{Config: cfg, ConfigStateChecks: checks}})
}

func TestAccPersonCertificationDataSource_notFound(t *testing.T) {
	_, provider := acctest.Mock(t)
	acctest.ParallelTest(t, nil, []resource.TestStep{
		{
			Config: provider + `
data "graph_person_certification" "test" {
  user_id = "me"
  id      = "00000000-0000-0000-0000-000000000000"
}`,
			ExpectError: acctest.Wrapped(`Person certification not found.*itemNotFound.*No certification "00000000-0000-0000-0000-000000000000" was found for user "me"`),
		},
		{
			Config: provider + `
data "graph_person_certification" "test" {
  user_id = "nobody@contoso.example"
  id      = "00000000-0000-0000-0000-000000000000"
}`,
			ExpectError: acctest.Wrapped(`Request_ResourceNotFound.*for user "nobody@contoso.example"`),
		},
		{
			Config: provider + `
data "graph_person_certifications" "test" {
  user_id = "nobody@contoso.example"
}`,
			ExpectError: acctest.Wrapped(`Error listing person certification.*404 Not Found \(Request_ResourceNotFound\)`),
		},
	})
}

// seed creates n certifications for user and returns their ids in creation order.
func seed(t *testing.T, s *mockgraph.Server, user string, n int, body func(i int) map[string]any) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		obj, err := s.Seed(user, body(i))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = acctest.As[string](t, obj["id"])
	}
	return ids
}

// listHolds checks the list data source's items against want: same count, same ids in
// the same order, each id once.
func listHolds(want *[]string) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		attrs := st.RootModule().Resources[listAddr].Primary.Attributes
		n, _ := strconv.Atoi(attrs["certifications.#"])
		if n != len(*want) {
			return fmt.Errorf("%d certifications listed, want %d", n, len(*want))
		}
		seen := map[string]bool{}
		for i, id := range *want {
			got := attrs[fmt.Sprintf("certifications.%d.id", i)]
			if got != id {
				return fmt.Errorf("certifications[%d].id = %q, want %q", i, got, id)
			}
			if seen[got] {
				return fmt.Errorf("certification %s listed twice", got)
			}
			seen[got] = true
		}
		return nil
	}
}

func listConfig(provider, user, filters string) string {
	return provider + fmt.Sprintf(`
data "graph_person_certifications" "test" {
  user_id = %q
%s
}`, user, filters)
}

// 0, 1 and 250 certifications; 250 spans three pages of the mock's 100.
func TestAccPersonCertificationsDataSource_counts(t *testing.T) {
	for _, n := range []int{0, 1, 250} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			s, provider := acctest.Mock(t)
			ids := seed(t, s, mockgraph.OtherID, n, func(i int) map[string]any {
				return map[string]any{"displayName": fmt.Sprintf("Cert %03d", i), "certificationId": fmt.Sprintf("C-%03d", i)}
			})
			acctest.ParallelTest(t, nil, []resource.TestStep{{
				Config: listConfig(provider, mockgraph.OtherID, ""),
				Check: resource.ComposeTestCheckFunc(
					listHolds(&ids),
					func(*terraform.State) error {
						pages := 0
						for _, r := range s.Requests() {
							if r.Method == "GET" && strings.HasSuffix(r.Path, "/profile/certifications") {
								pages++
							}
						}
						if want := max(1, (n+99)/100); pages < want {
							return fmt.Errorf("%d list pages fetched, want at least %d", pages, want)
						}
						return nil
					},
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listAddr, tfjsonpath.New("certifications"), knownvalue.ListSizeExact(n)),
				},
			}})
		})
	}
}

func TestAccPersonCertificationsDataSource_filters(t *testing.T) {
	s, provider := acctest.Mock(t)
	authorities := []string{"Microsoft", "ISC2", "Microsoft", "PeopleCert", "Microsoft"}
	ids := seed(t, s, "me", len(authorities), func(i int) map[string]any {
		return map[string]any{"displayName": fmt.Sprintf("Cert %d", i), "certificationId": fmt.Sprintf("C-%d", i), "issuingAuthority": authorities[i]}
	})
	byAuthority := []string{ids[0], ids[2], ids[4]}
	byName := []string{ids[3]}
	byCertID := []string{ids[1]}
	var none []string
	combined := []string{ids[2]}
	acctest.ParallelTest(t, nil, []resource.TestStep{
		{Config: listConfig(provider, "me", `  issuing_authority = "Microsoft"`), Check: listHolds(&byAuthority)},
		{Config: listConfig(provider, "me", `  display_name = "Cert 3"`), Check: listHolds(&byName)},
		{Config: listConfig(provider, "me", `  certification_id = "C-1"`), Check: listHolds(&byCertID)},
		{Config: listConfig(provider, "me", `  display_name = "cert 3"`), Check: listHolds(&none)},
		{
			Config: listConfig(provider, "me", "  issuing_authority = \"Microsoft\"\n  certification_id = \"C-2\""),
			Check: resource.ComposeTestCheckFunc(listHolds(&combined), func(*terraform.State) error {
				// The filter travels to Graph as $filter.
				for _, r := range s.Requests() {
					if f := r.Query().Get("$filter"); strings.Contains(f, "certificationId eq 'C-2'") && strings.Contains(f, "issuingAuthority eq 'Microsoft'") {
						return nil
					}
				}
				return fmt.Errorf("no list request carried both filters in $filter")
			}),
		},
	})
}

// The me and UPN forms list the same user's certifications as the object id.
func TestAccPersonCertificationsDataSource_userForms(t *testing.T) {
	s, provider := acctest.Mock(t)
	megan := seed(t, s, mockgraph.OtherID, 2, func(i int) map[string]any { return map[string]any{"displayName": fmt.Sprintf("M%d", i)} })
	adele := seed(t, s, "me", 3, func(i int) map[string]any { return map[string]any{"displayName": fmt.Sprintf("A%d", i)} })
	acctest.ParallelTest(t, nil, []resource.TestStep{
		{Config: listConfig(provider, mockgraph.OtherUPN, ""), Check: listHolds(&megan)},
		{Config: listConfig(provider, "me", ""), Check: listHolds(&adele)},
		{Config: listConfig(provider, mockgraph.MeUPN, ""), Check: listHolds(&adele)},
	})
}
