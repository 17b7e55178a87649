package types

import govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

// ModuleName is the module name. It is the SDK gov module's name on purpose: taochain's x/gov
// decorates the SDK module rather than replacing it, so `taod tx gov`, `taod q gov`, the gov module
// account (the params authority of every module) and the gov store all keep their SDK identity.
const ModuleName = govtypes.ModuleName
