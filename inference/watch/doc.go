// Package watch turns what the chain says about one subnet — metagraph, epoch schedule, last
// epoch — into the live summary `taoworker watch` prints: height, epoch, and per neuron its role,
// incentive, dividends and the TAO it has earned since the watcher started. It is pure: the caller
// fetches the chain state and hands it over, so the bookkeeping is tested without a node.
package watch
