package graph

import "sort"

// SortByCreated orders certifications by creation time, then id: Graph's default order,
// made total, so that the oldest of several matches is always the same one.
func SortByCreated(certs []*Certification) {
	sort.SliceStable(certs, func(i, j int) bool {
		a, b := certs[i].GetCreatedDateTime(), certs[j].GetCreatedDateTime()
		if a != nil && b != nil && !a.Equal(*b) {
			return a.Before(*b)
		}
		if (a == nil) != (b == nil) {
			return a != nil
		}
		return Deref(certs[i].GetId()) < Deref(certs[j].GetId())
	})
}

// Deref is the text of one of the SDK's optional strings; "" for none.
func Deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
