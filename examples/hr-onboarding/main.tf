# HR onboarding: the HR system's export (certifications.csv, one row per person and
# certification) is the source of truth for people's Graph profile certifications.
#
# - Every row becomes one entry of a single graph_person_certifications resource, keyed
#   "<user>/<certification_id>": one resource instance however many rows there are.
# - Certifications that already exist in Graph (same user and certification_id) are
#   adopted, not created again (adopt_existing defaults to true), so the first apply
#   creates no twins; later applies keep them in step with the CSV.
# - Should Graph already hold two certifications with the same certification_id for one
#   person, the oldest is adopted, and a warning names it and the ones left alone.
# - A row removed from the CSV deletes exactly that certification. Certifications the
#   CSV does not name are left alone, unless var.exclusive is true.
# - var.user_buckets splits the CSV across workspaces by a hash of the user (see the
#   guide "Managing certifications at scale").
#
# The provider reads GRAPH_ENDPOINT and GRAPH_ACCESS_TOKEN; `make demo-hr` runs this
# against the bundled mock.
terraform {
  required_providers {
    graph = {
      source = "graphprofile/graph"
    }
  }
}

provider "graph" {}

variable "exclusive" {
  description = "Delete every certification of the CSV's users that the CSV does not name (the plan lists them in exclusive_deletions)."
  type        = bool
  default     = false
}

variable "max_deletions" {
  description = "The most certifications one run may delete (rows gone from the CSV and exclusive deletions together). null: the provider's default, 10% of what the resource holds, at least 1. Raise it for a run that is meant to delete more."
  type        = number
  default     = null
}

variable "user_buckets" {
  description = "Manage only the users whose bucket, the first hex digit of sha1(lower(user)), is in this set: one set per workspace. null manages every row."
  type        = set(string)
  default     = null
}

locals {
  rows = [
    for r in csvdecode(file("${path.module}/certifications.csv")) : r
    if var.user_buckets == null || contains(coalesce(var.user_buckets, []), substr(sha1(lower(r.user)), 0, 1))
  ]
}

resource "graph_person_certifications" "hr" {
  # Empty CSV cells mean "not set": a null attribute is left out of the entry.
  certifications = {
    for r in local.rows : "${r.user}/${r.certification_id}" => {
      user_id           = r.user
      display_name      = r.display_name
      certification_id  = r.certification_id
      issuing_authority = r.issuing_authority == "" ? null : r.issuing_authority
      issued_date       = r.issued_date == "" ? null : r.issued_date
      end_date          = r.end_date == "" ? null : r.end_date
      web_url           = r.web_url == "" ? null : r.web_url
    }
  }

  exclusive     = var.exclusive
  max_deletions = var.max_deletions
}

output "certification_ids" {
  description = "Graph id of each managed certification, by \"<user>/<certification_id>\"."
  value       = { for k, e in graph_person_certifications.hr.entries : k => e.id }
}
