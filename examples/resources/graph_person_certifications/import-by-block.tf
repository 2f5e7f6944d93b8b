# Terraform 1.5 and later can import with a block instead of the CLI command.
import {
  to = graph_person_certifications.hr
  id = "megan.bowen@contoso.com,adele.vance@contoso.com"
}
