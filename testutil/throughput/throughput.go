// Package throughput measures how many transactions per second a real taochain node commits: it
// starts a 1-validator localnet with the real taod binary (testutil/e2e), funds many accounts in
// genesis so their sequences do not serialize, signs transactions in-process, broadcasts them over
// CometBFT RPC (broadcast_tx_sync, concurrently across accounts, in sequence order within one) and
// waits until every one is in a committed block. Benchmarks live in throughput_bench_test.go.
package throughput

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/testutil/e2e"
)

// GasPriceDiv is the inverse of the localnet's minimum gas price (0.001 rao per gas unit).
const GasPriceDiv = 1000

// Account is a funded key whose sequence the signer tracks locally.
type Account struct {
	Priv     *secp256k1.PrivKey
	Address  sdk.AccAddress
	Number   uint64
	Sequence uint64
}

// Chain is a running 1-validator localnet with funded benchmark accounts.
type Chain struct {
	TB       testing.TB
	Node     *e2e.Node
	TxConfig client.TxConfig
	Accounts []*Account

	pprofPort int // the node's pprof port when NodeProfileEnv is set
	profiles  int // profiles taken so far
}

// NodeProfileEnv, when set to a directory, makes the node serve pprof on 127.0.0.1 and
// Chain.ProfileNode save CPU profiles of it there (merge them with `go tool pprof -proto`).
const NodeProfileEnv = "BENCH_NODE_PROFILE_DIR"

// ProfileNode starts a CPU profile of the node over the next seconds and returns a function
// that waits for it and saves it as <NodeProfileEnv>/<name>-<n>.pprof. Without NodeProfileEnv
// it does nothing.
func (c *Chain) ProfileNode(name string, seconds int) (wait func()) {
	dir := os.Getenv(NodeProfileEnv)
	if dir == "" {
		return func() {}
	}
	c.profiles++
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", name, c.profiles))
	done := make(chan error, 1)
	go func() {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/profile?seconds=%d", c.pprofPort, seconds))
		if err != nil {
			done <- err
			return
		}
		defer resp.Body.Close()
		bz, err := io.ReadAll(resp.Body)
		if err == nil {
			err = os.WriteFile(path, bz, 0o644)
		}
		done <- err
	}()
	return func() {
		if err := <-done; err != nil {
			c.TB.Fatalf("node CPU profile %s: %v", path, err)
		}
	}
}

// GenesisEdit changes the genesis app state (module name → JSON) before the node starts.
type GenesisEdit func(appState map[string]json.RawMessage) error

// NewChain prepares a localnet (scripts/localnet.sh), funds nAccounts deterministic accounts with
// balance rao each, applies edits to genesis, starts the node and loads the account numbers. The
// node is stopped when tb ends.
func NewChain(tb testing.TB, nAccounts int, balance sdkmath.Int, edits ...GenesisEdit) *Chain {
	tb.Helper()
	return NewChainWithArgs(tb, nil, nAccounts, balance, edits...)
}

// NewChainWithArgs is NewChain with startArgs appended to the node's start command (e.g.
// `--log_level`).
func NewChainWithArgs(tb testing.TB, startArgs []string, nAccounts int, balance sdkmath.Int, edits ...GenesisEdit) *Chain {
	tb.Helper()
	t0 := time.Now()
	e2e.Binary(tb, "taod")
	tb.Logf("make build: %s", time.Since(t0).Round(100*time.Millisecond))
	n := e2e.NewLocalnet(tb)
	c := &Chain{TB: tb, Node: n, TxConfig: txConfig(tb)}
	tb.Logf("localnet.sh: %s", time.Since(t0).Round(100*time.Millisecond))

	type coin struct {
		Denom  string `json:"denom"`
		Amount string `json:"amount"`
	}
	type entry struct {
		Address string `json:"address"`
		Coins   []coin `json:"coins"`
	}
	entries := make([]entry, 0, nAccounts)
	for i := 0; i < nAccounts; i++ {
		priv := secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("taochain-throughput-%d", i)))
		acc := &Account{Priv: priv, Address: sdk.AccAddress(priv.PubKey().Address())}
		c.Accounts = append(c.Accounts, acc)
		entries = append(entries, entry{Address: acc.Address.String(), Coins: []coin{{Denom: app.BaseDenom, Amount: balance.String()}}})
	}
	bz, err := json.Marshal(entries)
	if err != nil {
		tb.Fatal(err)
	}
	accountsFile := filepath.Join(tb.TempDir(), "accounts.json")
	if err := os.WriteFile(accountsFile, bz, 0o600); err != nil {
		tb.Fatal(err)
	}
	n.CLI("genesis", "bulk-add-genesis-account", accountsFile)
	if len(edits) > 0 || os.Getenv(BlockMaxGasEnv) != "" {
		editGenesis(tb, filepath.Join(n.Home, "config", "genesis.json"), edits)
	}
	n.CLI("genesis", "validate-genesis")

	if dir := os.Getenv(NodeProfileEnv); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.Fatal(err)
		}
		c.pprofPort = e2e.FreePort(tb)
		n.StartArgs = append(n.StartArgs, "--rpc.pprof_laddr", fmt.Sprintf("127.0.0.1:%d", c.pprofPort))
	}
	n.StartArgs = append(n.StartArgs, startArgs...)
	n.Start()
	n.WaitHeight(2, 90*time.Second)
	c.loadAccountNumbers()
	tb.Logf("localnet with %d funded accounts ready in %s", nAccounts, time.Since(t0).Round(100*time.Millisecond))
	return c
}

// txConfig builds the app's tx config exactly as taod's CLI does (a throwaway in-memory app).
func txConfig(tb testing.TB) client.TxConfig {
	tb.Helper()
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.NewAppOptionsWithFlagHome(tb.TempDir()))
	return a.TxConfig()
}

func editGenesis(tb testing.TB, path string, edits []GenesisEdit) {
	tb.Helper()
	bz, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(bz, &doc); err != nil {
		tb.Fatal(err)
	}
	var appState map[string]json.RawMessage
	if err := json.Unmarshal(doc["app_state"], &appState); err != nil {
		tb.Fatal(err)
	}
	for _, e := range edits {
		if err := e(appState); err != nil {
			tb.Fatalf("genesis edit: %v", err)
		}
	}
	if gas := os.Getenv(BlockMaxGasEnv); gas != "" {
		if err := setBlockMaxGas(doc, gas); err != nil {
			tb.Fatalf("%s=%s: %v", BlockMaxGasEnv, gas, err)
		}
		tb.Logf("block max_gas %s (from %s)", gas, BlockMaxGasEnv)
	}
	if doc["app_state"], err = json.Marshal(appState); err != nil {
		tb.Fatal(err)
	}
	if bz, err = json.MarshalIndent(doc, "", " "); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, bz, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// BlockMaxGasEnv, when set, replaces the genesis block gas limit (max_gas; -1 for none), e.g. to
// see whether a run is limited by the block gas cap or by the node's processing.
const BlockMaxGasEnv = "BENCH_BLOCK_MAX_GAS"

// setBlockMaxGas sets consensus.params.block.max_gas of genesis doc to gas.
func setBlockMaxGas(doc map[string]json.RawMessage, gas string) error {
	if _, err := strconv.ParseInt(gas, 10, 64); err != nil {
		return fmt.Errorf("not an integer: %w", err)
	}
	var consensus map[string]any
	if err := json.Unmarshal(doc["consensus"], &consensus); err != nil {
		return fmt.Errorf("genesis consensus: %w", err)
	}
	params, _ := consensus["params"].(map[string]any)
	block, _ := params["block"].(map[string]any)
	if block == nil {
		return fmt.Errorf("genesis has no consensus.params.block")
	}
	block["max_gas"] = gas
	bz, err := json.Marshal(consensus)
	if err != nil {
		return err
	}
	doc["consensus"] = bz
	return nil
}

// EditModule decodes genesis module `module` into a generic JSON object, lets edit change it and
// stores it back.
func EditModule(module string, edit func(state map[string]any) error) GenesisEdit {
	return func(appState map[string]json.RawMessage) error {
		var state map[string]any
		if err := json.Unmarshal(appState[module], &state); err != nil {
			return fmt.Errorf("module %s: %w", module, err)
		}
		if err := edit(state); err != nil {
			return fmt.Errorf("module %s: %w", module, err)
		}
		bz, err := json.Marshal(state)
		if err != nil {
			return err
		}
		appState[module] = bz
		return nil
	}
}

// loadAccountNumbers reads every account's number through the REST API (one paginated request).
func (c *Chain) loadAccountNumbers() {
	c.TB.Helper()
	// autocli prints each account as {"type": ..., "value": {"address", "account_number"}}.
	var res struct {
		Accounts []struct {
			Value struct {
				Address       string          `json:"address"`
				AccountNumber json.RawMessage `json:"account_number"`
			} `json:"value"`
		} `json:"accounts"`
	}
	out := c.Node.CLI("q", "auth", "accounts", "--page-limit", strconv.Itoa(len(c.Accounts)+100),
		"--node", c.Node.RPCAddr(), "--output", "json")
	if err := json.Unmarshal(out, &res); err != nil {
		c.TB.Fatalf("decoding accounts: %v", err)
	}
	numbers := make(map[string]uint64, len(res.Accounts))
	for _, a := range res.Accounts {
		raw := strings.Trim(string(a.Value.AccountNumber), `"`)
		if raw == "" || raw == "null" {
			raw = "0" // proto3 JSON may omit a zero account number
		}
		num, err := strconv.ParseUint(raw, 10, 64)
		if err != nil {
			c.TB.Fatalf("account %s number %q: %v", a.Value.Address, raw, err)
		}
		numbers[a.Value.Address] = num
	}
	for _, acc := range c.Accounts {
		num, ok := numbers[acc.Address.String()]
		if !ok {
			c.TB.Fatalf("benchmark account %s not found on chain", acc.Address)
		}
		acc.Number = num
	}
}

// Sign builds a SIGN_MODE_DIRECT tx of msgs from acc with a gas limit (fee at the minimum gas
// price) using acc's next sequence, and advances the sequence.
func (c *Chain) Sign(acc *Account, gas uint64, msgs ...sdk.Msg) []byte {
	c.TB.Helper()
	b := c.TxConfig.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		c.TB.Fatal(err)
	}
	b.SetGasLimit(gas)
	b.SetFeeAmount(sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewIntFromUint64((gas+GasPriceDiv-1)/GasPriceDiv))))
	mode := signing.SignMode_SIGN_MODE_DIRECT
	// DIRECT signs the auth info, so the signer info goes in before the signature is made.
	empty := signing.SignatureV2{PubKey: acc.Priv.PubKey(), Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: acc.Sequence}
	if err := b.SetSignatures(empty); err != nil {
		c.TB.Fatal(err)
	}
	sig, err := clienttx.SignWithPrivKey(context.Background(), mode, authsigning.SignerData{
		ChainID: c.Node.ChainID, AccountNumber: acc.Number, Sequence: acc.Sequence,
		PubKey: acc.Priv.PubKey(), Address: acc.Address.String(),
	}, b, acc.Priv, c.TxConfig, acc.Sequence)
	if err != nil {
		c.TB.Fatal(err)
	}
	if err := b.SetSignatures(sig); err != nil {
		c.TB.Fatal(err)
	}
	bz, err := c.TxConfig.TxEncoder()(b.GetTx())
	if err != nil {
		c.TB.Fatal(err)
	}
	acc.Sequence++
	return bz
}

// WorkerGas is the gas limit taochain's worker asks for a transaction of msgs from acc: its
// chain client simulates the transaction (an empty signature, acc's next sequence) without a fee,
// then again with the fee that answer implies, and multiplies the second answer by its gas
// adjustment (inference/chain). Benchmarks ask for that, for every kind of transaction alike,
// because CometBFT fills a block up to its gas limit by what transactions ask for, not by what
// they use.
func (c *Chain) WorkerGas(acc *Account, msgs ...sdk.Msg) uint64 {
	c.TB.Helper()
	b := c.TxConfig.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		c.TB.Fatal(err)
	}
	empty := signing.SignatureV2{PubKey: acc.Priv.PubKey(), Sequence: acc.Sequence,
		Data: &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT}}
	if err := b.SetSignatures(empty); err != nil {
		c.TB.Fatal(err)
	}
	gas := uint64(0)
	for range 2 {
		bz, err := c.TxConfig.TxEncoder()(b.GetTx())
		if err != nil {
			c.TB.Fatal(err)
		}
		gas = uint64(math.Ceil(float64(c.simulate(bz)) * chain.DefaultGasAdjustment))
		b.SetGasLimit(gas)
		b.SetFeeAmount(sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewIntFromUint64((gas+GasPriceDiv-1)/GasPriceDiv))))
	}
	return gas
}

// simulate returns the gas the node's /app/simulate reports for the tx bytes, read as the
// worker's chain client reads it (chain.SimulationResult).
func (c *Chain) simulate(tx []byte) uint64 {
	c.TB.Helper()
	var res struct {
		Response struct {
			Code      uint32 `json:"code"`
			Codespace string `json:"codespace"`
			Log       string `json:"log"`
			Value     []byte `json:"value"`
		} `json:"response"`
	}
	if err := c.Node.RPCGet(`abci_query?path=%22/app/simulate%22&data=0x`+hex.EncodeToString(tx), &res); err != nil {
		c.TB.Fatalf("simulating: %v", err)
	}
	r := res.Response
	used, err := chain.SimulationResult(&cmtservice.ABCIQueryResponse{Code: r.Code, Codespace: r.Codespace, Log: r.Log, Value: r.Value})
	if err != nil {
		c.TB.Fatalf("simulation: %v", err)
	}
	return used
}

// Lane is a list of signed txs of one account, broadcast in order (their sequences are
// consecutive); different lanes are broadcast concurrently.
type Lane [][]byte

// Result is the outcome of one Run.
type Result struct {
	Txs      int           // txs committed with code 0
	Elapsed  time.Duration // from the first broadcast until the last tx was seen committed
	Blocks   int           // blocks that held the txs
	GasUsed  int64         // gas used by all txs
	MaxBlock int           // most txs in one block
}

// TPS is committed txs per second.
func (r Result) TPS() float64 { return float64(r.Txs) / r.Elapsed.Seconds() }

// Run broadcasts every lane with `workers` concurrent RPC clients, waits (up to timeout) until all
// txs are committed and fails the benchmark if any tx is rejected or fails in its block.
func (c *Chain) Run(lanes []Lane, workers int, timeout time.Duration) Result {
	c.TB.Helper()
	total := 0
	for _, l := range lanes {
		total += len(l)
	}
	start := c.Height()
	began := time.Now()

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		firstEr error
	)
	next := make(chan Lane)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lane := range next {
				for _, tx := range lane {
					if err := c.Broadcast(tx); err != nil {
						mu.Lock()
						if firstEr == nil {
							firstEr = err
						}
						mu.Unlock()
						break // later txs of this lane would fail on the sequence
					}
				}
			}
		}()
	}
	for _, l := range lanes {
		next <- l
	}
	close(next)
	wg.Wait()
	if firstEr != nil {
		c.TB.Fatalf("broadcast: %v", firstEr)
	}
	res := c.waitCommitted(start, total, began, timeout)
	return res
}

// Broadcast sends one tx with broadcast_tx_sync and checks its CheckTx code.
func (c *Chain) Broadcast(tx []byte) error {
	var res struct {
		Code uint32 `json:"code"`
		Log  string `json:"log"`
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = c.Node.RPCGet("broadcast_tx_sync?tx=0x"+hex.EncodeToString(tx), &res); err == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	if res.Code != 0 {
		return fmt.Errorf("CheckTx code %d: %s", res.Code, res.Log)
	}
	return nil
}

// Height is the node's latest height from RPC /status (no CLI process per poll), 0 on error.
func (c *Chain) Height() int64 {
	var st struct {
		SyncInfo struct {
			LatestBlockHeight string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if err := c.Node.RPCGet("status", &st); err != nil {
		return 0
	}
	h, _ := strconv.ParseInt(st.SyncInfo.LatestBlockHeight, 10, 64)
	return h
}

// waitCommitted scans the blocks after height `from` until `want` txs are committed.
func (c *Chain) waitCommitted(from int64, want int, began time.Time, timeout time.Duration) Result {
	c.TB.Helper()
	deadline := began.Add(timeout)
	var res Result
	scanned := from
	for time.Now().Before(deadline) {
		latest := c.Height()
		for h := scanned + 1; h <= latest; h++ {
			br, err := c.BlockResults(h)
			if err != nil {
				// /status reports a block once it is stored, its results once it is executed.
				break
			}
			res.GasUsed += br.GasUsed
			if br.Txs > 0 {
				res.Blocks++
				res.MaxBlock = max(res.MaxBlock, br.Txs)
			}
			res.Txs += br.Txs
			scanned = h
		}
		if res.Txs >= want {
			res.Elapsed = time.Since(began)
			return res
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.TB.Fatalf("%d of %d txs committed within %s", res.Txs, want, timeout)
	return res
}

// BlockResults is what executing one committed block produced.
type BlockResults struct {
	Txs     int      // transactions in the block, every one with code 0
	GasUsed int64    // gas the transactions used
	Events  []string // the types of the block's FinalizeBlock events (BeginBlock and EndBlock), in order
}

// BlockResults reads the results of block h from RPC /block_results and fails the benchmark if
// any of its transactions failed: a benchmark counting a failed tx as work would overstate what
// the node does. The error is only for results the node cannot give (yet).
func (c *Chain) BlockResults(h int64) (BlockResults, error) {
	c.TB.Helper()
	var br struct {
		TxsResults []struct {
			Code    uint32 `json:"code"`
			Log     string `json:"log"`
			GasUsed string `json:"gas_used"`
		} `json:"txs_results"`
		FinalizeBlockEvents []struct {
			Type string `json:"type"`
		} `json:"finalize_block_events"`
	}
	if err := c.Node.RPCGet("block_results?height="+strconv.FormatInt(h, 10), &br); err != nil {
		return BlockResults{}, err
	}
	res := BlockResults{Txs: len(br.TxsResults)}
	for i, r := range br.TxsResults {
		if r.Code != 0 {
			c.TB.Fatalf("tx %d failed in block %d: code %d: %s", i, h, r.Code, r.Log)
		}
		g, _ := strconv.ParseInt(r.GasUsed, 10, 64)
		res.GasUsed += g
	}
	for _, ev := range br.FinalizeBlockEvents {
		res.Events = append(res.Events, ev.Type)
	}
	return res, nil
}
