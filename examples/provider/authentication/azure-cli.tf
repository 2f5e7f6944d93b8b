# Signs in as the account of `az login`. Nothing to set: use_cli defaults to true.
provider "graph" {
  # tenant_id = "00000000-0000-0000-0000-000000000000" # optional: a tenant other than the CLI's default
}
