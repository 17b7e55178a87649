package subnet_test

import (
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/taochain/taochain/x/subnet"
)

// TestAutoCLIOptionsMatchProto checks that every autocli command names an existing RPC and that
// every positional argument is a field of its request, and that every RPC has a command.
func TestAutoCLIOptionsMatchProto(t *testing.T) {
	opts := subnet.AppModule{}.AutoCLIOptions()
	for _, svc := range []struct {
		name string
		cmds int
	}{{opts.Query.Service, len(opts.Query.RpcCommandOptions)}, {opts.Tx.Service, len(opts.Tx.RpcCommandOptions)}} {
		d, err := proto.HybridResolver.FindDescriptorByName(protoreflect.FullName(svc.name))
		require.NoError(t, err, svc.name)
		require.Equal(t, d.(protoreflect.ServiceDescriptor).Methods().Len(), svc.cmds, "every rpc of %s has a command", svc.name)
	}
	for _, desc := range []struct {
		service string
		cmds    []string
	}{{opts.Query.Service, nil}, {opts.Tx.Service, nil}} {
		d, err := proto.HybridResolver.FindDescriptorByName(protoreflect.FullName(desc.service))
		require.NoError(t, err)
		methods := d.(protoreflect.ServiceDescriptor).Methods()
		all := opts.Query.RpcCommandOptions
		if desc.service == opts.Tx.Service {
			all = opts.Tx.RpcCommandOptions
		}
		for _, c := range all {
			m := methods.ByName(protoreflect.Name(c.RpcMethod))
			require.NotNil(t, m, "rpc %s", c.RpcMethod)
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
