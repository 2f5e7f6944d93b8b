# HR onboarding: the HR system's export (certifications.csv, one row per person and
# certification) is the source of truth for people's Graph profile certifications.
#
# - Every row becomes a graph_person_certification, keyed "<user>/<certification_id>".
# - Certifications that already exist in Graph (matched by user and certification_id
#   through the list data source) are adopted with import blocks, so the first apply
#   creates no duplicates; later applies keep them in step with the CSV.
# - Should Graph already hold two certifications with the same certification_id for one
#   person, the oldest is adopted, and a warning names it and the ones left alone.
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
  # "<user>/<certification_id>" => the Graph ids of the certifications that exist already.
  # Graph does not keep certification_id unique, so one key can name several; the `...`
  # groups them into a list, in the data source's order: oldest first.
  existing_by_key = merge([
    for user, d in data.graph_person_certifications.existing : {
      for c in d.certifications : "${user}/${c.certification_id}" => c.id...
      if c.certification_id != null
    }
  ]...)

  # The oldest of each key is adopted; any newer twin is left alone.
  existing_ids = { for k, ids in local.existing_by_key : k => ids[0] }

  # The CSV rows that found more than one certification in Graph.
  duplicates = {
    for k, ids in local.existing_by_key : k => {
      adopted = ids[0]
      ignored = slice(ids, 1, length(ids))
    } if length(ids) > 1 && contains(keys(local.certifications), k)
  }
}

# A warning on every plan and apply while Graph holds twins: which one this configuration
# manages, and which it leaves alone (delete those by hand, or leave them).
check "no_duplicates_in_graph" {
  assert {
    condition = length(local.duplicates) == 0
    error_message = join("\n", [
      for k, d in local.duplicates :
      "${k}: Graph holds ${length(d.ignored) + 1} certifications with this certification_id; the oldest, ${d.adopted}, is adopted and managed, and ${join(", ", d.ignored)} left untouched."
    ])
  }
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

output "duplicates" {
  description = "CSV rows that found twins in Graph: the adopted (oldest) id and the ignored ones."
  value       = local.duplicates
}

output "certifications" {
  description = "Graph id of each managed certification, by \"<user>/<certification_id>\"."
  value       = { for k, c in graph_person_certification.hr : k => c.id }
}
