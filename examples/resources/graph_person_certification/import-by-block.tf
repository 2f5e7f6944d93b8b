# Terraform 1.5 and later can import with a block instead of the CLI command.
import {
  to = graph_person_certification.example
  id = "adele.vance@contoso.com/0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"
}
