package ibcapp

const (
	// PortID is the IBC port the application binds to; counterparties must use it too.
	PortID = "intelligence"
	// Version is the only channel version the application speaks.
	Version = "taochain-intelligence-1"
	// MaxTopK is the largest k a query may ask for. It bounds the acknowledgement size.
	MaxTopK = 64
)

// Event types and attribute keys emitted by the application.
const (
	// EventTypeQueryAnswered is emitted by the answering chain for every received query packet.
	EventTypeQueryAnswered = "intelligence_query_answered"
	// EventTypeQueryResult is emitted by the requesting chain when an acknowledgement arrives.
	EventTypeQueryResult = "intelligence_query_result"
	// EventTypeQueryTimeout is emitted by the requesting chain when a query packet timed out.
	EventTypeQueryTimeout = "intelligence_query_timeout"

	AttributeKeyChannel  = "channel"
	AttributeKeySequence = "sequence"
	AttributeKeyNetuid   = "netuid"
	AttributeKeyK        = "k"
	AttributeKeySuccess  = "success"
	AttributeKeyError    = "error"
	AttributeKeyMiners   = "miners"
	AttributeKeyResult   = "result"
)
