# One list block per user in var.users (main.tf).
list "graph_person_certification" "existing" {
  for_each         = var.users
  provider         = graph
  include_resource = true

  config {
    user_id = each.key
  }
}
