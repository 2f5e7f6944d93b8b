terraform {
  required_providers {
    graph = {
      source = "graphprofile/graph"
    }
  }
}

# Many certifications, across any number of users, as one resource instance. Each entry
# takes the attributes of graph_person_certification; the key is yours to choose
# (here "<user>/<certification_id>", as an HR export would give it).
resource "graph_person_certifications" "hr" {
  certifications = {
    "megan.bowen@contoso.com/AZ-305" = {
      user_id           = "megan.bowen@contoso.com" # or an object id, or "me"
      display_name      = "Azure Solutions Architect Expert"
      certification_id  = "AZ-305"
      issuing_authority = "Microsoft"
      issued_date       = "2025-03-14"
      end_date          = "2026-03-14"
      web_url           = "https://learn.microsoft.com/credentials/certifications/azure-solutions-architect/"
    }
    # The signed-in user's own, visible beyond the organization, entered by the user.
    "me/PRINCE2" = {
      user_id           = "me"
      display_name      = "PRINCE2 Practitioner"
      certification_id  = "PRINCE2-GR656102345"
      allowed_audiences = ["organization", "federatedOrganizations"]
      source            = { type = ["User"] }
    }
  }

  # Before creating an entry, adopt the user's existing certification with the same
  # certification_id (or display_name) instead of posting a twin. The default.
  adopt_existing = true

  # true: every other certification of these users is deleted (listed in the plan's
  # exclusive_deletions first). The default is false.
  exclusive = false

  # The most certifications one plan may delete: removed entries, entries moved to
  # another user and exclusive deletions together. Unset: 10% of what the resource
  # holds, at least 1, so an empty export cannot wipe Graph unattended.
  max_deletions = 25

  # Entries whose user has no account yet wait, with a warning, while everyone
  # else's go through ("fail" stops the plan instead). The default.
  missing_users = "wait"

  timeouts {
    create = "30m"
    update = "30m"
  }
}

output "certification_ids" {
  value = { for k, e in graph_person_certifications.hr.entries : k => e.id }
}
