package tao_test

import (
	"testing"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/types/msgservice"

	"github.com/taochain/taochain/x/tao"
	"github.com/taochain/taochain/x/tao/types"
)

// TestAutoCLICoversEveryMethod checks that the autocli descriptors name real RPCs and cover every
// query and tx with a Use and Short text.
func TestAutoCLICoversEveryMethod(t *testing.T) {
	opts := tao.AppModule{}.AutoCLIOptions()
	check := func(service string, methods []string, got map[string]bool) {
		for _, m := range methods {
			require.True(t, got[m], "%s/%s has no autocli command", service, m)
			delete(got, m)
		}
		require.Empty(t, got, "autocli names methods that %s does not have", service)
	}

	queries := map[string]bool{}
	for _, o := range opts.Query.RpcCommandOptions {
		require.NotEmpty(t, o.Use, o.RpcMethod)
		require.NotEmpty(t, o.Short, o.RpcMethod)
		queries[o.RpcMethod] = true
	}
	require.Equal(t, "taochain.tao.v1.Query", opts.Query.Service)
	var qm []string
	for _, m := range types.Query_serviceDesc.Methods {
		qm = append(qm, m.MethodName)
	}
	check(opts.Query.Service, qm, queries)

	txs := map[string]bool{}
	for _, o := range opts.Tx.RpcCommandOptions {
		require.NotEmpty(t, o.Use, o.RpcMethod)
		require.NotEmpty(t, o.Short, o.RpcMethod)
		txs[o.RpcMethod] = true
	}
	require.Equal(t, "taochain.tao.v1.Msg", opts.Tx.Service)
	var tm []string
	for _, m := range types.Msg_serviceDesc.Methods {
		tm = append(tm, m.MethodName)
	}
	check(opts.Tx.Service, tm, txs)
}

// TestProtoFilesRegistered checks that the generated files merge into the global registry the
// app validates at startup, with the Msg signer annotation in place.
func TestProtoFilesRegistered(t *testing.T) {
	files, err := gogoproto.MergedRegistry()
	require.NoError(t, err)
	require.NoError(t, msgservice.ValidateProtoAnnotations(files))
	for _, f := range []string{"taochain/tao/v1/tx.proto", "taochain/tao/v1/query.proto",
		"taochain/tao/v1/genesis.proto", "taochain/tao/v1/events.proto", "taochain/tao/v1/types.proto"} {
		_, err := files.FindFileByPath(f)
		require.NoError(t, err, f)
	}
}
