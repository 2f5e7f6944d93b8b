// Package personcertification holds graph_person_certification, the resource of one
// certification in a person's Microsoft Graph profile, with the data sources and the list
// resource that read them, and what graph_person_certifications (internal/personcertifications)
// writes each entry with: the values, their mapping and the Writer. One file per concern:
//
//	schema.go              the resource schema: every attribute, its validators and description
//	model.go               Values, Fields (the one list of its attributes, with each one's wire
//	                       name and mapping) and the SDK mapping: Expand (plan -> request body),
//	                       Flatten (answer -> state)
//	compare.go             values compared as Graph stores them: differences, keeping planned values
//	state_codec.go         the resource model <-> its Terraform object, past tfsdk's reflection
//	validators.go          validate-time checks: text, dates, URLs, ids, numbers, dates in order
//	resource.go            graph_person_certification: Create, Read, Update, Delete, ImportState,
//	                       the creation stamp in private state
//	resource_plan.go       its ModifyPlan: user_id changes and the token's permissions
//	resource_reconcile.go  Writer: the create that survives a lost answer, reads that wait out
//	                       replication lag and stale reads (both resources write through it)
//	resource_identity.go   its resource identity (user_id, id)
//	cloud.go               what differs in the national clouds (source in US Government)
//	configure.go           the provider's client, as each type receives it
//	list_resource.go       list "graph_person_certification" for terraform query
//	data_source.go         data "graph_person_certification": one certification
//	data_source_certifications.go  data "graph_person_certifications": all of a user's
//	data_source_schema.go  the data sources' schemas, derived from the resource's
//	errors.go              Graph errors as diagnostics, with the next step
//
// A field's way from schema to wire and back: schema.go (the attribute), model.go (its
// field, wire name and mapping), internal/graph/certifications.go (sends and decodes),
// internal/mockgraph/properties.go (the fake's property table). TestSchemaModelAndMockAgree
// holds the three product places to each other.
package personcertification
