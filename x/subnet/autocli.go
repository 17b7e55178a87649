package subnet

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/taochain/taochain/x/internal/modulekit"
	"github.com/taochain/taochain/x/subnet/types"
)

var _ interface {
	AutoCLIOptions() *autocliv1.ModuleOptions
} = AppModule{}

// pos names the positional arguments of a command (see modulekit.Args).
var pos = modulekit.Args

// AutoCLIOptions describes the `taod query subnet` and `taod tx subnet` commands.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the x/subnet parameters"},
				{RpcMethod: "LockCost", Use: "lock-cost", Short: "Show the TAO (rao) a new subnet locks now"},
				{RpcMethod: "Subnets", Use: "subnets", Short: "List subnets with total stake and neuron count"},
				{RpcMethod: "Subnet", Use: "subnet [netuid]", Short: "Show one subnet", PositionalArgs: pos("netuid")},
				{RpcMethod: "Hyperparameters", Use: "hyperparameters [netuid]", Short: "Show a subnet's hyperparameters", PositionalArgs: pos("netuid")},
				{RpcMethod: "RegistrationPrice", Use: "registration-price [netuid]", Short: "Show the current neuron registration price (rao)", PositionalArgs: pos("netuid")},
				{RpcMethod: "Neuron", Use: "neuron [netuid] [uid]", Short: "Show the neuron at a uid", PositionalArgs: pos("netuid", "uid")},
				{RpcMethod: "NeuronByHotkey", Use: "neuron-by-hotkey [netuid] [hotkey]", Short: "Show the neuron of a hotkey", PositionalArgs: pos("netuid", "hotkey")},
				{RpcMethod: "Neurons", Use: "neurons [netuid]", Short: "List the neurons of a subnet", PositionalArgs: pos("netuid")},
				{RpcMethod: "Metagraph", Use: "metagraph [netuid]", Short: "Show every per-uid field of a subnet with stake", PositionalArgs: pos("netuid")},
				{RpcMethod: "Hotkey", Use: "hotkey [hotkey]", Short: "Show a hotkey's owner, pubkey and take", PositionalArgs: pos("hotkey")},
				{RpcMethod: "StakeByColdkey", Use: "stake-by-coldkey [coldkey]", Short: "List a coldkey's stake positions", PositionalArgs: pos("coldkey")},
				{RpcMethod: "StakeByHotkey", Use: "stake-by-hotkey [hotkey]", Short: "List a hotkey's pools and delegators", PositionalArgs: pos("hotkey")},
				{RpcMethod: "Unbonding", Use: "unbonding [coldkey]", Short: "List a coldkey's pending unbonding entries", PositionalArgs: pos("coldkey")},
				{
					RpcMethod: "Wallet", Use: "wallet [coldkey]",
					Short: "Show a coldkey's wallet: balance, stake per (hotkey, netuid), unbonding entries and owned hotkeys",
					Long: "Show a coldkey's wallet in one call: its rao balance and spendable coins, every stake position " +
						"(hotkey, netuid, shares, rao value) with the total, pending unbonding entries with the total, and the " +
						"hotkeys it owns. Each list holds at most --limit entries (default 100) and says when it was cut.",
					Example:        "taod q subnet wallet $(taod keys show alice -a)",
					PositionalArgs: pos("coldkey"),
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: types.Msg_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "RegisterSubnet", Use: "register-subnet [name] [max-lock]",
					Short:          "Lock TAO and create a subnet (max-lock caps the lock cost: rao, or tao such as 200tao)",
					Example:        "taod tx subnet register-subnet example-subnet 1000000000000 --from subnet-owner --gas auto --wait",
					PositionalArgs: pos("name", "max_lock"),
				},
				{
					RpcMethod: "DissolveSubnet", Use: "dissolve-subnet [netuid]",
					Short:          "Dissolve your subnet: refunds the lock, returns stake to coldkeys",
					PositionalArgs: pos("netuid"),
				},
				{
					RpcMethod: "UpdateHyperparams", Use: "update-hyperparams [netuid] [hyperparams-json]",
					Short:          "Replace your subnet's hyperparameters (all fields, within governance bounds)",
					Example:        `taod tx subnet update-hyperparams 2 "$(taod q subnet hyperparameters 2 -o json | jq -c .hyperparams)" --from bob --wait`,
					PositionalArgs: pos("netuid", "hyperparams"),
				},
				{
					RpcMethod: "RegisterNeuron", Use: "register-neuron [netuid] [hotkey-pubkey] [proof] [max-burn]",
					Short: "Burn the registration price and register a hotkey (pubkey: 33-byte compressed secp256k1; " +
						"proof: hotkey signature over \"chain_id|netuid|coldkey\"; both hex or base64)",
					PositionalArgs: pos("netuid", "hotkey_pubkey", "proof", "max_burn"),
				},
				{
					RpcMethod: "ServeAxon", Use: "serve-axon [netuid] [host] [port] [version]",
					Short:          "Record your hotkey's axon endpoint (sign with the hotkey account; --protocol http|https)",
					Example:        "taod tx subnet serve-axon 1 203.0.113.7 8091 1 --protocol http --from miner1-hot --wait",
					PositionalArgs: pos("netuid", "host", "port", "version"),
				},
				{
					RpcMethod: "AddStake", Use: "add-stake [hotkey] [netuid] [amount]",
					Short: "Stake on a registered hotkey in a subnet (amount in rao, or tao: 1.5tao)", PositionalArgs: pos("hotkey", "netuid", "amount"),
				},
				{
					RpcMethod: "RemoveStake", Use: "remove-stake [hotkey] [netuid] [amount]",
					Short: "Unstake into the unbonding queue (amount in rao, or tao: 1.5tao)", PositionalArgs: pos("hotkey", "netuid", "amount"),
				},
				{
					RpcMethod: "MoveStake", Use: "move-stake [from-hotkey] [from-netuid] [to-hotkey] [to-netuid] [amount]",
					Short:          "Move stake between hotkeys and/or subnets without unbonding",
					PositionalArgs: pos("from_hotkey", "from_netuid", "to_hotkey", "to_netuid", "amount"),
				},
				{
					RpcMethod: "SetTake", Use: "set-take [hotkey] [take]",
					Short: "Set your hotkey's delegation take: a percentage (18%) or a u16 fraction of 65535 (11796), at most max_take",
					Long: "Set your hotkey's delegation take. The chain stores a u16 fraction of 65535; a percentage p is sent as " +
						"floor(p × 65535 / 100), so 18% is 11796 (the max_take cap) and 5% is 3276.",
					Example:        "taod tx subnet set-take $(taod keys show miner1-hot -a) 15% --from alice --wait",
					PositionalArgs: pos("hotkey", "take"),
				},
				{
					RpcMethod: "UpdateParams", Skip: true, // governance only: submit through a gov proposal
				},
			},
		},
	}
}
