package modulekit

import autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

// Args returns autocli positional arguments for the named proto fields, in order:
// PositionalArgs: modulekit.Args("netuid", "hotkey") makes `... [netuid] [hotkey]`.
func Args(fields ...string) []*autocliv1.PositionalArgDescriptor {
	out := make([]*autocliv1.PositionalArgDescriptor, len(fields))
	for i, f := range fields {
		out[i] = &autocliv1.PositionalArgDescriptor{ProtoField: f}
	}
	return out
}
