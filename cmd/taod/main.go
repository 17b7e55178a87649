// Command taod is the taochain node and command-line client.
package main

import (
	"fmt"
	"os"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/cmd/taod/cmd"
)

func main() {
	if err := svrcmd.Execute(cmd.NewRootCmd(), "TAOD", app.DefaultNodeHome); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
