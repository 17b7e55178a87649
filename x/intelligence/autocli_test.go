package intelligence_test

import (
	"testing"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/taochain/taochain/x/intelligence"
)

// TestAutoCLIOptionsMatchProto checks that every RPC of the query and msg services has exactly one
// command, that every command names an existing RPC, and that every positional argument is a
// field of its request.
func TestAutoCLIOptionsMatchProto(t *testing.T) {
	opts := intelligence.AppModule{}.AutoCLIOptions()
	for _, svc := range []*autocliv1.ServiceCommandDescriptor{opts.Query, opts.Tx} {
		d, err := proto.HybridResolver.FindDescriptorByName(protoreflect.FullName(svc.Service))
		require.NoError(t, err, svc.Service)
		methods := d.(protoreflect.ServiceDescriptor).Methods()
		require.Equal(t, methods.Len(), len(svc.RpcCommandOptions), "every rpc of %s has a command", svc.Service)
		seen := map[string]bool{}
		for _, c := range svc.RpcCommandOptions {
			m := methods.ByName(protoreflect.Name(c.RpcMethod))
			require.NotNil(t, m, "rpc %s", c.RpcMethod)
			require.False(t, seen[c.RpcMethod], "rpc %s has two commands", c.RpcMethod)
			seen[c.RpcMethod] = true
			if c.Skip {
				continue
			}
			require.NotEmpty(t, c.Use, c.RpcMethod)
			require.NotEmpty(t, c.Short, c.RpcMethod)
			for _, p := range c.PositionalArgs {
				require.NotNil(t, m.Input().Fields().ByName(protoreflect.Name(p.ProtoField)), "%s.%s", c.RpcMethod, p.ProtoField)
			}
		}
	}
}

// TestAutoCLIModelUpdateCommands pins the federated commands a miner operator types: the
// commitment takes netuid, epoch, hash and size in that order and the signer comes from --from.
func TestAutoCLIModelUpdateCommands(t *testing.T) {
	opts := intelligence.AppModule{}.AutoCLIOptions()
	find := func(cmds []*autocliv1.RpcCommandOptions, rpc string) *autocliv1.RpcCommandOptions {
		for _, c := range cmds {
			if c.RpcMethod == rpc {
				return c
			}
		}
		t.Fatalf("no command for %s", rpc)
		return nil
	}
	fields := func(c *autocliv1.RpcCommandOptions) []string {
		var out []string
		for _, p := range c.PositionalArgs {
			out = append(out, p.ProtoField)
		}
		return out
	}
	commit := find(opts.Tx.RpcCommandOptions, "CommitModelUpdate")
	require.False(t, commit.Skip)
	require.Equal(t, "commit-model-update [netuid] [epoch] [hash] [size]", commit.Use)
	require.Equal(t, []string{"netuid", "epoch", "hash", "size"}, fields(commit))
	one := find(opts.Query.RpcCommandOptions, "ModelUpdateCommitment")
	require.Equal(t, "model-update [netuid] [hotkey]", one.Use)
	require.Equal(t, []string{"netuid", "hotkey"}, fields(one))
	all := find(opts.Query.RpcCommandOptions, "ModelUpdateCommitments")
	require.Equal(t, "model-updates [netuid]", all.Use)
	require.Equal(t, []string{"netuid"}, fields(all))
}
