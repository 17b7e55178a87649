package slashing

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	"cosmossdk.io/core/appmodule"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"

	"github.com/taochain/taochain/x/internal/modulekit"
	"github.com/taochain/taochain/x/slashing/types"
)

// PoICLIName is the autocli entry of the intelligence services. autocli builds one command per
// entry and service, so the intelligence services get their own entry whose command is the same
// `slashing` command as the SDK services': `taod q slashing signing-infos` and
// `taod q slashing offences` live side by side. See AutoCLIModules.
const PoICLIName = "slashing-poi"

// cliCommands holds the `tx slashing` and `query slashing` commands shared by both autocli
// entries, created on first use.
type cliCommands struct {
	query, tx *cobra.Command
}

func groupCmd(short string) *cobra.Command {
	return &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      short,
		DisableFlagParsing:         false,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
}

func (c *cliCommands) queryCmd() *cobra.Command {
	if c.query == nil {
		c.query = groupCmd("Querying commands for the slashing module (consensus and intelligence offences)")
	}
	return c.query
}

func (c *cliCommands) txCmd() *cobra.Command {
	if c.tx == nil {
		c.tx = groupCmd("Transactions commands for the slashing module (unjail, equivocation reports)")
	}
	return c.tx
}

// AutoCLIOptions returns the SDK slashing commands (signing-info, signing-infos, params, unjail,
// update-params-proposal), added by autocli to the shared `slashing` command.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	opts := am.AppModule.AutoCLIOptions()
	opts.Query.EnhanceCustomCommand = true
	opts.Tx.EnhanceCustomCommand = true
	return opts
}

// GetQueryCmd returns the shared `query slashing` command that autocli fills from both services.
func (am AppModule) GetQueryCmd() *cobra.Command { return am.cli.queryCmd() }

// GetTxCmd returns the shared `tx slashing` command that autocli fills from both services.
func (am AppModule) GetTxCmd() *cobra.Command { return am.cli.txCmd() }

// AutoCLIModules returns the extra autocli entry of the intelligence services, keyed by
// PoICLIName. Add it to autocli.AppOptions.Modules beside the module manager's modules.
func (am AppModule) AutoCLIModules() map[string]appmodule.AppModule {
	return map[string]appmodule.AppModule{PoICLIName: poiCLI{cli: am.cli}}
}

// poiCLI is the autocli entry of the intelligence services: it shares the `slashing` commands.
type poiCLI struct{ cli *cliCommands }

// IsOnePerModuleType implements appmodule.AppModule.
func (poiCLI) IsOnePerModuleType() {}

// IsAppModule implements appmodule.AppModule.
func (poiCLI) IsAppModule() {}

// GetQueryCmd returns the shared `query slashing` command.
func (p poiCLI) GetQueryCmd() *cobra.Command { return p.cli.queryCmd() }

// GetTxCmd returns the shared `tx slashing` command.
func (p poiCLI) GetTxCmd() *cobra.Command { return p.cli.txCmd() }

// pos names the positional arguments of a command (see modulekit.Args).
var pos = modulekit.Args

// AutoCLIOptions describes the intelligence slashing commands.
func (poiCLI) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Query_serviceDesc.ServiceName,
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "PoIParams", Use: "poi-params", Short: "Show the intelligence slashing params (equivocation, liveness, useless miners)"},
				{RpcMethod: "Offence", Use: "offence [id]", Short: "Show one intelligence offence record", PositionalArgs: pos("id")},
				{RpcMethod: "Offences", Use: "offences", Short: "List intelligence offence records by ascending id"},
				{RpcMethod: "OffencesByHotkey", Use: "offences-by-hotkey [hotkey]", Short: "List the offence records of a hotkey", PositionalArgs: pos("hotkey")},
				{RpcMethod: "OffencesByNetuid", Use: "offences-by-netuid [netuid]", Short: "List the offence records on a subnet", PositionalArgs: pos("netuid")},
				{RpcMethod: "Jails", Use: "jails", Short: "List hotkeys kept without a validator permit and their remaining epochs"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Msg_serviceDesc.ServiceName,
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "ReportEquivocation", Use: "report-equivocation [first] [second]",
					Short: "Report two different signed evaluations of one hotkey for one subnet epoch " +
						"(each a taochain.intelligence.v1.SignedEvaluation as JSON or a path to a .json file)",
					Example:        "taod tx slashing report-equivocation ev1.json ev2.json --from reporter",
					PositionalArgs: pos("first", "second"),
				},
				{
					RpcMethod: "UpdateParams", Use: "update-poi-params-proposal [params]",
					Short:          "Submit a governance proposal replacing all intelligence slashing params",
					Example:        `taod tx slashing update-poi-params-proposal "$(taod q slashing poi-params -o json | jq -c .params)" --title "PoI slashing params" --summary "Restate the current params." --from alice --deposit 10000000000rao --gas auto --wait`,
					PositionalArgs: pos("params"),
					GovProposal:    true,
				},
			},
		},
	}
}
