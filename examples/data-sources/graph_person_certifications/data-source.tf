terraform {
  required_providers {
    graph = {
      source = "graphprofile/graph"
    }
  }
}

# All of a user's certifications.
data "graph_person_certifications" "all" {
  user_id = "me"
}

# Only those issued by one authority (exact match).
data "graph_person_certifications" "microsoft" {
  user_id           = "adele.vance@contoso.com"
  issuing_authority = "Microsoft"
}

output "certification_ids" {
  value = [for c in data.graph_person_certifications.all.certifications : c.certification_id]
}
