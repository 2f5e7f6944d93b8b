package graph

// Cloud names, as the provider's environment setting spells them.
const (
	CloudPublic         = "public"
	CloudUSGovernment   = "usgovernment"
	CloudUSGovernmentL5 = "usgovernmentl5"
	CloudChina          = "china"
)

// SourceTypeIsString reports whether Graph's beta schema in cloud declares a
// certification's source (itemFacet.source) as personDataSource, whose type is one
// string, rather than personDataSources, whose type is a list of strings. The SDK, and so
// the provider, writes and reads only the list. From the per-cloud beta schemas published
// in microsoftgraph/msgraph-metadata (docs/development/graph-api.md, Properties): the US
// Government one has the string form, the public and China ones the list. No schema of its
// own is published for the DoD cloud (usgovernmentl5); it is taken to be the US
// Government one.
func SourceTypeIsString(cloud string) bool {
	return cloud == CloudUSGovernment || cloud == CloudUSGovernmentL5
}

// Cloud is the environment the client's Graph belongs to (Config.Cloud; "" means public).
func (c *Client) Cloud() string {
	if c.cloud == "" {
		return CloudPublic
	}
	return c.cloud
}
