// Package personcertification holds the Terraform types for a person's certifications
// in Microsoft Graph, one file per type and concern:
//
//	schema.go              the resource schema: every attribute, its validators and description
//	model.go               Values and the SDK mapping: expand (plan -> request body), flatten (answer -> state)
//	model_fields.go        the one list of Values' attributes and every walk over it: comparison
//	                       as Graph stores values, differences, keeping planned values, the state codec
//	validators.go          validate-time checks: text, dates, URLs, ids, numbers, dates in order
//	resource.go            graph_person_certification: Create, Read, Update, Delete, ImportState
//	resource_plan.go       its ModifyPlan: user_id changes and the token's permissions
//	resource_reconcile.go  lost answers: the search and adoption after a create, stale reads after an update
//	resource_identity.go   its resource identity (user_id, id)
//	list_resource.go       list "graph_person_certification" for terraform query
//	certifications_resource.go  graph_person_certifications: schema, Read, the state's form
//	certifications_value.go     its entries: the single resource's attributes, types and validators
//	certifications_plan.go      its ModifyPlan: computed values per entry, exclusive deletions
//	certifications_apply.go     its Create, Update, Delete, ImportState, entry by entry
//	certifications_server.go    its calls served from the plugin protocol, past the framework's conversions
//	data_source.go         data "graph_person_certification"
//	data_source_list.go    data "graph_person_certifications"
//	data_source_schema.go  the data sources' schemas, derived from the resource's
//	errors.go              Graph errors as diagnostics, with the next step
//
// A field's way from schema to wire and back: schema.go, model.go, internal/graph
// (certifications.go sends and decodes), internal/mockgraph (properties.go, the fake's
// property table).
package personcertification
