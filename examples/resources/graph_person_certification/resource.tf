terraform {
  required_providers {
    graph = {
      source = "graphprofile/graph"
    }
  }
}

resource "graph_person_certification" "example" {
  user_id           = "adele.vance@contoso.com" # or an object id, or "me"
  display_name      = "Marketing Blackbelt - Brand Management"
  certification_id  = "KB-1235466333663322"
  description       = "Blackbelt in Marketing - Brand Management"
  issuing_authority = "International Academy of Marketing Excellence"
  issuing_company   = "International Academy of Marketing Excellence"
  issued_date       = "2024-01-10"
  start_date        = "2024-01-15"
  end_date          = "2027-01-14"
  thumbnail_url     = "https://iame.io/dfhdfdfd334.jpg"
  web_url           = "https://www.iame.io/blackbelt"
  allowed_audiences = ["organization"]

  timeouts {
    create = "10m"
  }
}
