package chain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// Two registered errors with the same description in different codespaces: only the codespace
// and code tell them apart.
var (
	errRefusedA = errorsmod.Register("chaintest-a", 2, "refused")
	errRefusedB = errorsmod.Register("chaintest-b", 2, "refused")
)

func TestSimulationErrorMatchesByCodeNotText(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		want    error
		notWant []error
	}{
		{"same description, other codespace", &SimulationError{Codespace: "chaintest-b", Code: 2, Log: "refused"},
			errRefusedB, []error{errRefusedA}},
		{"wrapped message", &SimulationError{Codespace: "chaintest-a", Code: 2, Log: "message index: 0: netuid 3: refused"},
			errRefusedA, []error{errRefusedB}},
		// The text names one error, the code another: the code wins.
		{"text of another error", &SimulationError{Codespace: inteltypes.ModuleName, Code: inteltypes.ErrAlreadyCommitted.ABCICode(),
			Log: "subnet 1: " + inteltypes.ErrRevealTooEarly.Error()}, inteltypes.ErrAlreadyCommitted, []error{inteltypes.ErrRevealTooEarly}},
		{"code without the description", &SimulationError{Codespace: "sdk", Code: 32, Log: "expected 7, got 6"},
			sdkerrors.ErrWrongSequence, []error{sdkerrors.ErrOutOfGas}},
		{"broadcast error, same rule", &TxError{Stage: "check", Codespace: "chaintest-b", Code: 2, Log: "refused"},
			errRefusedB, []error{errRefusedA}},
	}
	for _, tc := range cases {
		err := fmt.Errorf("chain: simulating tx: %w", tc.err)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v is not %v", tc.name, err, tc.want)
		}
		for _, other := range tc.notWant {
			if errors.Is(err, other) {
				t.Errorf("%s: %v matched %v", tc.name, err, other)
			}
		}
	}
	if errors.Is(&SimulationError{Codespace: "chaintest-a", Code: 2}, errors.New("refused")) {
		t.Error("matched an error that has no code")
	}
}

// abciSimulator answers /app/simulate queries as baseapp's handleQueryApp does, with the
// outcome the test sets for each tx.
type abciSimulator struct {
	cmtservice.UnimplementedServiceServer
	registry codectypes.InterfaceRegistry
	outcome  map[string]error // by tx bytes; nil: success
}

func (s *abciSimulator) ABCIQuery(_ context.Context, req *cmtservice.ABCIQueryRequest) (*cmtservice.ABCIQueryResponse, error) {
	if req.Path != "/app/simulate" {
		return nil, status.Errorf(codes.InvalidArgument, "path %q", req.Path)
	}
	if err := s.outcome[string(req.Data)]; err != nil {
		res := sdkerrors.QueryResult(errorsmod.Wrap(err, "failed to simulate tx"), false)
		return &cmtservice.ABCIQueryResponse{Codespace: res.Codespace, Code: res.Code, Log: res.Log}, nil
	}
	resp, err := codectypes.NewAnyWithValue(&subnettypes.MsgServeAxonResponse{})
	if err != nil {
		return nil, err
	}
	bz, err := codec.ProtoMarshalJSON(&sdk.SimulationResponse{
		GasInfo: sdk.GasInfo{GasWanted: 0, GasUsed: 51234},
		Result:  &sdk.Result{Log: "ok", MsgResponses: []*codectypes.Any{resp}},
	}, s.registry)
	if err != nil {
		return nil, err
	}
	return &cmtservice.ABCIQueryResponse{Codespace: sdkerrors.RootCodespace, Value: bz}, nil
}

// TestSimulateCarriesTheCode runs Client.simulate against a gRPC server that answers as a node
// does: a refusal arrives with its codespace and code, a success with its gas, and a node that
// cannot be reached is a transport error, not a refusal.
func TestSimulateCarriesTheCode(t *testing.T) {
	enc := EncodingConfig()
	sim := &abciSimulator{registry: enc.InterfaceRegistry, outcome: map[string]error{
		"early": errorsmod.Wrapf(inteltypes.ErrRevealTooEarly.Wrap("subnet 1 is in epoch 2"), "failed to execute message; message index: %d", 0),
		"seq":   sdkerrors.ErrWrongSequence.Wrap("account sequence mismatch, expected 7, got 6"),
		"panic": errors.New("unregistered"),
	}}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.ForceServerCodec(codec.NewProtoCodec(enc.InterfaceRegistry).GRPCCodec()))
	cmtservice.RegisterServiceServer(srv, sim)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	ctx := context.Background()
	c, err := Dial(ctx, Config{GRPCAddr: lis.Addr().String(), ChainID: "test-1", RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()

	if gas, err := c.simulate(ctx, []byte("ok")); err != nil || gas != 51234 {
		t.Fatalf("success: gas %d, err %v; want 51234", gas, err)
	}

	_, err = c.simulate(ctx, []byte("early"))
	var simErr *SimulationError
	if !errors.As(err, &simErr) || simErr.Codespace != inteltypes.ModuleName || simErr.Code != inteltypes.ErrRevealTooEarly.ABCICode() {
		t.Fatalf("refusal %v (%#v): want intelligence/%d", err, simErr, inteltypes.ErrRevealTooEarly.ABCICode())
	}
	if !errors.Is(err, inteltypes.ErrRevealTooEarly) || errors.Is(err, inteltypes.ErrAlreadyCommitted) {
		t.Fatalf("%v: matched the wrong registered error", err)
	}
	if strings.HasPrefix(simErr.Log, "failed to simulate tx") || !strings.Contains(simErr.Log, "subnet 1 is in epoch 2") {
		t.Fatalf("log %q: want the chain's message without baseapp's wrapping", simErr.Log)
	}

	if _, err := c.simulate(ctx, []byte("seq")); !errors.Is(err, sdkerrors.ErrWrongSequence) {
		t.Fatalf("%v not recognised as a wrong sequence", err)
	}
	// An error the chain did not register is a refusal that matches nothing registered.
	if _, err := c.simulate(ctx, []byte("panic")); !errors.As(err, &simErr) || errors.Is(err, sdkerrors.ErrWrongSequence) {
		t.Fatalf("unregistered refusal: %v", err)
	}

	// Transport failures stay what they are, so Send retries them as such.
	srv.Stop()
	_, err = c.simulate(ctx, []byte("ok"))
	if errors.As(err, &simErr) || status.Code(err) != codes.Unavailable {
		t.Fatalf("unreachable node: %v, want a gRPC Unavailable error", err)
	}
}

func TestSimulationResultRejectsGarbage(t *testing.T) {
	for _, value := range [][]byte{nil, []byte("{"), []byte(`{"gas_info":{"gas_used":"-1"}}`)} {
		if _, err := SimulationResult(&cmtservice.ABCIQueryResponse{Value: value}); err == nil || errors.As(err, new(*SimulationError)) {
			t.Errorf("value %q: err %v, want a decoding error", value, err)
		}
	}
	// Both encodings of a 64-bit integer are read.
	for _, value := range []string{`{"gas_info":{"gas_used":"7"}}`, `{"gas_info":{"gas_used":7}}`} {
		if gas, err := SimulationResult(&cmtservice.ABCIQueryResponse{Value: []byte(value)}); err != nil || gas != 7 {
			t.Errorf("value %s: gas %d err %v", value, gas, err)
		}
	}
}
