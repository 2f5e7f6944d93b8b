# HR onboarding: the HR system's export (certifications.csv, one row per person and
# certification) is the source of truth for people's Graph profile certifications.
#
# - Every row becomes a graph_person_certification, keyed "<user>/<certification_id>".
# - Certifications that already exist in Graph (matched by user and certification_id
#   through the list data source) are adopted with import blocks, so the first apply
#   creates no duplicates; later applies keep them in step with the CSV.
# - A row removed from the CSV deletes exactly that certification.
#
# Needs Terraform 1.7+ (import blocks with for_each). The provider reads GRAPH_ENDPOINT
# and GRAPH_ACCESS_TOKEN; `make demo-hr` runs this against the bundled mock.
terraform {
  required_version = ">= 1.7"
  required_providers {
    graph = {
      source = "graphprofile/graph"
    }
  }
}

provider "graph" {}

locals {
  rows = csvdecode(file("${path.module}/certifications.csv"))

  # One entry per row. Empty CSV cells mean "not set".
  certifications = {
    for r in local.rows : "${r.user}/${r.certification_id}" => {
      user              = r.user
      display_name      = r.display_name
      certification_id  = r.certification_id
      issuing_authority = r.issuing_authority == "" ? null : r.issuing_authority
      issued_date       = r.issued_date == "" ? null : r.issued_date
      end_date          = r.end_date == "" ? null : r.end_date
      web_url           = r.web_url == "" ? null : r.web_url
    }
  }

  users = toset([for r in local.rows : r.user])
}

# What each person already has in Graph.
data "graph_person_certifications" "existing" {
  for_each = local.users
  user_id  = each.key
}

locals {
  # "<user>/<certification_id>" => Graph id, for certifications that exist already.
  existing_ids = merge([
    for user, d in data.graph_person_certifications.existing : {
      for c in d.certifications : "${user}/${c.certification_id}" => c.id
      if c.certification_id != null
    }
  ]...)
}

# Adopt what exists instead of creating a twin. Once adopted, Terraform ignores the block.
import {
  for_each = { for k, v in local.certifications : k => v if contains(keys(local.existing_ids), k) }
  to       = graph_person_certification.hr[each.key]
  id       = "${each.value.user}/${local.existing_ids[each.key]}"
}

resource "graph_person_certification" "hr" {
  for_each = local.certifications

  user_id           = each.value.user
  display_name      = each.value.display_name
  certification_id  = each.value.certification_id
  issuing_authority = each.value.issuing_authority
  issued_date       = each.value.issued_date
  end_date          = each.value.end_date
  web_url           = each.value.web_url
  allowed_audiences = ["organization"]
}

output "certifications" {
  description = "Graph id of each managed certification, by \"<user>/<certification_id>\"."
  value       = { for k, c in graph_person_certification.hr : k => c.id }
}
