# Adopting the certifications that already exist (Terraform 1.14+):
#
#   terraform init
#   terraform query -generate-config-out=generated.tf
#   terraform plan      # only imports: nothing is created, changed or deleted
#   terraform apply
#
# certifications.tfquery.hcl lists the certifications of every user below; the query
# writes a graph_person_certification block and an import block (by identity) for each
# into generated.tf. The provider reads GRAPH_ENDPOINT and GRAPH_ACCESS_TOKEN, or any
# sign-in the provider documentation describes.
terraform {
  required_version = ">= 1.14"
  required_providers {
    graph = {
      source = "graphprofile/graph"
    }
  }
}

provider "graph" {}

variable "users" {
  description = "The users whose certifications to adopt: object ids, userPrincipalNames or \"me\"."
  type        = set(string)
  default     = ["adele.vance@contoso.example", "megan.bowen@contoso.example"]
}
