# A token obtained elsewhere, for example:
#   export GRAPH_ACCESS_TOKEN=$(az account get-access-token --resource-type ms-graph --query accessToken -o tsv)
provider "graph" {
  # endpoint defaults to GRAPH_ENDPOINT, then https://graph.microsoft.com
  # access_token defaults to GRAPH_ACCESS_TOKEN
}
