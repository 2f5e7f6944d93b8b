package mockgraph

// The personCertification properties the fake knows, one table for validation, storage
// and rendering: what Graph's beta personCertification type declares (itemFacet's
// properties included), as the SDK's model does (TestMockPropertiesMatchTheSDKModel in
// internal/graph, whose tests build the SDK anyway; the mock's own tests stay without it).
// https://learn.microsoft.com/graph/api/resources/personcertification?view=graph-rest-beta

// propKind says how a property is validated, kept and rendered.
type propKind int

const (
	propUnknown   propKind = iota // not a personCertification property: 400, as openType is false
	propString                    // Edm.String, kept in props; $filter may compare it
	propDate                      // Edm.Date (YYYY-MM-DD), kept in props
	propAudiences                 // the allowedAudiences flags, kept as a bitmask; $filter may compare it
	propInference                 // inferenceData, kept in props
	propSource                    // personDataSources, kept in props
	propServerSet                 // set by the server (id, timestamps, identities); ignored in writes
	propIgnored                   // read-only and not served by this fake; ignored in writes
)

type property struct {
	name string
	kind propKind
}

// properties lists them in the docs' order, which is also the order an entity is
// rendered in. A function, not a package variable, so no state is shared.
func properties() []property {
	return []property{
		{"id", propServerSet},
		{"allowedAudiences", propAudiences},
		{"inference", propInference},
		{"createdDateTime", propServerSet},
		{"createdBy", propServerSet},
		{"lastModifiedDateTime", propServerSet},
		{"lastModifiedBy", propServerSet},
		{"source", propSource},
		{"sources", propIgnored},
		{"isSearchable", propIgnored},
		{"certificationId", propString},
		{"description", propString},
		{"displayName", propString},
		{"endDate", propDate},
		{"issuedDate", propDate},
		{"issuingAuthority", propString},
		{"issuingCompany", propString},
		{"startDate", propDate},
		{"thumbnailUrl", propString},
		{"webUrl", propString},
	}
}

// kindOf is the kind of the property name, propUnknown when there is none.
func kindOf(name string) propKind {
	for _, p := range properties() {
		if p.name == name {
			return p.kind
		}
	}
	return propUnknown
}

// stored reports whether a property of kind k is kept in certification.props.
func (k propKind) stored() bool {
	return k == propString || k == propDate || k == propInference || k == propSource
}

// filterable reports whether $filter may compare the property.
func filterable(name string) bool {
	k := kindOf(name)
	return k == propString || k == propAudiences
}

// PropertyNames lists the personCertification properties the fake knows.
func PropertyNames() []string {
	var names []string
	for _, p := range properties() {
		names = append(names, p.name)
	}
	return names
}

// WritableProperties lists the properties a client may write (POST, PATCH); the rest are
// set by the server or not served.
func WritableProperties() []string {
	var names []string
	for _, p := range properties() {
		if p.kind.stored() || p.kind == propAudiences {
			names = append(names, p.name)
		}
	}
	return names
}
