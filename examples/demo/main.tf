# The demo that `make demo` applies against the bundled Graph mock. The provider reads
# GRAPH_ENDPOINT and GRAPH_ACCESS_TOKEN from the environment.
terraform {
  required_providers {
    graph = {
      source = "graphprofile/graph"
    }
  }
}

provider "graph" {}

# The signed-in user's own profile.
resource "graph_person_certification" "azure_architect" {
  user_id           = "me"
  display_name      = "Azure Solutions Architect Expert"
  certification_id  = "AZ-305-7781"
  issuing_authority = "Microsoft"
  issuing_company   = "Microsoft"
  issued_date       = "2025-03-14"
  start_date        = "2025-03-14"
  end_date          = "2026-03-14"
  web_url           = "https://learn.microsoft.com/credentials/certifications/azure-solutions-architect/"
  allowed_audiences = ["organization", "federatedOrganizations"]
}

# The seed page's example, on another user addressed by userPrincipalName.
resource "graph_person_certification" "marketing" {
  user_id          = "megan.bowen@contoso.example"
  display_name     = "Marketing Blackbelt - Brand Management"
  certification_id = "KB-1235466333663322"
  description      = "Blackbelt in Marketing - Brand Management"
  thumbnail_url    = "https://iame.io/dfhdfdfd334.jpg"
  web_url          = "https://www.iame.io/blackbelt"
}

# The same user by object id, with inference and source detail.
resource "graph_person_certification" "first_aid" {
  user_id         = "8e2d6a41-7b3c-4f5e-a1d2-9c8b7a6f5e4d"
  display_name    = "First Aid at Work"
  issuing_company = "Red Cross"
  issued_date     = "2024-09-02"
  inference = {
    confidence_score           = 0.92
    user_has_verified_accuracy = true
  }
  source = {
    type = ["HR"]
  }
}

locals {
  managed = {
    azure_architect = graph_person_certification.azure_architect
    marketing       = graph_person_certification.marketing
    first_aid       = graph_person_certification.first_aid
  }
  # One row layout for the header and every line of the "recorded" table.
  row = "%-16s %-37s %-38s %-29s %s"
}

output "certifications" {
  description = "What Graph recorded for each certification."
  value = {
    for name, c in local.managed : name => {
      id                      = c.id
      user_id                 = c.user_id
      allowed_audiences       = c.allowed_audiences
      created_date_time       = c.created_date_time
      last_modified_date_time = c.last_modified_date_time
      created_by              = c.created_by.user.display_name
    }
  }
}

# The same as a table, for `terraform output -raw recorded` (make demo prints it); a for
# expression visits a map in key order, so the rows are sorted by resource name.
output "recorded" {
  description = "What Graph recorded (ids and timestamps), as a text table."
  value = join("\n", concat(
    [format(local.row, "resource", "id", "user_id", "created_date_time", "last_modified_date_time")],
    [for name, c in local.managed : format(local.row, name, c.id, c.user_id, c.created_date_time, c.last_modified_date_time)],
  ))
}
