package personcertification

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/graphprofile/terraform-provider-graph/internal/graph"
	"github.com/graphprofile/terraform-provider-graph/internal/wait"
)

const (
	// createAttempts bounds POSTs for one create whose answers keep getting lost.
	createAttempts = 3
	// clockSkew widens the window in which a found certification counts as ours.
	clockSkew = 2 * time.Minute
	// reconcileTimeout bounds the search after the operation's own deadline has passed:
	// one list, no waiting, so nothing outlives the timeout by more than this.
	reconcileTimeout = 30 * time.Second
	// lostSearches and lostSearchPause: how often, and how far apart, a lost create is
	// looked for before it counts as not created.
	lostSearches    = 3
	lostSearchPause = time.Second
	// staleReadAttempts bounds re-reads while Graph still serves the pre-update object.
	staleReadAttempts = 6
)

// Writer is what both resources write with: the create that survives a lost answer
// (CreateOrAdopt, with FindCreated and ReadBack), and the reads that wait out Graph's
// replication lag and stale reads (AwaitVisible, AwaitUpdated). graph_person_certifications
// writes each entry through it, so a lost answer is handled alike in both.
type Writer struct{ Client *graph.Client }

// writer is r's Writer.
func (r *Resource) writer() Writer { return Writer{Client: r.client} }

// CreateOrAdopt POSTs body. When the answer is lost after Graph may have applied it (no
// answer, a timeout, any 5xx, an unreadable 2xx without an id), it looks
// among the user's certifications for one created since the call began that matches
// every field sent, and adopts it; only when there is none does it POST again. So a lost
// answer leaves neither an orphan nor a twin.
func (w Writer) CreateOrAdopt(ctx context.Context, user string, body Body, plan *Values) (*graph.Certification, diag.Diagnostics, error) {
	var diags diag.Diagnostics
	start := time.Now()
	for attempt := 1; ; attempt++ {
		created, err := w.Client.CreateCertification(ctx, user, body)
		if err == nil {
			if id := created.GetId(); id != nil {
				w.Client.Claim(*id)
			}
			return created, diags, nil
		}
		var de *graph.DecodeError
		if errors.As(err, &de) && de.ID != "" {
			// Created; only the echo was unreadable. Read it back.
			w.Client.Claim(de.ID)
			rctx, cancel := ReconcileContext(ctx)
			got, gerr := w.ReadBack(rctx, user, de.ID)
			cancel()
			if gerr != nil {
				return nil, diags, err
			}
			return got, diags, nil
		}
		if !lostAnswer(err) {
			return nil, diags, err
		}
		tflog.Warn(ctx, "create answer lost; looking for the certification before posting again", map[string]interface{}{"error": err.Error(), "attempt": attempt})
		found, serr := w.FindCreated(ctx, user, plan, start)
		if found != nil {
			diags.AddWarning("Adopted a certification whose create answer was lost",
				fmt.Sprintf("Graph's answer to the create was lost (%v). The certification %s, created since then with exactly the values sent, was adopted instead of creating a second one.",
					err, graph.Deref(found.GetId())))
			return found, diags, nil
		}
		if serr != nil {
			//nolint:errorlint // serr is context only: the failure is classified (status, decode error) by err alone
			return nil, diags, fmt.Errorf("%w; looking for the certification afterwards also failed: %v", err, serr)
		}
		if ctx.Err() != nil || attempt >= createAttempts {
			return nil, diags, err
		}
	}
}

// lostAnswer reports whether a failed create may have been applied by Graph: the client's
// rule, shared with batched creates (any 5xx, 503 included, no answer, an unreadable 2xx).
func lostAnswer(err error) bool { return graph.CreateMayHaveApplied(err) }

// ReconcileContext is ctx while it lives, else a short one of its own: after a timeout
// the provider still looks once for what it may have created.
func ReconcileContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return ctx, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(ctx), reconcileTimeout)
}

// FindCreated returns the oldest unclaimed certification of user created since start
// (less clock skew) whose every writable value equals the plan's. A certification written
// moments ago may not be listed yet (replication lag), so it looks lostSearches times,
// lostSearchPause apart, before it concludes that nothing was created.
func (w Writer) FindCreated(ctx context.Context, user string, plan *Values, start time.Time) (*graph.Certification, error) {
	ctx, cancel := ReconcileContext(ctx)
	defer cancel()
	for search := 1; ; search++ {
		found, err := w.findCreatedOnce(ctx, user, plan, start)
		if found != nil || err != nil || search >= lostSearches || !wait.For(ctx, lostSearchPause) {
			return found, err
		}
	}
}

func (w Writer) findCreatedOnce(ctx context.Context, user string, plan *Values, start time.Time) (*graph.Certification, error) {
	list, err := w.Client.ListCertifications(ctx, user, graph.ListFilter{DisplayName: plan.DisplayName.ValueString()})
	if err != nil {
		return nil, err
	}
	graph.SortByCreated(list)
	for _, c := range list {
		t := c.GetCreatedDateTime()
		if t == nil || t.Before(start.Add(-clockSkew)) {
			continue
		}
		var v Values
		if Flatten(ctx, c, &v).HasError() {
			continue
		}
		if c.AudiencesUnreadable {
			// Graph sent audiences the SDK cannot read (flatten warned): unknown is not a
			// mismatch, or the certification would be posted a second time. Every other
			// field still decides.
			v.AllowedAudiences = plan.AllowedAudiences
		}
		if len(Differences(plan, &v)) > 0 {
			continue
		}
		if id := c.GetId(); id != nil && w.Client.Claim(*id) {
			return c, nil
		}
	}
	return nil, nil
}

// ReadBack GETs a certification that Graph has just written, polling through the
// replication lag in which it still answers 404.
func (w Writer) ReadBack(ctx context.Context, user, id string) (*graph.Certification, error) {
	got, err := w.Client.GetCertification(ctx, user, id)
	if graph.IsNotFound(err) {
		return w.AwaitVisible(ctx, user, id, ConsistencyWindow)
	}
	return got, err
}

// AwaitUpdated re-reads while Graph still serves values older than the update just
// applied (a stale read), for a bounded number of attempts.
func (w Writer) AwaitUpdated(ctx context.Context, user, id string, plan *Values, got *graph.Certification) *graph.Certification {
	delay := 200 * time.Millisecond
	for attempt := 0; attempt < staleReadAttempts; attempt++ {
		var v Values
		if Flatten(ctx, got, &v).HasError() || len(Differences(plan, &v)) == 0 {
			return got
		}
		tflog.Debug(ctx, "stale read after update; reading again", map[string]interface{}{"id": id, "wait": delay.String()})
		if !wait.For(ctx, delay) {
			return got
		}
		next, err := w.Client.GetCertification(ctx, user, id)
		if err != nil {
			return got
		}
		got, delay = next, min(delay*2, 3*time.Second)
	}
	return got
}

// AwaitVisible polls a just-created certification through Graph's replication lag.
func (w Writer) AwaitVisible(ctx context.Context, user, id string, window time.Duration) (*graph.Certification, error) {
	deadline := time.Now().Add(window)
	delay := 250 * time.Millisecond
	for {
		tflog.Debug(ctx, "certification not visible yet after create; polling", map[string]interface{}{"id": id, "wait": delay.String()})
		if !wait.For(ctx, delay) {
			return nil, ctx.Err()
		}
		got, err := w.Client.GetCertification(ctx, user, id)
		if !graph.IsNotFound(err) || time.Now().After(deadline) {
			return got, err
		}
		delay = min(delay*2, 5*time.Second)
	}
}
