package main

import (
	"maps"
	"testing"
)

func TestSilenceUnreadLogs(t *testing.T) {
	off := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_GRAPH": "OFF"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string // the variables set by the call
	}{
		{"nothing asked: all off", map[string]string{}, off},
		{"TF_LOG empty: all off", map[string]string{"TF_LOG": ""}, off},
		{"TF_LOG=off: all off", map[string]string{"TF_LOG": " Off "}, off},
		{"TF_LOG=TRACE: untouched", map[string]string{"TF_LOG": "TRACE"}, map[string]string{}},
		{"TF_LOG=JSON: untouched", map[string]string{"TF_LOG": "JSON"}, map[string]string{}},
		{"TF_LOG_PROVIDER=DEBUG: untouched", map[string]string{"TF_LOG_PROVIDER": "DEBUG"}, map[string]string{}},
		{"a level the user set is kept", map[string]string{"TF_LOG_SDK_FRAMEWORK": "DEBUG"},
			map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_PROVIDER_GRAPH": "OFF"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			set := func(k, v string) error { got[k] = v; return nil }
			silenceUnreadLogs(lookup, set)
			if !maps.Equal(got, tc.want) {
				t.Errorf("set %v, want %v", got, tc.want)
			}
		})
	}
}
