// Package tfwire reads the values Terraform sends over the plugin protocol
// (tfprotov6.DynamicValue) as terraform-plugin-go does, at less cost for values with
// dynamic parts.
//
// A value of a dynamic attribute (DynamicPseudoType) travels in msgpack as a pair: a JSON
// description of its type, then the value. DynamicValue.Unmarshal parses that JSON every
// time. graph_person_certifications' certifications attribute is dynamic, and at 10,000
// entries its type description is 2.4 MB of a 5.2 MB configuration, read again by each of
// the ~8 unmarshals of an apply; the parsing was about a fifth of the provider's CPU.
//
// Unmarshal decodes msgpack the way tftypes does (the same values, the same errors, the
// same panics for values tftypes.NewValue refuses) and keeps each parsed type description
// by its bytes in a bounded cache shared by the process. A description in the compact form
// Terraform writes is parsed in one pass, the entries of a map of objects sharing one type;
// any other goes to tftypes.ParseJSONType. A value in JSON (raw state) is left to
// DynamicValue.Unmarshal.
//
// Decode reads an object as Unmarshal does and keeps, for each of its composite top-level
// attributes, the bytes it arrived as. Marshal writes an object that reads back as what
// tfprotov6.NewDynamicValue writes, but copies those bytes for an attribute whose value is
// the very value read (the same map or slice inside it): a provider mostly answers with
// what it was sent, and tftypes' encoding of certifications (its type description
// included) was a third of the provider's own CPU at 10,000 entries. A copied attribute
// goes back exactly as Terraform wrote it (its unknowns' refinements, which tftypes reads
// as plain unknowns, included).
//
// The types of the values it returns may be shared between calls and goroutines: the maps
// inside them (an object's AttributeTypes, OptionalAttributes) must not be modified.
package tfwire
