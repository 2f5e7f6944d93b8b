// Package personcertifications holds graph_person_certifications: many certifications, of
// any number of users, as one resource instance, kept in step with an HR system's export.
// It is served straight from the plugin protocol; the framework keeps its schema and
// documentation. Each entry is written as graph_person_certification writes its one
// certification, through what that package exports (Values, Fields, Expand, Flatten,
// Writer), so both resources read and write Graph alike.
//
//	server.go       Serve: the one door. The framework's server wrapped; this resource's
//	                calls decoded once and sent to the functions below
//	framework.go    what the framework does around a resource's methods, done from the schema:
//	                defaults, unknown computed values, plan modifiers, validators, private
//	                state, diagnostics
//	resource.go     the framework's view: type name, schema, client; its methods are the
//	                reference TestParity (serve_test.go) holds server.go to, never served
//	schema.go       the schema, the entries' documentation, the object type
//	state.go        the resource's value read straight from tftypes (bulkModel) and written back
//	entries.go      the entries of certifications: the single resource's attributes, read and
//	                checked with its validators
//	convert.go      values converted as Terraform converts for a typed attribute
//	validate.go     the configuration's checks, an entry's validators
//	plan.go         the plan: which certification each entry holds, adoptions, exclusive
//	                deletions, the deletion limit
//	apply.go        the apply, following the plan entry by entry
//	read.go         the refresh, and the listing of users' certifications
//	import.go       import by a list of users
//	diagnostics.go  messages that name entries and users
//
// A field's way from schema to wire and back is the single resource's (see
// internal/personcertification): an entry's attribute is that resource's attribute.
package personcertifications
