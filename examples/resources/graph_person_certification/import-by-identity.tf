# Terraform 1.12+: import by identity, the two values that address a certification.
import {
  to = graph_person_certification.example
  identity = {
    user_id = "adele.vance@contoso.com"
    id      = "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"
  }
}
