# In Azure Pipelines, map SYSTEM_ACCESSTOKEN and SYSTEM_OIDCREQUESTURI into the step's
# environment; the service connection's id says which federated credential to use.
provider "graph" {
  use_oidc                         = true
  tenant_id                        = "00000000-0000-0000-0000-000000000000"
  client_id                        = "11111111-1111-1111-1111-111111111111"
  oidc_azure_service_connection_id = "22222222-2222-2222-2222-222222222222"
}
