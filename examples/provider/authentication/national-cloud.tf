provider "graph" {
  environment = "usgovernment" # Graph at graph.microsoft.us, Entra ID at login.microsoftonline.us
  tenant_id   = "00000000-0000-0000-0000-000000000000"
  client_id   = "11111111-1111-1111-1111-111111111111"
  # client_secret from ARM_CLIENT_SECRET
}
