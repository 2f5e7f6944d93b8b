// Command benchfloor serves the benchmark's plugin floor (internal/bench/floor) as
// registry.terraform.io/graphprofile/graph; `make bench` builds it and points a
// dev_overrides CLI configuration at it.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/graphprofile/terraform-provider-graph/internal/bench/floor"
)

func main() {
	err := providerserver.Serve(context.Background(), floor.New, providerserver.ServeOpts{
		Address: "registry.terraform.io/graphprofile/graph",
	})
	if err != nil {
		log.Fatal(err)
	}
}
