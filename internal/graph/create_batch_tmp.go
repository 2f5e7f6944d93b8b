package graph

import (
	"context"
	"errors"
	"sync"

	"github.com/microsoftgraph/msgraph-beta-sdk-go/models"
)

// TEMPORARY until the batched version lands.
type CreateRequest struct {
	UserID string
	Body   models.PersonCertificationable
}

type CreateResult struct {
	Cert *Certification
	Err  error
	Lost bool
}

func (c *Client) CreateCertifications(ctx context.Context, reqs []CreateRequest) []CreateResult {
	out := make([]CreateResult, len(reqs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i, r := range reqs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cert, err := c.CreateCertification(ctx, r.UserID, r.Body)
			out[i] = CreateResult{Cert: cert, Err: err}
			var de *DecodeError
			if err != nil && (errors.As(err, &de) || StatusOf(err) == 0 || StatusOf(err) >= 500 && StatusOf(err) != 503) {
				out[i].Lost = true
			}
		}()
	}
	wg.Wait()
	return out
}
