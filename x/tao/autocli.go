package tao

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/taochain/taochain/x/tao/types"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: `taod query tao ...` and `taod tx tao ...`.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Params",
					Use:       "params",
					Short:     "Show the x/tao emission parameters",
				},
				{
					RpcMethod: "Issuance",
					Use:       "issuance",
					Short:     "Show the TAO supply, the 21M cap and the module's minted/security/pending/paid-out totals",
				},
				{
					RpcMethod: "CurrentEmission",
					Use:       "current-emission",
					Short:     "Show the per-block emission at the current supply and its security/subnet split",
				},
				{
					RpcMethod: "NextHalving",
					Use:       "next-halving",
					Short:     "Show the supply at which emission halves next and the estimated height",
				},
				{
					RpcMethod:      "PendingEmission",
					Use:            "pending-emission [netuid]",
					Short:          "Show a subnet's pending emission",
					Example:        "taod query tao pending-emission 1",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}},
				},
				{
					RpcMethod: "PendingEmissions",
					Use:       "pending-emissions",
					Short:     "List all subnets' pending emissions",
					Example:   "taod query tao pending-emissions --page-limit 10",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: types.Msg_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod:      "UpdateParams",
					Use:            "update-params-proposal [params]",
					Short:          "Submit a governance proposal to replace all x/tao params (JSON as 'taod q tao params' prints it)",
					Example:        `taod tx tao update-params-proposal "$(taod q tao params -o json | jq -c '.params | .security_share = "0.150000000000000000"')" --title "Security share 15%" --summary "Set security_share to 0.15." --from alice --deposit 10000000000rao --gas auto --wait`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "params"}},
					GovProposal:    true,
				},
			},
		},
	}
}
