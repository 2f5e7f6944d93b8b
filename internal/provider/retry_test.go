package provider

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

func TestRetryPolicy(t *testing.T) {
	tests := []struct {
		name    string
		retries types.Number
		delay   types.String
		want    graph.RetryPolicy
		wantErr bool
	}{
		{"defaults", types.NumberNull(), types.StringNull(), graph.RetryPolicy{MaxRetries: defaultMaxRetries}, false},
		{"unknown takes defaults", types.NumberUnknown(), types.StringUnknown(), graph.RetryPolicy{MaxRetries: defaultMaxRetries}, false},
		{"zero turns retries off", num(0), types.StringNull(), graph.RetryPolicy{MaxRetries: graph.NoRetries}, false},
		{"set", num(3), types.StringValue("90s"), graph.RetryPolicy{MaxRetries: 3, MaxDelay: 90 * time.Second}, false},
		{"too many", num(21), types.StringNull(), graph.RetryPolicy{}, true},
		{"negative", num(-1), types.StringNull(), graph.RetryPolicy{}, true},
		{"not whole", types.NumberValue(big.NewFloat(2.5)), types.StringNull(), graph.RetryPolicy{}, true},
		{"beyond int64", types.NumberValue(big.NewFloat(1e30)), types.StringNull(), graph.RetryPolicy{}, true},
		{"not a duration", types.NumberNull(), types.StringValue("soon"), graph.RetryPolicy{}, true},
		{"too short", types.NumberNull(), types.StringValue("10ms"), graph.RetryPolicy{}, true},
		{"too long", types.NumberNull(), types.StringValue("1h"), graph.RetryPolicy{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := retryPolicy(providerModel{MaxRetries: tt.retries, MaxRetryDelay: tt.delay})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Fatalf("policy = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func num(n int64) types.Number { return types.NumberValue(new(big.Float).SetInt64(n)) }

// Numbers max_retries cannot hold are refused at validate time with the attribute's name
// and the range, never converted.
func TestWholeNumberValidator(t *testing.T) {
	huge, _, _ := big.ParseFloat("9223372036854775808", 10, 256, big.ToNearestEven)
	tests := []struct {
		name  string
		value types.Number
		want  string // "" = accepted
	}{
		{"zero", num(0), ""},
		{"the limit", num(maxRetriesLimit), ""},
		{"null", types.NumberNull(), ""},
		{"unknown", types.NumberUnknown(), ""},
		{"above", num(21), "got 21"},
		{"negative", num(-1), "got -1"},
		{"fraction", types.NumberValue(big.NewFloat(2.5)), "got 2.5"},
		{"1e30", types.NumberValue(big.NewFloat(1e30)), "got 1e+30"},
		{"2^63", types.NumberValue(huge), "got 9.223372036854775808e+18"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := path.Root("max_retries")
			var resp validator.NumberResponse
			wholeNumberValidator{lo: 0, hi: maxRetriesLimit}.ValidateNumber(context.Background(),
				validator.NumberRequest{Path: p, PathExpression: p.Expression(), ConfigValue: tt.value}, &resp)
			if tt.want == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("refused: %v", resp.Diagnostics)
				}
				return
			}
			if resp.Diagnostics.ErrorsCount() != 1 {
				t.Fatalf("diagnostics = %v, want one error", resp.Diagnostics)
			}
			d := resp.Diagnostics.Errors()[0]
			if wp, ok := d.(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(p) {
				t.Error("the error is not attached to max_retries")
			}
			for _, w := range []string{"max_retries must be a whole number between 0 and 20", tt.want} {
				if !strings.Contains(d.Detail(), w) {
					t.Errorf("detail %q lacks %q", d.Detail(), w)
				}
			}
		})
	}
}
