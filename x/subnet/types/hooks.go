package types

import "context"

// SubnetHooks lets other modules (x/intelligence) react to x/subnet lifecycle changes, e.g. to reset
// bonds of a uid that changed hands or to delete the per-subnet state of a dissolved subnet.
type SubnetHooks interface {
	// AfterNeuronRegistered is called after hotkey took uid on netuid; replaced reports whether
	// the uid previously belonged to another hotkey.
	AfterNeuronRegistered(ctx context.Context, netuid, uid uint16, replaced bool) error
	// AfterSubnetDissolved is called after netuid was dissolved (by its owner or by replacement).
	AfterSubnetDissolved(ctx context.Context, netuid uint16) error
}

// MultiSubnetHooks calls several hooks in order.
type MultiSubnetHooks []SubnetHooks

var _ SubnetHooks = MultiSubnetHooks{}

// AfterNeuronRegistered implements SubnetHooks.
func (m MultiSubnetHooks) AfterNeuronRegistered(ctx context.Context, netuid, uid uint16, replaced bool) error {
	for _, h := range m {
		if err := h.AfterNeuronRegistered(ctx, netuid, uid, replaced); err != nil {
			return err
		}
	}
	return nil
}

// AfterSubnetDissolved implements SubnetHooks.
func (m MultiSubnetHooks) AfterSubnetDissolved(ctx context.Context, netuid uint16) error {
	for _, h := range m {
		if err := h.AfterSubnetDissolved(ctx, netuid); err != nil {
			return err
		}
	}
	return nil
}
