package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

func TestRetryPolicy(t *testing.T) {
	tests := []struct {
		name    string
		retries types.Int64
		delay   types.String
		want    graph.RetryPolicy
		wantErr bool
	}{
		{"defaults", types.Int64Null(), types.StringNull(), graph.RetryPolicy{MaxRetries: defaultMaxRetries}, false},
		{"unknown takes defaults", types.Int64Unknown(), types.StringUnknown(), graph.RetryPolicy{MaxRetries: defaultMaxRetries}, false},
		{"zero turns retries off", types.Int64Value(0), types.StringNull(), graph.RetryPolicy{MaxRetries: graph.NoRetries}, false},
		{"set", types.Int64Value(3), types.StringValue("90s"), graph.RetryPolicy{MaxRetries: 3, MaxDelay: 90 * time.Second}, false},
		{"too many", types.Int64Value(21), types.StringNull(), graph.RetryPolicy{}, true},
		{"negative", types.Int64Value(-1), types.StringNull(), graph.RetryPolicy{}, true},
		{"not a duration", types.Int64Null(), types.StringValue("soon"), graph.RetryPolicy{}, true},
		{"too short", types.Int64Null(), types.StringValue("10ms"), graph.RetryPolicy{}, true},
		{"too long", types.Int64Null(), types.StringValue("1h"), graph.RetryPolicy{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := retryPolicy(Model{MaxRetries: tt.retries, MaxRetryDelay: tt.delay})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Fatalf("policy = %+v, want %+v", got, tt.want)
			}
		})
	}
}
