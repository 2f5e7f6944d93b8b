# Terraform 1.14+: `terraform query` lists a user's certifications, each with the
# identity that imports it.
list "graph_person_certification" "adele" {
  provider = graph

  config {
    user_id = "adele.vance@contoso.com"
  }
}
