package graph

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// readWindow is how long one list of a user's certifications answers reads: about one
// refresh of a large configuration (BENCHMARKS.md has Terraform's own refresh times).
// Terraform reads every resource of a plan in parallel within
// one provider process; a new process (every Terraform command) starts with nothing
// cached, and any write of this process drops the cache at once.
const readWindow = 30 * time.Second

// readCache coalesces reads: concurrent or closely following ReadCertification calls for
// one user share one paged list of that user's certifications (a singleflight keyed by
// user, valid for readWindow). Any write through this client (create, update, delete,
// for any user) invalidates every cached list and every list in flight, so a read never
// returns what predates a write of this process. Its zero value is ready to use.
type readCache struct {
	mu    sync.Mutex
	gen   uint64 // bumped by every write
	users map[string]*userReads
}

type userReads struct {
	snap *snapshot // the last list, nil when none
	call *listCall // a list in flight, nil when none
}

// snapshot is one complete list: raw items by id, so each reader decodes its own copy.
type snapshot struct {
	gen   uint64
	at    time.Time // when the list was asked for
	items map[string]json.RawMessage
}

type listCall struct {
	gen  uint64
	done chan struct{}
	snap *snapshot
	err  error
}

// invalidateReads drops every cached list and makes lists in flight unusable for
// reads that start from now on.
func (c *Client) invalidateReads() {
	c.reads.mu.Lock()
	c.reads.gen++
	c.reads.users = nil
	c.reads.mu.Unlock()
}

// ReadCertification returns one certification as Terraform's refresh needs it. It is
// answered from the user's coalesced list when the list holds the id; an id the list
// lacks (deleted, or a create not yet replicated) and a list that fails fall back to
// the item's own GET, so a 404 and every error mean exactly what GetCertification's do.
// A list item carries the same entity as a GET (docs/development/graph-api.md; proven against the mock).
func (c *Client) ReadCertification(ctx context.Context, userID, id string) (*Certification, error) {
	if snap, err := c.userSnapshot(ctx, userID); err == nil {
		if raw, ok := snap.items[id]; ok {
			if got, err := decodeCertification(raw); err == nil {
				return got, nil
			}
		}
	}
	return c.GetCertification(ctx, userID, id)
}

// userSnapshot returns a list of the user's certifications no older than readWindow and
// taken after this client's last write, joining a list in flight when there is one.
func (c *Client) userSnapshot(ctx context.Context, userID string) (*snapshot, error) {
	c.reads.mu.Lock()
	if c.reads.users == nil {
		c.reads.users = map[string]*userReads{}
	}
	u := c.reads.users[userID]
	if u == nil {
		u = &userReads{}
		c.reads.users[userID] = u
	}
	gen := c.reads.gen
	if s := u.snap; s != nil && s.gen == gen && time.Since(s.at) < readWindow {
		c.reads.mu.Unlock()
		return s, nil
	}
	call := u.call
	leader := call == nil || call.gen != gen
	if leader {
		call = &listCall{gen: gen, done: make(chan struct{})}
		u.call = call
	}
	c.reads.mu.Unlock()

	if leader {
		at := time.Now()
		items, err := c.listRaw(ctx, userID)
		c.reads.mu.Lock()
		if err == nil {
			call.snap = &snapshot{gen: gen, at: at, items: items}
			if c.reads.gen == gen {
				u.snap = call.snap
			}
		}
		call.err = err
		if u.call == call {
			u.call = nil
		}
		c.reads.mu.Unlock()
		close(call.done)
	} else {
		select {
		case <-call.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if call.err != nil {
		return nil, call.err
	}
	return call.snap, nil
}

// listRaw pages through all of a user's certifications and returns each item's raw
// JSON by id.
func (c *Client) listRaw(ctx context.Context, userID string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	err := c.eachListed(ctx, userID, "", func(item json.RawMessage) error {
		var probe struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(item, &probe) == nil && probe.ID != "" {
			out[probe.ID] = item
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListCertificationsShared returns all of a user's certifications, in no set order, from
// the user's coalesced list: one taken within readWindow and after this client's last
// write is shared. graph_person_certifications lists its users in the refresh, in the plan
// and again in the apply, and Terraform plans once more inside the apply's own process;
// sharing the lists saves a third of a large first apply's requests without ever
// answering from before a write of this process.
func (c *Client) ListCertificationsShared(ctx context.Context, userID string) ([]*Certification, error) {
	snap, err := c.userSnapshot(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]*Certification, 0, len(snap.items))
	for _, raw := range snap.items {
		cert, err := decodeCertification(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, cert)
	}
	return out, nil
}
