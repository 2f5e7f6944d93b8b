// Command terraform-provider-graph serves the graph provider over the plugin protocol 6.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/graphprofile/terraform-provider-graph/internal/provider"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

const address = "registry.terraform.io/graphprofile/graph"

func main() {
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers such as delve")
	flag.BoolVar(&showVersion, "version", false, "print the version and exit")
	flag.Parse()
	if showVersion {
		fmt.Println(version)
		return
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: address,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
	os.Exit(0)
}
