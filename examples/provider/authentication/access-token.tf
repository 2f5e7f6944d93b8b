variable "graph_token" {
  type      = string
  sensitive = true
}

provider "graph" {
  access_token = var.graph_token
}
