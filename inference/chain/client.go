package chain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	gogoproto "github.com/cosmos/gogoproto/proto"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/inference/metagraph"
	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// Defaults for Config.
const (
	DefaultGasPrice         = "0.001rao"
	DefaultGasAdjustment    = 1.3
	DefaultMaxRetries       = 4
	DefaultInclusionTimeout = 30 * time.Second
	DefaultPollInterval     = 500 * time.Millisecond
	DefaultRequestTimeout   = 10 * time.Second
)

// Config configures a Client.
type Config struct {
	// GRPCAddr is the node's gRPC address, e.g. "127.0.0.1:9090". Required.
	GRPCAddr string
	// ChainID is the chain id; empty means ask the node.
	ChainID string
	// Keyring holds the keys that sign transactions. Required for transactions.
	Keyring keyring.Keyring
	// GasPrice is the fee per gas unit, e.g. "0.001rao"; empty means DefaultGasPrice.
	GasPrice string
	// GasAdjustment multiplies the simulated gas; 0 means DefaultGasAdjustment.
	GasAdjustment float64
	// MaxRetries bounds retries of a transaction on typed errors; 0 means DefaultMaxRetries.
	MaxRetries int
	// InclusionTimeout bounds the wait for a broadcast transaction to land in a block; 0 means
	// DefaultInclusionTimeout.
	InclusionTimeout time.Duration
	// PollInterval is the GetTx polling period while waiting for inclusion; 0 means
	// DefaultPollInterval.
	PollInterval time.Duration
	// RequestTimeout bounds each gRPC call; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Logger receives one line per retry; nil discards.
	Logger *slog.Logger
	// Backoff spaces the attempts to reach a node that is down when Dial asks it for the chain
	// id; zero means DefaultBackoff.
	Backoff Backoff
	// FailFast makes Dial return at once when the node cannot be reached, instead of waiting
	// for it.
	FailFast bool
}

// Client talks to one node over gRPC. It is safe for concurrent use; transactions from the same
// key are serialised so that their sequences are assigned in order.
type Client struct {
	cfg      Config
	conn     *grpc.ClientConn
	txConfig client.TxConfig
	cdc      codec.Codec
	chainID  string
	gasPrice sdk.DecCoin

	subnet subnettypes.QueryClient
	intel  inteltypes.QueryClient
	auth   authtypes.QueryClient
	tx     txtypes.ServiceClient
	cmt    cmtservice.ServiceClient

	mu   sync.Mutex // serialises transactions and guards seqs
	seqs map[string]uint64
}

// EncodingConfig returns the app's encoding config with the account, x/subnet and
// x/intelligence interfaces registered, as the worker needs them.
func EncodingConfig() app.EncodingConfig {
	enc := app.MakeEncodingConfig()
	authtypes.RegisterInterfaces(enc.InterfaceRegistry)
	subnettypes.RegisterInterfaces(enc.InterfaceRegistry)
	inteltypes.RegisterInterfaces(enc.InterfaceRegistry)
	return enc
}

// Dial connects to cfg.GRPCAddr and learns the chain id (unless set).
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.GRPCAddr == "" {
		return nil, errors.New("chain: gRPC address is required")
	}
	if cfg.GasPrice == "" {
		cfg.GasPrice = DefaultGasPrice
	}
	if cfg.GasAdjustment == 0 {
		cfg.GasAdjustment = DefaultGasAdjustment
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.InclusionTimeout == 0 {
		cfg.InclusionTimeout = DefaultInclusionTimeout
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.GasAdjustment < 1 || cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("chain: gas adjustment %v must be ≥ 1 and max retries %d ≥ 0", cfg.GasAdjustment, cfg.MaxRetries)
	}
	price, err := sdk.ParseDecCoin(cfg.GasPrice)
	if err != nil {
		return nil, fmt.Errorf("chain: gas price %q: %w", cfg.GasPrice, err)
	}
	enc := EncodingConfig()
	cfg.Backoff = cfg.Backoff.withDefaults()
	conn, err := grpc.NewClient(cfg.GRPCAddr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		// Reconnect on the worker's schedule, not gRPC's default (up to 120 s), so that a node
		// that comes back is seen at the next attempt.
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: cfg.Backoff.Initial, Multiplier: 2, Jitter: 0.2, MaxDelay: cfg.Backoff.Max},
			MinConnectTimeout: min(cfg.RequestTimeout, 5*time.Second),
		}),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(enc.InterfaceRegistry).GRPCCodec())))
	if err != nil {
		return nil, fmt.Errorf("chain: dial %s: %w", cfg.GRPCAddr, err)
	}
	c := &Client{
		cfg: cfg, conn: conn, txConfig: enc.TxConfig, cdc: enc.Codec, chainID: cfg.ChainID, gasPrice: price,
		subnet: subnettypes.NewQueryClient(conn), intel: inteltypes.NewQueryClient(conn),
		auth: authtypes.NewQueryClient(conn), tx: txtypes.NewServiceClient(conn), cmt: cmtservice.NewServiceClient(conn),
		seqs: map[string]uint64{},
	}
	if c.chainID == "" {
		ask := func(ctx context.Context) error {
			rctx, cancel := c.rctx(ctx)
			defer cancel()
			info, err := c.cmt.GetNodeInfo(rctx, &cmtservice.GetNodeInfoRequest{})
			if err != nil {
				return err
			}
			c.chainID = info.DefaultNodeInfo.Network
			return nil
		}
		var err error
		if cfg.FailFast {
			err = ask(ctx)
		} else {
			// A worker started before its node (or during a restart) waits for it.
			err = WaitFor(ctx, cfg.Logger, "node "+cfg.GRPCAddr+" (asking its chain id)", cfg.Backoff, ask)
		}
		if err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("chain: asking %s for its chain id: %w", cfg.GRPCAddr, err)
		}
	}
	return c, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// ChainID returns the chain id transactions are signed for.
func (c *Client) ChainID() string { return c.chainID }

func (c *Client) rctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.cfg.RequestTimeout)
}

// Metagraph returns every per-uid field of a subnet.
func (c *Client) Metagraph(ctx context.Context, netuid uint16) (*subnettypes.QueryMetagraphResponse, error) {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	return c.subnet.Metagraph(ctx, &subnettypes.QueryMetagraphRequest{Netuid: uint32(netuid)})
}

// Hyperparameters returns a subnet's hyperparameters.
func (c *Client) Hyperparameters(ctx context.Context, netuid uint16) (subnettypes.Hyperparameters, error) {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	res, err := c.subnet.Hyperparameters(ctx, &subnettypes.QueryHyperparametersRequest{Netuid: uint32(netuid)})
	if err != nil {
		return subnettypes.Hyperparameters{}, err
	}
	return res.Hyperparams, nil
}

// EpochInfo returns a subnet's current epoch index and next epoch height.
func (c *Client) EpochInfo(ctx context.Context, netuid uint16) (*inteltypes.QueryEpochInfoResponse, error) {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	return c.intel.EpochInfo(ctx, &inteltypes.QueryEpochInfoRequest{Netuid: uint32(netuid)})
}

// LastEpoch returns a subnet's last epoch run; ok is false before its first epoch.
func (c *Client) LastEpoch(ctx context.Context, netuid uint16) (rec inteltypes.EpochRecord, ok bool, err error) {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	res, err := c.intel.LastEpoch(ctx, &inteltypes.QueryLastEpochRequest{Netuid: uint32(netuid)})
	if status.Code(err) == codes.NotFound {
		return inteltypes.EpochRecord{}, false, nil
	}
	if err != nil {
		return inteltypes.EpochRecord{}, false, err
	}
	return res.LastEpoch, true, nil
}

// Nonce returns the last accepted evaluation nonce of hotkey on subnet netuid (0 if none). A node
// from before per-subnet nonces ignores netuid and answers the hotkey's nonce across subnets.
func (c *Client) Nonce(ctx context.Context, netuid uint16, hotkey string) (uint64, error) {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	res, err := c.intel.Nonce(ctx, &inteltypes.QueryNonceRequest{Hotkey: hotkey, Netuid: uint32(netuid)})
	if err != nil {
		return 0, err
	}
	return res.Nonce, nil
}

// HasEvaluation reports whether the chain stores an evaluation of hotkey for (netuid, epoch).
func (c *Client) HasEvaluation(ctx context.Context, netuid uint16, epoch uint64, hotkey string) (bool, error) {
	_, found, err := c.Evaluation(ctx, netuid, epoch, hotkey)
	return found, err
}

// Evaluation returns the evaluation of hotkey the chain stores for (netuid, epoch); found is false
// when there is none.
func (c *Client) Evaluation(ctx context.Context, netuid uint16, epoch uint64, hotkey string) (ev inteltypes.StoredEvaluation, found bool, err error) {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	res, err := c.intel.Evaluation(ctx, &inteltypes.QueryEvaluationRequest{Netuid: uint32(netuid), Epoch: epoch, Hotkey: hotkey})
	if status.Code(err) == codes.NotFound {
		return inteltypes.StoredEvaluation{}, false, nil
	}
	if err != nil {
		return inteltypes.StoredEvaluation{}, false, err
	}
	return res.Evaluation, true, nil
}

// Account returns the account number and current sequence of addr.
func (c *Client) Account(ctx context.Context, addr string) (number, sequence uint64, err error) {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	res, err := c.auth.Account(ctx, &authtypes.QueryAccountRequest{Address: addr})
	if err != nil {
		return 0, 0, fmt.Errorf("chain: account %s: %w", addr, err)
	}
	var acc sdk.AccountI
	if err := c.cdc.UnpackAny(res.Account, &acc); err != nil {
		return 0, 0, fmt.Errorf("chain: decoding account %s: %w", addr, err)
	}
	return acc.GetAccountNumber(), acc.GetSequence(), nil
}

// TxStatus is what the chain says about a transaction hash.
type TxStatus struct {
	// Found is true when the transaction is in a block.
	Found bool
	// Height is the block it is in.
	Height int64
	// Codespace and Code are its result (Code 0 = success).
	Codespace string
	// Code is the result code.
	Code uint32
	// Log is the result log.
	Log string
	// Data is the result data of a successful transaction: a marshaled sdk.TxMsgData holding one
	// response per message (see MsgResponse).
	Data []byte
}

// MsgResponse decodes the response of message i of the transaction into out, checking its type.
func (s TxStatus) MsgResponse(i int, out gogoproto.Message) error {
	var data sdk.TxMsgData
	if err := data.Unmarshal(s.Data); err != nil {
		return fmt.Errorf("chain: tx result data: %w", err)
	}
	if i < 0 || i >= len(data.MsgResponses) {
		return fmt.Errorf("chain: tx has %d message responses, want index %d", len(data.MsgResponses), i)
	}
	a := data.MsgResponses[i]
	if want := "/" + gogoproto.MessageName(out); a.TypeUrl != want {
		return fmt.Errorf("chain: message response %d is a %s, want %s", i, a.TypeUrl, want)
	}
	return gogoproto.Unmarshal(a.Value, out)
}

// GetTx looks a transaction up by hash.
func (c *Client) GetTx(ctx context.Context, hash string) (TxStatus, error) {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	res, err := c.tx.GetTx(ctx, &txtypes.GetTxRequest{Hash: hash})
	if status.Code(err) == codes.NotFound || (err != nil && strings.Contains(err.Error(), "not found")) {
		return TxStatus{}, nil
	}
	if err != nil {
		return TxStatus{}, err
	}
	r := res.TxResponse
	data, err := hex.DecodeString(r.Data)
	if err != nil {
		return TxStatus{}, fmt.Errorf("chain: tx %s: result data is not hex: %w", hash, err)
	}
	return TxStatus{Found: true, Height: r.Height, Codespace: r.Codespace, Code: r.Code, Log: r.RawLog, Data: data}, nil
}

// KeyAddress returns the bech32 address of a keyring key.
func (c *Client) KeyAddress(name string) (string, error) {
	if c.cfg.Keyring == nil {
		return "", errors.New("chain: no keyring configured")
	}
	rec, err := c.cfg.Keyring.Key(name)
	if err != nil {
		return "", fmt.Errorf("chain: key %q: %w", name, err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return "", err
	}
	return addr.String(), nil
}

// TxHash returns the hash the chain gives txBytes (upper-case hex sha256).
func TxHash(txBytes []byte) string {
	h := sha256.Sum256(txBytes)
	return strings.ToUpper(hex.EncodeToString(h[:]))
}

// SignedTx is a signed, encoded transaction with the account state it was signed at.
type SignedTx struct {
	// Bytes is the encoded transaction.
	Bytes []byte
	// Hash is TxHash(Bytes).
	Hash string
	// Signer is the fee payer (and only signer) address.
	Signer string
	// Sequence is the signer's sequence the transaction consumes.
	Sequence uint64
}

// sequence returns the next sequence of addr, fetching it when not tracked (or refetch is set).
// Callers hold c.mu.
func (c *Client) sequence(ctx context.Context, addr string, refetch bool) (number, seq uint64, err error) {
	number, chainSeq, err := c.Account(ctx, addr)
	if err != nil {
		return 0, 0, err
	}
	seq, ok := c.seqs[addr]
	if !ok || refetch || chainSeq > seq {
		seq = chainSeq
		c.seqs[addr] = seq
	}
	return number, seq, nil
}

// buildTx simulates msgs from key to estimate gas and returns the signed transaction at sequence
// seq. Callers hold c.mu.
func (c *Client) buildTx(ctx context.Context, key string, msgs []sdk.Msg, number, seq uint64, adjustment float64) (SignedTx, error) {
	rec, err := c.cfg.Keyring.Key(key)
	if err != nil {
		return SignedTx{}, fmt.Errorf("chain: key %q: %w", key, err)
	}
	pub, err := rec.GetPubKey()
	if err != nil {
		return SignedTx{}, err
	}
	addr := sdk.AccAddress(pub.Address()).String()
	b := c.txConfig.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		return SignedTx{}, err
	}
	mode := signing.SignMode_SIGN_MODE_DIRECT
	empty := signing.SignatureV2{PubKey: pub, Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: seq}
	if err := b.SetSignatures(empty); err != nil {
		return SignedTx{}, err
	}
	simBytes, err := c.txConfig.TxEncoder()(b.GetTx())
	if err != nil {
		return SignedTx{}, err
	}
	gasUsed, err := c.simulate(ctx, simBytes)
	if err != nil {
		return SignedTx{}, fmt.Errorf("chain: simulating tx: %w", err)
	}
	// A simulation without a fee leaves out what the fee costs in the block: its deduction and,
	// when a hotkey's coldkey pays, the sponsorship's bookkeeping, about 20,000 gas, a third of a
	// small message's (app's TestEvaluationGasAdjustment). So the transaction is simulated again
	// with the fee the first answer implies, and its gas is what that second answer says.
	c.setGas(b, uint64(math.Ceil(float64(gasUsed)*adjustment)))
	if simBytes, err = c.txConfig.TxEncoder()(b.GetTx()); err != nil {
		return SignedTx{}, err
	}
	if gasUsed, err = c.simulate(ctx, simBytes); err != nil {
		return SignedTx{}, fmt.Errorf("chain: simulating tx with its fee: %w", err)
	}
	c.setGas(b, uint64(math.Ceil(float64(gasUsed)*adjustment)))

	signerData := authsigning.SignerData{
		ChainID: c.chainID, AccountNumber: number, Sequence: seq, PubKey: pub, Address: addr,
	}
	bz, err := authsigning.GetSignBytesAdapter(ctx, c.txConfig.SignModeHandler(), mode, signerData, b.GetTx())
	if err != nil {
		return SignedTx{}, err
	}
	sig, _, err := c.cfg.Keyring.Sign(key, bz, mode)
	if err != nil {
		return SignedTx{}, fmt.Errorf("chain: signing with %q: %w", key, err)
	}
	signed := signing.SignatureV2{PubKey: pub, Data: &signing.SingleSignatureData{SignMode: mode, Signature: sig}, Sequence: seq}
	if err := b.SetSignatures(signed); err != nil {
		return SignedTx{}, err
	}
	txBytes, err := c.txConfig.TxEncoder()(b.GetTx())
	if err != nil {
		return SignedTx{}, err
	}
	return SignedTx{Bytes: txBytes, Hash: TxHash(txBytes), Signer: addr, Sequence: seq}, nil
}

// setGas sets the gas limit of b's transaction and the fee it pays at the client's gas price.
func (c *Client) setGas(b client.TxBuilder, gas uint64) {
	fee := c.gasPrice.Amount.MulInt64(int64(gas)).Ceil().TruncateInt()
	b.SetGasLimit(gas)
	b.SetFeeAmount(sdk.NewCoins(sdk.NewCoin(c.gasPrice.Denom, sdkmath.MaxInt(fee, sdkmath.ZeroInt()))))
}

// simulate runs txBytes through the app's simulation and returns the gas it used. It asks with
// an ABCI query through the node's gRPC CometBFT service (the same app.Simulate the tx service's
// Simulate calls) because that answer keeps a refusal's codespace and code: a refusal comes back
// as a *SimulationError that errors.Is matches by them. Transport failures come back unchanged.
func (c *Client) simulate(ctx context.Context, txBytes []byte) (gasUsed uint64, err error) {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	res, err := c.cmt.ABCIQuery(ctx, &cmtservice.ABCIQueryRequest{Path: simulatePath, Data: txBytes})
	if err != nil {
		return 0, err
	}
	return SimulationResult(res)
}

// Sign builds, simulates and signs msgs from key (the fee payer) at the account's next sequence,
// without broadcasting it or advancing the tracked sequence.
func (c *Client) Sign(ctx context.Context, key string, msgs ...sdk.Msg) (SignedTx, error) {
	addr, err := c.KeyAddress(key)
	if err != nil {
		return SignedTx{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	number, seq, err := c.sequence(ctx, addr, false)
	if err != nil {
		return SignedTx{}, err
	}
	return c.buildTx(ctx, key, msgs, number, seq, c.cfg.GasAdjustment)
}

// BroadcastSync sends txBytes and returns once CheckTx answered; a rejection is a *TxError. A
// transaction already in the mempool cache counts as accepted.
func (c *Client) BroadcastSync(ctx context.Context, txBytes []byte) error {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	res, err := c.tx.BroadcastTx(ctx, &txtypes.BroadcastTxRequest{TxBytes: txBytes, Mode: txtypes.BroadcastMode_BROADCAST_MODE_SYNC})
	if err != nil {
		return fmt.Errorf("chain: broadcast: %w", err)
	}
	r := res.TxResponse
	if r.Code == 0 || (r.Codespace == "sdk" && r.Code == 19) { // 19: tx already in mempool
		return nil
	}
	return &TxError{Stage: "check", TxHash: TxHash(txBytes), Codespace: r.Codespace, Code: r.Code, Log: r.RawLog}
}

// WaitTx polls GetTx until hash is in a block (returns its status; a failed result is a
// *TxError) or InclusionTimeout passes (ErrInclusionTimeout).
func (c *Client) WaitTx(ctx context.Context, hash string) (TxStatus, error) {
	deadline := time.Now().Add(c.cfg.InclusionTimeout)
	for {
		st, err := c.GetTx(ctx, hash)
		if err == nil && st.Found {
			if st.Code != 0 {
				return st, &TxError{Stage: "deliver", TxHash: hash, Codespace: st.Codespace, Code: st.Code, Log: st.Log}
			}
			return st, nil
		}
		if time.Now().After(deadline) {
			return TxStatus{}, fmt.Errorf("%w: %s after %s", ErrInclusionTimeout, hash, c.cfg.InclusionTimeout)
		}
		select {
		case <-ctx.Done():
			return TxStatus{}, ctx.Err()
		case <-time.After(c.cfg.PollInterval):
		}
	}
}

// Send signs msgs with key (which pays the fees), broadcasts them and waits for inclusion,
// retrying up to MaxRetries times on typed errors (wrong sequence: refetch; out of gas: more gas;
// mempool full: wait) and on transport errors. A tx the chain refuses while simulating it comes back
// at once as a *SimulationError (errors.Is matches its registered error), unless only its sequence
// was stale.
func (c *Client) Send(ctx context.Context, key string, msgs ...sdk.Msg) (TxStatus, error) {
	return c.send(ctx, key, msgs, nil)
}

// send is Send with a hook called with each signed transaction right before it is broadcast.
func (c *Client) send(ctx context.Context, key string, msgs []sdk.Msg, beforeBroadcast func(SignedTx) error) (TxStatus, error) {
	addr, err := c.KeyAddress(key)
	if err != nil {
		return TxStatus{}, err
	}
	adjustment := c.cfg.GasAdjustment
	refetch := false
	var lastErr error
	for attempt := 0; attempt <= c.cfg.MaxRetries; attempt++ {
		if attempt > 0 {
			c.cfg.Logger.Info("retrying transaction", "attempt", attempt, "error", lastErr)
			select {
			case <-ctx.Done():
				return TxStatus{}, ctx.Err()
			case <-time.After(time.Duration(attempt) * c.cfg.PollInterval):
			}
		}
		st, err := c.sendOnce(ctx, key, addr, msgs, adjustment, refetch, beforeBroadcast)
		if err == nil {
			return st, nil
		}
		lastErr = err
		var txErr *TxError
		var simErr *SimulationError
		switch {
		case errors.As(err, &simErr):
			// Refused in simulation: only a stale sequence is worth another try.
			if !errors.Is(err, sdkerrors.ErrWrongSequence) {
				return TxStatus{}, err
			}
			refetch = true
		case errors.As(err, &txErr) && txErr.Stage == "check":
			retry, again := retryable(err)
			if !retry {
				return TxStatus{}, err
			}
			refetch = again
			adjustment *= 1.3
		case errors.As(err, &txErr):
			return st, err // executed in a block and failed: the sequence is spent
		case errors.Is(err, ErrInclusionTimeout), ctx.Err() != nil:
			return TxStatus{}, err
		default:
			refetch = true // transport error: start again from the chain's view
		}
	}
	return TxStatus{}, fmt.Errorf("chain: giving up after %d retries: %w", c.cfg.MaxRetries, lastErr)
}

func (c *Client) sendOnce(ctx context.Context, key, addr string, msgs []sdk.Msg, adjustment float64, refetch bool, hook func(SignedTx) error) (TxStatus, error) {
	c.mu.Lock()
	number, seq, err := c.sequence(ctx, addr, refetch)
	if err != nil {
		c.mu.Unlock()
		return TxStatus{}, err
	}
	signed, err := c.buildTx(ctx, key, msgs, number, seq, adjustment)
	if err == nil && hook != nil {
		err = hook(signed)
	}
	if err == nil {
		err = c.BroadcastSync(ctx, signed.Bytes)
	}
	if err == nil {
		c.seqs[addr] = seq + 1
	}
	c.mu.Unlock()
	if err != nil {
		return TxStatus{}, err
	}
	return c.WaitTx(ctx, signed.Hash)
}

// Miners converts a metagraph into the worker's view: neurons with a served axon (as miners) and
// the hotkeys holding a validator permit.
func Miners(mg *subnettypes.QueryMetagraphResponse) (miners []metagraph.Miner, permitted []string) {
	for _, n := range mg.Neurons {
		if n.ValidatorPermit {
			permitted = append(permitted, n.Hotkey)
		}
		if n.Axon.Port == 0 {
			continue
		}
		proto := "http"
		if n.Axon.Protocol == subnettypes.AXON_PROTOCOL_HTTPS {
			proto = "https"
		}
		url, err := metagraph.EndpointURL(proto, n.Axon.Host, n.Axon.Port)
		if err != nil {
			continue
		}
		miners = append(miners, metagraph.Miner{UID: uint16(n.Uid), Hotkey: n.Hotkey, Endpoint: url})
	}
	return miners, permitted
}

// HotkeyPrivKey exports the secp256k1 private key of a keyring key (any backend), for signing
// axon traffic and evaluations off-chain.
func HotkeyPrivKey(kr keyring.Keyring, name string) (*secp256k1.PrivKey, error) {
	const pass = "taoworker-export"
	armor, err := kr.ExportPrivKeyArmor(name, pass)
	if err != nil {
		return nil, fmt.Errorf("chain: exporting key %q: %w", name, err)
	}
	priv, _, err := crypto.UnarmorDecryptPrivKey(armor, pass)
	if err != nil {
		return nil, fmt.Errorf("chain: decoding key %q: %w", name, err)
	}
	sk, ok := priv.(*secp256k1.PrivKey)
	if !ok {
		return nil, fmt.Errorf("chain: key %q is %s, a hotkey must be secp256k1", name, priv.Type())
	}
	return sk, nil
}

// OpenKeyring opens a taod keyring: dir is the directory holding keyring-<backend> (a taod home),
// backend is test, file or os.
func OpenKeyring(dir, backend string, input io.Reader) (keyring.Keyring, error) {
	switch backend {
	case keyring.BackendTest, keyring.BackendFile, keyring.BackendOS:
	default:
		return nil, fmt.Errorf("chain: keyring backend %q: want test, file or os", backend)
	}
	return keyring.New(sdk.KeyringServiceName(), backend, dir, input, EncodingConfig().Codec)
}
