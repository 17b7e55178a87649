package metagraph

import (
	"context"
	"sync"
	"time"
)

// Refresher keeps a Cache filled from the chain. Its Permit answers from the cache and, when a
// hotkey is not permitted, refreshes once first if the snapshot is older than MinInterval, so a
// validator that just received its permit is not turned away until the next periodic refresh. The
// rate limit bounds how often unknown callers can make the miner query the chain.
type Refresher struct {
	// Cache is the snapshot served to the axon.
	Cache *Cache
	// Fetch reads miners and permitted hotkeys from the chain.
	Fetch func(ctx context.Context) (miners []Miner, permitted []string, err error)
	// MinInterval is the shortest time between two fetches triggered by Permit.
	MinInterval time.Duration
	// Timeout bounds a fetch triggered by Permit.
	Timeout time.Duration

	mu   sync.Mutex
	last time.Time
}

// Refresh fetches and replaces the snapshot now.
func (r *Refresher) Refresh(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refreshLocked(ctx)
}

func (r *Refresher) refreshLocked(ctx context.Context) error {
	r.last = time.Now()
	miners, permitted, err := r.Fetch(ctx)
	if err != nil {
		return err
	}
	return r.Cache.Update(miners, permitted)
}

// Permit reports whether hotkey holds a validator permit, refreshing a stale snapshot on a miss.
func (r *Refresher) Permit(hotkey string) bool {
	if r.Cache.Permit(hotkey) {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.last) < r.MinInterval {
		return r.Cache.Permit(hotkey)
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := r.refreshLocked(ctx); err != nil {
		return false
	}
	return r.Cache.Permit(hotkey)
}
