package fednode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/protocol"
)

// FetchTimeout bounds one Fetch when the caller's context has no earlier deadline: an update is
// at most federated.DefaultMaxUpdateBytes, which a working axon sends well within it.
const FetchTimeout = 10 * time.Second

// ErrFetch marks a fetch that failed before the update could be verified: a bad URL, a network
// error, a status other than 200 or an oversized body. Verification failures carry federated's
// errors (federated.ErrNotCommitted, federated.ErrBadSignature, ...) instead.
var ErrFetch = errors.New("fednode: fetch failed")

// Fetch downloads the update committed in c from the axon at axonURL (e.g. "http://1.2.3.4:8091")
// and verifies it against c (federated.Verify). It refuses a commitment larger than lim.MaxBytes
// without asking, and reads at most min(c.Size, lim.MaxBytes)+MaxWireOverhead bytes of the body
// (one more to tell that a body is over): a peer cannot make it download more than the chain says
// the update weighs. client nil means http.DefaultClient; the fetch is bounded by FetchTimeout.
func Fetch(ctx context.Context, client *http.Client, axonURL string, c federated.Commitment, lim federated.Limits) (federated.Update, error) {
	_, u, err := fetchSigned(ctx, client, axonURL, c, lim)
	return u, err
}

// fetchSigned is Fetch, also returning the signed update as served.
func fetchSigned(ctx context.Context, client *http.Client, axonURL string, c federated.Commitment, lim federated.Limits,
) (federated.SignedUpdate, federated.Update, error) {
	fail := func(err error) (federated.SignedUpdate, federated.Update, error) {
		return federated.SignedUpdate{}, federated.Update{}, err
	}
	if c.Size == 0 || int64(c.Size) > int64(lim.MaxBytes) {
		return fail(fmt.Errorf("%w: committed size %d bytes, allowed 1..%d", federated.ErrTooLarge, c.Size, lim.MaxBytes))
	}
	target, err := UpdateURL(axonURL, c.Epoch)
	if err != nil {
		return fail(err)
	}
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fail(fmt.Errorf("%w: %s: %w", ErrFetch, target, err))
	}
	resp, err := client.Do(req)
	if err != nil {
		return fail(fmt.Errorf("%w: %w", ErrFetch, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
		return fail(fmt.Errorf("%w: GET %s: status %d: %s", ErrFetch, target, resp.StatusCode, strings.TrimSpace(string(msg))))
	}
	limit := int64(c.Size) + MaxWireOverhead
	if resp.ContentLength > limit {
		return fail(fmt.Errorf("%w: GET %s: %d bytes announced, the commitment allows at most %d (update %d + framing %d)",
			federated.ErrTooLarge, target, resp.ContentLength, limit, c.Size, MaxWireOverhead))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return fail(fmt.Errorf("%w: GET %s: reading body: %w", ErrFetch, target, err))
	}
	if int64(len(body)) > limit {
		return fail(fmt.Errorf("%w: GET %s: body longer than %d bytes, the commitment's %d plus framing %d",
			federated.ErrTooLarge, target, limit, c.Size, MaxWireOverhead))
	}
	s, err := DecodeWire(body)
	if err != nil {
		return fail(fmt.Errorf("GET %s: %w", target, err))
	}
	u, err := federated.Verify(s, c, lim)
	if err != nil {
		return fail(fmt.Errorf("GET %s: %w", target, err))
	}
	return s, u, nil
}

// UpdateURL is the URL of epoch's update at the axon whose root is axonURL.
func UpdateURL(axonURL string, epoch uint64) (string, error) {
	base, err := url.Parse(axonURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return "", fmt.Errorf("%w: axon URL %q: want http://host:port or https://host:port", ErrFetch, axonURL)
	}
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + protocol.FederatedUpdatePath
	u.RawQuery = url.Values{"epoch": {strconv.FormatUint(epoch, 10)}}.Encode()
	return u.String(), nil
}

// fetchJob is one update to fetch: the axon to ask and the commitment the update must match.
type fetchJob struct {
	url string
	c   federated.Commitment
}

// fetchResult is what fetching one fetchJob gave.
type fetchResult struct {
	signed federated.SignedUpdate
	err    error
}

// fetchAll fetches every job's update, at most parallel at once, each within timeout (0: only
// FetchTimeout), and returns the results in the order of jobs. The miner's merge and the
// validator's scoring both fetch this way.
func fetchAll(ctx context.Context, client *http.Client, lim federated.Limits, jobs []fetchJob, parallel int, timeout time.Duration) []fetchResult {
	results := make([]fetchResult, len(jobs))
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fctx := ctx
			if timeout > 0 {
				var cancel context.CancelFunc
				fctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			s, _, err := fetchSigned(fctx, client, j.url, j.c, lim)
			results[i] = fetchResult{s, err}
		}()
	}
	wg.Wait()
	return results
}
