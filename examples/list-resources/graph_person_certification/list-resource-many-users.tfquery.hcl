# Many users at once: one list block per user, the whole object of each certification
# (include_resource), filtered to one issuer. With
# `terraform query -generate-config-out=generated.tf` Terraform writes a resource block
# and an import block for every result.
list "graph_person_certification" "team" {
  for_each         = toset(["adele.vance@contoso.com", "megan.bowen@contoso.com", "me"])
  provider         = graph
  include_resource = true

  config {
    user_id           = each.key
    issuing_authority = "Microsoft"
  }
}
