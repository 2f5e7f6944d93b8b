package provider

import (
	"context"
	"fmt"
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
func retryPolicy(cfg Model) (graph.RetryPolicy, error) {
	p := graph.RetryPolicy{MaxRetries: defaultMaxRetries}
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		n := cfg.MaxRetries.ValueInt64()
		if n < 0 || n > maxRetriesLimit {
			return p, fmt.Errorf("max_retries must be between 0 and %d, got %d", maxRetriesLimit, n)
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
