package keeper

import (
	"context"

	"github.com/taochain/taochain/x/subnet/types"
)

// DeregisterNeuron frees uid on netuid: x/slashing removes a useless miner with it. The hotkey
// keeps its binding (coldkey, pubkey, take) and its stake pool, so delegators can still withdraw
// with MsgRemoveStake; it may register again by paying the burn. The freed uid is the lowest free
// one for the next registration. x/intelligence ignores weight rows and bonds of uids without a
// neuron at the next epoch, and resets them when the uid is registered again. It returns the
// removed neuron.
func (k Keeper) DeregisterNeuron(ctx context.Context, netuid, uid uint16) (types.Neuron, error) {
	n, err := k.GetNeuron(ctx, netuid, uid)
	if err != nil {
		return types.Neuron{}, err
	}
	if err := k.dropNeuron(ctx, n); err != nil {
		return types.Neuron{}, err
	}
	return n, nil
}
