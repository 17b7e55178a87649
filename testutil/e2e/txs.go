package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
)

// PatchGenesis rewrites the node's genesis.json (prepared, not started) through edit, which gets
// the decoded "app_state" object: e.g. to lower a module parameter for a test.
func (n *Node) PatchGenesis(edit func(appState map[string]any)) {
	n.T.Helper()
	path := filepath.Join(n.Home, "config", "genesis.json")
	bz, err := os.ReadFile(path)
	if err != nil {
		n.T.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(bz, &doc); err != nil {
		n.T.Fatalf("genesis.json: %v", err)
	}
	appState, ok := doc["app_state"].(map[string]any)
	if !ok {
		n.T.Fatal("genesis.json has no app_state object")
	}
	edit(appState)
	out, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		n.T.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		n.T.Fatal(err)
	}
}

// IndexedTx is a transaction from the node's tx index, successful or failed in its block.
type IndexedTx struct {
	Hash      string
	Height    int64
	Code      uint32
	Codespace string
	Log       string
	// Tx is the encoded transaction (a TxRaw).
	Tx []byte
}

// SearchTxs returns every transaction the node indexed that matches the CometBFT query (e.g.
// "tx.height>0": all of them), reading every page of the RPC tx_search endpoint. Failed
// transactions are included: their messages are public like any other's.
func (n *Node) SearchTxs(query string) ([]IndexedTx, error) {
	var out []IndexedTx
	for page := 1; page <= 1000; page++ {
		var res struct {
			Txs []struct {
				Hash     string `json:"hash"`
				Height   string `json:"height"`
				TxResult struct {
					Code      uint32 `json:"code"`
					Codespace string `json:"codespace"`
					Log       string `json:"log"`
				} `json:"tx_result"`
				Tx string `json:"tx"`
			} `json:"txs"`
			TotalCount string `json:"total_count"`
		}
		path := fmt.Sprintf("tx_search?query=%s&page=%d&per_page=100&order_by=%s",
			url.QueryEscape(strconv.Quote(query)), page, url.QueryEscape(`"asc"`))
		if err := n.RPCGet(path, &res); err != nil {
			return nil, err
		}
		for _, tx := range res.Txs {
			h, err := strconv.ParseInt(tx.Height, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("tx %s: height %q: %v", tx.Hash, tx.Height, err)
			}
			bz, err := base64.StdEncoding.DecodeString(tx.Tx)
			if err != nil {
				return nil, fmt.Errorf("tx %s: %v", tx.Hash, err)
			}
			out = append(out, IndexedTx{Hash: tx.Hash, Height: h, Code: tx.TxResult.Code,
				Codespace: tx.TxResult.Codespace, Log: tx.TxResult.Log, Tx: bz})
		}
		total, err := strconv.Atoi(res.TotalCount)
		if err != nil {
			return nil, fmt.Errorf("tx_search total_count %q: %v", res.TotalCount, err)
		}
		if len(res.Txs) == 0 || len(out) >= total {
			return out, nil
		}
	}
	return nil, fmt.Errorf("tx_search %q: more than 1000 pages", query)
}
