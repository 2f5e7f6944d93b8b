terraform {
  required_providers {
    graph = {
      source = "graphprofile/graph"
    }
  }
}

# With nothing set, the provider signs in the way the azuread provider does: from ARM_*
# environment variables (client secret, certificate, OIDC, managed identity), else as the
# Azure CLI's account (`az login`). See Authentication below for each method.
provider "graph" {
  # environment = "public"          # or usgovernment, usgovernmentl5, china; ARM_ENVIRONMENT
  # endpoint    = "https://graph.microsoft.com" # GRAPH_ENDPOINT; requests go to {endpoint}/beta/...
}
