// Command terraform-provider-graph serves the graph provider over the plugin protocol 6.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

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
	if !debug {
		silenceUnreadLogs(os.LookupEnv, os.Setenv)
	}
	serve, err := provider.Server(version)()
	if err != nil {
		log.Fatal(err)
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err = tf6server.Serve(address, func() tfprotov6.ProviderServer { return serve }, opts...)
	if err != nil {
		log.Fatal(err)
	}
	os.Exit(0)
}

// pluginLogLevels are the variables that set the plugin's own log levels (terraform-plugin-go,
// the framework, and this provider's tflog logger). Each left unset means TRACE.
var pluginLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_GRAPH"}

// silenceUnreadLogs turns the plugin's logging off when Terraform (or OpenTofu) will throw it
// away: neither TF_LOG nor TF_LOG_PROVIDER asks for provider logs. Left at its default, the
// plugin encodes every framework trace line as JSON and writes it to Terraform, which
// discards it; at 1,000 resources that was a third of the provider's CPU time (see
// DECISIONS.md, Speed). A level the user set is never changed, and with TF_LOG or
// TF_LOG_PROVIDER set nothing is touched.
func silenceUnreadLogs(lookup func(string) (string, bool), set func(string, string) error) {
	for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if v, _ := lookup(name); v != "" && !strings.EqualFold(strings.TrimSpace(v), "off") {
			return
		}
	}
	for _, name := range pluginLogLevels {
		if _, ok := lookup(name); !ok {
			_ = set(name, "OFF")
		}
	}
}
