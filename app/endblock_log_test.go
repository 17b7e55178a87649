package app_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"cosmossdk.io/log"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/rs/zerolog"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
)

// TestEndBlockLogLine checks the debug line operators (and BenchmarkBusyLocalnet) read for each
// block's EndBlock time: message LogEndBlock, module baseapp, the block's height and its ms.
func TestEndBlockLogLine(t *testing.T) {
	var out bytes.Buffer
	logger := log.NewLogger(&out, log.LevelOption(zerolog.DebugLevel), log.OutputJSONOption())
	c := apptest.NewChainLogged(t, logger, dbm.NewMemDB(), nil, 1, app.TAO(1))
	c.NextBlock()

	seen := map[int64]bool{}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Message string   `json:"message"`
			Module  string   `json:"module"`
			Height  *int64   `json:"height"`
			Ms      *float64 `json:"ms"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil || line.Message != app.LogEndBlock {
			continue
		}
		if line.Module != "baseapp" || line.Height == nil || line.Ms == nil || *line.Ms < 0 {
			t.Fatalf("end-block line %s: want module baseapp, a height and ms ≥ 0", sc.Text())
		}
		seen[*line.Height] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for h := int64(1); h <= c.Height; h++ {
		if !seen[h] {
			t.Fatalf("no %q line for height %d (seen %v)", app.LogEndBlock, h, seen)
		}
	}
}
