package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/tao/types"
)

type msgServer struct{ k Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/tao Msg service implementation.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k: k} }

// UpdateParams replaces the module params. Only the authority may call it; the new params must be
// valid, must keep mint_denom (pending emission is held in it) and must not set max_supply below
// the current issuance.
func (s msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if _, err := s.k.addressCodec.StringToBytes(msg.Authority); err != nil {
		return nil, types.ErrInvalidAuthority.Wrapf("authority %q is not a valid address: %s", msg.Authority, err)
	}
	if msg.Authority != s.k.authority {
		return nil, types.ErrInvalidAuthority.Wrapf("expected %s, got %s", s.k.authority, msg.Authority)
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	current, err := s.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Params.MintDenom != current.MintDenom {
		return nil, types.ErrInvalidParams.Wrapf("mint_denom %q: cannot change from %q (pending emission is held in it)",
			msg.Params.MintDenom, current.MintDenom)
	}
	if issuance := s.k.Issuance(ctx, current); msg.Params.MaxSupply.LT(issuance) {
		return nil, types.ErrInvalidParams.Wrapf("max_supply %s: must be at least the current issuance %s",
			msg.Params.MaxSupply, issuance)
	}
	if err := s.k.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventParamsUpdated{Params: msg.Params}); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}
