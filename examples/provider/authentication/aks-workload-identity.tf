# On AKS with workload identity, the webhook sets AZURE_FEDERATED_TOKEN_FILE,
# AZURE_CLIENT_ID and AZURE_TENANT_ID in the pod; the provider reads them.
provider "graph" {
  use_oidc = true
}
