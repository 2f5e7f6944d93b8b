package acctest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/graphprofile/terraform-provider-graph/internal/mockgraph"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// GUIDPattern matches an object id as Graph (and the mock) writes it; RFC3339Pattern a
// timestamp in UTC as the provider stores it.
var (
	GUIDPattern    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	RFC3339Pattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`)
)

// Wrapped matches pattern in a CLI's output, whatever the line wrapping: each space in
// pattern matches any run of white space, line breaks included.
func Wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

// AllRequests flattens the mock's request log, batch items included.
func AllRequests(s *mockgraph.Server) []mockgraph.Request {
	var out []mockgraph.Request
	var walk func([]mockgraph.Request)
	walk = func(rs []mockgraph.Request) {
		for _, r := range rs {
			out = append(out, r)
			walk(r.Batch)
		}
	}
	walk(s.Requests())
	return out
}

// CertRequests lists the certification requests of method that reached the mock, batch
// items included and $batch envelopes not: a write inside a batch is still one write.
func CertRequests(s *mockgraph.Server, method string) []mockgraph.Request {
	var out []mockgraph.Request
	for _, r := range AllRequests(s) {
		if r.Method == method && strings.Contains(r.Path, "/profile/certifications") {
			out = append(out, r)
		}
	}
	return out
}

// WritesAre checks the writes since the last ResetRequests: posts POSTs, patches PATCHes
// and deletes DELETEs of certifications, batched or not.
func WritesAre(s *mockgraph.Server, posts, patches, deletes int) error {
	p, u, d := len(CertRequests(s, "POST")), len(CertRequests(s, "PATCH")), len(CertRequests(s, "DELETE"))
	if p != posts || u != patches || d != deletes {
		return fmt.Errorf("%d POST, %d PATCH, %d DELETE of certifications reached the mock, want %d, %d, %d",
			p, u, d, posts, patches, deletes)
	}
	return nil
}

// ChaosUserID is the object id of the i-th user that AddChaosUsers adds.
func ChaosUserID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// AddChaosUsers adds users 0 to n-1 to s (upn formats a userPrincipalName from the index)
// and returns their ids, quoted for an HCL list.
func AddChaosUsers(s *mockgraph.Server, n int, upn string) []string {
	users := make([]string, 0, n)
	for i := range n {
		s.AddUser(mockgraph.User{ID: ChaosUserID(i), UserPrincipalName: fmt.Sprintf(upn, i), DisplayName: fmt.Sprintf("User %d", i)})
		users = append(users, fmt.Sprintf("%q", ChaosUserID(i)))
	}
	return users
}

// BulkAddr is the address BulkConfig gives graph_person_certifications.
const BulkAddr = "graph_person_certifications.test"

// BulkEntry is one entry of a graph_person_certifications map; Extra is more HCL lines of
// the entry's object.
type BulkEntry struct {
	Key, User, Name, CertID, Extra string
}

// BulkConfig renders graph_person_certifications.test; settings are more HCL lines of the
// resource (adopt_existing, exclusive, ...).
func BulkConfig(settings string, entries ...BulkEntry) string {
	var b strings.Builder
	b.WriteString("resource \"graph_person_certifications\" \"test\" {\n")
	if settings != "" {
		b.WriteString("  " + settings + "\n")
	}
	b.WriteString("  certifications = {\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "    %q = {\n      user_id      = %q\n      display_name = %q\n", e.Key, e.User, e.Name)
		if e.CertID != "" {
			fmt.Fprintf(&b, "      certification_id = %q\n", e.CertID)
		}
		if e.Extra != "" {
			b.WriteString("      " + e.Extra + "\n")
		}
		b.WriteString("    }\n")
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// Holds checks how many certifications each user holds on the mock.
func Holds(s *mockgraph.Server, want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for u, n := range want {
			if got := len(s.Certifications(u)); got != n {
				return fmt.Errorf("%s holds %d certification(s) on the server, want %d", u, got, n)
			}
		}
		return nil
	}
}
