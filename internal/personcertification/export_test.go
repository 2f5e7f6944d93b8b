package personcertification

// FullWire is one certification with every writable property set, as Graph holds it: the
// wire form of fullModel here and of fullConfig in the acceptance tests. A fresh map each
// call, so a test may add to it.
func FullWire() map[string]any {
	return map[string]any{
		"displayName":      "Marketing Blackbelt - Brand Management",
		"certificationId":  "KB-1235466333663322",
		"description":      "Blackbelt in Marketing - Brand Management",
		"issuingAuthority": "International Academy of Marketing Excellence",
		"issuingCompany":   "IAME Ltd",
		"startDate":        "2024-01-15",
		"endDate":          "2027-01-14",
		"issuedDate":       "2024-01-10",
		"thumbnailUrl":     "https://iame.io/dfhdfdfd334.jpg",
		"webUrl":           "https://www.iame.io/blackbelt",
		"allowedAudiences": "organization,everyone",
		"inference":        map[string]any{"confidenceScore": 0.75, "userHasVerifiedAccuracy": true},
		"source":           map[string]any{"type": []any{"User", "HR"}},
	}
}
