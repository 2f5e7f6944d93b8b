# In a GitHub Actions job with `permissions: id-token: write`, the runner sets
# ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN; the provider uses them.
provider "graph" {
  use_oidc  = true
  tenant_id = "00000000-0000-0000-0000-000000000000"
  client_id = "11111111-1111-1111-1111-111111111111"
}
