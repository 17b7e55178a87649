package chain_test

import (
	"github.com/taochain/taochain/taoscan/chain"
	"github.com/taochain/taochain/taoscan/web"
)

// The pages read live state through web.Chain; the node client is what cmd/taoscan passes.
var _ web.Chain = (*chain.Client)(nil)
