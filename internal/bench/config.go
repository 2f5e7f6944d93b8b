package main

import (
	"fmt"
	"strconv"
	"strings"
)

// userID is the object id of bench user i.
func userID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1) }

// userUPN is the user principal name of bench user i; the configurations name users by
// it, as an HR export does. It must match the format in certsLocals.
func userUPN(i int) string { return fmt.Sprintf("bench.user%05d@contoso.example", i+1) }

// certsLocals holds the N certifications spread round-robin over the users, keyed
// "<user>/<certification_id>" as from an HR export, and the computed entries Graph fills
// in for each (its id and audit timestamps), which the terraform_data floor carries.
// Certification @CHANGED@ (-1: none) has its issued_date changed: the one-entry change.
//
// Terraform's range() makes at most 1,024 values, so the indices are made 1,000 at a time.
const certsLocals = `locals {
  changed    = @CHANGED@
  user_index = [for i in flatten([for hi in range(@USERS_K@) : [for lo in range(1000) : hi * 1000 + lo]]) : i if i < @USERS@]
  cert_index = [for i in flatten([for hi in range(@N_K@) : [for lo in range(1000) : hi * 1000 + lo]]) : i if i < @N@]
  users      = [for u in local.user_index : format("bench.user%05d@contoso.example", u + 1)]
  certs = {
    for i in local.cert_index : format("%s/BENCH-%05d", local.users[i % @USERS@], i) => {
      user_id           = local.users[i % @USERS@]
      display_name      = "Bench certification ${i}"
      certification_id  = format("BENCH-%05d", i)
      issuing_authority = "Bench Authority"
      issued_date       = i == local.changed ? "2026-03-14" : "2025-03-14"
      web_url           = "https://example.com/cert/${i}"
      allowed_audiences = ["organization"]
    }
  }
}
`

const entriesLocals = `locals {
  entries = {
    for i in local.cert_index : format("%s/BENCH-%05d", local.users[i % @USERS@], i) => {
      id                      = format("5a1f0c2e-%04x-4b7d-9e3a-%012d", i % 65536, i)
      created_date_time       = format("2026-01-02T03:04:05.%07dZ", i)
      last_modified_date_time = i == local.changed ? "2026-01-09T10:11:12.1234567Z" : format("2026-01-02T03:04:05.%07dZ", i)
    }
  }
}
`

const providerBlock = `terraform {
  required_providers {
    graph = { source = "graphprofile/graph" }
  }
}
`

// perInstance is graph_person_certification (this provider or the plugin floor), one
// instance per certification.
const perInstance = `resource "graph_person_certification" "c" {
  for_each          = local.certs
  user_id           = each.value.user_id
  display_name      = each.value.display_name
  certification_id  = each.value.certification_id
  issuing_authority = each.value.issuing_authority
  issued_date       = each.value.issued_date
  web_url           = each.value.web_url
  allowed_audiences = each.value.allowed_audiences
}
`

// configuration is the Terraform configuration of a variant at size s, with certification
// changed (-1: none) carrying the one-entry change.
func configuration(variant string, s size, changed int) string {
	var sb strings.Builder
	switch variant {
	case vSetFloor, vInstData:
	default:
		sb.WriteString(providerBlock + "\n")
	}
	sb.WriteString(certsLocals)
	switch variant {
	case vSet:
		sb.WriteString("\nresource \"graph_person_certifications\" \"hr\" {\n  certifications = local.certs\n}\n")
	case vSetFloor:
		sb.WriteString("\n" + entriesLocals)
		sb.WriteString("\nresource \"terraform_data\" \"hr\" {\n  input = {\n    certifications = local.certs\n    entries        = local.entries\n  }\n}\n")
	case vInstData:
		sb.WriteString("\nresource \"terraform_data\" \"c\" {\n  for_each = local.certs\n  input    = each.value\n}\n")
	default:
		sb.WriteString("\n" + perInstance)
	}
	return strings.NewReplacer("@N@", strconv.Itoa(s.n), "@USERS@", strconv.Itoa(s.users), "@CHANGED@", strconv.Itoa(changed),
		"@N_K@", strconv.Itoa((s.n+999)/1000), "@USERS_K@", strconv.Itoa((s.users+999)/1000)).
		Replace(sb.String())
}
