# Any OIDC issuer the app registration trusts (a federated credential), for example a
# GitLab CI id token written to a file, or handed over as a value in oidc_token.
provider "graph" {
  use_oidc             = true
  tenant_id            = "00000000-0000-0000-0000-000000000000"
  client_id            = "11111111-1111-1111-1111-111111111111"
  oidc_token_file_path = "/run/secrets/graph-id-token"
}
