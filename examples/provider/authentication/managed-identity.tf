provider "graph" {
  use_msi = true
  # A user-assigned identity is chosen by its client id; without it, the system-assigned one.
  client_id = "33333333-3333-3333-3333-333333333333"
  # msi_endpoint = "http://169.254.169.254/metadata/identity/oauth2/token" # an IMDS-compatible endpoint
}
