package provider

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
)

const (
	defaultMaxRetries = 8
	maxRetriesLimit   = 20
	minRetryDelay     = time.Second
	maxRetryDelay     = 10 * time.Minute
)

// retryPolicy turns max_retries and max_retry_delay into the client's policy.
func retryPolicy(cfg providerModel) (graph.RetryPolicy, error) {
	p := graph.RetryPolicy{MaxRetries: defaultMaxRetries}
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		n, err := wholeNumber("max_retries", cfg.MaxRetries.ValueBigFloat(), 0, maxRetriesLimit)
		if err != nil {
			return p, err
		}
		p.MaxRetries = int(n)
		if n == 0 {
			p.MaxRetries = graph.NoRetries
		}
	}
	if !cfg.MaxRetryDelay.IsNull() && !cfg.MaxRetryDelay.IsUnknown() {
		d, err := parseRetryDelay(cfg.MaxRetryDelay.ValueString())
		if err != nil {
			return p, err
		}
		p.MaxDelay = d
	}
	return p, nil
}

func parseRetryDelay(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("max_retry_delay %q is not a duration such as 30s or 2m", s)
	}
	if d < minRetryDelay || d > maxRetryDelay {
		return 0, fmt.Errorf("max_retry_delay %s must be between %s and %s", d, minRetryDelay, maxRetryDelay)
	}
	return d, nil
}

// retryDelayValidator checks max_retry_delay at validate time.
type retryDelayValidator struct{}

func (retryDelayValidator) Description(context.Context) string { return "a duration from 1s to 10m" }
func (v retryDelayValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (retryDelayValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseRetryDelay(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid max_retry_delay", err.Error()+".")
	}
}

// wholeNumber reads a Number setting that must be a whole number in [lo, hi].
func wholeNumber(name string, v *big.Float, lo, hi int64) (int64, error) {
	if v != nil && v.IsInt() {
		if n, acc := v.Int64(); acc == big.Exact && n >= lo && n <= hi {
			return n, nil
		}
	}
	got := "nothing"
	if v != nil {
		got = v.Text('g', -1)
	}
	return 0, fmt.Errorf("%s must be a whole number between %d and %d, got %s", name, lo, hi, got)
}

// wholeNumberValidator checks a whole-number setting at validate time. Such settings are
// Number attributes, not Int64: the framework converts an Int64 before any validator runs,
// and a value like 2.5 or 1e30 then fails with its own conversion error, which tells the
// user to report a provider bug instead of naming what to fix.
type wholeNumberValidator struct{ lo, hi int64 }

func (v wholeNumberValidator) Description(context.Context) string {
	return fmt.Sprintf("a whole number between %d and %d", v.lo, v.hi)
}
func (v wholeNumberValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (v wholeNumberValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := wholeNumber(req.Path.String(), req.ConfigValue.ValueBigFloat(), v.lo, v.hi); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), err.Error()+".")
	}
}
