variable "client_secret" {
  type      = string
  sensitive = true
}

provider "graph" {
  tenant_id     = "00000000-0000-0000-0000-000000000000"
  client_id     = "11111111-1111-1111-1111-111111111111"
  client_secret = var.client_secret
  # or: client_secret_file_path = "/run/secrets/graph-client-secret"
}
