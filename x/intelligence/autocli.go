package intelligence

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/taochain/taochain/x/intelligence/types"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: `taod query intelligence ...` and
// `taod tx intelligence ...`.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the x/intelligence parameters"},
				{
					RpcMethod: "Weights", Use: "weights [netuid] [uid]", Short: "Show the weight row of a uid",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}, {ProtoField: "uid"}},
				},
				{
					RpcMethod: "AllWeights", Use: "all-weights [netuid]", Short: "List the weight rows of a subnet",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}},
				},
				{
					RpcMethod: "Bonds", Use: "bonds [netuid] [uid]", Short: "Show the bond row of a uid after the last epoch",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}, {ProtoField: "uid"}},
				},
				{
					RpcMethod: "LastEpoch", Use: "last-epoch [netuid]", Short: "Show a subnet's last epoch run and its emission split",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}},
				},
				{
					RpcMethod: "EpochInfo", Use: "epoch-info [netuid]", Short: "Show a subnet's current epoch index and next epoch height",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}},
				},
				{
					RpcMethod: "Evaluation", Use: "evaluation [netuid] [epoch] [hotkey]", Short: "Show the stored signed evaluation of a hotkey for an epoch",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}, {ProtoField: "epoch"}, {ProtoField: "hotkey"}},
				},
				{
					RpcMethod: "Nonce", Use: "nonce [netuid] [hotkey]", Short: "Show a hotkey's last accepted evaluation nonce on a subnet",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}, {ProtoField: "hotkey"}},
				},
				{
					RpcMethod: "Commits", Use: "commits [netuid]", Short: "List pending weight commits of a subnet (--hotkey to filter)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}},
				},
				{
					RpcMethod: "ModelUpdateCommitment", Use: "model-update [netuid] [hotkey]",
					Short:          "Show the latest model update a miner of a federated subnet committed to",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}, {ProtoField: "hotkey"}},
				},
				{
					RpcMethod: "ModelUpdateCommitments", Use: "model-updates [netuid]",
					Short:          "List the latest model update commitments of a federated subnet by uid",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: types.Msg_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				// set-weights, commit-weights and reveal-weights are hand-written in cmd/taod (autocli cannot
				// parse repeated u32 positional arguments).
				{RpcMethod: "SetWeights", Skip: true},
				{
					RpcMethod: "SubmitEvaluation", Use: "submit-evaluation [evaluation-json] [signature]",
					Short:          "Submit an evaluation signed by a validator hotkey (any account pays; --from is the submitter)",
					Example:        `taod tx intelligence submit-evaluation '{"chain_id":"taochain-1","netuid":1,"epoch":42,"validator_hotkey":"tao1...","uids":[0,1],"scores":[65535,100],"task_commitment":"<base64 32 bytes>","nonce":7}' <base64 signature> --from relayer`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "evaluation"}, {ProtoField: "signature"}},
				},
				{RpcMethod: "CommitWeights", Skip: true},
				{RpcMethod: "RevealWeights", Skip: true},
				{
					RpcMethod: "CommitModelUpdate", Use: "commit-model-update [netuid] [epoch] [hash] [size]",
					Short:          "Commit the sha256 (hex) and byte size of the model update your miner publishes this epoch (--from the hotkey)",
					Example:        `taod tx intelligence commit-model-update 2 42 $(sha256sum update.bin | cut -c1-64) $(stat -c %s update.bin) --from miner1-hot --wait`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "netuid"}, {ProtoField: "epoch"}, {ProtoField: "hash"}, {ProtoField: "size"}},
				},
				{
					RpcMethod: "UpdateParams", Use: "update-params-proposal [params]",
					Short:          "Submit a governance proposal to replace all x/intelligence params",
					Example:        `taod tx intelligence update-params-proposal '{"max_epochs_per_block":8,"owner_share":180000,"miner_share":410000,"validator_share":410000,"evaluation_window":"0","evidence_retention_epochs":"16"}' --title "x/intelligence params" --summary "Restate the defaults." --from alice --deposit 10000000000rao --gas auto --wait`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "params"}},
					GovProposal:    true,
				},
			},
		},
	}
}
