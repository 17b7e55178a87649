// Package types holds taochain's governance query types (taochain.gov.v1) and the small keeper
// interfaces x/gov depends on.
package types
