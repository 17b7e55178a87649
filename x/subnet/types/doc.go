// Package types holds the x/subnet state types (generated from proto/taochain/subnet/v1), the
// store layout, parameters, registered errors and the pure, deterministic math of the module:
// registration price decay, subnet lock cost and share-pool accounting.
package types
