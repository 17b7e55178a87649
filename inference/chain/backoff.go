package chain

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Backoff spaces the attempts of WaitFor: Initial after the first failure, doubling up to Max.
type Backoff struct {
	// Initial is the wait after the first failure; 0 means DefaultBackoff's.
	Initial time.Duration
	// Max caps the wait; 0 means DefaultBackoff's.
	Max time.Duration
}

// DefaultBackoff waits 1 s, 2 s, 4 s, … up to 30 s between attempts.
var DefaultBackoff = Backoff{Initial: time.Second, Max: 30 * time.Second}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = DefaultBackoff.Initial
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoff.Max
	}
	b.Max = max(b.Max, b.Initial)
	return b
}

// Unreachable reports whether err means the node could not be reached (refused, down, timed
// out), as opposed to an answer the node gave.
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded:
		return true
	}
	return false
}

// WaitFor calls op until it succeeds, fails with an error other than Unreachable (returned), or
// ctx ends (ctx's error). While the node is unreachable it waits b's growing intervals and logs
// one line per failed attempt saying what it waits for, the error, and when it retries; once op
// succeeds after a failure it logs that the wait is over. A nil log discards.
func WaitFor(ctx context.Context, log *slog.Logger, what string, b Backoff, op func(context.Context) error) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b = b.withDefaults()
	wait := b.Initial
	start := time.Now()
	for attempt := 1; ; attempt++ {
		err := op(ctx)
		if err == nil {
			if attempt > 1 {
				log.Info("reached "+what, "attempts", attempt, "waited", time.Since(start).Round(time.Millisecond).String())
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !Unreachable(err) {
			return err
		}
		log.Warn("waiting for "+what, "attempt", attempt, "error", err, "retry_in", wait.String(),
			"next_retry", time.Now().Add(wait).Format(time.RFC3339))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, b.Max)
	}
}
