variable "certificate_password" {
  type      = string
  sensitive = true
}

provider "graph" {
  tenant_id = "00000000-0000-0000-0000-000000000000"
  client_id = "11111111-1111-1111-1111-111111111111"
  # A PKCS#12 bundle (as `openssl pkcs12 -export` writes it) or a PEM file with the key.
  client_certificate_path     = "${path.root}/graph-client.pfx"
  client_certificate_password = var.certificate_password
  # or, base64-encoded: client_certificate = filebase64("${path.root}/graph-client.pfx")
}
