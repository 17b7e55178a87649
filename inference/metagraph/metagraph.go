package metagraph

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"sync"
)

// Miner is a neuron that serves a model at an axon endpoint.
type Miner struct {
	// UID is the neuron's uid in the subnet.
	UID uint16
	// Hotkey is the miner's bech32 hotkey address; its responses must be signed by this key.
	Hotkey string
	// Endpoint is the axon base URL, e.g. "http://203.0.113.7:8091".
	Endpoint string
}

// Metagraph answers the two questions the worker asks about a subnet.
type Metagraph interface {
	// Permit reports whether hotkey currently holds a validator permit in the subnet.
	Permit(hotkey string) bool
	// Miners returns the subnet's miners with a served axon, sorted by UID.
	Miners() []Miner
}

// Cache is a Metagraph snapshot replaced atomically by Update. The zero value is an empty
// metagraph (no permits, no miners) ready to use.
type Cache struct {
	mu      sync.RWMutex
	miners  []Miner
	permits map[string]struct{}
}

var _ Metagraph = (*Cache)(nil)

// Update replaces the snapshot with miners (sorted by UID; duplicate UIDs are an error) and the
// set of hotkeys holding validator permits.
func (c *Cache) Update(miners []Miner, permitted []string) error {
	ms := append([]Miner(nil), miners...)
	sort.Slice(ms, func(i, j int) bool { return ms[i].UID < ms[j].UID })
	for i := 1; i < len(ms); i++ {
		if ms[i].UID == ms[i-1].UID {
			return fmt.Errorf("metagraph: uid %d appears twice", ms[i].UID)
		}
	}
	permits := make(map[string]struct{}, len(permitted))
	for _, hk := range permitted {
		permits[hk] = struct{}{}
	}
	c.mu.Lock()
	c.miners, c.permits = ms, permits
	c.mu.Unlock()
	return nil
}

// Permit implements Metagraph.
func (c *Cache) Permit(hotkey string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.permits[hotkey]
	return ok
}

// Miners implements Metagraph; the returned slice is a copy.
func (c *Cache) Miners() []Miner {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]Miner(nil), c.miners...)
}

// EndpointURL builds an axon base URL from the fields x/subnet stores for a served axon. Only
// "http" and "https" are supported; host may be an IPv4/IPv6 literal or a DNS name.
func EndpointURL(protocol, host string, port uint32) (string, error) {
	if protocol != "http" && protocol != "https" {
		return "", fmt.Errorf("metagraph: axon protocol %q not supported (want http or https)", protocol)
	}
	if host == "" || port == 0 || port > 65535 {
		return "", fmt.Errorf("metagraph: axon endpoint %q port %d is not valid", host, port)
	}
	u := url.URL{Scheme: protocol, Host: net.JoinHostPort(host, strconv.FormatUint(uint64(port), 10))}
	return u.String(), nil
}
