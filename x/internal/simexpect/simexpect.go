// Package simexpect holds what the taochain modules' simulation message factories share about
// messages built to fail: the delivery check that the chain rejected them with the intended error.
package simexpect

import (
	"errors"
	"fmt"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
)

// Failure returns a delivery handler for a message built to fail: delivery must fail with want.
func Failure(want error) simsx.SimDeliveryResultHandler {
	return func(err error) error {
		if err == nil {
			return fmt.Errorf("message built to fail with %q was accepted", want)
		}
		if !errors.Is(err, want) {
			return fmt.Errorf("message built to fail with %q failed with: %w", want, err)
		}
		return nil
	}
}
