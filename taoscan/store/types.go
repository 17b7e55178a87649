// Package store is taoscan's database: what the indexer learned from each block, written one
// block per transaction, and the reads the web pages make. SQLite (pure Go) by default, PostgreSQL
// for a public deployment; the same schema and queries on both.
package store

import "time"

// Amounts are rao as decimal strings (math.Int's String form): they exceed int64 only in theory
// (21M TAO = 2.1e16 rao fits), but the chain's types are math.Int and the explorer never does
// arithmetic that needs more than sums, which SQL does on the integer columns (see the schema).
// Scores (trust, consensus, incentive, dividends, validator trust, rank) are the chain's u16
// fractions of 65535, stored as integers.

// Block is one indexed block.
type Block struct {
	Height   int64     `json:"height"`
	Hash     string    `json:"hash"` // upper-case hex, as CometBFT prints it
	Time     time.Time `json:"time"` // the header's time (UTC)
	Proposer string    `json:"proposer"`
	NumTxs   int       `json:"num_txs"`
	// Minted is the rao minted in this block (EventEmission.minted; "0" when none was emitted).
	Minted string `json:"minted"`
	// Issuance is the total supply of rao after this block (EventEmission.issuance); when the
	// block emitted nothing it repeats the previous block's issuance.
	Issuance string `json:"issuance"`
	// Halvings is the number of halvings applied at this block.
	Halvings uint32 `json:"halvings"`
}

// Tx is one transaction of an indexed block.
type Tx struct {
	Hash      string   `json:"hash"` // upper-case hex of sha256(tx bytes)
	Height    int64    `json:"height"`
	Index     int      `json:"index"` // position in the block
	Code      uint32   `json:"code"`  // 0 is success
	Codespace string   `json:"codespace,omitempty"`
	Signer    string   `json:"signer"`   // the first signer's address (bech32)
	Messages  []string `json:"messages"` // message type URLs, in order
	Fee       string   `json:"fee"`      // e.g. "1234rao"
	GasWanted int64    `json:"gas_wanted"`
	GasUsed   int64    `json:"gas_used"`
	Memo      string   `json:"memo,omitempty"`
	// Log is the raw log of a failed tx (empty on success).
	Log string `json:"log,omitempty"`
	// Addresses are every bech32 address the tx's messages and events name (signer, recipients,
	// coldkeys, hotkeys); they index the tx for the account and hotkey pages.
	Addresses []string `json:"addresses,omitempty"`
}

// Epoch is one subnet epoch (EventEpoch) and its emission split.
type Epoch struct {
	Netuid            uint16 `json:"netuid"`
	Epoch             uint64 `json:"epoch"`
	Height            int64  `json:"height"`
	Emission          string `json:"emission"`
	OwnerEmission     string `json:"owner_emission"`
	MinerEmission     string `json:"miner_emission"`
	ValidatorEmission string `json:"validator_emission"`
	TakeEmission      string `json:"take_emission"`
	Neurons           uint32 `json:"neurons"`
}

// Neuron is one row of a subnet's metagraph as read from the chain at a height.
type Neuron struct {
	Netuid          uint16 `json:"netuid"`
	UID             uint32 `json:"uid"`
	Hotkey          string `json:"hotkey"`
	Coldkey         string `json:"coldkey"`
	Stake           string `json:"stake"`
	Rank            uint32 `json:"rank"`
	Trust           uint32 `json:"trust"`
	Consensus       uint32 `json:"consensus"`
	Incentive       uint32 `json:"incentive"`
	Dividends       uint32 `json:"dividends"`
	ValidatorTrust  uint32 `json:"validator_trust"`
	Emission        string `json:"emission"`
	Active          bool   `json:"active"`
	ValidatorPermit bool   `json:"validator_permit"`
	LastUpdate      int64  `json:"last_update"`
	RegisteredAt    int64  `json:"registered_at"`
	// Axon is "host:port" of the served axon, empty when none is served.
	Axon string `json:"axon"`
}

// NeuronEpoch is a neuron's metagraph row recorded right after an epoch of its subnet: the
// history the neuron page charts.
type NeuronEpoch struct {
	Neuron
	Epoch  uint64 `json:"epoch"`
	Height int64  `json:"height"`
}

// Subnet is a subnet's current description, refreshed by the indexer whenever a block touches it.
type Subnet struct {
	Netuid    uint16 `json:"netuid"`
	Name      string `json:"name"`
	Owner     string `json:"owner"`
	CreatedAt int64  `json:"created_at"`
	Locked    string `json:"locked"`
	// Hyperparams is the chain's Hyperparameters message as JSON (proto field names).
	Hyperparams string `json:"hyperparams"`
	Tempo       uint64 `json:"tempo"`
	Neurons     uint32 `json:"neurons"`
	// RegistrationPrice is the price to register a neuron at UpdatedAt.
	RegistrationPrice string `json:"registration_price"`
	// LastEpochEmission is the emission of the subnet's latest epoch ("0" before its first).
	LastEpochEmission string `json:"last_epoch_emission"`
	// Dissolved is true once the subnet was dissolved (its rows stay for history).
	Dissolved bool  `json:"dissolved"`
	UpdatedAt int64 `json:"updated_at"` // height the row was read at
}

// Offence is one punished intelligence offence (x/slashing EventOffence).
type Offence struct {
	ID           uint64 `json:"id"`
	Kind         string `json:"kind"` // the OffenceKind enum name
	Netuid       uint16 `json:"netuid"`
	Hotkey       string `json:"hotkey"`
	Epoch        uint64 `json:"epoch"`
	Height       int64  `json:"height"`
	EvidenceHash string `json:"evidence_hash"` // hex
	Slashed      string `json:"slashed"`       // rao
	Reward       string `json:"reward"`        // rao
	Burned       string `json:"burned"`        // rao
}

// BlockData is everything the indexer learned from one block; Store.WriteBlock writes it in one
// database transaction together with the cursor, so a block is either fully indexed or not at all.
type BlockData struct {
	Block Block
	Txs   []Tx
	// Epochs are the subnet epochs that ran in this block.
	Epochs []Epoch
	// History holds the metagraph rows read after the epochs of this block (one row per neuron of
	// each subnet in Epochs).
	History []NeuronEpoch
	// Metagraphs replaces the current metagraph of each listed subnet (key: netuid) with the
	// given rows; subnets not listed keep theirs. An empty slice clears a subnet's metagraph.
	Metagraphs map[uint16][]Neuron
	// Subnets are upserted; a subnet not listed keeps its row.
	Subnets  []Subnet
	Offences []Offence
}

// Earning is what a coldkey's neurons earned in one subnet epoch: the sum of the emission of its
// hotkeys' NeuronEpoch rows at that epoch.
type Earning struct {
	Netuid   uint16 `json:"netuid"`
	Epoch    uint64 `json:"epoch"`
	Height   int64  `json:"height"`
	Emission string `json:"emission"` // rao
}
