terraform {
  required_providers {
    graph = {
      source = "graphprofile/graph"
    }
  }
}

data "graph_person_certification" "example" {
  user_id = "adele.vance@contoso.com" # or an object id, or "me"
  id      = "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"
}

output "certification" {
  value = {
    name    = data.graph_person_certification.example.display_name
    expires = data.graph_person_certification.example.end_date
  }
}
