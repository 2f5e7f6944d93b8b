package provider

import (
	"net/http"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/provider"
)

// Options adjust a provider built by NewWithOptions. They exist for embedding and for
// tests; the Terraform configuration cannot set them.
type Options struct {
	// Getenv replaces os.Getenv for every environment variable the provider reads.
	// azidentity itself still reads the process environment for the Azure CLI (PATH) and
	// for the managed-identity platform variables (IDENTITY_ENDPOINT, MSI_ENDPOINT, ...).
	Getenv func(string) string
	// Transport replaces the HTTP transport of Graph and token traffic alike; nil keeps a
	// clone of http.DefaultTransport (proxies from the environment, system trust store).
	Transport http.RoundTripper
}

// NewWithOptions is New with Options.
func NewWithOptions(version string, o Options) func() provider.Provider {
	return func() provider.Provider {
		p := &Provider{version: version, getenv: o.Getenv, transport: o.Transport}
		if p.getenv == nil {
			p.getenv = os.Getenv
		}
		return p
	}
}
